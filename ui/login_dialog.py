"""Clerk login (经办人员登录): who works at which window, proven by their PIN.

The dialog only asks: `login_requested` carries the login, the PIN and the window, the start-up
checks the PIN on the store thread (argon2id, ~0.2 s) and answers with `refused(message)` —
the dialog stays, the PIN is cleared — or `logged_in()`, which closes it. The clerk who last
logged in on this PC is chosen in advance, so the keys go straight to the PIN. The demo store
shows its demo PIN here; nothing else does.

On a window PC of a queue host the clerks are the host's, read at start-up: when the host could
not be reached the dialog says so (`host_problem`) and offers 重新连接 (`retry_requested`; the
start-up reads them again and answers with `show_clerks`).
"""

from __future__ import annotations

from counterapp.station import ROLE_NAMES, Clerk
from ui import comfort
from ui.account_box import pin_edit
from ui.dialogs import answer_buttons
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    Signal,
)

NO_CLERKS = "本站没有在岗的经办人员，请站长用命令行 counterapp clerk 处理"
NO_HOST_LIST = (
    "无法从排队主机读取本站人员名单：{problem}\n本机还没有排队主机的人员名单，"
    "请确认排队主机已开机并运行柜员程序，再点“重新连接”。"
)
LAST_HOST_LIST = (
    "排队主机暂时无法连接，下列人员是上次从排队主机读取的名单；叫号等排队操作须等主机恢复。"
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
    retry_requested = Signal()  # a window PC: read the host's clerks again

    def __init__(
        self,
        station_name: str,
        clerks: list[Clerk],
        window_no: int,
        last_login: str = "",
        hint: str = "",
        parent: QWidget | None = None,
        *,
        from_host: bool = False,
        host_problem: str = "",
    ) -> None:
        """`from_host`: this PC is a window of a queue host, whose clerks these are."""
        super().__init__(parent)
        self.setWindowTitle("经办人员登录")
        self.setMinimumWidth(420)
        self.clerks = clerks
        self._last_login = last_login
        self.clerk_box = QComboBox()
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
        self.retry_button = QPushButton("重新连接(&R)")
        self.retry_button.setToolTip("重新从排队主机读取本站人员名单")
        self.retry_button.clicked.connect(self._retry)
        if from_host:
            buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            self.retry_button.hide()
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
        self._from_host = from_host
        self.show_clerks(clerks, host_problem)

    def show_clerks(self, clerks: list[Clerk], host_problem: str = "") -> None:
        """Who may log in, and on a window PC whether the host's list could be read now."""
        chosen = self.login or self._last_login
        self.clerks = clerks
        fill_clerks(self.clerk_box, clerks, chosen)
        self.retry_button.setEnabled(True)
        self.ok_button.setEnabled(bool(clerks))
        if self._from_host and host_problem:
            self._say(LAST_HOST_LIST if clerks else NO_HOST_LIST.format(problem=host_problem))
        elif not clerks:
            self._say(NO_CLERKS)
        else:
            self.message.hide()
        self.pin.setFocus()

    def _retry(self) -> None:
        self.retry_button.setEnabled(False)
        self.message.hide()
        self.retry_requested.emit()

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
