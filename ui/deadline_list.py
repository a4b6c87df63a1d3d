"""The station's open and overdue cases with their deadlines, most urgent first (限时办结).

Overdue cases come first in red, then by deadline (amber when due today or the next working
day); forwarded cases count working days. Enter or a double-click continues the case.
Overdue complaints (投诉, 15 working days) are listed under the cases, in red; 投诉处理
(Ctrl+Shift+J) handles them.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from counterapp.case_search import DeadlineRow, open_deadlines
from counterapp.complaints import Complaint
from ui.context import AppContext
from ui.ops import Changes
from ui.qt import (
    QBrush,
    QColor,
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.table_fit import ShareWidth
from ui.table_model import RowTableModel, row_table_view

RED, AMBER = QColor("#ffcdd2"), QColor("#ffe082")


class Column(IntEnum):
    URGENCY = 0
    DUE = 1
    KIND = 2
    APPLICANT = 3
    STATE = 4
    CASE_NO = 5
    OWNER = 6
    ITEMS = 7


# Widths in characters of the columns that wrap, so 事项 (at least ITEMS_LEAST) has room:
# 今日（即办） | 2026-11-18 / 09:46（暂定） | 上级办结 / 期限 | 已转报上级 / （帮办代办）
WRAPPED: dict[int, int] = {Column.URGENCY: 6, Column.DUE: 7, Column.KIND: 4, Column.STATE: 6}
ITEMS_LEAST = 12


class DeadlineModel(RowTableModel[DeadlineRow]):
    columns = Column
    headers = ("紧急程度", "期限", "期限类别", "申请人", "状态", "办件号", "首问负责人", "事项")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def urgency(self, row: DeadlineRow) -> tuple[str, QColor | None]:
        if row.due is None:
            return "未受理", None
        if row.overdue:
            return "已超期", RED
        today = self.ctx.clock.today()
        if len(row.due) > 10:
            return "今日（即办）", AMBER
        due = row.due_moment
        assert due is not None
        left = self.ctx.counter.calendar.working_days_between(today, due.date())
        if due.date() == today:
            return "今日到期", AMBER
        return f"剩 {left} 个工作日", AMBER if left <= 1 else None

    def text(self, row: DeadlineRow, column: Column) -> str:
        case = row.case
        match column:
            case Column.URGENCY:
                return self.urgency(row)[0]
            case Column.DUE:
                due = (row.due or "—").replace("T", " ")[:16]
                return due + ("（暂定）" if row.provisional else "")
            case Column.KIND:
                return row.kind
            case Column.CASE_NO:
                return case.case_no
            case Column.APPLICANT:
                return case.applicant_name
            case Column.STATE:
                return case.state_text
            case Column.OWNER:
                return case.owner_name
        return case.item_titles

    def cell(self, row: DeadlineRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self.urgency(row)[1]
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.ITEMS:
            return "\n".join(item.title for item in row.case.items)
        return None


class DeadlineList(QWidget):
    open_requested = Signal(int)  # case id
    overdue_counted = Signal(int)  # how many open cases are past their deadline, at each read

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = DeadlineModel(ctx)
        self.table = row_table_view(self.model)
        header = self.table.horizontalHeader()
        header.moveSection(header.visualIndex(Column.ITEMS), header.visualIndex(Column.STATE))
        self.columns = ShareWidth(self.table, Column.ITEMS, WRAPPED, ITEMS_LEAST)
        self.summary = QLabel()
        self.complaints = QLabel()
        self.complaints.setWordWrap(True)
        self.complaints.setStyleSheet(f"background: {RED.name()}; padding: 4px")
        self.complaints.hide()
        self.open_button = QPushButton("继续办理所选办件(&R)")
        self.refresh_button = QPushButton("刷新")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.complaints)
        layout.addLayout(row)
        self.table.activated.connect(self._open)
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex()))
        self.refresh_button.clicked.connect(self.reload)
        ctx.ops.changed.connect(self._on_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.reload)
        self._timer.start()

    def reload(self) -> None:
        now = self.ctx.clock.now()
        self.ctx.ops.query(lambda c: open_deadlines(c.store, now), self._show, parent=self)
        self.ctx.ops.query(lambda c: c.complaints.overdue(now), self._show_complaints, parent=self)

    def _show_complaints(self, overdue: list[Complaint]) -> None:
        lines = [
            f"{c.complaint_no}　{c.name}　{c.about[:30]}　期限 {c.due}（{c.state.label}）"
            for c in overdue
        ]
        self.complaints.setText(
            f"超期投诉 {len(overdue)} 件（投诉处理 Ctrl+Shift+J）：\n" + "\n".join(lines)
        )
        self.complaints.setVisible(bool(overdue))

    def _show(self, rows: list[DeadlineRow]) -> None:
        self.model.set_rows(rows)
        overdue = sum(1 for row in rows if row.overdue)
        self.summary.setText(f"未办结 {len(rows)} 件，其中已超期 {overdue} 件")
        self.overdue_counted.emit(overdue)

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_requested.emit(row.case.id)

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.case or changes.complaint:
            self.reload()
