"""The screen lock (锁屏): what covers the counter window while its clerk is away, and the
watch for idle time that brings it up.

`LockScreen` replaces the window's content (the queue, the case, the lists: nothing personal
stays on the screen) with who is logged in, a choice of clerk and a PIN field. The same
clerk's PIN unlocks; another clerk's PIN takes over the window (a clerk switch, recorded as a
hand-over). The window decides what the PIN is checked against (`MainWindow.unlock`).

`IdleWatcher` sees every key and mouse event of the program (an application event filter) and
says `idle` once none came for the station's idle-lock time (`accounts.idle_lock_minutes`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from counterapp.station import Clerk
from ui import comfort
from ui.account_box import pin_edit
from ui.login_dialog import fill_clerks
from ui.qt import (
    QComboBox,
    QEvent,
    QFormLayout,
    QFrame,
    QLabel,
    QObject,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    application,
)

SWITCH_HINT = (
    "其他人员选择本人并输入PIN即为换人接班：\n"
    "当前办件交由接班人员继续办理，首问负责人不变，交接记录在案。"
)
CHECK_MS = 5_000  # how often the idle time is looked at


class LockScreen(QWidget):
    unlock_requested = Signal(str, str)  # login, PIN

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("屏幕已锁定")
        comfort.style(title, 1.6, bold=True)
        self.who = QLabel()
        self.clerk_box = QComboBox()
        self.pin = pin_edit("请输入PIN")
        self.unlock_button = QPushButton("解锁(&U)")
        self.unlock_button.setDefault(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        comfort.set_kind(self.message, "error")
        self.message.hide()
        self.note = QLabel()  # why the lock came, when the queue host asked for the PIN
        self.note.setWordWrap(True)
        comfort.set_kind(self.note, "warn")
        self.note.hide()
        hint = QLabel(SWITCH_HINT)  # lines of its own: no wrapping, so no height guessed
        form = QFormLayout()
        form.addRow("经办人员", self.clerk_box)
        form.addRow("PIN", self.pin)
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMinimumWidth(540)
        inner = QVBoxLayout(panel)
        for widget in (title, self.who, self.note):
            inner.addWidget(widget)
        inner.addLayout(form)
        inner.addWidget(self.unlock_button)
        inner.addWidget(self.message)
        inner.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.unlock_button.clicked.connect(self._unlock)
        self.pin.returnPressed.connect(self._unlock)

    def show_for(self, current: Clerk, window_no: int, clerks: list[Clerk]) -> None:
        """Who is logged in; the station's clerks to choose from, the current one chosen."""
        self.who.setText(f"{window_no}号窗口　当前经办人：{current.label}")
        fill_clerks(self.clerk_box, clerks, current.login)
        self.pin.clear()
        self.message.hide()
        self.unlock_button.setEnabled(True)
        self.pin.setFocus()

    def refused(self, message: str) -> None:
        self.pin.clear()
        self.message.setText(message)
        self.message.show()
        self.unlock_button.setEnabled(True)
        self.pin.setFocus()

    def say_why(self, note: str) -> None:
        """Why the window is locked, until it is unlocked ("": by the clerk or idle time)."""
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _unlock(self) -> None:
        login, pin = str(self.clerk_box.currentData() or ""), self.pin.text()
        if not login or not pin or not self.unlock_button.isEnabled():
            return
        self.pin.clear()  # the PIN is kept nowhere once it is on its way
        self.unlock_button.setEnabled(False)
        self.message.hide()
        self.unlock_requested.emit(login, pin)


class IdleWatcher(QObject):
    """`idle` once no key or mouse event came for `minutes`; `now` is replaceable in tests."""

    idle = Signal()

    def __init__(
        self, minutes: int, now: Callable[[], float] = time.monotonic, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._now = now
        self.seconds = minutes * 60.0
        self.last = now()
        self._activity = {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        application().installEventFilter(self)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.seconds = minutes * 60.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._activity:
            self.last = self._now()
        return False

    def check(self) -> None:
        if self._now() - self.last >= self.seconds:
            self.last = self._now()
            self.idle.emit()

    def stop(self) -> None:
        self.timer.stop()
        application().removeEventFilter(self)
