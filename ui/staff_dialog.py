"""人员管理 (menu 窗口): the station admin adds clerks, sets or resets a PIN, deactivates,
reactivates and unlocks a clerk, and sets after how many idle minutes the counter windows
lock. Opened only with the admin's `Login` (站长验证), which the core checks again for each
change; the screen lock closes this dialog rather than hiding it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from counterapp import accounts
from counterapp.accounts import Account, Login
from counterapp.app import Counter
from counterapp.station import ADMIN, CLERK, ROLE_NAMES, StationError
from ui import comfort
from ui.account_box import AccountBox, PinFields
from ui.context import AppContext
from ui.ops import STATION
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.table_model import RowTableModel, row_table_view


class Column(IntEnum):
    LOGIN = 0
    NAME = 1
    ROLE = 2
    STATE = 3


class AccountsModel(RowTableModel[Account]):
    columns = Column
    headers = ("工号", "姓名", "角色", "状态")

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now

    def cell(self, row: Account, column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        clerk = row.clerk
        return (clerk.login, clerk.name, ROLE_NAMES[clerk.role], row.state_text(self.now))[column]


class StaffDialog(QDialog):
    idle_lock_changed = Signal(int)  # minutes

    def __init__(self, ctx: AppContext, admin: Login, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin = admin
        self.setWindowTitle(f"人员管理 — 站长：{admin.clerk.name}")
        self.model = AccountsModel(ctx.clock.now(), self)
        self.table = row_table_view(self.model, stretch=Column.STATE)
        self.table.setMinimumHeight(150)
        chosen = QGroupBox("所选人员")
        chosen_form = QFormLayout(chosen)
        self.reset_pins = PinFields(chosen_form, "新PIN")
        self.reset_button = QPushButton("重设PIN(&R)")
        self.deactivate_button = QPushButton("停用(&D)")
        self.reactivate_button = QPushButton("启用(&E)")
        self.unlock_button = QPushButton("解除锁定(&U)")
        row = QHBoxLayout()
        for button in (
            self.reset_button,
            self.unlock_button,
            self.deactivate_button,
            self.reactivate_button,
        ):
            row.addWidget(button)
        chosen_form.addRow(row)
        self.new_account = AccountBox("新增人员")
        self.role = QComboBox()
        for role in (CLERK, ADMIN):
            self.role.addItem(ROLE_NAMES[role], role)
        add_form = self.new_account.layout()
        assert isinstance(add_form, QFormLayout)
        add_form.addRow("角色", self.role)
        self.add_button = QPushButton("添加(&A)")
        add_form.addRow(self.add_button)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(accounts.IDLE_LOCK_RANGE[0], accounts.IDLE_LOCK_RANGE[-1])
        self.idle_minutes.setSuffix(" 分钟无操作自动锁屏")
        self.idle_button = QPushButton("保存锁屏时间(&S)")
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(self.idle_button)
        idle_row.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        columns = QHBoxLayout()
        columns.addWidget(chosen, 1)
        columns.addWidget(self.new_account, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(columns)
        layout.addLayout(idle_row)
        layout.addWidget(self.status)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.reset_button.clicked.connect(self.reset_pin)
        self.deactivate_button.clicked.connect(
            lambda: self._on_selected(accounts.deactivate, "已停用")
        )
        self.reactivate_button.clicked.connect(
            lambda: self._on_selected(accounts.reactivate, "已启用")
        )
        self.unlock_button.clicked.connect(lambda: self._on_selected(accounts.unlock, "已解除锁定"))
        self.add_button.clicked.connect(self.add)
        self.idle_button.clicked.connect(self.save_idle_lock)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.setMinimumWidth(760)
        self._enable()

    def reload(self) -> None:
        def show(found: tuple[list[Account], int]) -> None:
            rows, minutes = found
            self.model.now = self.ctx.clock.now()
            current = self.selected()
            self.model.set_rows(rows)
            logins = [row.clerk.login for row in rows]
            self.table.selectRow(
                logins.index(current.clerk.login)
                if current is not None and current.clerk.login in logins
                else 0
            )
            self.idle_minutes.setValue(minutes)
            self._enable()

        self.ctx.ops.query(
            lambda c: (accounts.accounts(c.store), accounts.idle_lock_minutes(c.settings)),
            show,
            parent=self,
        )

    def selected(self) -> Account | None:
        return self.model.row_at(self.table.currentIndex())

    def _enable(self) -> None:
        """Only what applies to the chosen clerk can be pressed."""
        account = self.selected()
        active = account is not None and account.clerk.active
        self.reset_button.setEnabled(active)
        self.deactivate_button.setEnabled(active)
        self.reactivate_button.setEnabled(account is not None and not active)
        self.unlock_button.setEnabled(active and account is not None and account.failed_logins > 0)

    # --- the admin's actions -------------------------------------------------------------------
    def add(self) -> None:
        problems = self.new_account.problems()
        if problems:
            self._say("；".join(problems), "error")
            return
        login, name, pin = self.new_account.values()
        role, admin = str(self.role.currentData()), self.admin
        self._change(
            lambda c: accounts.add(c.store, admin, login, name, pin, c.clock, role),
            f"已添加{ROLE_NAMES[role]}{name}（工号 {login}）",
            self.new_account.clear,
        )

    def reset_pin(self) -> None:
        account = self.selected()
        if account is None:
            return
        problems = self.reset_pins.problems(account.clerk.login)
        if problems:
            self._say("；".join(problems), "error")
            return
        clerk_id, pin, admin = account.clerk.id, self.reset_pins.value, self.admin
        self._change(
            lambda c: accounts.reset_pin(c.store, admin, clerk_id, pin, c.clock),
            f"已为{account.clerk.name}设置新PIN",
            self.reset_pins.clear,
        )

    def _on_selected(self, action: Callable[..., object], done: str) -> None:
        account = self.selected()
        if account is None:
            return
        clerk_id, admin = account.clerk.id, self.admin
        self._change(
            lambda c: action(c.store, admin, clerk_id, c.clock), f"{account.clerk.name}{done}"
        )

    def save_idle_lock(self) -> None:
        minutes, admin = self.idle_minutes.value(), self.admin
        self._change(
            lambda c: accounts.set_idle_lock(c.store, admin, minutes, c.clock),
            f"锁屏时间已设为{minutes}分钟",
            lambda: self.idle_lock_changed.emit(minutes),
        )

    def _change(
        self, work: Callable[[Counter], object], done: str, then: Callable[[], object] | None = None
    ) -> None:
        def succeeded(_result: object) -> None:
            self._say(done, "ok")
            if then is not None:
                then()
            self.reload()

        def refused(error: BaseException) -> bool:
            if isinstance(error, StationError):
                self._say(str(error), "error")
                return True
            return False

        self.ctx.ops.change(work, STATION, on_success=succeeded, on_failure=refused, parent=self)

    def _say(self, text: str, kind: str) -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, kind)
