from datetime import date

import pytest

from counterapp.idnumber import (
    IdNumberError,
    Sex,
    check_char,
    is_old_number,
    normalise,
    parse_id_number,
    problem_with,
    upgrade_old_number,
)
from counterapp.privacy import mask_id_number, mask_name, mask_phone
from tests.conftest import make_id


def test_known_valid_number_with_x_check_digit():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == Sex.FEMALE
    assert parsed.region_code == "110105"


def test_lower_case_x_and_spaces_are_normalised():
    parsed = parse_id_number(" 110105 19491231 002x ")
    assert parsed.number == "11010519491231002X"


def test_full_width_digits_x_and_spaces_are_normalised():
    # an input method in full-width mode, with an ideographic space (U+3000)
    assert normalise("１１０１０５\u3000１９４９１２３１００２ｘ") == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_digits_of_other_scripts_are_not_taken_for_digits():
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "110105194912310021")
    assert "前17位应为数字" in problem_with(arabic_indic)


def test_wrong_check_digit_says_the_number_is_wrong():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("110105194912310021")
    assert str(caught.value) == "身份证号码校验位不符，请核对后重新输入"


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",
        "37088319560312123",
        "990883195603121234",
        "37088319990230123X",
        make_id(birth="20300101"),
        make_id(birth="18700101"),
        "370883560312123",
    ],
)
def test_every_message_is_about_the_number_not_the_person(text):
    """Prefixed with a role ("申请人…"), a message must read as the number being wrong."""
    assert problem_with(text, date(2026, 11, 25)).startswith("身份证号码")


def test_an_old_15_digit_number_is_upgraded_to_18():
    assert is_old_number("110105491231002") and is_old_number("１１０１０５ ４９１２３１００２")
    assert not is_old_number("11010519491231002")
    assert upgrade_old_number("110105491231002") == "11010519491231002X"
    assert upgrade_old_number("370883560312123") == make_id(birth="19560312", sequence="123")
    assert "可先转为18位" in problem_with("110105491231002")


@pytest.mark.parametrize(
    "text, message",
    [
        ("370883560230123", "出生日期19560230不存在"),
        ("990883560312123", "地区码（前6位）990883不存在"),
        ("37088356031212", "应为15位数字"),
    ],
)
def test_an_old_number_that_cannot_be_upgraded_says_why(text, message):
    with pytest.raises(IdNumberError, match=message):
        upgrade_old_number(text)


def test_impossible_date_is_rejected_even_with_a_right_check_digit():
    first17 = "37088319990230123"  # 30 February
    with pytest.raises(IdNumberError, match="出生日期19990230不存在"):
        parse_id_number(first17 + check_char(first17))


def test_future_birth_date_is_rejected():
    number = make_id(birth="20300101")
    with pytest.raises(IdNumberError, match="出生日期20300101晚于今天"):
        parse_id_number(number, today=date(2026, 11, 25))


@pytest.mark.parametrize(
    "text, message",
    [
        ("37088319560312123", "应为18位"),
        ("3708831956031212345", "应为18位"),
        ("37088319560312A234", "前17位应为数字"),
        ("990883195603121234", "地区码（前6位）990883不存在"),
    ],
)
def test_shape_errors_have_clerk_messages(text, message):
    assert message in problem_with(text)


def test_age_and_sex():
    man = parse_id_number(make_id(birth="19560312", sequence="123"))
    assert man.sex == Sex.MALE
    assert man.age_on(date(2026, 3, 11)) == 69
    assert man.age_on(date(2026, 3, 12)) == 70
    leap = parse_id_number(make_id(birth="20000229", sequence="122"))
    assert leap.sex == Sex.FEMALE
    assert leap.age_on(date(2026, 2, 28)) == 25
    assert leap.age_on(date(2026, 3, 1)) == 26


def test_valid_number_has_no_problem():
    assert problem_with(make_id()) is None


def test_masking():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("𠮷野家") == "𠮷*家"
    assert mask_name("王𠮷") == "王*"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0537-5211234") == "053*****1234"
