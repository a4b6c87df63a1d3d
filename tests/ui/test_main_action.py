"""Ctrl+Enter does the step's main action, the one its button says (Ctrl+回车), or says why
there is none; it never skips a step's work (⑤ no longer goes to the rating unfinished)."""

from counterapp.case_model import CaseState
from counterapp.queue import Lane, TicketStatus
from tests.conftest import make_id
from ui.qt import QApplication, Qt
from ui.steps.base import PRIMARY_HINT
from ui.visit_flow import Step

from .visit import Keyboard


def open_case(keys: Keyboard, query: str, birth: str = "19800101") -> None:
    """① → ③ by keys: the applicant, one item picked in the search, the case opened."""
    keys.alt("M")  # 姓名
    keys.type("李四")
    keys.press(Qt.Key.Key_Tab)
    keys.type(make_id(birth=birth))
    keys.ctrl_enter()
    keys.type(query)
    keys.press(Qt.Key.Key_Return)
    keys.ctrl_enter()
    assert keys.window.case_panel.current_step == Step.MATERIALS


def marked(page) -> list[str]:
    """The page's buttons that say Ctrl+回车 (one at most)."""
    return [b.text() for b in page.primary_buttons().values() if b.text().endswith(PRIMARY_HINT)]


def test_at_step_4_it_issues_the_notice_then_ends_the_visit(qtbot, window, counter, printer):
    ticket = counter.queue.issue(Lane.NORMAL)
    keys = Keyboard(qtbot, window)
    panel = window.case_panel
    keys.press(Qt.Key.Key_F2)
    open_case(keys, "YB0302")  # nothing received yet
    keys.ctrl_enter()
    assert panel.current_step == Step.OUTCOME
    assert marked(panel.outcome) == [panel.outcome.notice_button.text()]
    assert not panel.next_button.isVisible()  # the page's own button carries the key
    keys.ctrl_enter()  # the one-time notice, printed
    assert panel.case.state == CaseState.MATERIALS_INCOMPLETE
    assert [kind for kind, _ in printer.jobs] == ["notice"]
    assert marked(panel.outcome) == [panel.outcome.end_button.text()]
    case_id = panel.case.id
    keys.ctrl_enter()  # the citizen goes to fetch the materials
    assert panel.case is None and panel.current_step == Step.APPLICANT
    assert counter.queue.get(ticket.id).status == TicketStatus.DONE
    assert counter.cases.get(case_id).state == CaseState.MATERIALS_INCOMPLETE


def test_at_step_5_it_finishes_or_forwards_and_never_skips(qtbot, window, counter):
    keys = Keyboard(qtbot, window)
    panel = window.case_panel
    open_case(keys, "mzmxbbz")  # collected here, decided upward
    keys.alt("A")
    keys.ctrl_enter()
    keys.ctrl_enter()  # accepted
    assert panel.current_step == Step.FINISH
    assert marked(panel.finish) == [panel.finish.forward_button.text()]
    keys.ctrl_enter()
    assert panel.case.state == CaseState.FORWARDED and panel.current_step == Step.RATING


def test_a_promised_item_is_not_finished_by_ctrl_enter_but_says_why(qtbot, window):
    keys = Keyboard(qtbot, window)
    panel = window.case_panel
    open_case(keys, "YB0601")  # a promised item handled here
    keys.alt("A")
    keys.ctrl_enter()
    keys.ctrl_enter()
    assert panel.current_step == Step.FINISH and marked(panel.finish) == []
    keys.ctrl_enter()
    assert panel.current_step == Step.FINISH and panel.case.state == CaseState.ACCEPTED
    assert "承诺件" in panel.problem.text() and "Alt+J" in panel.problem.text()
    keys.alt("J")  # 当场办结, by its own letter
    assert panel.case.state == CaseState.COMPLETED and panel.current_step == Step.RATING


def test_at_step_6_it_asks_for_the_rating_then_ends(qtbot, window, dialogs):
    from ui.rating_dialog import RatingDialog

    keys = Keyboard(qtbot, window)
    panel = window.case_panel
    open_case(keys, "YB0202")
    keys.press(Qt.Key.Key_Space)
    for _ in range(3):
        keys.ctrl_enter()  # on to ④, accept, finish on the spot
    assert panel.current_step == Step.RATING and panel.case.state == CaseState.COMPLETED
    assert marked(panel.rating) == [panel.rating.rate_button.text()]
    keys.ctrl_enter()
    dialog = dialogs.latest(RatingDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys.press(Qt.Key.Key_5)
    qtbot.waitUntil(lambda: panel.rating.rating is not None)
    assert marked(panel.rating) == [panel.rating.end_button.text()]
    keys.ctrl_enter()
    assert panel.case is None and panel.current_step == Step.APPLICANT
