"""Clerk login (经办人员登录): who works at which window, proven by their PIN.

The dialog only asks: `login_requested` carries the login, the PIN and the window, the start-up
checks the PIN on the store thread (argon2id, ~0.2 s) and answers with `refused(message)` —
the dialog stays, the PIN is cleared — or `logged_in()`, which closes it. The clerk who last
logged in on this PC is chosen in advance, so the keys go straight to the PIN. The demo store
shows its demo PIN here; nothing else does.
"""

from __future__ import annotations

from counterapp.station import ROLE_NAMES, Clerk
from ui import comfort
from ui.account_box import pin_edit
from ui.dialogs import answer_buttons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    Signal,
)


def fill_clerks(box: QComboBox, clerks: list[Clerk], chosen_login: str = "") -> None:
    """The station's active clerks, `chosen_login` chosen (login and lock screen)."""
    box.clear()
    for clerk in clerks:
        role = f" · {ROLE_NAMES[clerk.role]}" if clerk.is_admin else ""
        box.addItem(f"{clerk.label}{role}", clerk.login)
    box.setCurrentIndex(max(box.findData(chosen_login), 0))


class LoginDialog(QDialog):
    login_requested = Signal(str, str, int)  # login, PIN, window number

    def __init__(self, station_name: str, clerks: list[Clerk], window_no: int,
                 last_login: str = "", hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("经办人员登录")
        self.setMinimumWidth(420)
        self.clerk_box = QComboBox()
        fill_clerks(self.clerk_box, clerks, last_login)
        self.pin = pin_edit("请输入PIN")
        self.window_box = QSpinBox()
        self.window_box.setRange(1, 99)
        self.window_box.setValue(window_no)
        self.window_box.setSuffix(" 号窗口")
        self.message = QLabel()
        self.message.setWordWrap(True)
        comfort.set_kind(self.message, "error")
        self.message.hide()
        form = QFormLayout()
        form.addRow("经办人员", self.clerk_box)
        form.addRow("PIN", self.pin)
        form.addRow("窗口", self.window_box)
        buttons, self.ok_button = answer_buttons(self, "登录", self.try_login, cancel_text="退出")
        title = QLabel(station_name)
        comfort.style(title, 1.25, bold=True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if hint:
            shown = QLabel(hint)
            shown.setWordWrap(True)
            comfort.set_kind(shown, "warn")
            layout.addWidget(shown)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if not clerks:
            self._say("本站没有在岗的经办人员，请站长用命令行 counterapp clerk 处理")
        self.pin.setFocus()

    @property
    def login(self) -> str:
        return str(self.clerk_box.currentData() or "")

    @property
    def window_no(self) -> int:
        return self.window_box.value()

    def try_login(self) -> None:
        if not self.login:
            return
        if not self.pin.text():
            self._say("请输入PIN")
            self.pin.setFocus()
            return
        self.ok_button.setEnabled(False)
        self.message.hide()
        self.login_requested.emit(self.login, self.pin.text(), self.window_no)

    def refused(self, message: str) -> None:
        self.pin.clear()
        self.ok_button.setEnabled(True)
        self._say(message)
        self.pin.setFocus()

    def logged_in(self) -> None:
        self.pin.clear()
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
