"""Case search (办件查询): by name, ID number (shown masked), case number, date and state.

A case still waiting for materials (or not yet finished) can be continued from here — the
citizen brought the missing materials back; the first-contact clerk stays its owner.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from counterapp import lookups
from counterapp.case_model import OPEN_STATES, CaseState
from counterapp.case_search import CaseSummary
from counterapp.privacy import mask_id_number
from ui.context import AppContext
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.table_fit import ShareWidth
from ui.table_model import RowTableModel, row_table_view

CONTINUABLE = (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE, CaseState.ACCEPTED)


class Column(IntEnum):
    CASE_NO = 0
    DAY = 1
    NAME = 2
    ID_NUMBER = 3
    STATE = 4
    ITEMS = 5
    OWNER = 6


class SearchModel(RowTableModel[CaseSummary]):
    columns = Column
    headers = ("办件号", "日期", "申请人", "身份证号", "状态", "事项", "首问负责人")

    def cell(self, row: CaseSummary, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.ITEMS:
            return "\n".join(item.title for item in row.items)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            row.case_no,
            row.day.isoformat(),
            row.applicant_name,
            mask_id_number(row.applicant_id_number),
            row.state_text,
            row.item_titles,
            row.owner_name,
        )[column]


class CaseSearch(QWidget):
    open_requested = Signal(int)  # case id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.text = QLineEdit()
        self.text.setPlaceholderText("姓名、身份证号（或后4位以上）、办件号")
        self.by_date = QCheckBox("按日期")
        day = ctx.clock.today()
        today = QDate(day.year, day.month, day.day)
        self.day_from = QDateEdit(today.addDays(-30))
        self.day_to = QDateEdit(today)
        for edit in (self.day_from, self.day_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.by_date.toggled.connect(self.day_from.setEnabled)
        self.by_date.toggled.connect(self.day_to.setEnabled)
        self.state = QComboBox()
        self.state.addItem("全部状态", None)
        self.state.addItem("未办结（全部）", "open")
        for state in CaseState:
            self.state.addItem(state.label, state.value)
        self.search_button = QPushButton("查询(&F)")
        self.continue_button = QPushButton("继续办理（补交材料）(&R)")
        self.model = SearchModel(self)
        self.table = row_table_view(self.model)
        header = self.table.horizontalHeader()  # 事项 after 申请人: in sight in large-font mode
        header.moveSection(header.visualIndex(Column.ITEMS), header.visualIndex(Column.ID_NUMBER))
        self.columns = ShareWidth(self.table, Column.ITEMS, {Column.STATE: 6}, least=12)
        self.summary = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.text, 2)
        filters.addWidget(self.by_date)
        filters.addWidget(self.day_from)
        filters.addWidget(QLabel("至"))
        filters.addWidget(self.day_to)
        filters.addWidget(self.state)
        filters.addWidget(self.search_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.text.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.continue_button.clicked.connect(self.continue_selected)
        self.table.activated.connect(lambda _index: self.continue_selected())

    def search(self) -> None:
        text = self.text.text()
        day_from: date | None = None
        day_to: date | None = None
        if self.by_date.isChecked():
            day_from, day_to = _day(self.day_from.date()), _day(self.day_to.date())
        chosen = self.state.currentData()
        states = OPEN_STATES if chosen == "open" else ((CaseState(chosen),) if chosen else ())
        clerk = self.ctx.clerk_id
        self.ctx.ops.query(  # a look-up of personal data: journalled with what was searched
            lambda c: lookups.search_cases(
                c, clerk, text, day_from=day_from, day_to=day_to, states=states
            ),
            self._show,
            parent=self,
        )

    def _show(self, rows: list[CaseSummary]) -> None:
        self.model.set_rows(rows)
        self.summary.setText(
            f"找到 {len(rows)} 件" + ("（最多显示200件）" if len(rows) >= 200 else "")
        )
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def continue_selected(self) -> None:
        row = self.model.row_at(self.table.currentIndex())
        if row is None:
            return
        if row.state not in CONTINUABLE:
            self.ctx.dialogs.error(self, f"该办件{row.state.label}，不能继续办理")
            return
        self.open_requested.emit(row.id)


def _day(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
