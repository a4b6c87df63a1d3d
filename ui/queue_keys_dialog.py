"""On the queue host: its certificate fingerprint and the keys it issued, one per client PC
(排队密钥管理). A new key is shown once, with the fingerprint, to be entered on that PC; a
revoked key is refused from then on and stays listed. Opened from 排队设置."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from counterapp.app import Counter
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import NAME_MAX, Access, Grant
from counterapp.queue import QueueError
from ui import comfort
from ui.context import AppContext
from ui.ops import STATION
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.table_model import RowTableModel, row_table_view

ONCE = "只显示这一次，请在该电脑的“窗口 → 排队设置”中录入（连同上面的证书指纹）："


class Column(IntEnum):
    NAME = 0
    ACCESS = 1
    ISSUED = 2
    STATE = 3


class GrantModel(RowTableModel[Grant]):
    columns = Column
    headers = ("电脑", "用途", "发放时间", "状态")

    def cell(self, row: Grant, column: Any, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == Column.NAME:
            return row.name
        if column == Column.ACCESS:
            return f"{row.access.label}（{row.access.duty}）"
        if column == Column.ISSUED:
            return f"{row.issued_at:%Y-%m-%d %H:%M}"
        return "有效" if row.revoked_at is None else f"已吊销 {row.revoked_at:%Y-%m-%d %H:%M}"


def _host_keys(counter: Counter) -> tuple[str, list[Grant]]:
    """The host key's fingerprint and the keys issued; on the store thread."""
    return tls.key_pin(tls.host_key()), access.grants(counter.store)


class QueueKeysDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("排队密钥管理")
        self.pin = QLabel("正在读取…")
        self.pin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        comfort.style(self.pin, 1.15, bold=True)
        self.model = GrantModel(self)
        self.table = row_table_view(self.model, stretch=Column.NAME)
        self.access = QComboBox()
        for kind in Access:
            self.access.addItem(f"{kind.label}（{kind.duty}）", kind)
        self.name = QLineEdit()
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText("哪台电脑，如 3号窗口、大厅取号机")
        self.issue_button = QPushButton("发放密钥(&K)")
        self.issue_button.clicked.connect(self.issue)
        self.revoke_button = QPushButton("吊销所选(&R)")
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.issued = QLabel()
        self.issued.setWordWrap(True)
        self.issued.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        issue_row = QHBoxLayout()
        issue_row.addWidget(self.access)
        issue_row.addWidget(self.name, 1)
        issue_row.addWidget(self.issue_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("本机证书指纹（在每台客户端电脑上录入）："))
        layout.addWidget(self.pin)
        layout.addWidget(QLabel("已发放的排队密钥（每台电脑一个，吊销后该电脑无法再连接）："))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(issue_row)
        layout.addWidget(self.issued)
        layout.addWidget(self.problem)
        layout.addWidget(close)
        self.resize(720, 480)

    def load(self) -> None:
        self.ctx.ops.query(_host_keys, self._show, parent=self)

    def _show(self, found: tuple[str, list[Grant]]) -> None:
        pin, grants = found
        self.pin.setText(tls.shown(pin))
        self.model.set_rows(grants)

    def issue(self) -> None:
        kind = Access(self.access.currentData())
        name = self.name.text()

        def issued(result: tuple[Grant, str]) -> None:
            grant, secret = result
            self.name.clear()
            self.problem.clear()
            self.issued.setText(
                f"“{grant.name}”（{grant.access.label}）的排队密钥{ONCE}"
                f"<br><b style='font-size:16pt'>{secret}</b>"
            )
            self.load()

        def refused(error: BaseException) -> bool:
            if not isinstance(error, QueueError):
                return False
            self.problem.setText(str(error))
            return True

        self.ctx.ops.change(
            lambda c: access.issue(c.store, kind, name, c.clock),
            STATION,
            on_success=issued,
            on_failure=refused,
            parent=self,
        )

    def selected(self) -> Grant | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def ask_revoke(self) -> None:
        grant = self.selected()
        if grant is None or not grant.active:
            self.problem.setText("请先在列表中选择一个有效的密钥")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "吊销排队密钥",
            f"吊销“{grant.name}”（{grant.access.label}）的排队密钥？吊销后该电脑"
            "立即无法连接，须发放新密钥才能再用。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText("吊销")
        box.button(QMessageBox.StandardButton.No).setText("取消")
        box.buttonClicked.connect(lambda clicked: self.revoke(grant) if clicked == yes else None)
        self.ctx.dialogs.open(box)

    def revoke(self, grant: Grant) -> None:
        self.problem.clear()
        self.ctx.ops.change(
            lambda c: access.revoke(c.store, grant.id, c.clock),
            STATION,
            on_success=lambda _grant: self.load(),
            parent=self,
        )
