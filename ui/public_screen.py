"""A screen for the public — the ticket kiosk, the hall display — that the public cannot leave.

Full screen, frameless and on top; brought back to full screen if anything minimises or
shrinks it. No key closes it: Ctrl+Shift+Q, Alt+F4 or the window manager's close ask for the
station administrator's code (`ui.screen_exit_dialog`), and only the right code closes it.
The program itself may close it (`release`): the clerk's menu closes the hall display it
opened, and the counter window closes it when it closes.

What the public sees is for the public: messages meant for staff (an address, an error) go to
the log, never into a box on this screen (`PublicDialogs`, which `ui.startup` gives a kiosk
or hall PC's operations).

This keeps the program's own window in place; the PC itself (the Windows key, Ctrl+Alt+Del, a
second session) is locked down by the operating system — README, "Kiosk and hall display".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ui.dialogs import Dialogs
from ui.ops import Ops
from ui.qt import QEvent, QKeySequence, QShortcut, Qt, QTimer, QWidget
from ui.screen_exit_dialog import ExitTries, ScreenExitDialog

if TYPE_CHECKING:
    from ui.qt import QCloseEvent, QScreen

log = logging.getLogger(__name__)
CLOSE_KEYS = "Ctrl+Shift+Q"


class PublicDialogs(Dialogs):
    """The dialog service of a kiosk or hall PC: messages for staff are logged, not shown."""

    def error(self, parent: QWidget | None, text: str) -> None:
        log.warning("not shown on the public screen: %s", text)

    def info(self, parent: QWidget | None, text: str) -> None:
        log.info("not shown on the public screen: %s", text)


class PublicScreen(QWidget):
    """Base of the kiosk and the hall display; `screen_name` names it to staff."""

    screen_name = "公共屏幕"

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self._released = False  # the program may close it
        self._kept_full = False  # shown full screen: kept so
        self.exit_tries = ExitTries(self)  # wrong codes given here
        QShortcut(QKeySequence(CLOSE_KEYS), self, self.ask_to_close)

    def show_full_screen(self, screen: QScreen | None = None) -> None:
        """Full screen (on `screen`, if given), and kept so."""
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
        self._kept_full = True
        self.showFullScreen()

    def ask_to_close(self) -> None:
        """Staff asked to close it: the administrator's code decides."""
        if self.ops.dialogs.latest(ScreenExitDialog) is not None:
            return
        dialog = ScreenExitDialog(self.ops, self.screen_name, self.exit_tries, self)
        dialog.accepted.connect(self.release)
        self.ops.dialogs.open(dialog)

    def release(self) -> None:
        """Close it for good (the right code was given, or the program closes it)."""
        self._released = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._released:
            super().closeEvent(event)
            return
        event.ignore()  # Alt+F4, the window manager, a stray close()
        self.ask_to_close()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self._kept_full
            and not self._released
            and (self.isMinimized() or not self.isFullScreen())
        ):
            QTimer.singleShot(0, self.showFullScreen)  # minimised or restored: back
