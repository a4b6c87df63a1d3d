"""Time at the counter: China Standard Time everywhere, replaceable in tests and demos."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


class Clock:
    """The real clock. Services take a Clock so tests can move time on purpose."""

    def now(self) -> datetime:
        return datetime.now(CST).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=CST)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment if moment.tzinfo else moment.replace(tzinfo=CST)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def stamp(moment: datetime) -> str:
    """The stored text form of a moment."""
    return moment.isoformat(timespec="seconds")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)
