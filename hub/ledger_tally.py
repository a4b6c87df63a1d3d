"""The county's ledger counted in SQL: each station's `Tally` of each day of a period, from
the ledger rows (`hub.ledger_rows`) and the complaints list (`hub.complaints`) in five grouped
queries — the station's own counting (`counterapp.ledger.station_tally`) over the county's
rows, with the same columns, gathered by the same `DayCounts`. `figures.tally` stays the
definition; the tests check the hub's figures equal the station's for every fixture period,
on SQLite and PostgreSQL.

Written once for both dialects: sums of `CASE … THEN 1 ELSE 0 END`, moments compared as
text (all in +08:00, dues as the moment they run out), "now" given once as the `p` row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from counterapp.clock import CST, stamp
from counterapp.ledger.day_counts import DayCounts, late_sql
from counterapp.ledger.figures import ItemRow, Period
from hub.db import Tx

NOW = "(SELECT CAST(? AS TEXT) AS as_of) AS p"
WORK_MEM = "32MB"


def _sum(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _late(done: str, due: str) -> str:
    """1 late, 0 on time, NULL not judged (`figures._late`); the rows' dues are moments."""
    return late_sql(done, due, "p.as_of")


_TICKETS = f"""
SELECT station, day, count(*), {_sum("status = 'done'")}, {_sum("status = 'consulted'")},
       {_sum("status = 'no_show'")}, {_sum("status = 'closed_unserved'")}, sum(transferred)
FROM ledger_tickets WHERE day BETWEEN ? AND ? {{stations}} GROUP BY station, day
"""
_WAITS = """
SELECT station, day, wait_seconds FROM ledger_tickets
WHERE day BETWEEN ? AND ? {stations} AND wait_seconds IS NOT NULL
"""
_ITEM_PAST_DUE = """EXISTS (
    SELECT 1 FROM ledger_items AS i WHERE i.case_uuid = c.uuid AND i.mode = 'handle'
    AND (i.completed_at IS NULL OR i.completed_at > c.as_of)
    AND i.due_at IS NOT NULL AND c.as_of > i.due_at)"""
_CASES = f"""
SELECT station, day, count(*), sum(open),
       {_sum(f"open = 1 AND (forward_late = 1 OR {_ITEM_PAST_DUE})")},
       count(forward_late), {_sum("forward_late = 0")}
FROM (
    SELECT c.uuid, c.station, c.day, p.as_of,
           CASE WHEN c.ended_at IS NULL OR c.ended_at > p.as_of THEN 1 ELSE 0 END AS open,
           {_late("c.forwarded_at", "c.forward_due")} AS forward_late
    FROM ledger_cases AS c, {NOW} WHERE c.day BETWEEN ? AND ? {{stations}}
) AS c GROUP BY station, day
"""
# `handling_seconds` is set exactly for an item finished here (`ledger_rows`): its count is
# the items finished here, its sum their handling time.
_ITEMS = f"""
SELECT station, day, {{code}}, kind, min(title), min(limit_minutes), min(limit_working_days),
       count(*), count(late), {_sum("late = 0")}, count(handling_seconds),
       sum(handling_seconds), sum(on_the_spot)
FROM (
    SELECT station, day, item_code, kind, title, limit_minutes, limit_working_days,
           handling_seconds, on_the_spot,
           CASE WHEN mode = 'handle' THEN {_late("completed_at", "due_at")} END AS late
    FROM ledger_items, {NOW} WHERE day BETWEEN ? AND ? {{stations}}
) AS i GROUP BY station, day, kind{{by_code}}
"""
_FOLLOW_UP_LATE = _late("r.followed_up_at", "r.follow_up_due")
_RATINGS = f"""
SELECT r.station, c.day, {", ".join(_sum(f"r.level = {level}") for level in range(1, 6))},
       count(CASE WHEN r.level <= 2 THEN {_FOLLOW_UP_LATE} END),
       {_sum(f"r.level <= 2 AND {_FOLLOW_UP_LATE} = 0")}
FROM ledger_cases AS c JOIN ledger_ratings AS r ON r.case_uuid = c.uuid, {NOW}
WHERE c.day BETWEEN ? AND ? {{stations}} GROUP BY r.station, c.day
"""
_ANSWERED_LATE = _late("closed_at", "due || 'T23:59:59+08:00'")
_COMPLAINTS = f"""
SELECT station, substr(received_at, 1, 10), count(*), count({_ANSWERED_LATE}),
       {_sum(f"{_ANSWERED_LATE} = 0")}
FROM complaints, {NOW} WHERE received_at >= ? AND received_at < ? {{stations}}
GROUP BY station, substr(received_at, 1, 10)
"""


def count(
    tx: Tx, period: Period, as_of: datetime, stations: Iterable[str] = (), by_item: bool = False
) -> DayCounts[tuple[str, date]]:
    """Each station's counts of each day of the period, keyed (station, day) — every station
    of the county, or those named; `by_item` also counts per item code (a station's page)."""
    chosen = list(stations)
    span = (period.first.isoformat(), period.last.isoformat(), *chosen)
    now = (stamp(as_of.astimezone(CST)), *span)
    counts: DayCounts[tuple[str, date]] = DayCounts()
    if tx.dialect == "postgres":
        # a county's month is ~100,000 items grouped: in PostgreSQL's default 4 MB of working
        # memory that sort spills to disk (twice the time); 32 MB hashes it in memory
        tx.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")

    def rows(sql: str, params: Sequence[Any], column: str = "station") -> list[tuple[Any, ...]]:
        where = f"AND {column} IN ({', '.join('?' * len(chosen))})" if chosen else ""
        return tx.all(sql.replace("{stations}", where), params)

    waits: dict[tuple[str, str], list[int]] = defaultdict(list)
    for station, day, seconds in rows(_WAITS, span):
        waits[station, day].append(seconds)
    for station, day, *n in rows(_TICKETS, span):
        counts.tickets((station, date.fromisoformat(day)), n, tuple(waits[station, day]))
    for station, day, *n in rows(_CASES, now, "c.station"):
        counts.cases((station, date.fromisoformat(day)), n)
    items = _ITEMS.replace("{code}", "item_code" if by_item else "''")
    items = items.replace("{by_code}", ", item_code" if by_item else "")
    for station, day, code, kind, *row in rows(items, now):
        counts.items((station, date.fromisoformat(day)), code, kind, row)
    for station, day, *n in rows(_RATINGS, now, "c.station"):
        counts.ratings((station, date.fromisoformat(day)), n)
    after = (period.last + timedelta(days=1)).isoformat()
    for station, day, *n in rows(_COMPLAINTS, (now[0], now[1], after, *chosen)):
        counts.complaints((station, date.fromisoformat(day)), n)
    return counts


def item_rows(tx: Tx, period: Period, as_of: datetime, station: str) -> list[ItemRow]:
    """One station's handling time per item against its limit (`figures.item_rows`)."""
    return count(tx, period, as_of, [station], by_item=True).item_rows()
