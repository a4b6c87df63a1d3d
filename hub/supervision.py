"""Station supervision (站点监管): every station of the county with its sync, what it reported
as still pending, the catalogue and calendar it said it uses, its open and overdue forwarded
cases and its bad ratings awaiting follow-up, judged by `hub.station_rules`.

A handful of grouped queries over indexed tables (`stations`, `sources`, the partial indexes
of `forwarded_cases` and `follow_ups`), whatever the number of cases; the 400 rows of a large
county are then filtered and sorted here. Nothing personal: the case lists of a station's
page carry the applicant's name masked, as the inbox does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from counterapp.station import LEVEL_NAMES
from hub import station_rules
from hub.db import Database, Tx
from hub.station_rules import LIGHTS, Facts, Verdict

OPEN = "('new', 'received', 'processing')"
VIA = {"online": "在线", "file": "U盘文件"}
SORTS = {
    "status": "按状态（红牌在前）",
    "silent": "按未同步天数",
    "overdue": "按超期未办结",
    "follow_ups": "按待回访差评",
    "code": "按站点编码",
}
DETAIL_ROWS = 20


@dataclass(frozen=True)
class Filters:
    level: str = ""
    light: str = ""
    sort: str = "status"

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string; anything unknown is read as no filter."""
        level = params.get("level", "")
        light = params.get("light", "")
        sort = params.get("sort", "status")
        return cls(
            level=level if level in LEVEL_NAMES else "",
            light=light if light in LIGHTS else "",
            sort=sort if sort in SORTS else "status",
        )

    def params(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}


@dataclass(frozen=True)
class StationRow:
    code: str
    name: str
    level: str
    last_sync_at: str | None
    via: str | None
    pending: int
    sources: int
    catalogue_version: str | None
    catalogue_reported_at: str | None
    calendar_years: str | None
    open_forwarded: int
    overdue_forwarded: int
    late_recent: int
    follow_ups_waiting: int
    follow_ups_overdue: int
    silent_days: int
    verdict: Verdict

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level)

    @property
    def silent(self) -> bool:
        return self.silent_days > station_rules.SILENT_YELLOW_DAYS and self.verdict.light != "off"


@dataclass(frozen=True)
class Overview:
    rows: list[StationRow]  # filtered and sorted
    counts: dict[str, int]  # every station by light
    silent: int
    total: int
    active_catalogue: str | None


@dataclass(frozen=True)
class Source:
    source: str
    last_sync_at: str | None
    pending: int
    max_seq: int


@dataclass(frozen=True)
class Batch:
    received_at: str
    via: str
    records: int
    times: int


@dataclass(frozen=True)
class OpenCase:
    case_uuid: str
    case_no: str
    applicant: str  # masked
    items: str
    county_due: str


@dataclass(frozen=True)
class FollowUp:
    case_no: str
    level: int
    rated_at: str
    due: str


@dataclass(frozen=True)
class Detail:
    row: StationRow
    sources: list[Source]
    batches: list[Batch]
    overdue_cases: list[OpenCase]
    follow_ups: list[FollowUp]


def via_name(via: str | None) -> str | None:
    """How a sync came: online, a USB file, or a USB file handed on by a town station."""
    if via is None:
        return None
    if via.startswith("forwarded:"):
        return f"U盘文件（经{via.removeprefix('forwarded:')}转交）"
    return VIA.get(via, via)


def overview(db: Database, filters: Filters, today: date) -> Overview:
    with db.transaction(write=False) as tx:
        active = _active_catalogue(tx)
        every = _rows(tx, today, active)
    counts = {light: 0 for light in LIGHTS}
    for row in every:
        counts[row.verdict.light] += 1
    chosen = [
        row
        for row in every
        if (not filters.level or row.level == filters.level)
        and (not filters.light or row.verdict.light == filters.light)
    ]
    return Overview(
        rows=sorted(chosen, key=_SORT_KEYS[filters.sort]),
        counts=counts,
        silent=sum(1 for row in every if row.silent),
        total=len(every),
        active_catalogue=active[0] if active else None,
    )


def detail(db: Database, code: str, today: date) -> Detail | None:
    """One station's page: its row, its PCs, its last batches, its overdue forwarded cases
    (masked) and its bad ratings awaiting follow-up; None if there is no such station."""
    with db.transaction(write=False) as tx:
        found = _rows(tx, today, _active_catalogue(tx), code)
        if not found:
            return None
        sources = [
            Source(r[0], r[1], int(r[2]), int(r[3]))
            for r in tx.all(
                "SELECT source, last_sync_at, pending, max_seq FROM sources WHERE station = ? "
                "ORDER BY last_sync_at DESC",
                (code,),
            )
        ]
        batches = [
            Batch(r[0], via_name(r[1]) or "", int(r[2]), int(r[3]))
            for r in tx.all(
                "SELECT last_received_at, via, records, times FROM batches WHERE station = ? "
                "ORDER BY last_received_at DESC LIMIT ?",
                (code, DETAIL_ROWS),
            )
        ]
        cases = [
            OpenCase(*r)
            for r in tx.all(
                "SELECT case_uuid, case_no, applicant, items, county_due FROM forwarded_cases "
                f"WHERE station = ? AND status IN {OPEN} AND county_due < ? "
                "ORDER BY county_due, case_no LIMIT ?",
                (code, today.isoformat(), DETAIL_ROWS),
            )
        ]
        waiting = tx.all(
            "SELECT case_uuid, level, rated_at, due FROM follow_ups "
            "WHERE station = ? AND followed_up_at IS NULL ORDER BY due LIMIT ?",
            (code, DETAIL_ROWS),
        )
        numbers = _case_numbers(tx, [r[0] for r in waiting if r[0]])
    follow_ups = [FollowUp(numbers.get(r[0], "—"), int(r[1]), r[2], r[3]) for r in waiting]
    return Detail(found[0], sources, batches, cases, follow_ups)


def _case_numbers(tx: Tx, uuids: list[str]) -> dict[str, str]:
    """Case numbers of a few cases, read from their records."""
    if not uuids:
        return {}
    found = {}
    for uuid, data in tx.all(
        f"SELECT uuid, data FROM records WHERE uuid IN ({', '.join('?' * len(uuids))})",
        uuids,
    ):
        parsed = json.loads(data) if isinstance(data, str) else data
        number = parsed.get("case_no") if isinstance(parsed, dict) else None
        if isinstance(number, str):
            found[uuid] = number[:64]
    return found


def _active_catalogue(tx: Tx) -> tuple[str, date] | None:
    row = tx.one("SELECT version, imported_at FROM catalogues WHERE active = 1")
    return (row[0], date.fromisoformat(row[1][:10])) if row else None


def _grouped(tx: Tx, sql: str, params: tuple[Any, ...]) -> dict[str, tuple[int, ...]]:
    return {r[0]: tuple(int(v or 0) for v in r[1:]) for r in tx.all(sql, params)}


def _rows(
    tx: Tx, today: date, active: tuple[str, date] | None, code: str | None = None
) -> list[StationRow]:
    one = " AND station = ?" if code else ""
    only: tuple[str, ...] = (code,) if code else ()
    day = today.isoformat()
    window = (today - timedelta(days=station_rules.LATE_WINDOW_DAYS)).isoformat()
    sources = _grouped(
        tx, f"SELECT station, count(*) FROM sources WHERE 1 = 1{one} GROUP BY station", only
    )
    forwarded = _grouped(
        tx,
        "SELECT station, count(*), sum(CASE WHEN county_due < ? THEN 1 ELSE 0 END) "
        f"FROM forwarded_cases WHERE status IN {OPEN}{one} GROUP BY station",
        (day, *only),
    )
    late = _grouped(
        tx,
        "SELECT station, count(*) FROM forwarded_cases "
        f"WHERE forwarded_at >= ? AND forwarded_late = 1{one} GROUP BY station",
        (window, *only),
    )
    follow_ups = _grouped(
        tx,
        "SELECT station, count(*), sum(CASE WHEN due < ? THEN 1 ELSE 0 END) "
        f"FROM follow_ups WHERE followed_up_at IS NULL{one} GROUP BY station",
        (day, *only),
    )
    stations = tx.all(
        "SELECT code, name, level, revoked_at, created_at, last_sync_at, last_via, pending, "
        "catalogue_version, catalogue_reported_at, calendar_years FROM stations"
        + (" WHERE code = ?" if code else ""),
        only,
    )
    rows = []
    for r in stations:
        open_, overdue = forwarded.get(r[0], (0, 0))
        waiting, late_calls = follow_ups.get(r[0], (0, 0))
        facts = Facts(
            revoked=r[3] is not None,
            last_sync_day=date.fromisoformat(r[5][:10]) if r[5] else None,
            registered_day=date.fromisoformat(r[4][:10]),
            pending=int(r[7]),
            late_recent=late.get(r[0], (0,))[0],
            overdue_open=overdue,
            follow_ups_waiting=waiting,
            follow_ups_overdue=late_calls,
            catalogue_version=r[8],
            catalogue_reported=r[9] is not None,
            active_catalogue=active[0] if active else None,
            active_since=active[1] if active else None,
        )
        rows.append(
            StationRow(
                code=r[0],
                name=r[1],
                level=r[2],
                last_sync_at=r[5],
                via=via_name(r[6]),
                pending=int(r[7]),
                sources=sources.get(r[0], (0,))[0],
                catalogue_version=r[8],
                catalogue_reported_at=r[9],
                calendar_years=r[10],
                open_forwarded=open_,
                overdue_forwarded=overdue,
                late_recent=facts.late_recent,
                follow_ups_waiting=waiting,
                follow_ups_overdue=late_calls,
                silent_days=station_rules.silent_days(facts, today),
                verdict=station_rules.judge(facts, today),
            )
        )
    return rows


_LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2, "off": 3}
_SORT_KEYS: dict[str, Callable[[StationRow], tuple[Any, ...]]] = {
    "status": lambda r: (_LIGHT_ORDER[r.verdict.light], -r.silent_days, r.code),
    "silent": lambda r: (-r.silent_days, r.code),
    "overdue": lambda r: (-r.overdue_forwarded, -r.open_forwarded, r.code),
    "follow_ups": lambda r: (-r.follow_ups_overdue, -r.follow_ups_waiting, r.code),
    "code": lambda r: (r.code,),
}
