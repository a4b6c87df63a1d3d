"""监测台账 (watch list): the county's people of this station whose accumulated hospital costs
pass the thresholds, highest cost first, with their follow-up contacts; the clerk selects one
and records a contact (when, 电话/上门/到站, what was done, a short note). The contacts sync up
to the county (`counterapp.watch_list`).

The table masks ID numbers (the window may be seen from the counter); the selected person's
box shows the number in full: calling or visiting that person is the clerk's own work.
Opened from the 办件 menu (Ctrl+Shift+M); built on first use, never at start-up.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from counterapp import watch_list
from counterapp.app import Counter
from counterapp.clock import CST
from counterapp.privacy import mask_id_number
from counterapp.watch_list import Contact, WatchPerson
from counterapp.watch_rules import CONTENTS, METHODS, NOTE, ContactInvalid, yuan
from ui import comfort
from ui.context import AppContext
from ui.ops import Changes
from ui.qt import (
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.table_model import RowTableModel, row_table_view

WATCH = Changes(station=True)


class Column(IntEnum):
    NAME = 0
    ID_NUMBER = 1
    CATEGORY = 2
    COST = 3
    AREA = 4
    CONTACTS = 5
    LAST = 6


class WatchModel(RowTableModel[WatchPerson]):
    columns = Column
    headers = ("姓名", "身份证号", "人员类别", "累计费用（元）", "所属区域", "联系次数", "最近联系")

    def cell(self, row: WatchPerson, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.COST, Column.CONTACTS):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        match column:
            case Column.NAME:
                return row.name
            case Column.ID_NUMBER:
                return mask_id_number(row.id_number)
            case Column.CATEGORY:
                return row.category
            case Column.COST:
                return yuan(row.cost_fen)
            case Column.AREA:
                return row.area
            case Column.CONTACTS:
                return str(row.contacts)
        return (row.last_contact or "未联系")[:16].replace("T", " ")


class WatchListDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("监测台账")
        self.resize(960, 600)
        title = QLabel("监测台账：累计住院费用超过监测标准的本站人员（县医保中心下发）")
        comfort.style(title, 1.15, bold=True)
        self.model = WatchModel(self)
        self.table = row_table_view(self.model, stretch=Column.AREA)
        self.summary = QLabel()
        self.person = QLabel()
        self.person.setWordWrap(True)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.when = QDateTimeEdit()
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.content = QComboBox()
        self.content.addItems(list(CONTENTS))
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE.limit)
        self.note.setPlaceholderText("联系情况：本人意见、已告知的政策、下一步帮扶（选填）")
        form = QFormLayout()
        form.addRow("联系时间(&T)", self.when)
        form.addRow("方式(&F)", self.method)
        form.addRow("内容(&N)", self.content)
        form.addRow("联系情况(&J)", self.note)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.record_button = QPushButton("登记联系(&S)")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.person)
        layout.addWidget(self.history)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.record_button.clicked.connect(self.record)
        self.close_button.clicked.connect(self.reject)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_person())

    def reload(self) -> None:
        self.ctx.ops.query(lambda c: watch_list.people(c.store), self._show, parent=self)

    def _show(self, rows: list[WatchPerson]) -> None:
        chosen = self.selected()
        self.model.set_rows(rows)
        reached = sum(1 for row in rows if row.contacts)
        self.summary.setText(
            f"共 {len(rows)} 人，已联系 {reached} 人，未联系 {len(rows) - reached} 人"
            if rows
            else "县医保中心尚未下发本站的监测台账（同步后收到）。"
        )
        numbers = [row.id_number for row in rows]
        if rows:
            index = numbers.index(chosen.id_number) if chosen and chosen.id_number in numbers else 0
            self.table.selectRow(index)
            self.table.setFocus()
        self._show_person()

    def selected(self) -> WatchPerson | None:
        return self.model.row_at(self.table.currentIndex())

    def _show_person(self) -> None:
        row = self.selected()
        now = self.ctx.clock.now().replace(tzinfo=None, second=0, microsecond=0)
        self.when.setDateTime(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))
        if row is None:
            self.person.clear()
            self.history.clear()
            return
        self.person.setText(
            f"{row.name}　身份证号 {row.id_number}　{row.category}　"
            f"累计费用 {yuan(row.cost_fen)} 元　{row.area}"
        )
        number = row.id_number
        self.ctx.ops.query(lambda c: watch_list.contacts(c.store, number), self._show_history)

    def _show_history(self, found: list[Contact]) -> None:
        lines = [
            f"{c.contacted_at[:16].replace('T', ' ')} {c.method} {c.content}"
            + (f"：{c.note}" if c.note else "")
            for c in found[:3]
        ]
        self.history.setText("已联系：" + "；".join(lines) if lines else "尚未联系。")

    def record(self) -> None:
        row, clerk = self.selected(), self.ctx.clerk_id
        if row is None:
            self._say("请先在列表中选中一人", "error")
            return
        chosen = self.when.dateTime()
        day, time = chosen.date(), chosen.time()
        when = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=CST)
        method, content, note = (
            self.method.currentText(),
            self.content.currentText(),
            self.note.text(),
        )
        number = row.id_number

        def work(counter: Counter) -> Contact:
            return watch_list.record_contact(
                counter.store, number, when, method, content, note, clerk, counter.clock
            )

        def done(_contact: Contact) -> None:
            self.note.clear()
            self._say(f"已登记对 {row.name} 的联系，将随同步报县医保中心。", "ok")
            self.reload()

        def refused(error: BaseException) -> bool:
            if not isinstance(error, ContactInvalid):
                return False
            self._say(str(error), "error")
            return True

        self.ctx.ops.change(
            work, WATCH, on_success=done, on_failure=refused, origin=self, parent=self
        )

    def _say(self, text: str, kind: str) -> None:
        self.status.setText(text)
        comfort.set_kind(self.status, kind)
