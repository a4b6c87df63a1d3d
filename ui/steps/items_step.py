"""Step 2 — the items (办理事项): this level's checklist first, search by Chinese text, an
alias (慢特病), code or pinyin initials (`ydjy` → 异地就医, `mzmtb` → 门诊慢特病), several items
per visit; items this station only collects and forwards (收集转报 / 帮办代办) are marked.
A search that finds nothing says so, with a hint."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from counterapp.case_model import Case
from counterapp.cases import merged_materials
from counterapp.catalogue_model import LevelMode
from ui.item_index import Entry, no_match_hint
from ui.qt import (
    QBrush,
    QColor,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.steps.base import StepPage, VisitHost, heading, note
from ui.table_fit import rows_fit_text
from ui.table_model import RowTableModel, row_table_view
from ui.visit_flow import Step, items_editable

FORWARD_BACKGROUND = QColor("#fff3e0")
MODE_TAGS = {
    LevelMode.HANDLE: "本级办理",
    LevelMode.COLLECT: "【收集转报】",
    LevelMode.ASSIST: "【帮办代办】",
}


class Column(IntEnum):
    CHOSEN = 0
    CODE = 1
    TITLE = 2
    MODE = 3
    LIMIT = 4


HEADERS = ("选", "编码", "事项（主项 / 子项）", "办理方式", "时限")


class ItemTableModel(RowTableModel[Entry]):
    columns = Column
    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chosen: list[str] = []

    def chosen_changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def cell(self, entry: Entry, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.CHOSEN:
                return "✓" if entry.item.code in self.chosen else ""
            if column == Column.CODE:
                return entry.item.code
            if column == Column.TITLE:
                return entry.item.title
            if column == Column.MODE:
                return MODE_TAGS[entry.mode]
            return f"{entry.item.kind.label} {entry.item.time_limit.label}"
        if role == Qt.ItemDataRole.BackgroundRole and entry.mode != LevelMode.HANDLE:
            return QBrush(FORWARD_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole:
            forward = (
                "本站收集材料，3个工作日内报送上级办理"
                if entry.mode != LevelMode.HANDLE
                else "本站当场受理办理"
            )
            also = f"\n又称：{'、'.join(entry.item.aliases)}" if entry.item.aliases else ""
            return f"{entry.item.title}{also}\n办理对象：{entry.item.applicants}\n{forward}"
        return None


class ItemsStep(StepPage):
    step = Step.ITEMS

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "输入事项名称、俗称、编码或拼音首字母（如 ydjy＝异地就医），回车选中首行，↓ 进入列表"
        )
        self.empty_note = note(kind="warn")
        self.empty_note.setObjectName("itemsEmpty")
        self.empty_note.hide()
        self.model = ItemTableModel(self)
        self.table = row_table_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        # A title longer than its column wraps onto a second line: cut, two sub-items of one
        # main item (…异地住院医疗费用报销 / …门诊慢性病医疗费用报销) would read the same.
        rows_fit_text(self.table)
        self.chosen_list = QListWidget()
        self.remove_button = QPushButton("移除所选事项(Del)")
        self.materials_note = note()
        self.chosen_list.setWordWrap(True)
        self.chosen_list.setMinimumWidth(200)
        self.lock_note = note(kind="warn")
        right = QVBoxLayout()
        chosen_label = QLabel("已选事项（空格/回车选中或取消）")
        chosen_label.setWordWrap(True)
        right.addWidget(chosen_label)
        right.addWidget(self.chosen_list, 1)
        right.addWidget(self.remove_button)
        right.addWidget(self.materials_note)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.empty_note)
        left.addWidget(self.table, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 4)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading("② 办理事项 · 本级清单在前，标【收集转报】【帮办代办】的须报送上级")
        )
        layout.addWidget(self.lock_note)
        layout.addLayout(columns, 1)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        self.chosen_list.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self.toggle(index.row()))
        self.remove_button.clicked.connect(self.remove_selected)
        self.filter("")

    @property
    def chosen(self) -> list[str]:
        return list(self.model.chosen)

    def filter(self, text: str) -> None:
        index = self.ctx.item_index
        self.model.set_rows(index.search(text))
        if self.model.rows:
            self.table.selectRow(0)
        nothing = bool(text.strip()) and not self.model.rows
        self.empty_note.setText(no_match_hint(text, index.pinyin_ready) if nothing else "")
        self.empty_note.setVisible(nothing)

    def toggle(self, row: int) -> None:
        if not items_editable(self.host.case) or not 0 <= row < len(self.model.rows):
            return
        code = self.model.rows[row].item.code
        if code in self.model.chosen:
            self.model.chosen.remove(code)
        else:
            self.model.chosen.append(code)
        self._chosen_changed()

    def pick_highlighted(self) -> None:
        """Enter in the search: the highlighted row is added (never removed: that is Space or
        Enter in the list), and the search is ready for the next item."""
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.model.rows) and (
            self.model.rows[row].item.code not in self.model.chosen
        ):
            self.toggle(row)
        self.search.selectAll()

    def choose(self, codes: list[str]) -> None:
        self.model.chosen = list(codes)
        self._chosen_changed()

    def remove_selected(self) -> None:
        row = self.chosen_list.currentRow()
        if items_editable(self.host.case) and 0 <= row < len(self.model.chosen):
            del self.model.chosen[row]
            self._chosen_changed()

    def _chosen_changed(self) -> None:
        self.model.chosen_changed()
        catalogue = self.ctx.catalogue
        self.chosen_list.clear()
        for code in self.model.chosen:
            mode = catalogue.mode_for(self.ctx.station.level, code)
            tag = "" if mode == LevelMode.HANDLE else f" {MODE_TAGS[mode]}"
            self.chosen_list.addItem(QListWidgetItem(f"{catalogue.item(code).title}{tag}"))
        if self.model.chosen:
            materials = merged_materials(catalogue, self.model.chosen, False)
            sources = sum(len(catalogue.item(code).materials) for code in self.model.chosen)
            shared = (
                f"，共用材料已合并 {sources - len(materials)} 项"
                if sources > len(materials)
                else ""
            )
            self.materials_note.setText(
                f"{len(self.model.chosen)} 个事项，材料 {len(materials)} 项{shared}"
            )
        else:
            self.materials_note.setText("尚未选择事项")

    def show_case(self, case: Case | None) -> None:
        if case is not None:
            self.choose([item.item_code for item in case.items])
        editable = items_editable(case)
        self.lock_note.setText("" if editable else "办件已受理或已出具告知单，事项不能再更改")
        self.lock_note.setVisible(not editable)
        self.remove_button.setEnabled(editable)

    def reset(self) -> None:
        self.search.clear()
        self.choose([])

    def focus_first(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False  # Ctrl+Enter is "next step"
        if watched is self.search and key == Qt.Key.Key_Down:
            self.table.setFocus()
            return True
        if watched is self.search and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.pick_highlighted()
            return True
        if watched is self.table:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
                self.toggle(self.table.currentIndex().row())
                return True
            if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.search.setFocus()
                return True
        if watched is self.chosen_list and key == Qt.Key.Key_Delete:
            self.remove_selected()
            return True
        return False
