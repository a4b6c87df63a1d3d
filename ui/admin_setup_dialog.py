"""设置站长: a station whose store is from before clerk accounts has clerks but no admin and
no PINs. Someone must become the station admin (an existing clerk, by their 工号 and 姓名,
or a new one) with a PIN; the admin then sets the other clerks' PINs in 人员管理.
"""

from __future__ import annotations

from counterapp.station import Clerk
from ui import comfort
from ui.account_box import AccountBox
from ui.dialogs import answer_buttons
from ui.qt import QDialog, QLabel, QVBoxLayout, QWidget


class AdminSetupDialog(QDialog):
    def __init__(
        self,
        station_name: str,
        clerks: list[Clerk],
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """`problem`: why the last try was refused (the dialog is opened again with it)."""
        super().__init__(parent)
        self.setWindowTitle("设置站长")
        self.answers: tuple[str, str, str] | None = None  # login, name, PIN
        known = "、".join(clerk.label for clerk in clerks if clerk.active)
        intro = QLabel(
            f"{station_name}：本程序已升级，经办人员须凭PIN登录，请先设置站长（本站管理员）。"
            + (
                f"\n本站现有人员：{known}。填写其中一人的工号和姓名，即指定其为站长；"
                "其他人员的PIN由站长在「窗口 → 人员管理」中设置。"
                if known
                else ""
            )
        )
        intro.setWordWrap(True)
        self.account = AccountBox("站长")
        self.problems = QLabel(problem)
        self.problems.setWordWrap(True)
        comfort.set_kind(self.problems, "error")
        buttons, _ok = answer_buttons(self, "保存并继续", self.try_accept, cancel_text="退出")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.account)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def try_accept(self) -> None:
        problems = self.account.problems()
        if problems:
            self.problems.setText("；".join(problems))
            return
        self.answers = self.account.values()
        self.accept()
