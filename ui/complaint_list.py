"""投诉处理: the station's complaints, open ones first by deadline (overdue in red), closed ones
after. The clerk selects one, sees its history, adds a handling note (处理情况), or closes it
with the result told to the complainant and their feedback (满意 / 基本满意 / 不满意).

The clerk calls the complainant back, so the name and phone are shown in full: this is the
clerk's own work list, never a public surface. Opened from the 投诉 menu (Ctrl+Shift+J).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from counterapp.complaints import Complaint, ComplaintState, Feedback, Note
from ui import comfort
from ui.context import AppContext
from ui.dialogs import note_edit
from ui.ops import COMPLAINT, Changes
from ui.qt import (
    QBrush,
    QColor,
    QComboBox,
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


class Column(IntEnum):
    NUMBER = 0
    DUE = 1
    STATE = 2
    CHANNEL = 3
    NAME = 4
    PHONE = 5
    CASE_NO = 6
    ABOUT = 7


class ComplaintModel(RowTableModel[Complaint]):
    columns = Column
    headers = ("投诉编号", "办结期限", "状态", "渠道", "投诉人", "联系电话", "关联办件", "投诉内容")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def text(self, row: Complaint, column: Column) -> str:
        match column:
            case Column.NUMBER:
                return row.complaint_no
            case Column.DUE:
                return row.due + ("（暂定）" if row.due_provisional else "")
            case Column.STATE:
                overdue = "（已超期）" if row.overdue(self.ctx.clock.now()) else ""
                return row.state.label + overdue
            case Column.CHANNEL:
                return row.channel.label
            case Column.NAME:
                return row.name
            case Column.PHONE:
                return row.phone
            case Column.CASE_NO:
                return row.case_no or ""
        return row.about

    def cell(self, row: Complaint, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and row.overdue(self.ctx.clock.now()):
            return QBrush(OVERDUE)
        return None


class ComplaintListDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("投诉处理")
        self.resize(960, 600)
        title = QLabel("本站投诉（受理后15个工作日内办结并反馈投诉人）")
        comfort.style(title, 1.15, bold=True)
        self.model = ComplaintModel(ctx, self)
        self.table = row_table_view(self.model, stretch=Column.ABOUT)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.text = note_edit("处理情况，或办结时向投诉人反馈的处理结果（最多500字）")
        self.text.setMaximumHeight(100)
        self.feedback = QComboBox()
        self.feedback.addItem("投诉人评价…", None)
        for feedback in Feedback:
            self.feedback.addItem(feedback.label, feedback)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.note_button = QPushButton("登记处理情况(&N)")
        self.close_button = QPushButton("办结(&E)")
        done = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.feedback)
        buttons.addWidget(self.note_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.history)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.note_button.clicked.connect(self.add_note)
        self.close_button.clicked.connect(self.close_selected)
        done.clicked.connect(self.reject)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_history())
        ctx.ops.changed.connect(self._on_changed)

    def reload(self) -> None:
        self.ctx.ops.query(lambda c: c.complaints.listing(), self._show, parent=self)

    def _show(self, rows: list[Complaint]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def selected(self) -> Complaint | None:
        return self.model.row_at(self.table.currentIndex())

    def _show_history(self) -> None:
        row = self.selected()
        if row is None:
            self.history.clear()
            return
        self.ctx.ops.query(lambda c: c.complaints.notes(row), self._history, parent=self)

    def _history(self, notes: list[Note]) -> None:
        lines = [f"{note.at[:16].replace('T', ' ')}　{note.text}" for note in notes]
        self.history.setText("\n".join(lines))

    def add_note(self) -> None:
        row, clerk, text = self.selected(), self.ctx.clerk_id, self.text.toPlainText()
        if row is None:
            self._say("请先在列表中选中一条投诉", "error")
            return
        self._change(lambda c: c.complaints.add_note(row.id, text, clerk), "已登记处理情况。")

    def close_selected(self) -> None:
        row, clerk, text = self.selected(), self.ctx.clerk_id, self.text.toPlainText()
        chosen = self.feedback.currentData()  # Qt hands back the str value
        feedback = None if chosen is None else Feedback(chosen)
        if row is None or row.state == ComplaintState.CLOSED:
            self._say("请先在列表中选中一条未办结的投诉", "error")
            return
        if feedback is None:
            self._say("请选择投诉人对处理结果的评价（满意 / 基本满意 / 不满意）", "error")
            return
        self._change(
            lambda c: c.complaints.close(row.id, text, feedback, clerk),
            f"投诉 {row.complaint_no} 已办结。",
        )

    def _change(self, work: Any, message: str) -> None:
        def done(_complaint: Complaint) -> None:
            self.text.clear()
            self.feedback.setCurrentIndex(0)
            self._say(message, "ok")

        def refused(error: BaseException) -> bool:
            self._say(str(error), "error")
            return True

        self.ctx.ops.change(
            work, COMPLAINT, on_success=done, on_failure=refused, origin=self, parent=self
        )

    def _say(self, text: str, kind: str) -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, kind)

    def _on_changed(self, changes: Changes, _origin: object) -> None:
        if changes.complaint:
            self.reload()
