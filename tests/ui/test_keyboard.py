"""One whole visit by keyboard alone: every key goes to the widget that has the focus, and
the keys are counted (the standard instant visit the README quotes)."""

from counterapp.case_model import CaseState
from counterapp.queue import Lane, TicketStatus
from tests.conftest import make_id
from ui.qt import QApplication, Qt
from ui.rating_dialog import RatingDialog
from ui.visit_flow import Step

from .conftest import settle
from .visit import Keyboard

# F2 · Tab · Ctrl+Enter · Enter · Ctrl+Enter · Space · Ctrl+Enter ×4 · 4 · Ctrl+Enter · F2
# (14 before Ctrl+Enter did each step's main action and Enter picked in the item search)
STANDARD_VISIT_KEYS = 13


def test_a_whole_instant_visit_by_keyboard_alone(qtbot, window, counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    following = counter.queue.issue(Lane.NORMAL)
    window.queue_panel.reload()
    settle(qtbot, window.ctx.ops)
    keys = Keyboard(qtbot, window)
    panel = window.case_panel
    keys.press(Qt.Key.Key_F2)  # call next
    assert window.queue_panel.current.id == ticket.id
    assert keys.focused() is panel.applicant.name
    keys.type("孙八")
    keys.press(Qt.Key.Key_Tab)
    keys.type(make_id(birth="19720808"))
    keys.ctrl_enter()  # on to the items
    assert panel.current_step == Step.ITEMS and keys.focused() is panel.items.search
    keys.type("cxjm")  # 城乡居民参保登记 by pinyin initials
    keys.press(Qt.Key.Key_Return)  # Enter picks the highlighted row
    assert panel.items.chosen == ["YB0101"] and keys.focused() is panel.items.search
    keys.ctrl_enter()  # the case is opened
    assert panel.current_step == Step.MATERIALS and keys.focused() is panel.materials.table
    keys.press(Qt.Key.Key_Space)  # the ID card is received
    assert not panel.case.missing_materials
    keys.ctrl_enter()
    assert panel.current_step == Step.OUTCOME and keys.focused() is panel.outcome.accept_button
    assert panel.outcome.accept_button.text().endswith("Ctrl+回车")
    keys.ctrl_enter()  # accept
    assert panel.current_step == Step.FINISH and keys.focused() is panel.finish.complete_button
    keys.ctrl_enter()  # finish on the spot
    assert panel.current_step == Step.RATING and panel.case.state == CaseState.COMPLETED
    keys.ctrl_enter()  # the rating, for the citizen
    dialog = window.ctx.dialogs.latest(RatingDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # it takes the focus
    keys.press(Qt.Key.Key_4)  # 满意 (4 stars)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.rating.end_button)
    assert panel.rating.end_button.text().endswith("Ctrl+回车")
    keys.ctrl_enter()  # the visit ends
    case = counter.cases.find(make_id(birth="19720808"))[0]
    assert case.state == CaseState.COMPLETED
    assert counter.ratings.of_case(case.id).level == 4
    assert counter.queue.get(ticket.id).status == TicketStatus.DONE
    assert panel.current_step == Step.APPLICANT and panel.case is None
    keys.press(Qt.Key.Key_F2)  # the next citizen
    assert window.queue_panel.current.id == following.id
    assert not window.ctx.dialogs.errors
    assert (keys.presses, keys.typed) == (STANDARD_VISIT_KEYS, 2 + 18 + 4)
