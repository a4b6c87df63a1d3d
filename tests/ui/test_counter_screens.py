"""The counter window's screens beyond the visit itself, driven through the real window on a
real store: withdrawing a case, the bad-rating follow-up list, re-queueing a no-show, the
acceptance receipt and the queue settings."""

import pytest

from counterapp.case_model import Agent, CaseError, CaseState, Person
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.slips import SlipKind, prints_of_case
from counterapp.states import TransitionError
from tests.conftest import make_id
from ui.qt import QApplication, Qt
from ui.visit_flow import Step
from ui.withdraw_dialog import WithdrawDialog

from .test_visits import start_case
from .visit import Clerk, type_text


def test_a_case_not_yet_accepted_is_withdrawn_only_with_a_reason(qtbot, window, counter, dialogs):
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    ticket = window.queue_panel.current
    panel = window.case_panel
    assert not panel.withdraw_button.isVisible()  # nothing to withdraw yet
    case = start_case(clerk, "YB0202", name="孙八")
    assert panel.withdraw_button.isVisible()
    clerk.key(
        QApplication.focusWidget(),
        Qt.Key.Key_X,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = dialogs.latest(WithdrawDialog)
    assert dialog is not None and case.case_no in dialog.windowTitle()
    clerk.click(dialog.ok_button)  # no reason: refused in place
    assert dialog.isVisible() and "撤销原因" in dialog.problem.text()
    assert counter.cases.get(case.id).state == CaseState.RECEIVED
    with pytest.raises(CaseError, match="原因"):  # the core refuses it as well
        counter.cases.close(case.id, counter.clerk_a.id, " ")
    type_text(qtbot, dialog.reason.lineEdit(), "办事人决定下月再办")
    clerk.click(dialog.ok_button)
    closed = counter.cases.get(case.id)
    assert closed.state == CaseState.CLOSED and closed.close_reason == "办事人决定下月再办"
    assert panel.case is None and clerk.at(Step.APPLICANT)
    assert window.queue_panel.current is None  # the citizen's visit is over
    assert counter.queue.get(ticket.id).status.value == "done"
    # the case search shows it withdrawn, and it cannot be continued
    window.show_tab(2)
    type_text(qtbot, window.search.text, case.case_no)
    clerk.key(window.search.text, Qt.Key.Key_Return)
    assert window.search.model.rows[0].state_text == "已撤销（办事人决定下月再办）"
    window.search.continue_selected()
    assert "不能继续办理" in dialogs.errors[-1]


def test_an_accepted_case_cannot_be_withdrawn(qtbot, window, counter, dialogs):
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0202", name="周九")
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    assert clerk.at(Step.FINISH) and not window.case_panel.withdraw_button.isVisible()
    window.case_panel.withdraw()
    assert dialogs.latest(WithdrawDialog) is None
    assert counter.cases.get(case.id).state == CaseState.ACCEPTED
    with pytest.raises(TransitionError):  # the core refuses it too
        counter.cases.close(case.id, counter.clerk_a.id, "办事人放弃")


def bad_rating(counter, name: str, birth: str, reason: str, phone: str = "", agent=None):
    """A finished case rated 不满意 through the core, as an earlier visit left it."""
    case = counter.cases.open_case(
        Person(name, make_id(birth=birth), phone), ["YB0202"], counter.clerk_a.id, agent=agent
    )
    for material in case.materials:
        counter.cases.mark_material(case.id, material.key, True, counter.clerk_a.id)
    counter.cases.accept(case.id, counter.clerk_a.id)
    done = counter.cases.complete(case.id, counter.clerk_a.id)
    counter.ratings.rate(done, RatingLevel.DISSATISFIED, reason)
    return done


def test_a_bad_rating_follow_up_is_recorded_and_leaves_the_list(
    qtbot, window, counter, clock, dialogs
):
    from ui.follow_up_dialog import Column, FollowUpDialog

    old = bad_rating(counter, "欧阳娜娜", "19800101", "等候时间较长", "13812345678")
    clock.advance(days=30)  # its 15 working days have passed
    new = bad_rating(
        counter,
        "张三丰",
        "19700101",
        "服务态度不好",
        agent=Agent("张明", make_id(birth="19950101"), "13987654321", "子女", "授权委托书"),
    )
    clerk = Clerk(qtbot, window)
    clerk.key(
        QApplication.focusWidget(),
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = dialogs.latest(FollowUpDialog)
    assert dialog is not None
    model = dialog.model
    assert [row.rating.case_id for row in model.rows] == [old.id, new.id]
    # the clerk calls the citizen back: name and phone in full (only public surfaces mask)
    assert model.data(model.index(0, Column.APPLICANT)) == "欧阳娜娜"
    assert model.data(model.index(0, Column.PHONE)) == "13812345678"
    assert model.data(model.index(1, Column.PHONE)) == "代办人 张明 13987654321"
    assert model.data(model.index(0, Column.CASE_NO)) == old.case_no
    assert model.data(model.index(0, Column.LEVEL)) == "不满意"
    assert model.data(model.index(0, Column.REASON)) == "等候时间较长"
    assert model.data(model.index(0, Column.URGENCY)).startswith("已逾期")
    assert model.data(model.index(0, Column.DUE), Qt.ItemDataRole.BackgroundRole)
    assert model.data(model.index(1, Column.URGENCY)) == "待回访"
    assert "已逾期 1 件" in dialog.summary.text()
    clerk.click(dialog.record_button)  # nothing written: refused
    assert "整改回访情况" in dialog.status.text()
    type_text(qtbot, dialog.note, "已增设一个窗口，电话回访办事人表示满意")
    clerk.click(dialog.record_button)
    assert counter.ratings.of_case(old.id).followed_up_at is not None
    assert [row.rating.case_id for row in model.rows] == [new.id]
    assert "已登记" in dialog.status.text() and not dialog.note.toPlainText()
    assert [r.case_id for r in counter.ratings.pending_follow_ups()] == [new.id]
    assert not dialogs.errors


def test_a_no_show_who_comes_back_is_requeued_and_called_again(qtbot, window, counter, dialogs):
    from ui.queue_model import Column as QueueColumn

    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    panel = window.queue_panel

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        clerk.key(QApplication.focusWidget(), key, modifier)

    for _ in range(2):  # both called, neither comes
        press(Qt.Key.Key_F2)
        press(Qt.Key.Key_F4)
    assert panel.current is None
    model = panel.model
    codes = [model.ticket(row).code for row in range(model.rowCount())]
    assert codes == ["A001", "A002"]  # listed as no-shows, greyed
    assert "过号" in model.data(model.index(1, QueueColumn.NOTE))
    assert model.data(model.index(1, QueueColumn.CODE), Qt.ItemDataRole.BackgroundRole)
    press(Qt.Key.Key_F4, Qt.KeyboardModifier.ShiftModifier)  # which one? refused
    assert "选中" in dialogs.errors[-1]
    panel.table.selectRow(1)  # A002 came back
    press(Qt.Key.Key_F4, Qt.KeyboardModifier.ShiftModifier)
    assert "A002 号已重新排队" in dialogs.infos[-1]
    assert counter.queue.get(model.ticket(0).id).status.value == "waiting"
    assert "等候 1 人" in panel.summary.text()
    press(Qt.Key.Key_F2)
    assert panel.current.code == "A002" and panel.current.status.value == "called"
    assert len(dialogs.errors) == 1


def test_the_acceptance_receipt_is_printed_then_reprinted_with_a_reason(
    qtbot, window, counter, printer
):
    clerk = Clerk(qtbot, window)
    case = start_case(clerk, "YB0202", name="吴十")
    finish = window.case_panel.finish
    assert not finish.receipt.isVisible()  # nothing accepted yet
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(window.case_panel.outcome.accept_button)
    assert clerk.at(Step.FINISH) and finish.receipt.isVisible()
    assert not finish.receipt.reprint_reason.isVisible()
    clerk.click(finish.receipt.print_button)
    assert [kind for kind, _ in printer.jobs] == ["receipt"]
    assert printer.jobs[0][1].startswith(b"%PDF")
    records = prints_of_case(counter, case.id, SlipKind.RECEIPT)
    assert [r.is_reprint for r in records] == [False]
    assert "回执已打印" in finish.receipt.status.text()
    clerk.click(finish.complete_button)
    rating_box = window.case_panel.rating.receipt
    assert clerk.at(Step.RATING) and rating_box.isVisible()
    assert rating_box.reprint_reason.isVisible()  # it was printed: now a 补打
    assert "补打" in rating_box.print_button.text()
    clerk.click(rating_box.print_button)  # no reason chosen: refused
    assert "补打原因" in rating_box.status.text()
    assert len(prints_of_case(counter, case.id, SlipKind.RECEIPT)) == 1
    type_text(qtbot, rating_box.reprint_reason.lineEdit(), "办事人遗失")
    clerk.click(rating_box.print_button)
    records = prints_of_case(counter, case.id, SlipKind.RECEIPT)
    assert [(r.is_reprint, r.reason) for r in records] == [(False, None), (True, "办事人遗失")]
    assert not window.ctx.dialogs.errors


def test_without_the_printing_service_the_receipt_says_so(qtbot, window_without_printing):
    main = window_without_printing
    clerk = Clerk(qtbot, main)
    start_case(clerk, "YB0202")
    clerk.tick_all_materials()
    clerk.next()
    clerk.click(main.case_panel.outcome.accept_button)
    box = main.case_panel.finish.receipt
    clerk.click(box.print_button)
    assert "未安装打印服务" in box.status.text()


def test_queue_settings_switch_this_pc_and_are_kept(
    qtbot, window, counter, dialogs, memory_keyring
):
    from counterapp import admin_code
    from counterapp.lan_queue import roles, tls
    from counterapp.lan_queue.access import Access
    from counterapp.lan_queue.roles import Role
    from ui.queue_keys_dialog import QueueKeysDialog
    from ui.queue_settings_dialog import QueueSettingsDialog

    clerk = Clerk(qtbot, window)

    def open_dialog() -> QueueSettingsDialog:
        action = next(a for a in window.work.actions() if a.text().startswith("排队设置"))
        action.trigger()
        clerk.settle()
        dialog = dialogs.latest(QueueSettingsDialog)
        assert dialog is not None and dialog.save_button.isEnabled()
        return dialog

    dialog = open_dialog()
    box = dialog.box
    assert box.role.currentData() == Role.STANDALONE and "单机" in dialog.current.text()
    assert not dialog.keys_button.isEnabled()
    box.role.setCurrentIndex(box.role.findData(Role.HOST))  # this PC becomes the host
    clerk.click(dialog.save_button)
    assert dialogs.latest(QueueSettingsDialog) is None and "重新启动" in dialogs.infos[-1]
    assert roles.current(counter.settings).role == Role.HOST and tls.host_pin()

    dialog = open_dialog()  # the host issues the PCs' keys
    assert dialog.box.role.currentData() == Role.HOST and dialog.keys_button.isEnabled()
    clerk.click(dialog.keys_button)
    keys_dialog = dialogs.latest(QueueKeysDialog)
    assert keys_dialog.pin.text() == tls.shown(tls.host_pin())
    keys_dialog.access.setCurrentIndex(keys_dialog.access.findData(Access.HALL))
    type_text(qtbot, keys_dialog.name, "大厅叫号屏")
    clerk.click(keys_dialog.issue_button)
    assert "只显示这一次" in keys_dialog.issued.text()
    assert keys_dialog.model.rows[0].name == "大厅叫号屏"
    keys_dialog.reject()

    dialog.box.role.setCurrentIndex(dialog.box.role.findData(Role.CLIENT))
    type_text(qtbot, dialog.box.host, "192.168.1.10")
    type_text(qtbot, dialog.box.pin, tls.shown("c0de" * 16))
    type_text(qtbot, dialog.box.key, "short")
    clerk.click(dialog.save_button)  # not a whole key: refused
    assert dialog.isVisible() and "完整排队密钥" in dialog.problem.text()
    dialog.box.key.clear()
    type_text(qtbot, dialog.box.key, "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ")
    type_text(qtbot, dialog.code, "135790")
    type_text(qtbot, dialog.code_again, "135799")
    clerk.click(dialog.save_button)  # the code typed twice differs
    assert dialog.isVisible() and "两次输入的站点管理码不一致" in dialog.problem.text()
    dialog.code_again.clear()
    type_text(qtbot, dialog.code_again, "135790")
    clerk.click(dialog.save_button)
    link = roles.current(counter.settings)
    assert link.role == Role.CLIENT and link.host_url == "https://192.168.1.10:8766"
    assert link.pin == "c0de" * 16 and roles.saved_key(counter.settings).startswith("ABCD")
    assert admin_code.may_close_public_screen(counter.settings, "135790")

    dialog = open_dialog()  # a client may keep its key
    assert "192.168.1.10" in dialog.current.text() and dialog.box.key.text() == ""
    clerk.click(dialog.save_button)
    assert roles.current(counter.settings).role == Role.CLIENT
    assert roles.saved_key(counter.settings).startswith("ABCD")
    dialog = open_dialog()
    dialog.box.role.setCurrentIndex(dialog.box.role.findData(Role.STANDALONE))
    clerk.click(dialog.save_button)
    assert roles.current(counter.settings).role == Role.STANDALONE
    assert not dialogs.errors


def test_the_help_lists_the_new_keys(qtbot, window, dialogs):
    from ui.help_dialog import HelpDialog

    Clerk(qtbot, window).key(QApplication.focusWidget(), Qt.Key.Key_F1)
    shown = dialogs.latest(HelpDialog)
    assert shown is not None and shown.isVisible()
    for key in (
        "Shift+F4",
        "Ctrl+Shift+X",
        "Ctrl+Shift+R",
        "Shift+F2",
        "F11",
        "受理回执",
        "排队设置",
    ):
        assert key in shown.text.toPlainText()


def test_a_follow_up_without_any_phone_says_so(counter):
    from ui.follow_up_dialog import call_back

    case = counter.cases.open_case(Person("李四", make_id()), ["YB0202"], counter.clerk_a.id)
    assert call_back(case) == "未留电话"
