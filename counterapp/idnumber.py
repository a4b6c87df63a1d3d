"""Resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the birth date YYYYMMDD, a 3-digit sequence whose last
digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character (0-9 or X).
Error messages are in Chinese because they are shown to the clerk as the number is typed.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import NamedTuple

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First two digits: the province-level divisions of GB/T 2260 (plus 71/81/82 for Taiwan, HK, Macao).
_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)
_SHAPE = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH = date(1880, 1, 1)


class Sex(StrEnum):
    MALE = "男"
    FEMALE = "女"


class IdNumberError(ValueError):
    """The text is not a valid resident ID number; str() is a message for the clerk."""


class ResidentId(NamedTuple):
    number: str
    birth_date: date
    sex: Sex

    @property
    def region_code(self) -> str:
        return self.number[:6]

    def age_on(self, day: date) -> int:
        """Age in whole years on `day` (someone born on 29 February ages on 1 March)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(text: str) -> str:
    """Strip spaces and accept a lower-case x, as clerks and card readers produce both."""
    return "".join(text.split()).upper()


def parse_id_number(text: str, today: date | None = None) -> ResidentId:
    """Validate `text` and return the parsed number, or raise IdNumberError (Chinese message)."""
    number = normalise(text)
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为18位，当前为{len(number)}位")
    if not _SHAPE.fullmatch(number):
        raise IdNumberError("身份证号码前17位应为数字，最后一位为数字或X")
    if int(number[:2]) not in _PROVINCE_CODES:
        raise IdNumberError(f"地区码{number[:6]}无效")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(f"出生日期{number[6:14]}不存在") from None
    if not _EARLIEST_BIRTH <= birth <= (today or date.today()):
        raise IdNumberError(f"出生日期{number[6:14]}不在合理范围内")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError("校验位错误，请核对号码是否输错")
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex)


def problem_with(text: str, today: date | None = None) -> str | None:
    """The clerk-facing message for `text`, or None when it is a valid number."""
    try:
        parse_id_number(text, today)
    except IdNumberError as exc:
        return str(exc)
    return None
