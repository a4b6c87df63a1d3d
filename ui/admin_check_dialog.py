"""站长验证: the station admin types their PIN before 人员管理 opens — also when the admin is
the clerk logged in (a PC left unlocked for a moment does not open it). A wrong PIN counts
towards the admin's lockout like any other."""

from __future__ import annotations

from counterapp import accounts
from counterapp.accounts import Login, LoginRefused
from counterapp.app import Counter
from counterapp.station import Clerk
from ui import comfort
from ui.account_box import pin_edit
from ui.context import AppContext
from ui.dialogs import answer_buttons
from ui.login_dialog import fill_clerks
from ui.ops import Changes
from ui.qt import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget, Signal


class AdminCheckDialog(QDialog):
    verified = Signal(object)  # Login of the admin

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("站长验证")
        self.setMinimumWidth(400)
        self.admin_box = QComboBox()
        self.pin = pin_edit("站长的PIN")
        self.message = QLabel("人员管理须由站长输入PIN后进行。")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("站长", self.admin_box)
        form.addRow("PIN", self.pin)
        buttons, self.ok_button = answer_buttons(self, "确定", self.check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def load(self) -> None:
        me = self.ctx.session.clerk.login
        self.ctx.ops.query(_admins, lambda found: self._show(found, me), parent=self)

    def _show(self, admins: list[Clerk], me: str) -> None:
        fill_clerks(self.admin_box, admins, me)
        self.pin.setFocus()

    def check(self) -> None:
        login, pin = str(self.admin_box.currentData() or ""), self.pin.text()
        if not login or not pin:
            return
        self.ok_button.setEnabled(False)
        window = self.ctx.window_no

        def verified(admin: Login) -> None:
            self.pin.clear()
            self.accept()
            self.verified.emit(admin)

        def refused(error: BaseException) -> bool:
            if not isinstance(error, LoginRefused):
                return False
            self.pin.clear()
            self.ok_button.setEnabled(True)
            self.message.setText(str(error))
            comfort.set_kind(self.message, "error")
            self.pin.setFocus()
            return True

        self.ctx.ops.change(
            lambda c: accounts.authenticate(
                c.store, login, pin, c.clock, kind=accounts.ADMIN_VERIFIED, data={"window": window}
            ),
            Changes(),
            on_success=verified,
            on_failure=refused,
            parent=self,
            label="正在核对PIN…",
        )


def _admins(counter: Counter) -> list[Clerk]:
    return [clerk for clerk in accounts.can_log_in(counter.store) if clerk.is_admin]
