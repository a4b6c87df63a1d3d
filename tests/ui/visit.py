"""Helpers that act as a clerk on the real widgets (clicks and keys, never core calls)."""

from __future__ import annotations

from ui.main_window import MainWindow
from ui.qt import QApplication, QInputMethodEvent, Qt
from ui.visit_flow import Step

from .conftest import settle


def type_text(qtbot, widget, text: str) -> None:
    """Type as a clerk does: ASCII by key presses, Chinese committed by the input method
    (QTest cannot press keys for characters outside ASCII)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


class Clerk:
    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.panel = window.case_panel
        self.ops = window.ctx.ops

    def settle(self) -> None:
        settle(self.qtbot, self.ops)

    def click(self, widget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.text()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.settle()

    def key(self, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(widget, key, modifier)
        self.settle()

    def call_next(self) -> None:
        self.window.queue_panel.call_next.trigger()
        self.settle()

    def applicant(self, name: str, id_number: str, phone: str = "") -> None:
        page = self.panel.applicant
        type_text(self.qtbot, page.name, name)
        self.qtbot.keyClicks(page.id_field.edit, id_number)
        if phone:
            self.qtbot.keyClicks(page.phone, phone)
        self.settle()

    def next(self) -> None:
        self.click(self.panel.next_button)

    def choose_items(self, *queries: str) -> None:
        page = self.panel.items
        for query in queries:
            page.search.clear()
            self.qtbot.keyClicks(page.search, query)
            assert page.model.rows, f"nothing found for {query!r}"
            self.qtbot.keyClick(page.search, Qt.Key.Key_Down)
            self.qtbot.keyClick(page.table, Qt.Key.Key_Return)
        self.settle()

    def tick_all_materials(self) -> None:
        self.click(self.panel.materials.all_button)

    def at(self, step: Step) -> bool:
        return self.panel.current_step == step

    def rate(self, stars: int, reasons: tuple[int, ...] = (), text: str = "") -> None:
        from ui.rating_dialog import RatingDialog

        self.click(self.panel.rating.rate_button)
        dialog = self.window.ctx.dialogs.latest(RatingDialog)
        assert dialog is not None
        self.click(dialog.buttons[stars])
        if stars <= 2:  # a bad rating stays open for its reason; a good one closes at once
            for index in reasons:
                self.click(dialog.reason_buttons.itemAt(index).widget())
            if text:
                type_text(self.qtbot, dialog.reason_edit, text)
            self.click(dialog.submit_button)
        self.settle()


class Keyboard:
    """Presses keys on whatever has the focus, as a clerk does, and counts them: a command
    key is one press; typed text counts its characters (Chinese: one per character, as the
    input method commits it)."""

    MNEMONIC_WAIT_MS = 250  # Alt+letter "animates" its button's click (100 ms in Qt 6)

    def __init__(self, qtbot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.ops = window.ctx.ops
        self.presses = 0
        self.typed = 0

    def focused(self):
        """The focus widget. When a dialog closed, the window under it becomes active again,
        as a window manager does (the offscreen platform activates nothing by itself)."""
        if QApplication.activeWindow() is None:
            self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
        return QApplication.focusWidget()

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.presses += 1
        self.qtbot.keyClick(self.focused(), key, modifier)
        settle(self.qtbot, self.ops)

    def ctrl_enter(self) -> None:
        self.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    def alt(self, letter: str) -> None:
        """Alt+letter: a button's mnemonic clicks it a moment later, so wait for that."""
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
        self.qtbot.wait(self.MNEMONIC_WAIT_MS)
        settle(self.qtbot, self.ops)

    def type(self, text: str) -> None:
        self.typed += len(text)
        type_text(self.qtbot, self.focused(), text)
        settle(self.qtbot, self.ops)
