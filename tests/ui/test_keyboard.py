"""One whole visit by keyboard alone: every key goes to the widget that has the focus."""

from counterapp.case_model import CaseState
from counterapp.queue import Lane, TicketStatus
from tests.conftest import make_id
from ui.qt import QApplication, Qt
from ui.rating_dialog import RatingDialog
from ui.visit_flow import Step

from .conftest import settle
from .visit import type_text

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def test_a_whole_visit_by_keyboard_alone(qtbot, window, counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    window.queue_panel.reload()
    settle(qtbot, window.ctx.ops)

    def focused():
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.keyClick(focused(), key, modifier)
        settle(qtbot, window.ctx.ops)

    def type_(text):
        type_text(qtbot, focused(), text)
        settle(qtbot, window.ctx.ops)

    panel = window.case_panel
    press(Qt.Key.Key_F2)                              # call next
    assert window.queue_panel.current.id == ticket.id
    assert focused() is panel.applicant.name
    type_("孙八")
    press(Qt.Key.Key_Tab)
    type_(make_id(birth="19720808"))
    press(Qt.Key.Key_Tab)
    type_("13912345678")
    press(Qt.Key.Key_Return, CTRL)                    # next step
    assert panel.current_step == Step.ITEMS and focused() is panel.items.search
    type_("cbjf")                                     # 参保缴费信息查询 by pinyin initials
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)                            # the second: 参保人员…查询
    press(Qt.Key.Key_Space)
    assert panel.items.chosen == ["YB0202"]
    press(Qt.Key.Key_Return, CTRL)
    assert panel.current_step == Step.MATERIALS and focused() is panel.materials.table
    press(Qt.Key.Key_Space)                           # the ID card is received
    assert not panel.case.missing_materials
    press(Qt.Key.Key_Return, CTRL)
    assert panel.current_step == Step.OUTCOME and focused() is panel.outcome.accept_button
    press(Qt.Key.Key_Space)                           # accept
    assert panel.current_step == Step.FINISH and focused() is panel.finish.complete_button
    press(Qt.Key.Key_Space)                           # finish on the spot
    assert panel.current_step == Step.RATING and focused() is panel.rating.rate_button
    press(Qt.Key.Key_Space)                           # the rating dialog for the citizen
    dialog = window.ctx.dialogs.latest(RatingDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)   # it takes the focus
    press(Qt.Key.Key_4)                               # 满意 (4 stars)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.rating.end_button)
    press(Qt.Key.Key_Space)                           # the visit ends
    case = counter.cases.find(make_id(birth="19720808"))[0]
    assert case.state == CaseState.COMPLETED
    assert counter.ratings.of_case(case.id).level == 4
    assert counter.queue.get(ticket.id).status == TicketStatus.DONE
    assert panel.current_step == Step.APPLICANT and panel.case is None
    assert not window.ctx.dialogs.errors
