"""Resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the birth date YYYYMMDD, a 3-digit sequence whose last
digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character (0-9 or X).
The old 15-digit numbers (GB 11643-1989: a 2-digit year, no check character) are still on some
cards and papers; `upgrade_old_number` gives their 18-digit form.
Error messages are in Chinese because they are shown to the clerk as the number is typed; each
names the ID number, so "申请人" + message reads as the number being wrong, not the person.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import NamedTuple

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First two digits: the province-level divisions of GB/T 2260 (plus 71/81/82 for Taiwan, HK, Macao).
_PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
    }
)
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: \d would take any script's digits
_OLD_SHAPE = re.compile(r"[0-9]{15}")
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
    """Full-width digits and Ｘ/ｘ as half-width (NFKC), spaces of any width removed, x as X:
    an input method in full-width mode, a pasted number and a card reader all give the same."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _birth_date(digits: str, today: date | None) -> date:
    """The birth date YYYYMMDD of a number, checked to exist and to lie in a sensible range."""
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(f"身份证号码中的出生日期{digits}不存在，请核对后重新输入") from None
    if birth > (today or date.today()):
        raise IdNumberError(f"身份证号码中的出生日期{digits}晚于今天，请核对后重新输入")
    if birth < _EARLIEST_BIRTH:
        raise IdNumberError(f"身份证号码中的出生日期{digits}早于1880年，请核对后重新输入")
    return birth


def _check_region(number: str) -> None:
    if int(number[:2]) not in _PROVINCE_CODES:
        raise IdNumberError(f"身份证号码的地区码（前6位）{number[:6]}不存在，请核对后重新输入")


def is_old_number(text: str) -> bool:
    """Whether `text` has the shape of a 15-digit old number (not whether it is valid)."""
    return bool(_OLD_SHAPE.fullmatch(normalise(text)))


def upgrade_old_number(text: str, today: date | None = None) -> str:
    """The 18-digit form of a 15-digit old number (GB 11643-1999): "19" goes before the
    2-digit birth year and the MOD 11-2 check character is appended. Raises IdNumberError."""
    number = normalise(text)
    if not _OLD_SHAPE.fullmatch(number):
        raise IdNumberError("15位旧身份证号码应为15位数字")
    _check_region(number)
    first17 = number[:6] + "19" + number[6:]
    _birth_date(first17[6:14], today)
    return first17 + check_char(first17)


def parse_id_number(text: str, today: date | None = None) -> ResidentId:
    """Validate `text` and return the parsed number, or raise IdNumberError (Chinese message)."""
    number = normalise(text)
    if _OLD_SHAPE.fullmatch(number):
        raise IdNumberError("身份证号码应为18位，当前为15位（旧号码，可先转为18位）")
    if len(number) != 18:
        raise IdNumberError(f"身份证号码应为18位，当前为{len(number)}位")
    if not _SHAPE.fullmatch(number):
        raise IdNumberError("身份证号码前17位应为数字，最后一位为数字或X")
    _check_region(number)
    birth = _birth_date(number[6:14], today)
    if number[17] != check_char(number[:17]):
        raise IdNumberError("身份证号码校验位不符，请核对后重新输入")
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex)


def problem_with(text: str, today: date | None = None) -> str | None:
    """The clerk-facing message for `text`, or None when it is a valid number."""
    try:
        parse_id_number(text, today)
    except IdNumberError as exc:
        return str(exc)
    return None
