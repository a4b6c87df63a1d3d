"""The screen lock, another clerk taking over, 人员管理 and the journalled look-ups, driven by
keys on the real window over a real store."""

from __future__ import annotations

import json

from counterapp.accounts import IDLE_LOCK_SETTING
from counterapp.case_model import Person
from counterapp.queue import Lane, TicketStatus
from tests.conftest import PIN, make_id
from tests.test_accounts import clerk_events
from ui.admin_check_dialog import AdminCheckDialog
from ui.follow_up_dialog import FollowUpDialog
from ui.lock_screen import IdleWatcher
from ui.qt import QApplication, QEvent, QKeyEvent, QLabel, QLineEdit, Qt
from ui.staff_dialog import StaffDialog

from .conftest import settle
from .visit import Keyboard

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
NAME = "欧阳秀英"
NUMBER = make_id(birth="19520714")


def shown_texts(window) -> str:
    """Every text a visible widget of the window shows."""
    found = [
        w.text()
        for w in window.findChildren(QLineEdit) + window.findChildren(QLabel)
        if w.isVisible()
    ]
    return " ".join(found)


def lock(keys: Keyboard) -> None:
    keys.press(Qt.Key.Key_L, CTRL_ALT)


def test_the_lock_hides_the_case_and_the_same_pin_brings_it_back(qtbot, window, counter):
    keys = Keyboard(qtbot, window)
    counter.queue.issue(Lane.NORMAL)
    window.queue_panel.reload()
    settle(qtbot, window.ctx.ops)
    window.case_panel.applicant.name.setFocus()
    keys.type(NAME)
    assert NAME in shown_texts(window)
    lock(keys)
    assert window.locked and not window.case_panel.isVisible()
    assert not window.menuBar().isVisible()
    assert NAME not in shown_texts(window) and "屏幕已锁定" in shown_texts(window)
    assert QApplication.focusWidget() is window.lock_page.pin
    keys.press(Qt.Key.Key_F2)  # the work's keys do nothing behind the lock
    keys.press(Qt.Key.Key_F12)
    assert counter.queue.waiting()[0].status == TicketStatus.WAITING
    assert window.tabs.currentIndex() == 0
    keys.type("999888")
    keys.press(Qt.Key.Key_Return)
    assert window.locked and "PIN不正确" in window.lock_page.message.text()
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    assert not window.locked and window.case_panel.isVisible()
    assert window.case_panel.applicant.name.text() == NAME  # the work stays as it was
    assert QApplication.focusWidget() is window.case_panel.applicant.name
    kinds = [e["kind"] for e in clerk_events(counter, counter.clerk_a)]
    assert kinds[-3:] == ["screen_locked", "login_failed", "screen_unlocked"]


def test_another_clerk_takes_over_the_window_and_its_case(qtbot, window, counter):
    a, b = counter.clerk_a, counter.clerk_b
    case = counter.cases.open_case(Person(NAME, NUMBER, "13812345678"), ["YB0202"], a.id)
    window.open_case(case.id)
    settle(qtbot, window.ctx.ops)
    keys = Keyboard(qtbot, window)
    lock(keys)
    box = window.lock_page.clerk_box
    assert box.currentData() == "1001" and box.count() == 2
    box.setCurrentIndex(box.findData("1002"))
    window.lock_page.pin.setFocus()
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    assert not window.locked and window.ctx.session.clerk == b
    assert "李强" in window.windowTitle() and "经办人：李强" in window.who.text()
    stored = counter.cases.get(case.id)
    assert (stored.owner_clerk_id, stored.handler_clerk_id) == (a.id, b.id)
    assert window.case_panel.case.handler_clerk_id == b.id
    assert clerk_events(counter, b, "switched")[0]["data"]["from"] == "1001"


def test_dialogs_hide_behind_the_lock_and_the_admins_close(qtbot, window, counter):
    keys = Keyboard(qtbot, window)
    window.open_follow_ups()
    settle(qtbot, window.ctx.ops)
    follow_ups = window.ctx.dialogs.latest(FollowUpDialog)
    window.open_staff()
    settle(qtbot, window.ctx.ops)
    check = window.ctx.dialogs.latest(AdminCheckDialog)
    assert follow_ups.isVisible() and check.isVisible()
    window.activateWindow()
    window.lock("by_hand")
    settle(qtbot, window.ctx.ops)
    assert not follow_ups.isVisible() and window.ctx.dialogs.latest(AdminCheckDialog) is None
    window.lock_page.pin.setFocus()
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    assert follow_ups.isVisible() and window.ctx.dialogs.latest(AdminCheckDialog) is None


def test_the_station_admin_manages_clerks_behind_their_pin(qtbot, window, counter):
    keys = Keyboard(qtbot, window)
    window.open_staff()
    settle(qtbot, window.ctx.ops)
    check = window.ctx.dialogs.latest(AdminCheckDialog)
    assert check.admin_box.currentData() == "1001" and check.admin_box.count() == 1
    keys.type("999888")
    keys.press(Qt.Key.Key_Return)
    assert check.isVisible() and "PIN不正确" in check.message.text()
    keys.type(PIN)
    keys.press(Qt.Key.Key_Return)
    staff = window.ctx.dialogs.latest(StaffDialog)
    assert staff is not None and staff.model.rowCount() == 2
    new = staff.new_account
    for field, text in (
        (new.login, "1003"),
        (new.name, "赵敏"),
        (new.pins.pin, "390721"),
        (new.pins.again, "390721"),
    ):
        field.setFocus()
        keys.type(text)
    keys.alt("A")  # 添加
    assert "已添加经办人员赵敏" in staff.status.text() and staff.model.rowCount() == 3
    staff.table.selectRow(1)  # 李强
    keys.alt("D")  # 停用
    assert "李强已停用" in staff.status.text()
    assert not staff.deactivate_button.isEnabled() and staff.reactivate_button.isEnabled()
    staff.idle_minutes.setValue(3)
    keys.alt("S")
    assert counter.settings.get(IDLE_LOCK_SETTING) == 3 and window.idle_watch.seconds == 180
    by_admin = [(e["kind"]) for e in clerk_events(counter) if e["by"] == counter.clerk_a.id]
    assert by_admin[-4:] == ["admin_verified", "created", "deactivated", "idle_lock_set"]


def test_the_idle_watch_locks_after_the_stations_time(qtbot, window, counter):
    now = [1000.0]
    watch = IdleWatcher(10, now=lambda: now[0], parent=window)
    watch.idle.connect(lambda: window.lock("idle"))
    now[0] += 599
    watch.check()
    assert not window.locked
    QApplication.sendEvent(
        window.case_panel.applicant.name,  # a key: the clock starts again
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
    )
    now[0] += 599
    watch.check()
    assert not window.locked
    now[0] += 1
    watch.check()
    assert window.locked
    settle(qtbot, window.ctx.ops)
    assert clerk_events(counter, counter.clerk_a, "screen_locked")[-1]["data"]["why"] == "idle"
    watch.stop()
    assert window.idle_watch is not None and window.idle_watch.seconds == 600  # the default


def test_searches_of_personal_data_are_journalled_masked(qtbot, window, counter):
    counter.cases.open_case(Person(NAME, NUMBER, "13812345678"), ["YB0202"], counter.clerk_b.id)
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F12)
    keys.type(NUMBER)
    keys.press(Qt.Key.Key_Return)
    assert window.search.model.rowCount() == 1
    rows = counter.store.all("SELECT clerk_id, data FROM events WHERE kind = 'looked_up'")
    assert [r["clerk_id"] for r in rows] == [counter.clerk_a.id]
    data = json.loads(rows[0]["data"])
    assert data["what"] == "case_search" and NUMBER not in rows[0]["data"]
    assert data["id_masked"] == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
