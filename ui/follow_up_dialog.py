"""Bad-rating follow-up (差评整改回访): the ratings 不满意 / 非常不满意 still waiting for their
call-back, oldest due date first, overdue ones in red. The clerk selects one, writes what was
done (整改 and the call to the citizen) and records it; it then leaves the list.

The clerk calls the citizen back, so the name and phone are shown in full: this is the clerk's
own work list, never a public surface (those mask, see `counterapp.privacy`).

Opened from the window's 办件 menu (Ctrl+Shift+R); built on first use, never at start-up.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any, NamedTuple

from counterapp.app import Counter
from counterapp.case_model import Case
from counterapp.ratings import Rating
from ui import comfort
from ui.context import AppContext
from ui.dialogs import note_edit
from ui.ops import RATING, Changes
from ui.qt import (
    QBrush,
    QColor,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.table_model import RowTableModel, row_table_view

OVERDUE = QColor("#ffcdd2")


class FollowUpRow(NamedTuple):
    rating: Rating
    case_no: str
    applicant_name: str
    phone: str  # whom to call back, e.g. "13812345678" or "代办人 李明 13987654321"

    @property
    def due(self) -> date:
        assert self.rating.follow_up_due is not None  # pending follow-ups always have one
        return date.fromisoformat(self.rating.follow_up_due[:10])


def load_follow_ups(counter: Counter) -> list[FollowUpRow]:
    """Runs on the store thread."""
    rows = []
    for rating in counter.ratings.pending_follow_ups():
        case = counter.cases.get(rating.case_id)
        rows.append(FollowUpRow(rating, case.case_no, case.applicant.name, call_back(case)))
    return rows


def call_back(case: Case) -> str:
    """The number to call: the applicant's, else the agent's (named), else say there is none."""
    if case.applicant.phone:
        return case.applicant.phone
    if case.agent is not None and case.agent.phone:
        return f"代办人 {case.agent.name} {case.agent.phone}"
    return "未留电话"


class Column(IntEnum):
    DUE = 0
    URGENCY = 1
    CASE_NO = 2
    APPLICANT = 3
    PHONE = 4
    LEVEL = 5
    REASON = 6


class FollowUpModel(RowTableModel[FollowUpRow]):
    columns = Column
    headers = ("回访期限", "状态", "办件号", "申请人", "联系电话", "评价", "差评原因")

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today

    def overdue(self, row: FollowUpRow) -> bool:
        return row.due < self.today

    def text(self, row: FollowUpRow, column: Column) -> str:
        match column:
            case Column.DUE:
                return row.due.isoformat()
            case Column.URGENCY:
                if self.overdue(row):
                    return f"已逾期 {(self.today - row.due).days} 天"
                return "今日到期" if row.due == self.today else "待回访"
            case Column.CASE_NO:
                return row.case_no
            case Column.APPLICANT:
                return row.applicant_name
            case Column.PHONE:
                return row.phone
            case Column.LEVEL:
                return row.rating.level.label
        return row.rating.reason or ""

    def cell(self, row: FollowUpRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and self.overdue(row):
            return QBrush(OVERDUE)
        return None


class FollowUpDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("差评整改回访")
        self.resize(900, 520)
        title = QLabel("待回访的差评（须在评价后15个工作日内整改并回访）")
        comfort.style(title, 1.15, bold=True)
        self.model = FollowUpModel(ctx.clock.today(), self)
        self.table = row_table_view(self.model, stretch=Column.REASON)
        self.summary = QLabel()
        self.note = note_edit("整改回访情况：已采取的整改措施、回访时间和方式、办事人意见")
        self.note.setMaximumHeight(110)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.record_button = QPushButton("登记回访(&S)")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("所选差评的整改回访情况（必填）"))
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.record_button.clicked.connect(self.record)
        self.close_button.clicked.connect(self.reject)
        ctx.ops.changed.connect(self._on_changed)

    def reload(self) -> None:
        self.ctx.ops.query(load_follow_ups, self._show, parent=self)

    def _show(self, rows: list[FollowUpRow]) -> None:
        self.model.today = self.ctx.clock.today()
        self.model.set_rows(rows)
        overdue = sum(1 for row in rows if self.model.overdue(row))
        self.summary.setText(
            f"待回访 {len(rows)} 件，其中已逾期 {overdue} 件" if rows else "没有待回访的差评。"
        )
        comfort.set_kind(self.summary, "error" if overdue else "")
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def selected(self) -> FollowUpRow | None:
        return self.model.row_at(self.table.currentIndex())

    def record(self) -> None:
        row, clerk, text = self.selected(), self.ctx.clerk_id, self.note.toPlainText().strip()
        if row is None:
            self._say("请先在列表中选中一条差评", "error")
            return
        if not text:
            self._say("请填写整改回访情况", "error")
            self.note.setFocus()
            return
        case_id = row.rating.case_id

        def done(_rating: Rating) -> None:
            self.note.clear()
            self._say(f"已登记办件 {row.case_no} 的整改回访。", "ok")

        self.ctx.ops.change(
            lambda c: c.ratings.follow_up_done(case_id, clerk, text),
            RATING,
            on_success=done,
            origin=self,
            parent=self,
        )

    def _say(self, text: str, kind: str) -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, kind)

    def _on_changed(self, changes: Changes, _origin: object) -> None:
        if changes.rating:
            self.reload()
