"""Queue calls on their F-keys, the case search, the hall display, the large-font mode."""

from counterapp.case_model import Person
from counterapp.privacy import mask_id_number
from counterapp.queue import Lane, TicketStatus
from tests.conftest import make_id
from ui import comfort, qt
from ui.case_search import Column as SearchColumn
from ui.hall_display import HallDisplay
from ui.qt import QApplication, Qt
from ui.visit_flow import Step
from ui.walkin_dialog import WalkInDialog

from .conftest import settle
from .visit import Clerk


def test_queue_calls_on_f_keys(qtbot, window, counter, dialogs):
    clerk = Clerk(qtbot, window)
    panel = window.queue_panel
    clerk.key(panel, Qt.Key.Key_F2)
    assert dialogs.infos == ["当前没有等候的办事人"]
    first = counter.queue.issue(Lane.NORMAL)
    second = counter.queue.issue(Lane.NORMAL)
    clerk.key(panel, Qt.Key.Key_F2)
    assert panel.current.id == first.id and panel.recall.isEnabled()
    clerk.key(panel, Qt.Key.Key_F3)  # recall
    assert counter.queue.get(first.id).recalls == 1
    clerk.key(panel, Qt.Key.Key_F4)  # skip: did not come
    assert counter.queue.get(first.id).status == TicketStatus.NO_SHOW
    assert panel.current is None
    clerk.key(panel, Qt.Key.Key_F2)
    assert panel.current.id == second.id
    # the citizen is being served (case opened), then steps away to copy a document
    clerk.applicant("周九", make_id())
    clerk.next()
    clerk.choose_items("YB0202")
    clerk.next()
    case_id = window.case_panel.case.id
    clerk.key(panel, Qt.Key.Key_F5)  # hold
    assert counter.queue.get(second.id).status == TicketStatus.HELD
    assert panel.current is None and window.case_panel.case is None
    assert "暂停中" in panel.model.data(panel.model.index(0, 3))
    clerk.key(panel, Qt.Key.Key_F5)  # resume: the case comes back
    assert counter.queue.get(second.id).status == TicketStatus.SERVING
    assert window.case_panel.case.id == case_id and clerk.at(Step.MATERIALS)
    assert not dialogs.errors


def test_walk_in_ticket_at_the_window(qtbot, window, counter, dialogs):
    clerk = Clerk(qtbot, window)
    clerk.key(window.queue_panel, Qt.Key.Key_F7)
    dialog = dialogs.latest(WalkInDialog)
    dialog.priority.setChecked(True)
    dialog.reason.setCurrentIndex(1)  # 残疾人
    clerk.click(dialog.ok_button)
    assert dialogs.infos == ["已取号：Y001"]
    ticket = counter.queue.waiting()[0]
    assert ticket.lane == Lane.PRIORITY and ticket.priority_reason == "残疾人"


def test_case_search_shows_ids_masked_and_continues_a_waiting_case(qtbot, window, counter):
    clerk = Clerk(qtbot, window)
    number = make_id(sequence="456")
    case = counter.cases.open_case(Person("吴十", number), ["YB0301"], counter.clerk_b.id)
    counter.cases.notify_missing(case.id, counter.clerk_b.id)
    window.show_tab(2)
    search = window.search
    qtbot.keyClicks(search.text, number[-6:])
    clerk.key(search.text, Qt.Key.Key_Return)
    model = search.model
    assert model.rowCount() == 1
    shown = model.data(model.index(0, SearchColumn.ID_NUMBER))
    assert shown == mask_id_number(number) and number not in shown
    assert model.data(model.index(0, SearchColumn.STATE)) == "材料不全待补正"
    assert model.data(model.index(0, SearchColumn.OWNER)) == "李强"
    clerk.key(search.table, Qt.Key.Key_Return)  # continue
    assert window.tabs.currentIndex() == 0 and window.case_panel.case.id == case.id
    reopened = counter.cases.get(case.id)
    # 首问负责: the first clerk stays the owner; the take-over is recorded
    assert reopened.owner_clerk_id == counter.clerk_b.id
    assert reopened.handler_clerk_id == counter.clerk_a.id
    kinds = [
        row["kind"]
        for row in counter.store.all("SELECT kind FROM events WHERE subject_uuid = ?", (case.uuid,))
    ]
    assert "handed_over" in kinds


def test_hall_display_shows_calls_and_upcoming_without_names(qtbot, window, counter):
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.PRIORITY, "孕妇")
    counter.queue.issue(Lane.NORMAL)
    hall = HallDisplay(window.ctx.ops)
    qtbot.addWidget(hall)
    hall.show()
    hall.reload()
    settle(qtbot, window.ctx.ops)
    assert "Y001" in hall.upcoming.text() and "3 人等候" in hall.waiting.text()
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    clerk.applicant("郑十一", make_id())
    settle(qtbot, window.ctx.ops)
    assert "Y001" in hall.latest.text() and "1 号窗口" in hall.latest_where.text()
    assert hall.announced == ["请 Y001 号到 1 号窗口办理"]
    window.queue_panel.recall.trigger()
    settle(qtbot, window.ctx.ops)
    assert hall.announced[-1] == "请 Y001 号到 1 号窗口办理" and len(hall.announced) == 2
    assert "郑" not in hall.latest.text() + hall.others.text() + hall.upcoming.text()
    # QtTextToSpeech (PySide6-Addons, which the ledger's charts bring) speaks where installed;
    # the desktop bundle leaves it out (packaging/counterapp.spec) and skips speaking
    assert (hall.speech is None) == (qt.QtTextToSpeech is None)


def test_large_font_mode_toggles_and_is_remembered(qtbot, window, counter):
    app = QApplication.instance()
    before = app.font().pointSize()
    window.large_font.trigger()
    settle(qtbot, window.ctx.ops)
    assert comfort.is_large(app) and app.font().pointSize() == comfort.LARGE_POINTS > before
    assert window.case_panel.applicant.name.font().pointSize() == comfort.LARGE_POINTS
    assert counter.settings.get(comfort.LARGE_FONT_SETTING) is True
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    settle(qtbot, window.ctx.ops)
    assert not comfort.is_large(app) and counter.settings.get(comfort.LARGE_FONT_SETTING) is False


def test_sync_status_joins_the_window_and_a_new_catalogue_is_taken_up(
    qtbot, window, ctx, ops, tmp_path
):
    import json

    from counterapp import catalogue_store
    from counterapp.catalogue import default_catalogue_dir
    from counterapp.sync.engine import SyncReport
    from tests.ui.conftest import settle

    window.add_sync_status()
    settle(qtbot, ops)
    assert window.sync_status.isVisibleTo(window)
    assert "待上传" in window.sync_status.pending_label.text()
    # the county's catalogue arrives (as a sync stores it), without the 医保电子凭证 item
    document = catalogue_store.read_source(default_catalogue_dir()).to_document()
    document["catalogue"]["version"] = "county-2026.2"
    document["items"] = [item for item in document["items"] if item["code"] != "YB1501"]
    path = tmp_path / "county.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    catalogue_store.import_path(ctx.counter.store, path, ctx.clock)
    assert any(e.item.code == "YB1501" for e in ctx.item_index.search("YB1501"))
    window.after_sync(SyncReport(ok=True, catalogue="county-2026.2"))
    settle(qtbot, ops)
    assert ctx.catalogue.version == "county-2026.2"
    assert not any(e.item.code == "YB1501" for e in ctx.item_index.search("YB1501"))
    window.close()


def test_county_decisions_show_in_the_deadline_list(qtbot, window, counter, ctx, ops, person_id):
    from counterapp.case_model import Person
    from counterapp.sync import downsync
    from counterapp.sync.engine import SyncReport
    from tests.ui.conftest import settle

    clerk = counter.clerk_a.id
    case = counter.cases.open_case(Person("赵六", person_id(sequence="451")), ["YB1202"], clerk)
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, clerk)
    counter.cases.forward(counter.cases.accept(case.id, clerk).id, clerk, "报县中心")
    downsync.apply_decision(
        counter.store, {"id": 7, "case": case.uuid, "status": "processing", "note": ""}, ctx.clock
    )
    window.after_sync(SyncReport(ok=True, decisions=1))
    settle(qtbot, ops)
    model = window.deadlines.model
    states = [
        model.text(row, type(model).columns.STATE)
        for row in model.rows
        if row.case.case_no == case.case_no
    ]
    assert states == ["已转报上级（帮办代办） · 县中心办理中"]
