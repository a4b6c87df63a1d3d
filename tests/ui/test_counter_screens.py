"""The counter window's screens beyond the visit itself, driven through the real window on a
real store: withdrawing a case, the bad-rating follow-up list, re-queueing a no-show, the
acceptance receipt and the queue settings."""

import pytest

from counterapp.case_model import CaseError, CaseState
from counterapp.queue import Lane
from counterapp.states import TransitionError
from ui.qt import QApplication, Qt
from ui.visit_flow import Step
from ui.withdraw_dialog import WithdrawDialog

from .test_visits import start_case
from .visit import Clerk, type_text


def test_a_case_not_yet_accepted_is_withdrawn_only_with_a_reason(qtbot, window, counter,
                                                                  dialogs):
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    ticket = window.queue_panel.current
    panel = window.case_panel
    assert not panel.withdraw_button.isVisible()          # nothing to withdraw yet
    case = start_case(clerk, "YB0202", name="孙八")
    assert panel.withdraw_button.isVisible()
    clerk.key(QApplication.focusWidget(), Qt.Key.Key_X,
              Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = dialogs.latest(WithdrawDialog)
    assert dialog is not None and case.case_no in dialog.windowTitle()
    clerk.click(dialog.ok_button)                         # no reason: refused in place
    assert dialog.isVisible() and "撤销原因" in dialog.problem.text()
    assert counter.cases.get(case.id).state == CaseState.RECEIVED
    with pytest.raises(CaseError, match="原因"):           # the core refuses it as well
        counter.cases.close(case.id, counter.clerk_a.id, " ")
    type_text(qtbot, dialog.reason.lineEdit(), "办事人决定下月再办")
    clerk.click(dialog.ok_button)
    closed = counter.cases.get(case.id)
    assert closed.state == CaseState.CLOSED and closed.close_reason == "办事人决定下月再办"
    assert panel.case is None and clerk.at(Step.APPLICANT)
    assert window.queue_panel.current is None             # the citizen's visit is over
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
    with pytest.raises(TransitionError):                  # the core refuses it too
        counter.cases.close(case.id, counter.clerk_a.id, "办事人放弃")
