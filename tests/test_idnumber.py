from datetime import date

import pytest

from counterapp.idnumber import IdNumberError, Sex, check_char, parse_id_number, problem_with
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


def test_wrong_check_digit_is_rejected():
    with pytest.raises(IdNumberError, match="校验位"):
        parse_id_number("110105194912310021")


def test_impossible_date_is_rejected_even_with_a_right_check_digit():
    first17 = "37088319990230123"  # 30 February
    with pytest.raises(IdNumberError, match="出生日期19990230不存在"):
        parse_id_number(first17 + check_char(first17))


def test_future_birth_date_is_rejected():
    number = make_id(birth="20300101")
    with pytest.raises(IdNumberError, match="合理范围"):
        parse_id_number(number, today=date(2026, 11, 25))


@pytest.mark.parametrize("text, message", [
    ("37088319560312123", "应为18位"),
    ("3708831956031212345", "应为18位"),
    ("37088319560312A234", "前17位应为数字"),
    ("990883195603121234", "地区码"),
])
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
