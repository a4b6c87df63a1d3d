"""Complete visits driven through the real widgets on a real store."""

from datetime import date

from counterapp.case_model import CaseState
from counterapp.queue import Lane, TicketStatus
from counterapp.slips import prints_of_case
from tests.conftest import make_id
from ui.deadline_list import Column as DeadlineColumn
from ui.kiosk import KioskWindow
from ui.qt import Qt
from ui.queue_model import Column as QueueColumn
from ui.steps.materials_step import Column as MaterialColumn
from ui.timer_widget import Level
from ui.transfer_dialog import TransferDialog
from ui.visit_flow import Step

from .conftest import settle
from .visit import Clerk


def start_case(clerk: Clerk, *queries: str, name: str = "李四", birth: str = "19800101"):
    clerk.applicant(name, make_id(birth=birth))
    clerk.next()
    clerk.choose_items(*queries)
    clerk.next()
    assert clerk.at(Step.MATERIALS), clerk.window.ctx.dialogs.errors
    return clerk.panel.case


def test_priority_ticket_from_the_kiosk_is_marked_and_called_first(qtbot, window, counter):
    counter.queue.issue(Lane.NORMAL)
    kiosk = KioskWindow(window.ctx.ops)
    qtbot.addWidget(kiosk)
    kiosk.show()
    clerk = Clerk(qtbot, window)
    clerk.click(kiosk.priority)
    assert kiosk.pages.currentIndex() == 1
    clerk.click(kiosk.reason_buttons[0])  # 70岁以上老人
    assert kiosk.last_ticket.code == "Y001"
    shown = kiosk.ticket_label.text()
    assert "Y001" in shown and "前面还有 <b>0</b> 人" in shown

    model = window.queue_panel.model
    assert [model.ticket(r).code for r in range(model.rowCount())] == ["Y001", "A001"]
    assert model.data(model.index(0, QueueColumn.LANE)) == "★优先"
    assert model.data(model.index(0, QueueColumn.NOTE)) == "70岁以上老人"
    assert model.data(model.index(0, QueueColumn.CODE), Qt.ItemDataRole.BackgroundRole)
    assert "1 人" in window.queue_panel.summary.text()

    clerk.call_next()
    assert window.queue_panel.current.code == "Y001"
    assert window.queue_panel.current_label.property("priority") is True
    assert "优先号" in window.case_panel.applicant.ticket_note.text()
    clerk.applicant("王老汉", make_id(birth="19500101"))
    assert "可走绿色通道" in window.case_panel.applicant.id_field.hint.text()
    clerk.next()
    clerk.choose_items("YB0202")
    clerk.next()
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    clerk.click(window.case_panel.finish.complete_button)
    clerk.click(window.case_panel.rating.end_button)
    served = next(t for t in counter.queue.of_day(counter.clock.today()) if t.code == "Y001")
    assert served.status == TicketStatus.DONE
    assert served.priority_reason == "70岁以上老人"


def test_missing_materials_one_time_notice_then_the_citizen_returns(
    qtbot, window, counter, clock, printer
):
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    case = start_case(clerk, "ydjy")  # 长期异地就医备案: identity + conditional proofs
    materials = window.case_panel.materials
    rows = {m.key: i for i, m in enumerate(materials.model.rows)}
    # the applicant lives elsewhere long-term: the condition applies (Space on that column)
    materials.table.setCurrentIndex(
        materials.model.index(rows["residence-proof"], MaterialColumn.CONDITION)
    )
    clerk.key(materials.table, Qt.Key.Key_Space)
    assert window.case_panel.case.missing_materials[-1].key == "residence-proof"
    # the ID card is there: Space on the first row ticks it as received
    materials.table.setCurrentIndex(materials.model.index(rows["identity"], 0))
    clerk.key(materials.table, Qt.Key.Key_Space)
    assert [m.key for m in window.case_panel.case.missing_materials] == ["residence-proof"]
    clerk.next()
    outcome = window.case_panel.outcome
    assert not outcome.accept_button.isVisible() and outcome.notice_button.isVisible()
    clerk.click(outcome.notice_button)
    settle(qtbot, window.ctx.ops)
    assert window.case_panel.case.state == CaseState.MATERIALS_INCOMPLETE
    notice = outcome.notice.toPlainText()
    assert "一次性告知单" in notice and "居住" in notice and "监督电话" in notice
    assert make_id(birth="19800101") not in notice  # the ID is masked on the notice
    # printed through the printing service, and recorded only once the printer took it
    assert [kind for kind, _ in printer.jobs] == ["notice"]
    assert printer.jobs[0][1].startswith(b"%PDF")
    assert [p.kind for p in prints_of_case(counter, case.id)] == ["notice"]
    assert "告知单已打印" in outcome.print_note.text()
    clerk.click(outcome.end_button)
    assert window.case_panel.case is None
    assert counter.cases.get(case.id).state == CaseState.MATERIALS_INCOMPLETE

    # two days later the citizen comes back with the proof of residence
    clock.set(clock.now().replace(day=27))
    counter.queue.issue(Lane.NORMAL)
    clerk.call_next()
    applicant = window.case_panel.applicant
    clerk.qtbot.keyClicks(applicant.find_edit, case.case_no)
    clerk.key(applicant.find_edit, Qt.Key.Key_Return)
    assert applicant.found.count() == 1
    clerk.key(applicant.found, Qt.Key.Key_Return)
    assert window.case_panel.case.id == case.id and clerk.at(Step.MATERIALS)
    clerk.tick_all_materials()
    clerk.next()
    assert "已补齐" in outcome.status.text()
    settle(qtbot, window.ctx.ops)
    notice = outcome.notice.toPlainText()  # the notice as it reads now: nothing missing
    assert "材料已齐全" in notice and "已全部补齐" in notice
    assert "尚缺" not in notice and "前补齐" not in notice
    clerk.click(outcome.accept_button)
    clerk.click(window.case_panel.finish.complete_button)
    clerk.click(window.case_panel.rating.end_button)
    done = counter.cases.get(case.id)
    assert done.state == CaseState.COMPLETED and done.owner_clerk_id == counter.clerk_a.id
    assert not window.ctx.dialogs.errors


def test_several_items_share_materials_once(qtbot, window):
    clerk = Clerk(qtbot, window)
    clerk.applicant("赵六", make_id())
    clerk.next()
    clerk.choose_items("YB0301", "YB0302")
    items = window.case_panel.items
    assert items.chosen == ["YB0301", "YB0302"]
    assert "共用材料已合并 1 项" in items.materials_note.text()
    clerk.next()
    keys = [m.key for m in window.case_panel.case.materials]
    assert keys.count("identity") == 1 and "referral-proof" in keys
    assert len(window.case_panel.case.items) == 2
    # choosing again removes: the items can be corrected before acceptance
    clerk.click(window.case_panel.back_button)
    assert clerk.at(Step.ITEMS)
    items.table.selectRow(1)
    clerk.key(items.table, Qt.Key.Key_Space)
    clerk.next()
    assert [i.item_code for i in window.case_panel.case.items] == ["YB0301"]


def test_forward_upward_with_its_three_working_day_deadline(qtbot, window, counter):
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "mzmxbbz")  # 门诊慢性病病种待遇认定(收集鉴定材料)
    assert any(
        "收集转报" in window.case_panel.items.chosen_list.item(i).text()
        for i in range(window.case_panel.items.chosen_list.count())
    )
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    finish = window.case_panel.finish
    assert finish.forward_button.isVisible() and not finish.complete_button.isVisible()
    # accepted on Wednesday 2026-11-25: Thu, Fri, Mon → 2026-11-30
    assert "2026-11-30" in finish.status.text()
    assert "转报上级期限 2026-11-30" in window.case_panel.timer.current.text
    clerk.click(finish.forward_button)
    assert clerk.at(Step.RATING)
    forwarded = counter.cases.get(case.id)
    assert forwarded.state == CaseState.FORWARDED
    assert forwarded.forward_due == date(2026, 11, 30)


def test_an_overdue_case_turns_red_and_leads_the_deadline_list(qtbot, window, counter, clock):
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0202")  # an instant item, 5 minutes
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    timer = window.case_panel.timer
    assert timer.current.level == Level.GREEN
    clock.advance(minutes=4)
    timer.refresh()
    assert timer.current.level == Level.AMBER
    clock.advance(minutes=10)
    timer.refresh()
    assert timer.current.level == Level.RED and "已超时" in timer.current.text
    clerk.click(window.case_panel.finish.later_button)  # not finished now
    clerk.click(window.case_panel.rating.end_button)

    other = start_case(clerk, "YB0501", name="钱七")  # forwarded later: days left
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    clerk.click(window.case_panel.finish.later_button)
    clerk.click(window.case_panel.rating.end_button)

    window.show_tab(1)
    settle(qtbot, window.ctx.ops)
    model = window.deadlines.model
    assert model.rows[0].case.id == case.id and model.rows[0].overdue
    assert model.data(model.index(0, DeadlineColumn.URGENCY)) == "已超期"
    assert model.rows[1].case.id == other.id
    assert model.data(model.index(1, DeadlineColumn.URGENCY)).startswith("剩 ")
    assert "已超期 1 件" in window.deadlines.summary.text()
    assert window.tabs.tabText(1) == "期限提醒（F9）· 超期 1 件"  # seen from every tab
    # Enter on the overdue row continues it; the timer shows red there too
    window.deadlines.table.setCurrentIndex(model.index(0, 0))
    clerk.key(window.deadlines.table, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == 0 and window.case_panel.case.id == case.id
    assert clerk.at(Step.FINISH) and window.case_panel.timer.current.level == Level.RED
    clerk.click(window.case_panel.finish.complete_button)
    assert counter.cases.get(case.id).state == CaseState.COMPLETED
    settle(qtbot, window.ctx.ops)
    assert window.tabs.tabText(1) == "期限提醒（F9）"


def test_a_bad_rating_needs_a_reason_and_is_flagged(qtbot, window, counter):
    from ui.rating_dialog import RatingDialog

    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0202")
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    clerk.click(window.case_panel.finish.complete_button)
    clerk.click(window.case_panel.rating.rate_button)
    dialog = window.ctx.dialogs.latest(RatingDialog)
    clerk.click(dialog.buttons[1])  # 非常不满意
    assert dialog.reason_edit.isVisible()
    clerk.click(dialog.submit_button)  # no reason yet: refused in place
    assert "原因" in dialog.problem.text() and dialog.isVisible()
    clerk.click(dialog.reason_buttons.itemAt(0).widget())  # 等候时间较长
    clerk.click(dialog.submit_button)
    rating = counter.ratings.of_case(case.id)
    assert rating.level == 1 and rating.reason == "等候时间较长"
    assert rating.follow_up_due is not None
    assert "整改回访" in window.case_panel.rating.status.text()
    assert [r.case_id for r in counter.ratings.pending_follow_ups()] == [case.id]


def test_transfer_is_refused_once_the_case_is_opened(qtbot, window, counter, dialogs):
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    start_case(clerk, "YB0202")
    window.queue_panel.transfer.trigger()
    assert dialogs.errors and "首问负责" in dialogs.errors[-1]
    assert dialogs.latest(TransferDialog) is None


def test_a_failed_print_does_not_count_and_a_reprint_needs_a_reason(
    qtbot, window, counter, printer
):
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0302")
    clerk.next()
    outcome = window.case_panel.outcome
    printer.refuse = "打印失败：本机没有可用的打印机，请在系统中安装打印机后重试。"
    clerk.click(outcome.notice_button)
    assert counter.cases.get(case.id).state == CaseState.MATERIALS_INCOMPLETE
    assert "没有可用的打印机" in outcome.print_note.text()
    assert prints_of_case(counter, case.id) == []
    assert "一次性告知单" in outcome.notice.toPlainText()  # still there to read out
    printer.refuse = ""
    clerk.click(outcome.print_button)  # the first real print
    clerk.click(outcome.print_button)  # a reprint: no reason given yet
    assert "补打原因" in outcome.print_note.text()
    assert len(prints_of_case(counter, case.id)) == 1
    outcome.reprint_reason.setCurrentIndex(1)
    clerk.click(outcome.print_button)  # a reprint, with its reason
    records = prints_of_case(counter, case.id)
    assert [r.is_reprint for r in records] == [False, True]
    assert records[1].reason == "告知单污损"


def test_without_the_printing_service_the_notice_is_read_from_the_screen(
    qtbot, window_without_printing
):
    main = window_without_printing
    clerk = Clerk(qtbot, main)
    start_case(clerk, "YB0302")
    clerk.next()
    outcome = main.case_panel.outcome
    clerk.click(outcome.notice_button)
    assert "未安装打印服务" in outcome.print_note.text()
    assert not outcome.print_button.isVisible()
    assert "尚缺材料" in outcome.notice.toPlainText()
