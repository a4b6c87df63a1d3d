"""Step ① as a clerk types it: nothing cut silently, each problem under its own field, the ID
number's state in words and colour, the 15-digit conversion, full-width input, and a number
already used under another name."""

from counterapp.case_model import Person
from tests.conftest import make_id
from ui import comfort
from ui.qt import QPalette, Qt
from ui.visit_flow import Step

from .visit import Clerk, type_text

OLD = "370883560312123"  # a 15-digit old number: born 1956-03-12
OLD_AS_18 = make_id(birth="19560312", sequence="123")


def colour(label) -> str:
    return label.palette().color(QPalette.ColorRole.WindowText).name()


def below(hint, field) -> bool:
    """The message is right under its field, in the same column."""
    field_box = field.geometry()
    hint_box = hint.geometry()
    return (
        hint.isVisible()
        and hint.parentWidget() is field.parentWidget()
        and hint_box.top() >= field_box.bottom()
        and hint_box.left() == field_box.left()
    )


def test_a_500_character_name_is_kept_whole_and_the_limit_is_said(qtbot, window):
    clerk = Clerk(qtbot, window)
    page = window.case_panel.applicant
    assert "最多30个字" in page.name.placeholderText()
    type_text(qtbot, page.name, "张" * 500)
    assert len(page.name.text()) == 500  # never cut
    hint = page.name_field.hint
    assert hint.text() == "姓名过长：最多30个字，当前500个字，请核对"
    assert colour(hint) == comfort.KIND_COLOURS["error"] and below(hint, page.name)
    qtbot.keyClicks(page.id_field.edit, make_id())
    clerk.next()
    assert clerk.at(Step.APPLICANT)
    assert "1 处需更正" in window.case_panel.problem.text()
    assert page.name.hasFocus()


def test_each_problem_is_shown_under_its_own_field(qtbot, window):
    clerk = Clerk(qtbot, window)
    page = window.case_panel.applicant
    qtbot.keyClicks(page.id_field.edit, "110105194912310021")
    qtbot.keyClicks(page.phone, "12345")
    qtbot.keyClick(page.with_agent, Qt.Key.Key_Space)
    type_text(qtbot, page.agent_name, "李四")
    qtbot.keyClicks(page.agent_id.edit, make_id(sequence="311"))
    page.relation.setCurrentText("")
    clerk.next()
    assert clerk.at(Step.APPLICANT)
    expected = {
        page.name_field: "姓名不能为空",
        page.id_field: "身份证号码校验位不符，请核对后重新输入",
        page.phone_field: "联系电话格式不正确（11位手机号或带区号的固定电话）",
        page.agent_fields["relation"]: "须填写代办人与申请人的关系",
    }
    for field, message in expected.items():
        assert field.hint.text() == message
        assert below(field.hint, field.field), message
    assert not page.agent_id.hint.text().startswith("身份证")  # the agent's number is fine
    assert "4 处需更正" in window.case_panel.problem.text()
    assert page.name.hasFocus()  # the first field with a problem
    # typing in a field takes its message away; the others stay
    qtbot.keyClicks(page.phone, "\b" * 5 + "13800000000")
    assert not page.phone_field.hint.isVisible()
    assert page.name_field.hint.isVisible()


def test_a_valid_number_is_green_with_a_tick_and_a_wrong_one_red(qtbot, window):
    page = window.case_panel.applicant
    qtbot.keyClicks(page.id_field.edit, make_id()[:10])
    assert page.id_field.hint.text() == "已输入 10 位，共 18 位"
    assert colour(page.id_field.hint) == comfort.KIND_COLOURS["warn"]
    qtbot.keyClicks(page.id_field.edit, make_id()[10:])  # born 1956: 70, green channel
    assert page.id_field.hint.text().startswith("✓ 号码有效：男，1956年03月12日生，70岁")
    assert colour(page.id_field.hint) == comfort.KIND_COLOURS["ok"]
    qtbot.keyClick(page.id_field.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(page.id_field.edit, "0" if make_id()[-1] != "0" else "1")
    assert page.id_field.hint.text() == "身份证号码校验位不符，请核对后重新输入"
    assert colour(page.id_field.hint) == comfort.KIND_COLOURS["error"]


def test_a_15_digit_old_number_is_converted_with_one_key(qtbot, window):
    clerk = Clerk(qtbot, window)
    page = window.case_panel.applicant
    field = page.id_field
    qtbot.keyClicks(field.edit, OLD)
    assert field.convert_button.isVisible() and "转为18位" in field.hint.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.edit.text() == OLD_AS_18
    assert "已由15位旧号码 370883560312123 转换为18位" in field.hint.text()
    assert field.hint.text().startswith("✓") and not field.convert_button.isVisible()
    # the note goes once the number is changed by hand
    qtbot.keyClick(field.edit, Qt.Key.Key_Backspace)
    assert "旧号码" not in field.hint.text()
    # the button does the same; Enter does nothing special for an 18-digit number
    field.edit.clear()
    qtbot.keyClicks(field.edit, OLD)
    clerk.click(field.convert_button)
    assert field.edit.text() == OLD_AS_18
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.edit.text() == OLD_AS_18


def test_full_width_digits_and_x_are_normalised_as_typed(qtbot, window):
    page = window.case_panel.applicant
    number = make_id(birth="19491231", sequence="002", region="110105")  # ends in X
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1].lower()) + "ｘ"
    type_text(qtbot, page.id_field.edit, wide[:6] + "\u3000" + wide[6:])
    assert page.id_field.edit.text() == number == "11010519491231002X"
    assert page.id_field.hint.text().startswith("✓")
    type_text(qtbot, page.id_field.edit, "Ａ")  # not part of a number
    assert page.id_field.edit.text() == number


def test_a_number_used_under_another_name_is_pointed_out_and_its_cases_listed(
    qtbot, window, counter
):
    number = make_id(birth="19800101", sequence="123")
    earlier = counter.cases.open_case(Person("张三", number), ["YB0301"], counter.clerk_a.id)
    clerk = Clerk(qtbot, window)
    page = window.case_panel.applicant
    type_text(qtbot, page.name, "张叁")
    qtbot.keyClicks(page.id_field.edit, number)
    clerk.settle()
    assert page.id_notice.isVisible() and "「张三」" in page.id_notice.text()
    assert "与所填姓名不同" in page.id_notice.text()
    assert colour(page.id_notice) == comfort.KIND_COLOURS["warn"]
    assert page.found.isVisible() and page.found.count() == 1
    assert earlier.case_no in page.found.item(0).text()
    assert "1 件未办结" in page.found_note.text()
    # the same name (spaces aside) is no warning; another number clears it
    page.name.clear()
    type_text(qtbot, page.name, "张 三")
    assert not page.id_notice.isVisible()
    page.name.clear()
    type_text(qtbot, page.name, "张叁")
    assert page.id_notice.isVisible()
    qtbot.keyClick(page.id_field.edit, Qt.Key.Key_Backspace)
    clerk.settle()
    assert not page.id_notice.isVisible() and not page.found.isVisible()
    # a warning only: the clerk can go on
    qtbot.keyClicks(page.id_field.edit, number[-1])
    clerk.settle()
    assert page.id_notice.isVisible()
    clerk.next()
    assert clerk.at(Step.ITEMS)
