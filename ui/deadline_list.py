"""The station's open and overdue cases with their deadlines, most urgent first (限时办结).

Overdue cases come first in red, then by deadline (amber when due today or the next working
day); forwarded cases count working days. Enter or a double-click continues the case.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from counterapp.case_search import DeadlineRow, open_deadlines
from ui.context import AppContext
from ui.ops import Changes
from ui.qt import (
    QBrush,
    QColor,
    QEvent,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.table_model import RowTableModel, row_table_view, rows_fit_text

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


# Widths in characters of the columns that wrap, so 事项 has room on a 1366×768 screen:
# 今日（即办） | 2026-11-18 / 09:46（暂定） | 上级办结 / 期限 | 已转报上级 / （帮办代办）
WRAPPED = {Column.URGENCY: 6, Column.DUE: 7, Column.KIND: 4, Column.STATE: 6}
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
        rows_fit_text(self.table)
        self.table.viewport().installEventFilter(self)  # its width shares out the columns
        self.summary = QLabel()
        self.open_button = QPushButton("继续办理所选办件(&R)")
        self.refresh_button = QPushButton("刷新")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.table.activated.connect(self._open)
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex()))
        self.refresh_button.clicked.connect(self.reload)
        ctx.ops.changed.connect(self._on_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.reload)
        self._timer.start()

    def size_columns(self) -> None:
        """Short columns wrap at a few characters; 事项 takes the rest of the width, and at
        least `ITEMS_LEAST` characters (in large-font mode the list then scrolls sideways, past
        办件号 and 首问负责人, which come after it)."""
        header, table = self.table.horizontalHeader(), self.table
        em = table.fontMetrics().horizontalAdvance("汉")
        for column in Column:
            if column in WRAPPED:
                width = WRAPPED[column] * em + em // 2
            else:
                width = table.sizeHintForColumn(column)
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))
        others = sum(header.sectionSize(column) for column in Column if column != Column.ITEMS)
        header.resizeSection(Column.ITEMS, max(ITEMS_LEAST * em,
                                               table.viewport().width() - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.size_columns()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # large-font mode on or off
            self.size_columns()
        super().changeEvent(event)

    def reload(self) -> None:
        now = self.ctx.clock.now()
        self.ctx.ops.query(lambda c: open_deadlines(c.store, now), self._show, parent=self)

    def _show(self, rows: list[DeadlineRow]) -> None:
        self.model.set_rows(rows)
        self.size_columns()
        overdue = sum(1 for row in rows if row.overdue)
        self.summary.setText(f"未办结 {len(rows)} 件，其中已超期 {overdue} 件")
        self.overdue_counted.emit(overdue)

    def _open(self, index) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_requested.emit(row.case.id)

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.case:
            self.reload()
