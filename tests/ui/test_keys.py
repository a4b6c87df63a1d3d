"""Keyboard details of the counter window, each driven by keys on the focused widget: Enter in
the item search, a walk-in priority ticket in one Enter, F11 to the queue list, F12 back to
the search box, a reopened case's focus, and a rating nobody chose in advance."""

from counterapp.case_model import CaseState, Person
from counterapp.queue import Lane
from tests.conftest import make_id
from ui.qt import QApplication, Qt
from ui.rating_dialog import CHOOSE, NEED_REASON, RatingDialog
from ui.steps.materials_step import Column as MaterialColumn
from ui.visit_flow import Step
from ui.walkin_dialog import NEED_REASON as NEED_PRIORITY_REASON
from ui.walkin_dialog import WalkInDialog

from .conftest import settle
from .test_main_action import open_case
from .visit import Keyboard, type_text


def test_enter_in_the_item_search_adds_the_highlighted_item(qtbot, window):
    keys = Keyboard(qtbot, window)
    keys.alt("M")
    keys.type("赵六")
    keys.press(Qt.Key.Key_Tab)
    keys.type(make_id())
    keys.ctrl_enter()
    items = window.case_panel.items
    keys.type("ydjy")  # 异地就医: 长期…备案 first
    keys.press(Qt.Key.Key_Return)
    assert items.chosen == ["YB0301"] and keys.focused() is items.search
    assert items.search.selectedText() == "ydjy"  # ready for the next item
    keys.press(Qt.Key.Key_Return)  # Enter again never removes it
    assert items.chosen == ["YB0301"]
    keys.type("zwjy")  # replaces the selected text: 转外就医
    keys.press(Qt.Key.Key_Return)
    assert items.chosen == ["YB0301", "YB0302"]
    keys.type("xxxxxx")  # nothing found: nothing added
    keys.press(Qt.Key.Key_Return)
    assert items.chosen == ["YB0301", "YB0302"]


def test_a_walk_in_priority_ticket_takes_a_digit_and_one_enter(qtbot, window, counter, dialogs):
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F7)
    dialog = dialogs.latest(WalkInDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys.press(Qt.Key.Key_2)  # 残疾人: the priority lane
    keys.press(Qt.Key.Key_Return)
    assert dialogs.infos == ["已取号：Y001"]
    assert [(t.lane, t.priority_reason) for t in counter.queue.waiting()] == [
        (Lane.PRIORITY, "残疾人")
    ]
    keys.press(Qt.Key.Key_F7)  # Enter alone: a normal ticket
    dialog = dialogs.latest(WalkInDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys.press(Qt.Key.Key_Return)
    assert dialogs.infos[-1] == "已取号：A001"
    keys.press(Qt.Key.Key_F7)  # the priority lane without a reason
    dialog = dialogs.latest(WalkInDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys.alt("Y")
    assert dialog.priority.isChecked() and dialog.reason.currentText() == ""
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.text() == NEED_PRIORITY_REASON
    assert len(counter.queue.waiting()) == 2  # nothing was issued


def test_f11_goes_to_the_queue_list_and_f12_back_to_the_search_box(qtbot, window, counter):
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    counter.cases.open_case(Person("吴十", make_id()), ["YB0202"], counter.clerk_a.id)
    window.queue_panel.reload()
    settle(qtbot, window.ctx.ops)
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F11)
    table = window.queue_panel.table
    assert keys.focused() is table and table.currentIndex().row() == 0
    keys.press(Qt.Key.Key_Down)
    assert window.queue_panel.selected_ticket().code == "A002"
    keys.press(Qt.Key.Key_F12)
    search = window.search
    assert keys.focused() is search.text
    keys.type("吴十")
    keys.press(Qt.Key.Key_Return)  # the results take the focus
    assert keys.focused() is search.table and search.model.rowCount() == 1
    keys.press(Qt.Key.Key_F12)  # back to the box, its text selected
    assert keys.focused() is search.text and search.text.selectedText() == "吴十"
    keys.press(Qt.Key.Key_F8)
    keys.press(Qt.Key.Key_F12)
    assert keys.focused() is search.text


def test_space_ticks_and_moves_on_to_the_next_missing_material(qtbot, window):
    keys = Keyboard(qtbot, window)
    open_case(keys, "ydjy")  # 长期异地就医备案
    panel = window.case_panel
    table = panel.materials.table
    table.setCurrentIndex(panel.materials.model.index(1, MaterialColumn.CONDITION))
    keys.press(Qt.Key.Key_Space)  # the condition applies to this citizen
    assert [m.key for m in panel.case.missing_materials] == ["identity", "residence-proof"]
    table.setCurrentIndex(panel.materials.model.index(0, MaterialColumn.RECEIVED))
    keys.press(Qt.Key.Key_Space)
    assert table.currentIndex().row() == 1  # on to the one still missing
    keys.press(Qt.Key.Key_Space)
    assert not panel.case.missing_materials
    assert table.currentIndex().row() == 1  # nothing left: it stays
    keys.press(Qt.Key.Key_Space)  # and Space takes a tick back
    assert [m.key for m in panel.case.missing_materials] == ["residence-proof"]


def test_a_reopened_case_starts_on_its_first_missing_material(qtbot, window, counter):
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(Person("吴十", make_id()), ["YB0301"], clerk)
    counter.cases.set_condition_applies(case.id, "residence-proof", True, clerk)
    counter.cases.mark_material(case.id, "identity", True, clerk)  # the first row
    counter.cases.notify_missing(case.id, clerk)  # the proof of residence is still missing
    keys = Keyboard(qtbot, window)
    keys.press(Qt.Key.Key_F12)
    keys.type("吴十")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)  # continue the case
    panel = window.case_panel
    assert panel.case.id == case.id and panel.current_step == Step.MATERIALS
    table = panel.materials.table
    rows = panel.case.materials
    current = table.currentIndex()
    assert keys.focused() is table and current.column() == MaterialColumn.RECEIVED
    assert rows[current.row()].missing and not any(m.missing for m in rows[: current.row()])
    assert rows[current.row()].key == "residence-proof" and rows[0].received
    keys.press(Qt.Key.Key_Space)
    assert not panel.case.missing_materials
    assert panel.case.state == CaseState.MATERIALS_INCOMPLETE
    keys.alt("4")
    keys.alt("3")  # nothing missing now: the next action
    assert keys.focused() is panel.next_button


def rating_dialog(qtbot, window, dialogs) -> tuple[Keyboard, RatingDialog]:
    keys = Keyboard(qtbot, window)
    open_case(keys, "YB0202")
    keys.alt("A")
    for _ in range(4):
        keys.ctrl_enter()  # ④, accept, finish, the rating
    dialog = dialogs.latest(RatingDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return keys, dialog


def test_the_rating_starts_on_nothing_and_enter_says_to_choose(qtbot, window, counter, dialogs):
    keys, dialog = rating_dialog(qtbot, window, dialogs)
    assert keys.focused() is dialog  # no rating button has the focus
    assert not any(button.isDefault() for button in dialog.buttons.values())
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.text() == CHOOSE
    assert dialog.chosen is None
    keys.press(Qt.Key.Key_Right)  # the first arrow: the middle
    assert keys.focused() is dialog.buttons[3]
    keys.press(Qt.Key.Key_Left)
    assert keys.focused() is dialog.buttons[4]
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.case_panel.rating.rating is not None)
    assert window.case_panel.rating.rating.level == 4


def test_a_bad_rating_says_why_enter_did_nothing(qtbot, window, counter, dialogs):
    keys, dialog = rating_dialog(qtbot, window, dialogs)
    keys.press(Qt.Key.Key_1)  # 非常不满意: a reason is needed
    assert dialog.reason_edit.isVisible() and keys.focused() is dialog.reason_edit
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.problem.text() == NEED_REASON
    assert window.case_panel.rating.rating is None
    keys.type("窗口没有座位")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.case_panel.rating.rating is not None)
    rating = window.case_panel.rating.rating
    assert rating.level == 1 and rating.reason == "窗口没有座位"


def test_what_is_typed_right_after_f2_is_kept_when_the_called_ticket_arrives(
    qtbot, window, counter
):
    """A fast ID-card reader types the moment F2 is pressed, before the store has answered:
    the called ticket's arrival must not clear it."""
    counter.queue.issue(Lane.NORMAL)
    applicant = window.case_panel.applicant
    number = make_id(sequence="771")
    qtbot.keyClick(window, Qt.Key.Key_F2)  # the call runs on the store thread …
    type_text(qtbot, applicant.name, "钱七")  # … while the reader types, no wait
    qtbot.keyClicks(applicant.id_field.edit, number)
    assert window.queue_panel.current is None  # the answer has not come back yet
    settle(qtbot, window.ctx.ops)  # now the called ticket arrives
    assert window.queue_panel.current is not None
    assert applicant.name.text() == "钱七" and applicant.id_field.text == number
