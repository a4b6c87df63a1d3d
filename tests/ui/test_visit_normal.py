from counterapp.case_model import CaseState
from counterapp.queue import Lane, TicketStatus
from counterapp.ratings import RatingLevel
from tests.conftest import make_id
from ui.visit_flow import Step

from .visit import Clerk


def test_normal_visit_from_call_to_rating(qtbot, window, counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    window.queue_panel.reload()
    clerk = Clerk(qtbot, window)
    clerk.settle()
    clerk.call_next()
    assert window.queue_panel.current.code == "A001"
    assert "A001" in window.queue_panel.current_label.text()

    clerk.applicant("张三", make_id(), "13800000000")
    assert "号码有效" in window.case_panel.applicant.id_field.hint.text()
    clerk.next()
    assert clerk.at(Step.ITEMS)
    clerk.choose_items("cbjf")  # 参保缴费信息查询
    assert window.case_panel.items.chosen
    clerk.next()
    assert clerk.at(Step.MATERIALS), window.ctx.dialogs.errors
    case = window.case_panel.case
    assert case.state == CaseState.RECEIVED
    assert counter.queue.get(ticket.id).status == TicketStatus.SERVING

    clerk.tick_all_materials()
    assert "材料齐全" in window.case_panel.materials.summary.text()
    clerk.next()
    assert clerk.at(Step.OUTCOME)
    clerk.click(window.case_panel.outcome.accept_button)
    assert clerk.at(Step.FINISH)
    clerk.click(window.case_panel.finish.complete_button)
    assert clerk.at(Step.RATING)
    clerk.rate(5)
    assert "非常满意" in window.case_panel.rating.status.text()
    clerk.click(window.case_panel.rating.end_button)

    assert counter.cases.get(case.id).state == CaseState.COMPLETED
    assert counter.ratings.of_case(case.id).level == RatingLevel.VERY_SATISFIED
    assert counter.queue.get(ticket.id).status == TicketStatus.DONE
    assert window.case_panel.case is None and clerk.at(Step.APPLICANT)
    assert window.queue_panel.current is None
    assert not window.ctx.dialogs.errors
