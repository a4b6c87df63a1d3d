"""The 监测台账 list as a clerk meets it: opened with Ctrl+Shift+M in the counter window,
highest cost first, ID numbers masked in the table and in full for the selected person; a
contact recorded with its way and content, a wrong one refused in Chinese with nothing stored."""

from __future__ import annotations

from counterapp import watch_list
from tests.conftest import make_id
from tests.ui.visit import Clerk
from ui.qt import QApplication, Qt
from ui.watch_list import Column, WatchListDialog

PEOPLE = [
    ("欧阳娜娜", make_id(sequence="201"), "脱贫人口", 1_234_560, "东村"),
    ("𠮷春燕", make_id(sequence="202"), "其他", 3_000_000, "西村"),
]


def _receive(counter) -> None:
    people = [
        {"id_number": n, "name": name, "category": c, "cost_fen": f, "area": a}
        for name, n, c, f, a in PEOPLE
    ]
    published = {"id": 1, "published_at": "2026-11-24T10:00:00+08:00", "people": people}
    watch_list.apply_published(counter.store, published, counter.clock)


def test_the_clerk_opens_the_list_and_records_a_contact(qtbot, window, dialogs, counter):
    _receive(counter)
    clerk = Clerk(qtbot, window)
    clerk.key(
        QApplication.focusWidget(),
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = dialogs.latest(WatchListDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    model = dialog.model
    assert model.data(model.index(0, Column.NAME)) == "𠮷春燕"  # the highest cost first
    assert (
        model.data(model.index(0, Column.ID_NUMBER))
        == PEOPLE[1][1][:4] + "*" * 10 + PEOPLE[1][1][-4:]
    )
    assert model.data(model.index(0, Column.COST)) == "30,000.00"
    assert PEOPLE[1][1] in dialog.person.text()  # the selected person in full
    assert "共 2 人，已联系 0 人" in dialog.summary.text()

    dialog.note.setText("告知医疗救助政策\u202e")  # an invisible direction override
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "看不见的控制字符" in dialog.status.text())
    assert watch_list.contacts(counter.store, PEOPLE[1][1]) == []

    dialog.method.setCurrentText("上门")
    dialog.content.setCurrentText("医疗救助已转报")
    dialog.note.setText("已上门告知，材料已收齐转报")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已登记" in dialog.status.text())
    [contact] = watch_list.contacts(counter.store, PEOPLE[1][1])
    assert (contact.method, contact.content, contact.clerk) == ("上门", "医疗救助已转报", "王丽")
    qtbot.waitUntil(lambda: model.data(model.index(0, Column.CONTACTS)) == "1")
    assert "已联系 1 人" in dialog.summary.text()
