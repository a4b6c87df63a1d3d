"""Clerk login (经办人员登录): choose who works at which window.

Accounts are simple for now — a choice from the station's clerks, no password; hardening
(PINs, roles, locking) comes with its own issue. When the station has no clerk yet, one can
be added here.
"""

from __future__ import annotations

from counterapp.station import Clerk
from ui import comfort
from ui.dialogs import answer_buttons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


class LoginDialog(QDialog):
    def __init__(self, station_name: str, clerks: list[Clerk], window_no: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("经办人员登录")
        self.setMinimumWidth(380)
        self.clerks = [clerk for clerk in clerks if clerk.active]
        self.clerk_box = QComboBox()
        for clerk in self.clerks:
            self.clerk_box.addItem(f"{clerk.name}（工号 {clerk.login}）", clerk.id)
        self.window_box = QSpinBox()
        self.window_box.setRange(1, 99)
        self.window_box.setValue(window_no)
        self.window_box.setSuffix(" 号窗口")
        self.new_login = QLineEdit()
        self.new_name = QLineEdit()
        form = QFormLayout()
        if self.clerks:
            form.addRow("经办人员", self.clerk_box)
        else:
            form.addRow(QLabel("本站尚无经办人员，请先添加："))
            form.addRow("工号", self.new_login)
            form.addRow("姓名", self.new_name)
        form.addRow("窗口", self.window_box)
        buttons, _ok = answer_buttons(self, "登录", self.accept, cancel_text="退出")
        title = QLabel(station_name)
        comfort.style(title, 1.25, bold=True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def clerk(self) -> Clerk | None:
        index = self.clerk_box.currentIndex()
        return self.clerks[index] if self.clerks and index >= 0 else None

    @property
    def window_no(self) -> int:
        return self.window_box.value()

    @property
    def new_clerk(self) -> tuple[str, str]:
        return self.new_login.text().strip(), self.new_name.text().strip()
