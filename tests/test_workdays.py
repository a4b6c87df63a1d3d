"""Tests for the working-day calendar. The library is pinned to 2004-2026 (tests/conftest.py),
the years of chinese_calendar 1.11, so 2027 is a fallback year whatever release is installed."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from lunardate import LunarDate

from counterapp import workdays
from counterapp.workdays import (
    DayInfo,
    DaySource,
    WorkCalendar,
    WorkdayResult,
    YearCalendar,
    fallback_holidays,
    qingming,
)
from tests.conftest import LIBRARY_YEARS

CAL = WorkCalendar()


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(k) for k in range((end - start).days + 1)]


# --- library data (verified against chinese_calendar 1.11's own tables) ---------------------


def test_2026_library_facts_used_below() -> None:
    # National Day + Mid-autumn 2026: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 are make-up days.
    assert all(chinese_calendar.is_holiday(d) for d in days(date(2026, 10, 1), date(2026, 10, 7)))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # a Saturday
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # a Sunday
    # Spring Festival 2026 (除夕 Feb 16): Feb 15-23 off, Sat Feb 14 and Sat Feb 28 are make-up days.
    assert all(chinese_calendar.is_holiday(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))


def test_pinned_library_years_leave_2027_to_the_fallback() -> None:
    # The tests pin the library to 2004-2026 (conftest), so 2027 comes from the fallback rule
    # whether or not the installed chinese_calendar release already knows it.
    assert CAL.day_info(date(2027, 1, 4)).source == DaySource.FALLBACK
    assert CAL.day_info(date(2026, 12, 31)).source == DaySource.LIBRARY
    assert CAL.known_until() == date(2026, 12, 31)


def test_unpinned_calendar_uses_every_year_the_library_knows() -> None:
    workdays.pin_library_years(None)
    try:
        last = max(d.year for d in chinese_calendar.holidays)
        assert CAL.known_until() >= date(last, 12, 31)
        assert CAL.day_info(date(last, 7, 1)).source == DaySource.LIBRARY
    finally:
        workdays.pin_library_years(LIBRARY_YEARS)


def test_national_day_2026() -> None:
    assert CAL.add_working_days(date(2026, 9, 30), 3) == WorkdayResult(date(2026, 10, 10), False)
    assert CAL.add_working_days(date(2026, 9, 30), 1).day == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 9, 30), 4).day == date(2026, 10, 12)
    assert CAL.add_working_days(date(2026, 9, 18), 1).day == date(2026, 9, 20)  # make-up Sunday
    assert CAL.day_info(date(2026, 10, 10)) == DayInfo(
        date(2026, 10, 10), True, DaySource.LIBRARY, "国庆节"
    )
    assert CAL.day_info(date(2026, 10, 3)) == DayInfo(
        date(2026, 10, 3), False, DaySource.LIBRARY, "国庆节"
    )
    assert CAL.day_info(date(2026, 9, 25)).holiday_name == "中秋节"
    assert CAL.day_info(date(2026, 10, 17)) == DayInfo(date(2026, 10, 17), False, "library", None)


def test_spring_festival_2026() -> None:
    # Thu Feb 12 -> Fri 13 (1), make-up Sat 14 (2), Feb 15-23 off, Tue 24 (3).
    assert CAL.add_working_days(date(2026, 2, 12), 3) == WorkdayResult(date(2026, 2, 24), False)
    assert CAL.add_working_days(date(2026, 2, 13), 3).day == date(2026, 2, 25)
    assert CAL.add_working_days(date(2026, 2, 15), 1).day == date(2026, 2, 24)  # start on a holiday
    assert CAL.day_info(date(2026, 2, 16)).holiday_name == "春节"
    assert CAL.is_workday(date(2026, 2, 28))
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6


def test_n_zero_and_negative() -> None:
    assert CAL.add_working_days(date(2026, 10, 9), 0).day == date(2026, 10, 9)
    assert CAL.add_working_days(date(2026, 10, 1), 0).day == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 10, 11), 0).day == date(2026, 10, 12)
    with pytest.raises(ValueError, match="n must be"):
        CAL.add_working_days(date(2026, 10, 9), -1)


# --- beyond the library: fallback ------------------------------------------------------------


def test_forward_crossing_into_2027_is_provisional() -> None:
    # 2027-01-01 (Fri) is 元旦: Thu Dec 31 (1), Mon Jan 4 (2), Tue Jan 5 (3).
    assert CAL.add_working_days(date(2026, 12, 30), 3) == WorkdayResult(date(2027, 1, 5), True)
    # Only 2026 days examined -> still official.
    assert CAL.add_working_days(date(2026, 12, 30), 1) == WorkdayResult(date(2026, 12, 31), False)
    assert CAL.day_info(date(2027, 1, 1)) == DayInfo(
        date(2027, 1, 1), False, DaySource.FALLBACK, "元旦"
    )


def test_spring_festival_2027_fallback() -> None:
    assert LunarDate(2027, 1, 1).to_solar_date() == date(2027, 2, 6)  # 除夕 is Fri Feb 5
    off = [d for d in days(date(2027, 2, 1), date(2027, 2, 12)) if not CAL.is_workday(d)]
    assert off == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert CAL.add_working_days(date(2027, 2, 4), 1) == WorkdayResult(date(2027, 2, 9), True)
    assert CAL.day_info(date(2027, 2, 8)).holiday_name == "春节"


def test_lunar_year_ending_on_the_29th() -> None:
    # Lunar 2024 month 12 has 29 days: 除夕 2025-01-28 is the 29th, not the 30th.
    assert LunarDate.from_solar_date(2025, 1, 28).day == 29
    assert fallback_holidays(2025)[date(2025, 1, 28)] == "春节"
    assert date(2025, 1, 27) not in fallback_holidays(2025)


@pytest.mark.parametrize("year", [2025, 2026])
def test_fallback_agrees_with_library(year: int) -> None:
    fallback = fallback_holidays(year)
    assert len(fallback) == 13  # 2024 rules: 1 + 4 + 1 + 2 + 1 + 1 + 3
    for day in fallback:
        assert chinese_calendar.is_holiday(day), day
        assert day in chinese_calendar.holidays, day


def test_qingming_formula() -> None:
    for year in range(2008, 2027):  # Qingming is a public holiday since 2008
        day = qingming(year)
        assert day is not None
        assert chinese_calendar.holidays.get(day) == "Tomb-sweeping Day", year
    for year in range(1900, 2100):
        terms = dict(
            (n, d) for d, n in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        )
        assert qingming(year) == terms["清明"], year
    assert qingming(1899) is None and qingming(2100) is None


@pytest.mark.parametrize(
    "day",
    [
        date.min,
        date(1900, 1, 30),
        date(1900, 12, 31),
        date(2099, 12, 31),
        date(2100, 1, 1),
        date(2150, 10, 1),
        date(2150, 6, 15),
        date(9999, 12, 30),
        date.max,
    ],
)
def test_far_dates_never_raise(day: date) -> None:
    info = CAL.day_info(day)
    assert info.source is DaySource.FALLBACK
    assert CAL.is_workday(day) == info.is_workday
    assert CAL.add_working_days(day, 3).provisional
    assert CAL.add_working_days(day, 0).provisional
    CAL.working_days_between(day, date(2026, 1, 1))


def test_far_date_details() -> None:
    assert CAL.day_info(date(1900, 1, 30)).holiday_name == "春节"  # 除夕 of lunar 1900
    assert CAL.day_info(date(2150, 10, 1)).holiday_name == "国庆节"
    assert not fallback_holidays(2150).keys() - {  # no lunar data: solar dates only
        date(2150, 1, 1),
        date(2150, 5, 1),
        date(2150, 5, 2),
        date(2150, 10, 1),
        date(2150, 10, 2),
        date(2150, 10, 3),
    }
    assert CAL.add_working_days(date(9999, 12, 28), 10) == WorkdayResult(date.max, True)
    assert CAL.add_working_days(date.max, 1) == WorkdayResult(date.max, True)
    assert CAL.working_days_between(date(1, 1, 1), date(1, 1, 8)) == 5  # Jan 1 1 AD is 元旦
    assert CAL.add_working_days(date(2004, 1, 1), 1) == WorkdayResult(date(2004, 1, 2), False)
    assert CAL.add_working_days(date(2003, 12, 31), 1) == WorkdayResult(date(2004, 1, 2), False)


# --- county push -----------------------------------------------------------------------------

COUNTY_2027 = YearCalendar(  # hypothetical arrangement, for testing only
    2027,
    holidays={date(2027, 1, 1): "元旦", date(2027, 1, 4): "元旦"},
    workdays={date(2027, 1, 9): "元旦"},  # a Saturday
    source="county push 2026-11-20",
)


def test_county_year_makes_results_official() -> None:
    cal = CAL.with_year(COUNTY_2027)
    # Thu Dec 31 (1), Jan 1 and Mon Jan 4 off, Tue Jan 5 (2), Wed Jan 6 (3).
    assert cal.add_working_days(date(2026, 12, 30), 3) == WorkdayResult(date(2027, 1, 6), False)
    assert cal.add_working_days(date(2027, 1, 7), 2) == WorkdayResult(date(2027, 1, 9), False)
    assert cal.day_info(date(2027, 1, 9)) == DayInfo(date(2027, 1, 9), True, "county", "元旦")
    assert cal.day_info(date(2027, 2, 5)) == DayInfo(date(2027, 2, 5), True, "county", None)
    assert cal.known_until() == date(2027, 12, 31)
    # The original calendar is unchanged (immutable style).
    assert CAL.add_working_days(date(2026, 12, 30), 3).provisional
    assert CAL.known_until() == date(2026, 12, 31)
    # 2028 is still fallback.
    assert cal.add_working_days(date(2027, 12, 30), 3).provisional


def test_county_year_overrides_library_and_replaces() -> None:
    pushed = YearCalendar(2026, {date(2026, 10, 9): "国庆节"}, {}, "county push")
    cal = WorkCalendar([pushed])
    assert not cal.is_workday(date(2026, 10, 10))  # library's make-up Saturday is gone
    assert cal.is_workday(date(2026, 10, 1))
    assert cal.day_info(date(2026, 10, 9)).source is DaySource.COUNTY
    replaced = cal.with_year(YearCalendar(2026, {}, {}, "second push"))
    assert replaced.is_workday(date(2026, 10, 9))
    assert [c.source for c in replaced.official_years] == ["second push"]


def test_known_until_ignores_gap() -> None:
    later = YearCalendar(2028, {}, {}, "county")
    assert CAL.with_year(later).known_until() == date(2026, 12, 31)
    assert CAL.with_year(later).with_year(COUNTY_2027).known_until() == date(2028, 12, 31)


def test_document_round_trip() -> None:
    doc = COUNTY_2027.to_document()
    assert doc == {
        "year": 2027,
        "source": "county push 2026-11-20",
        "holidays": {"2027-01-01": "元旦", "2027-01-04": "元旦"},
        "workdays": {"2027-01-09": "元旦"},
    }
    assert YearCalendar.from_document(doc) == COUNTY_2027
    assert YearCalendar.from_document({**doc, "published": "x"}) == COUNTY_2027


def _doc(**changes: object) -> dict[str, object]:
    return {**COUNTY_2027.to_document(), **changes}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (["not", "a", "dict"], "must be an object, got list"),
        ({"year": 2027, "holidays": {}, "workdays": {}}, "missing 'source'"),
        (_doc(year="2027"), "year must be an integer"),
        (_doc(year=True), "year must be an integer"),
        (_doc(source=" "), "source must be a non-empty string"),
        (_doc(holidays=["2027-01-01"]), "holidays must be an object"),
        (_doc(holidays={"2026-12-31": "元旦"}), "holidays: 2026-12-31 is outside year 2027"),
        (_doc(workdays={"2028-01-02": "x"}), "workdays: 2028-01-02 is outside year 2027"),
        (_doc(holidays={"2027-1-1": "元旦"}), "holidays: '2027-1-1' is not a valid date"),
        (_doc(holidays={"20270101": "元旦"}), "'20270101' is not a valid date"),
        (_doc(holidays={"2027-02-30": "x"}), "'2027-02-30' is not a valid date"),
        (_doc(holidays={"2027-01-01": ""}), "name for 2027-01-01 must be non-empty"),
        (_doc(workdays={"2027-01-01": "元旦"}), "both as holiday and as workday: 2027-01-01"),
    ],
)
def test_from_document_rejects(doc: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        YearCalendar.from_document(doc)  # type: ignore[arg-type]


def test_constructor_validates_and_freezes() -> None:
    holidays = {date(2027, 1, 1): "元旦"}
    cal = YearCalendar(2027, holidays, {}, "x")
    holidays[date(2027, 1, 2)] = "later change"
    assert date(2027, 1, 2) not in cal.holidays
    with pytest.raises(TypeError):
        cal.holidays[date(2027, 1, 3)] = "x"  # type: ignore[index]
    with pytest.raises(ValueError, match="outside year 2027"):
        YearCalendar(2027, {date(2026, 1, 1): "元旦"}, {}, "x")


# --- counting --------------------------------------------------------------------------------


def test_working_days_between_both_directions() -> None:
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert CAL.working_days_between(date(2026, 10, 9), date(2026, 10, 9)) == 0
    assert CAL.working_days_between(date(2026, 12, 30), date(2027, 1, 5)) == 3
    assert CAL.working_days_between(date(2027, 1, 5), date(2026, 12, 30)) == -3
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == sum(
        chinese_calendar.is_workday(d) for d in days(date(2026, 1, 1), date(2026, 12, 31))
    )


def test_add_and_between_are_consistent() -> None:
    cal = CAL.with_year(COUNTY_2027)
    for start in days(date(2026, 9, 1), date(2027, 3, 1)):
        for n in (1, 3, 20):
            result = cal.add_working_days(start, n).day
            assert cal.working_days_between(start, result) == n
            assert cal.is_workday(result)
            assert cal.working_days_between(result, start) == -n


def test_matches_library_day_by_day() -> None:
    for day in days(date(2004, 1, 1), date(2026, 12, 31)):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
