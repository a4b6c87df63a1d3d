"""The county's ledger (统计台账): the figures of `counterapp.ledger.figures` for every
station, each level and the whole county, for a day or a month, from the synced records:
each station's tally of each day counted in SQL (`hub.ledger_tally`), then added up
(`figures.merge`) into a station's period, a level, the county and the county's days — a
tally keeps every wait, so a mean or a 90th percentile of many stations is computed from all
their tickets.

A period is judged as of now, what is known now (an item not finished is late once its due
has passed), as the station's own ledger judges it (`counterapp.ledger.report`), so both show
the same figures for the same period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from counterapp.ledger import figures
from counterapp.ledger.figures import Figure, ItemRow, Period
from counterapp.station import LEVEL_NAMES
from hub import ledger_tally
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


def county(db: Database, choice: Choice, now: datetime) -> CountyLedger:
    """Every station's figures, each level's and the county's (one level's stations only,
    if the choice names one: then "the county" is that level)."""
    period = choice.period
    with db.transaction(write=False) as tx:
        counts = ledger_tally.count(tx, period, now)
        registered = tx.all("SELECT code, name, level, revoked_at FROM stations ORDER BY code")
    reported = {station for station, _ in counts.counted()}
    days = {
        code: {day: counts.tally((code, day)) for day in period.days()}
        for code, _, level, revoked in registered
        if (not choice.level or level == choice.level) and (revoked is None or code in reported)
    }
    tallies = {code: figures.merge(found.values()) for code, found in days.items()}
    stations = [
        Station(code, name, level, figures.figures_of(tallies[code]))
        for code, name, level, _ in registered
        if code in tallies
    ]
    levels = {
        level: figures.figures_of(
            figures.merge(tallies[s.code] for s in stations if s.level == level)
        )
        for level in LEVEL_NAMES
        if any(s.level == level for s in stations)
    }
    by_day = [
        (day, figures.figures_of(figures.merge(found[day] for found in days.values())))
        for day in period.days()
    ]
    return CountyLedger(
        period=period,
        as_of=now,
        county=figures.figures_of(figures.merge(tallies.values())),
        levels=levels,
        stations=stations,
        days=by_day if choice.kind == "month" else [],
    )


def station(db: Database, code: str, choice: Choice, now: datetime) -> StationLedger | None:
    """One station's figures, its days and its items against their limits; None if the
    county has no such station."""
    period = choice.period
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT code, name, level FROM stations WHERE code = ?", (code,))
        if row is None:
            return None
        counts = ledger_tally.count(tx, period, now, [code], by_item=True)
    days = {day: counts.tally((code, day)) for day in period.days()}
    return StationLedger(
        station=Station(row[0], row[1], row[2], figures.figures_of(figures.merge(days.values()))),
        as_of=now,
        days=[(day, figures.figures_of(t)) for day, t in days.items()]
        if choice.kind == "month"
        else [],
        items=counts.item_rows(),
    )


def by_key(found: Iterable[Figure]) -> dict[str, Figure]:
    return {figure.key: figure for figure in found}
