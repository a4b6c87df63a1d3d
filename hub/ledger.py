"""The county's ledger (统计台账): the figures of `counterapp.ledger.figures` for every
station, each level and the whole county, for a day or a month, from the synced records
(`hub.ledger_facts`); a level's or the county's figures are computed from all their
stations' facts together (a mean or a 90th percentile cannot be added up from stations').

As at the station, "now" is the county's clock, or the period's end once it is past: a
month long gone gives the same figures whenever it is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from counterapp.ledger import figures
from counterapp.ledger.facts import Facts
from counterapp.ledger.figures import Figure, ItemRow, Period
from counterapp.station import LEVEL_NAMES
from counterapp.workdays import WorkCalendar
from hub import ledger_facts
from hub.db import Database

KINDS = {"month": "按月", "day": "按日"}


@dataclass(frozen=True)
class Choice:
    """What the pages show: a day or a month, and optionally one level of stations."""

    kind: str
    period: Period
    level: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str], today: date) -> Choice:
        """From a query string (`period=month&month=2026-11`, `period=day&day=2026-11-25`,
        `level=village`); anything unreadable is read as this month."""
        level = params.get("level", "")
        level = level if level in LEVEL_NAMES else ""
        if params.get("period") == "day":
            try:
                return cls("day", Period.day(date.fromisoformat(params.get("day", ""))), level)
            except ValueError:
                return cls("day", Period.day(today), level)
        try:
            year, month = (int(part) for part in params.get("month", "").split("-"))
            return cls("month", Period.month(year, month), level)
        except ValueError:
            return cls("month", Period.month(today.year, today.month), level)

    @property
    def day(self) -> str:
        return self.period.first.isoformat()

    @property
    def month(self) -> str:
        return self.period.first.isoformat()[:7]

    @property
    def title(self) -> str:
        if self.kind == "day":
            return self.period.first.isoformat()
        return f"{self.period.first.year}年{self.period.first.month}月"

    def params(self, **changes: str) -> dict[str, str]:
        found = {"period": self.kind, self.kind: self.day if self.kind == "day" else self.month}
        if self.level:
            found["level"] = self.level
        found.update(changes)
        return {key: value for key, value in found.items() if value}


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    level: str
    figures: list[Figure]

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level)

    def figure(self, key: str) -> Figure:
        return by_key(self.figures)[key]


@dataclass(frozen=True)
class CountyLedger:
    period: Period
    as_of: datetime
    county: list[Figure]
    levels: dict[str, list[Figure]]  # the levels that have stations, in LEVEL_NAMES' order
    stations: list[Station]  # by code
    days: list[tuple[date, list[Figure]]]  # the county's, each day of a month (a day: none)


@dataclass(frozen=True)
class StationLedger:
    station: Station
    as_of: datetime
    days: list[tuple[date, list[Figure]]]
    items: list[ItemRow]


def as_of(period: Period, now: datetime) -> datetime:
    """The moment a period is judged at: now, what is known now, as the station's own ledger
    does (`counterapp.ledger.report`), so both show the same figures for the same period."""
    return now


def county(db: Database, choice: Choice, now: datetime, calendar: WorkCalendar) -> CountyLedger:
    """Every station's figures, each level's and the county's (one level's stations only,
    if the choice names one: then "the county" is that level)."""
    period, moment = choice.period, as_of(choice.period, now)
    with db.transaction(write=False) as tx:
        facts = ledger_facts.read(tx, period)
        registered = tx.all("SELECT code, name, level, revoked_at FROM stations ORDER BY code")
    stations = [
        Station(code, name, level, figures.compute(period, _of(facts, code), calendar, moment))
        for code, name, level, revoked in registered
        if (not choice.level or level == choice.level) and (revoked is None or code in facts)
    ]
    levels = {
        level: figures.compute(
            period, merged(facts, [s.code for s in stations if s.level == level]), calendar, moment
        )
        for level in LEVEL_NAMES
        if any(s.level == level for s in stations)
    }
    everyone = merged(facts, [s.code for s in stations])
    return CountyLedger(
        period=period,
        as_of=moment,
        county=figures.compute(period, everyone, calendar, moment),
        levels=levels,
        stations=stations,
        days=_days(period, everyone, calendar, moment) if choice.kind == "month" else [],
    )


def station(
    db: Database, code: str, choice: Choice, now: datetime, calendar: WorkCalendar
) -> StationLedger | None:
    """One station's figures, its days and its items against their limits; None if the
    county has no such station."""
    period, moment = choice.period, as_of(choice.period, now)
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT code, name, level FROM stations WHERE code = ?", (code,))
        if row is None:
            return None
        facts = _of(ledger_facts.read(tx, period, [code]), code)
    return StationLedger(
        station=Station(row[0], row[1], row[2], figures.compute(period, facts, calendar, moment)),
        as_of=moment,
        days=_days(period, facts, calendar, moment) if choice.kind == "month" else [],
        items=figures.item_rows(period, facts.items, moment),
    )


def _days(
    period: Period, facts: Facts, calendar: WorkCalendar, moment: datetime
) -> list[tuple[date, list[Figure]]]:
    """Each day of the period with its figures (the month's charts and daily table)."""
    return [
        (day, figures.figures_of(tally))
        for day, tally in figures.by_day(period, facts, calendar, moment).items()
    ]


def merged(facts: Mapping[str, Facts], codes: Iterable[str]) -> Facts:
    """The facts of several stations as one."""
    together = Facts([], [], [], [], [])
    for code in codes:
        one = facts.get(code)
        if one is not None:
            together.tickets.extend(one.tickets)
            together.cases.extend(one.cases)
            together.items.extend(one.items)
            together.ratings.extend(one.ratings)
            together.complaints.extend(one.complaints)
    return together


def by_key(found: Iterable[Figure]) -> dict[str, Figure]:
    return {figure.key: figure for figure in found}


def _of(facts: Mapping[str, Facts], code: str) -> Facts:
    return facts.get(code) or Facts([], [], [], [], [])
