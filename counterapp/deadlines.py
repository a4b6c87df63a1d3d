"""Deadlines of the counter (限时办结): computed once, then stored with the case.

- an instant item (即办件) is due a number of minutes after acceptance;
- a promised item (承诺件) is due on the N-th working day after the day of acceptance;
- a forwarded case (帮办代办) must be submitted upward within N (normally 3) working days;
- a citizen told of missing materials has N working days to bring them.

A working-day deadline that had to use the fallback calendar is provisional, and says so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from counterapp.clock import CST, parse_stamp, stamp
from counterapp.workdays import WorkCalendar


class Due(NamedTuple):
    text: str  # a stamp (minute limits) or an ISO day (working-day limits)
    provisional: bool


def minutes_after(start: datetime, minutes: int) -> Due:
    return Due(stamp(start + timedelta(minutes=minutes)), provisional=False)


def working_days_after(calendar: WorkCalendar, start: date, days: int) -> Due:
    result = calendar.add_working_days(start, days)
    return Due(result.day.isoformat(), result.provisional)


def item_due(
    calendar: WorkCalendar,
    accepted_at: datetime,
    limit_minutes: int | None,
    limit_working_days: int | None,
) -> Due:
    if limit_minutes is not None:
        return minutes_after(accepted_at, limit_minutes)
    if limit_working_days is None:
        raise ValueError("an item needs a time limit in minutes or in working days")
    return working_days_after(calendar, accepted_at.date(), limit_working_days)


def due_moment(due_text: str) -> datetime:
    """When a deadline runs out: a day deadline runs to the end of that day."""
    if len(due_text) == 10:
        return datetime.combine(date.fromisoformat(due_text), time(23, 59, 59), CST)
    return parse_stamp(due_text)


def is_overdue(due_text: str, now: datetime) -> bool:
    return now > due_moment(due_text)
