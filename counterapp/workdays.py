"""Working-day calendar for counter time limits (帮办代办: forward within 3 working days).

Each day is answered from one of three sources, in this order of precedence:

1. COUNTY   - an official calendar of a whole year pushed by the county (``YearCalendar``);
2. LIBRARY  - ``chinese_calendar`` (official State Council arrangements, 2004-2026 in 1.11);
3. FALLBACK - weekends plus the fixed statutory holidays of 《全国年节及纪念日放假办法》 (2024
   revision). Make-up working days (调休) and weekday substitutes (补假) cannot be predicted,
   so any result that looked at a fallback day is marked provisional.

Days are resolved a whole year at a time and cached as one byte per day, so the hot path is a
byte lookup. Any date from ``date.min`` to ``date.max`` works; nothing here raises for a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

_Days = Mapping[date, str]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHINESE_NAMES = {  # chinese_calendar's English holiday names -> the names used everywhere here
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class DaySource(StrEnum):
    COUNTY = "county"
    LIBRARY = "library"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class YearCalendar:
    """An official calendar of one year as the county pushes it; wins over everything else.

    ``holidays`` are days off even on a weekday, ``workdays`` are make-up working days (调休上班)
    even on a weekend; values name the holiday. Any other day follows Monday-Friday.
    """

    year: int
    holidays: Mapping[date, str] = field(hash=False)
    workdays: Mapping[date, str] = field(hash=False)
    source: str

    def __post_init__(self) -> None:
        if type(self.year) is not int or not MINYEAR <= self.year <= MAXYEAR:
            raise ValueError(f"year must be an integer in {MINYEAR}..{MAXYEAR}, got {self.year!r}")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError("source must be a non-empty string")
        for label in ("holidays", "workdays"):
            days = dict(getattr(self, label))
            for day, name in days.items():
                if not isinstance(day, date) or isinstance(day, datetime):
                    raise ValueError(f"{label}: key {day!r} is not a datetime.date")
                if day.year != self.year:
                    raise ValueError(f"{label}: {day.isoformat()} is outside year {self.year}")
                if not isinstance(name, str) or not name.strip():
                    raise ValueError(f"{label}: name for {day.isoformat()} must be non-empty text")
            object.__setattr__(self, label, MappingProxyType(days))
        both = sorted(self.holidays.keys() & self.workdays.keys())
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"date(s) listed both as holiday and as workday: {listed}")

    def to_document(self) -> dict[str, Any]:
        """JSON-friendly form: ISO date strings, sorted."""
        return {
            "year": self.year,
            "source": self.source,
            "holidays": {d.isoformat(): n for d, n in sorted(self.holidays.items())},
            "workdays": {d.isoformat(): n for d, n in sorted(self.workdays.items())},
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> YearCalendar:
        """Parse and validate a pushed document; raises ValueError naming the offending entry.

        Unknown extra keys are ignored (forward compatibility).
        """
        if not isinstance(doc, dict):
            raise ValueError(f"calendar document must be an object, got {type(doc).__name__}")
        for key in ("year", "source", "holidays", "workdays"):
            if key not in doc:
                raise ValueError(f"calendar document is missing {key!r}")
        maps: dict[str, dict[date, str]] = {}
        for label in ("holidays", "workdays"):
            raw = doc[label]
            if not isinstance(raw, dict):
                raise ValueError(f"{label} must be an object of 'YYYY-MM-DD': name")
            maps[label] = {}
            for text, name in raw.items():
                try:
                    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
                        raise ValueError
                    day = date.fromisoformat(text)
                except ValueError:
                    msg = f"{label}: {text!r} is not a valid date 'YYYY-MM-DD'"
                    raise ValueError(msg) from None
                maps[label][day] = name
        return cls(doc["year"], maps["holidays"], maps["workdays"], doc["source"])


class DayInfo(NamedTuple):
    """``holiday_name``: the holiday for a day off, or the holiday a make-up workday belongs to."""

    day: date
    is_workday: bool
    source: DaySource
    holiday_name: str | None


class WorkdayResult(NamedTuple):
    day: date
    provisional: bool  # True if any day examined came from the FALLBACK source


class _Year(NamedTuple):
    year: int
    first: int  # ordinal of 1 January
    work: bytes  # one byte per day of the year: 1 = working day
    source: DaySource
    names: Mapping[int, str]  # day index -> holiday name


def _build_year(year: int, off: _Days, on: _Days, src: DaySource) -> _Year:
    first = date(year, 1, 1).toordinal()
    size = date(year, 12, 31).toordinal() - first + 1
    weekday = date(year, 1, 1).weekday()
    work = bytearray(1 if (weekday + i) % 7 < 5 else 0 for i in range(size))
    names: dict[int, str] = {}
    for days, flag in ((off, 0), (on, 1)):  # make-up days win, as in chinese_calendar
        for day, name in days.items():
            work[day.toordinal() - first] = flag
            names[day.toordinal() - first] = name
    return _Year(year, first, bytes(work), src, MappingProxyType(names))


def qingming(year: int) -> date | None:
    """Qingming solar term (Apr 4-6) by the common formula; None outside 1900-2099."""
    if not 1900 <= year <= 2099:
        return None
    y = year % 100
    return date(year, 4, int(y * 0.2422 + (4.81 if year >= 2000 else 5.59)) - y // 4)


def fallback_holidays(year: int) -> dict[date, str]:
    """The 13 statutory days off of a year (2024 rules). Lunar ones only where lunardate works."""
    days: dict[date, str] = {}

    def add(day: date | None, name: str) -> None:
        if day is not None and day.year == year:
            days[day] = f"{days[day]}、{name}" if day in days else name

    add(date(year, 1, 1), "元旦")
    add(qingming(year), "清明节")
    for d in (1, 2):
        add(date(year, 5, d), "劳动节")
    for d in (1, 2, 3):
        add(date(year, 10, d), "国庆节")
    from lunardate import LunarDate  # imported on first use, like chinese_calendar: start-up

    try:  # lunardate covers lunar years 1900-2099 and raises ValueError outside
        new_year = LunarDate(year, 1, 1).to_solar_date()  # 正月初一; 除夕 is simply the day before
        dragon_boat = LunarDate(year, 5, 5).to_solar_date()
        mid_autumn = LunarDate(year, 8, 15).to_solar_date()
    except (ValueError, IndexError, OverflowError):
        return days
    for k in range(-1, 3):
        add(new_year + timedelta(days=k), "春节")
    add(dragon_boat, "端午节")
    add(mid_autumn, "中秋节")
    return days


_pinned_library_years: frozenset[int] | None = None


def pin_library_years(years: Iterable[int] | None) -> None:
    """Take only these years from chinese_calendar (None: every year it knows).

    A new release of the library adds next year's arrangement; tests pin the years they were
    written against so that they mean the same with any release installed.
    """
    global _pinned_library_years
    _pinned_library_years = None if years is None else frozenset(years)
    _base_year.cache_clear()


def _library_years() -> frozenset[int]:
    years = _installed_library_years()
    return years if _pinned_library_years is None else years & _pinned_library_years


@cache
def _installed_library_years() -> frozenset[int]:
    """Years chinese_calendar answers for, probed once through its public API."""
    import chinese_calendar  # imported on first use: ~10 ms that the window's start need not pay

    years = {d.year for d in [*chinese_calendar.holidays, *chinese_calendar.workdays]}
    supported = set()
    for year in years:
        try:
            chinese_calendar.is_workday(date(year, 7, 1))
        except NotImplementedError:
            continue
        supported.add(year)
    return frozenset(supported)


@lru_cache(maxsize=512)
def _base_year(year: int) -> _Year:
    """A year from chinese_calendar, else from the fallback rule."""
    if year not in _library_years():
        return _build_year(year, fallback_holidays(year), {}, DaySource.FALLBACK)

    import chinese_calendar

    def pick(days: _Days) -> dict[date, str]:
        return {d: _CHINESE_NAMES.get(n, n) for d, n in days.items() if d.year == year}

    off, on = pick(chinese_calendar.holidays), pick(chinese_calendar.workdays)
    return _build_year(year, off, on, DaySource.LIBRARY)


class WorkCalendar:
    """Immutable working-day calendar; ``with_year`` returns a new one with a county year."""

    def __init__(self, official_years: Iterable[YearCalendar] = ()) -> None:
        self._official = {cal.year: cal for cal in official_years}  # a later duplicate wins
        self._county = {
            y: _build_year(y, c.holidays, c.workdays, DaySource.COUNTY)
            for y, c in self._official.items()
        }

    @property
    def official_years(self) -> tuple[YearCalendar, ...]:
        return tuple(self._official[y] for y in sorted(self._official))

    def with_year(self, cal: YearCalendar) -> WorkCalendar:
        return WorkCalendar([*self._official.values(), cal])

    def _year(self, year: int) -> _Year:
        return self._county.get(year) or _base_year(year)

    def day_info(self, day: date) -> DayInfo:
        t = self._year(day.year)
        i = day.toordinal() - t.first
        return DayInfo(day, bool(t.work[i]), t.source, t.names.get(i))

    def is_workday(self, day: date) -> bool:
        t = self._year(day.year)
        return bool(t.work[day.toordinal() - t.first])

    def add_working_days(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day strictly after ``start``; for n == 0, ``start`` or the next one.

        A result beyond ``date.max`` is clamped to ``date.max`` (provisional) instead of raising.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n > 0:
            if start == date.max:
                return WorkdayResult(date.max, True)
            start += timedelta(days=1)
        need = max(n, 1)
        t = self._year(start.year)
        i = start.toordinal() - t.first
        provisional = t.source is DaySource.FALLBACK
        while True:
            available = t.work.count(1, i)
            if available >= need:
                for _ in range(need):
                    i = t.work.index(1, i) + 1
                return WorkdayResult(date.fromordinal(t.first + i - 1), provisional)
            need -= available
            if t.year == MAXYEAR:
                return WorkdayResult(date.max, True)
            t, i = self._year(t.year + 1), 0
            provisional = provisional or t.source is DaySource.FALLBACK

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end < start ("overdue by N")."""
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        for year in range(start.year, end.year + 1):
            t = self._year(year)
            lo = start.toordinal() - t.first + 1 if year == start.year else 0
            hi = end.toordinal() - t.first + 1 if year == end.year else len(t.work)
            total += t.work.count(1, lo, hi)
        return total

    def known_until(self) -> date:
        """Last day of the run of official years (library, then consecutive county years).

        A county year after a gap does not extend it; date.min if nothing is covered at all.
        """
        covered = _library_years() | self._official.keys()
        if not covered:
            return date.min
        year = max(_library_years()) if _library_years() else min(covered)
        while year + 1 in covered:
            year += 1
        return date(year, 12, 31)
