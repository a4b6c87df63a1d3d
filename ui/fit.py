"""Fitting the screen of most county PCs, 1366×768 with a taskbar: content that may be taller
than the room left for it scrolls up and down, and a window asks for no more than its screen.
tests/ui/test_fits_screen.py checks every window and dialog in both font modes."""

from __future__ import annotations

from ui.qt import QFrame, QGuiApplication, QScrollArea, QSize, Qt, QWidget

SCREEN_SHARE = 0.9  # of the screen's free height: the title bar fits in the rest


class VerticalScroll(QScrollArea):
    """Holds a page that may be taller than its room (large-font mode): it scrolls up and down,
    never sideways, so it is always as wide as the page needs. It takes no focus itself; tabbing
    through the page scrolls the focused field into view."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.setWidget(page)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for layer in (self.viewport(), page):  # see-through, like the page it replaces
            layer.setAutoFillBackground(False)

    @staticmethod
    def holding(page: QWidget) -> VerticalScroll:
        """The scroller a page was given to (the page sits in its viewport)."""
        viewport = page.parentWidget()
        scroll = viewport.parentWidget() if viewport is not None else None
        assert isinstance(scroll, VerticalScroll), "the page is not in a VerticalScroll"
        return scroll

    def minimumSizeHint(self) -> QSize:
        least = self.page.minimumSizeHint().expandedTo(self.page.minimumSize())
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(least.width() + bar, super().minimumSizeHint().height())


def within_screen(window: QWidget, wanted: QSize) -> QSize:
    """`wanted`, made no larger than 90 % of the window's screen less the taskbar."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return wanted.boundedTo(screen.availableGeometry().size() * SCREEN_SHARE)
