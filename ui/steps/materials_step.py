"""Step 3 — the materials: one merged list for all chosen items (the core merges shared ones,
keeping the most copies), each ticked as received; a conditional material is explained and
counts only once the clerk ticks "条件适用".

Keys: Space ticks the current row as received (on the 条件 column it toggles 条件适用) and
moves on to the next material still missing; Alt+A ticks everything that applies. The page
opens on the first missing material (a reopened case never starts on a ticked one), or, with
nothing missing, on the step's main action.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from counterapp.case_model import Case, CaseMaterial, CaseState
from counterapp.catalogue_model import MaterialForm
from ui.comfort import set_kind
from ui.qt import (
    QBrush,
    QColor,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QObject,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.steps.base import StepPage, VisitHost, heading, note
from ui.table_model import RowTableModel, row_table_view
from ui.visit_flow import Step

if TYPE_CHECKING:
    from counterapp.app import Counter
    from ui.table_model import AnyIndex

MISSING_BACKGROUND = QColor("#ffebee")
NOT_APPLYING = QColor("#9e9e9e")


class Column(IntEnum):
    RECEIVED = 0
    NAME = 1
    FORM = 2
    COUNT = 3
    CONDITION = 4


HEADERS = ("已收", "材料名称", "形式", "份数", "要求 / 条件适用")


class MaterialTableModel(RowTableModel[CaseMaterial]):
    # (material key, column, checked): the panel asks the core, then shows the new case
    toggled = Signal(str, int, bool)

    columns = Column
    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editable = False

    def set_case(self, case: Case | None) -> None:
        self.editable = case is not None and case.state in (
            CaseState.RECEIVED,
            CaseState.MATERIALS_INCOMPLETE,
        )
        self.set_rows(() if case is None else case.materials)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        material = self.rows[index.row()]
        if self.editable and (
            (index.column() == Column.RECEIVED and material.applies)
            or (index.column() == Column.CONDITION and not material.required)
        ):
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def cell(self, m: CaseMaterial, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.RECEIVED:
                return "已收" if m.received else ("缺" if m.missing else "—")
            if column == Column.NAME:
                return m.name
            if column == Column.FORM:
                return MaterialForm(m.form).label
            if column == Column.COUNT:
                return f"{m.copies}份"
            return "必交" if m.required else f"条件适用：{m.condition}"
        if role == Qt.ItemDataRole.CheckStateRole:
            if column == Column.RECEIVED and m.applies:
                return Qt.CheckState.Checked if m.received else Qt.CheckState.Unchecked
            if column == Column.CONDITION and not m.required:
                return Qt.CheckState.Checked if m.applies else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole and m.missing:
            return QBrush(MISSING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and not m.applies:
            return QBrush(NOT_APPLYING)
        if role == Qt.ItemDataRole.ToolTipRole and m.condition:
            return f"仅在「{m.condition}」时需要；适用时勾选“条件适用”"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not self.editable:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.toggled.emit(self.rows[index.row()].key, index.column(), checked)
        return False  # the row changes when the core answers


class MaterialsStep(StepPage):
    step = Step.MATERIALS

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self._advance = False  # after a tick by Space: on to the next missing material
        self.model = MaterialTableModel(self)
        self.table = row_table_view(self.model)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.CONDITION, QHeaderView.ResizeMode.Stretch)
        self.summary = note()
        self.all_button = QPushButton("全部已收(&A)")
        self.explain = note(
            "空格＝勾选已收；在“条件适用”列按空格＝该条件适用于本人。"
            "浅灰色的条件材料不适用时无须提交。"
        )
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("③ 材料核验 · 所选事项的材料已合并为一张清单"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explain)
        layout.addLayout(row)
        self.model.toggled.connect(self._toggled)
        self.all_button.clicked.connect(self.receive_all)
        self.table.installEventFilter(self)

    def show_case(self, case: Case | None) -> None:
        current = self.table.currentIndex()
        row, column = max(current.row(), 0), max(current.column(), 0)
        self.model.set_case(case)
        self.table.resizeRowsToContents()
        if case is not None and case.materials:
            row = min(row, len(case.materials) - 1)
            if self._advance:
                row, column = self._missing_row(case, after=row), Column.RECEIVED
            self.table.setCurrentIndex(self.model.index(row, column))
        self._advance = False
        self.all_button.setEnabled(self.model.editable)
        if case is None:
            self.summary.setText("")
            return
        needed = [m for m in case.materials if m.applies]
        missing = case.missing_materials
        text = f"应交 {len(needed)} 项，已收 {len(needed) - len(missing)} 项"
        if missing:
            text += f"，尚缺 {len(missing)} 项：" + "、".join(m.name for m in missing)
        else:
            text += "，材料齐全"
        self.summary.setText(text)
        set_kind(self.summary, "warn" if missing else "ok")

    def focus_first(self) -> None:
        case = self.host.case
        if case is None or not case.missing_materials:
            self.host.focus_main_action()
            return
        self.table.setCurrentIndex(self.model.index(self._missing_row(case), Column.RECEIVED))
        self.table.setFocus()

    @staticmethod
    def _missing_row(case: Case, after: int = -1) -> int:
        """The first missing material after row `after` (wrapping round), else `after`."""
        rows = case.materials
        order = [*range(after + 1, len(rows)), *range(0, after + 1)]
        return next((i for i in order if rows[i].missing), max(after, 0))

    def _toggled(self, key: str, column: int, checked: bool) -> None:
        case, clerk = self.host.case, self.ctx.clerk_id
        if case is None:
            return
        if column == Column.CONDITION:
            self.host.case_op(lambda c: c.cases.set_condition_applies(case.id, key, checked, clerk))
        else:
            self.host.case_op(lambda c: c.cases.mark_material(case.id, key, checked, clerk))

    def receive_all(self) -> None:
        case, clerk = self.host.case, self.ctx.clerk_id
        if case is None or not self.model.editable:
            return
        keys = [m.key for m in case.missing_materials]

        def work(c: Counter) -> Case:
            current = c.cases.get(case.id)
            for key in keys:
                current = c.cases.mark_material(case.id, key, True, clerk)
            return current

        self.host.case_op(work)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            index = self.table.currentIndex()
            if index.isValid() and self.model.editable:
                m = self.model.rows[index.row()]
                if index.column() == Column.CONDITION and not m.required:
                    self.model.toggled.emit(m.key, Column.CONDITION, not m.applies)
                elif m.applies:
                    self._advance = not m.received
                    self.model.toggled.emit(m.key, Column.RECEIVED, not m.received)
            return True
        return False
