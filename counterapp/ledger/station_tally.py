"""The station's tally of each day, counted in SQL: `figures.tally`'s counting over the
store's rows, so a month of a busy station is a few grouped queries instead of tens of
thousands of facts in Python (bench/ledger.py). `figures.tally` stays the definition; the
tests check both count the same on every fixture period.

Stamps are ISO 8601 text with +08:00, so they compare as text; a day deadline runs to the
end of its day (`deadlines.due_moment`), written here as the day with T23:59:59+08:00.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from counterapp.clock import CST, stamp
from counterapp.ledger.figures import ItemRow, Period, Tally, limit_text
from db.store import Store


def _due(column: str) -> str:
    return f"(CASE WHEN length({column}) = 10 THEN {column} || 'T23:59:59+08:00' ELSE {column} END)"


def _late(done: str, due: str) -> str:
    """1 late, 0 on time, NULL not judged: `figures._late` over stamps."""
    return (
        f"(CASE WHEN {due} IS NULL THEN NULL "
        f"WHEN {done} IS NOT NULL AND {done} <= :as_of THEN {done} > {_due(due)} "
        f"WHEN :as_of > {_due(due)} THEN 1 END)"
    )


def _seconds(later: str, earlier: str) -> str:
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"


_TICKETS = """
SELECT day, count(*), sum(status = 'done'), sum(status = 'consulted'), sum(status = 'no_show'),
       sum(status = 'closed_unserved'),
       sum(uuid IN (SELECT subject_uuid FROM events WHERE subject = 'ticket'
                    AND kind = 'transferred' AND at >= :first AND at < :after)),
       group_concat({wait})
FROM tickets WHERE day BETWEEN :first AND :last AND mirror = 0 GROUP BY day
""".format(wait=_seconds("called_at", "issued_at"))

_HANDLED_LATE = _late("i.completed_at", "i.due_at")
_CASES = f"""
WITH per_case AS (
    SELECT i.case_id,
           count(*) AS items,
           sum(i.mode = 'handle' AND {_HANDLED_LATE} IS NOT NULL) AS judged,
           sum(i.mode = 'handle' AND {_HANDLED_LATE} = 0) AS on_time,
           sum(i.mode = 'handle' AND i.kind = 'instant' AND i.completed_at IS NOT NULL)
               AS instant,
           sum(CASE WHEN i.mode = 'handle' AND i.kind = 'instant' AND i.completed_at IS NOT NULL
                    THEN {_seconds("i.completed_at", "c.opened_at")} END) AS instant_seconds,
           sum(i.mode = 'handle' AND substr(i.completed_at, 1, 10) = c.day) AS on_the_spot,
           max(i.mode != 'handle') AS forwarding,
           max(i.mode = 'handle' AND (i.completed_at IS NULL OR i.completed_at > :as_of)
               AND i.due_at IS NOT NULL AND :as_of > {_due("i.due_at")}) AS item_past
    FROM cases AS c JOIN case_items AS i ON i.case_id = c.id
    WHERE c.day BETWEEN :first AND :last GROUP BY i.case_id
), judged AS (
    SELECT c.day, p.*,
           coalesce(c.completed_at, '~') > :as_of AND coalesce(c.forwarded_at, '~') > :as_of
               AND coalesce(c.closed_at, '~') > :as_of AS open,
           CASE WHEN p.forwarding AND c.accepted_at IS NOT NULL
                THEN {_late("c.forwarded_at", "c.forward_due")} END AS forward_late
    FROM cases AS c LEFT JOIN per_case AS p ON p.case_id = c.id
    WHERE c.day BETWEEN :first AND :last
)
SELECT day, count(*), sum(open), sum(open AND (item_past OR forward_late = 1)),
       total(items), total(judged), total(on_time), total(instant), total(instant_seconds),
       total(on_the_spot), count(forward_late), sum(forward_late = 0)
FROM judged GROUP BY day
"""

_FOLLOW_UP_LATE = _late("r.followed_up_at", "r.follow_up_due")
_RATINGS = f"""
SELECT c.day, sum(r.level = 1), sum(r.level = 2), sum(r.level = 3), sum(r.level = 4),
       sum(r.level = 5), count(CASE WHEN r.level <= 2 THEN {_FOLLOW_UP_LATE} END),
       sum(r.level <= 2 AND {_FOLLOW_UP_LATE} = 0)
FROM ratings AS r JOIN cases AS c ON c.id = r.case_id
WHERE c.day BETWEEN :first AND :last GROUP BY c.day
"""

_ITEMS = f"""
SELECT i.item_code, min(i.title), min(i.kind), min(i.limit_minutes), min(i.limit_working_days),
       count(*), sum(i.mode = 'handle' AND i.completed_at IS NOT NULL),
       sum(i.mode = 'handle' AND {_HANDLED_LATE} = 0),
       sum(i.mode = 'handle' AND {_HANDLED_LATE} = 1),
       avg(CASE WHEN i.mode = 'handle' AND i.completed_at IS NOT NULL
                THEN {_seconds("i.completed_at", "c.opened_at")} END) / 60.0
FROM cases AS c JOIN case_items AS i ON i.case_id = c.id
WHERE c.day BETWEEN :first AND :last GROUP BY i.item_code ORDER BY i.item_code
"""


def day_tallies(store: Store, period: Period, as_of: datetime) -> dict[date, Tally]:
    """Each day of the period with its tally (a day with nothing has an empty one)."""
    params = _params(period, as_of)
    fields: dict[date, dict[str, Any]] = defaultdict(dict)
    for day, *n, waits in store.tuples(_TICKETS, params):
        fields[date.fromisoformat(day)].update(
            zip(
                ("issued", "served", "consulted", "no_show", "unserved", "transferred"),
                n,
                strict=True,
            ),
            waits=tuple(int(w) for w in waits.split(",")) if waits else (),
        )
    for day, *n in store.tuples(_CASES, params):
        fields[date.fromisoformat(day)].update(
            zip(
                (
                    "cases",
                    "open",
                    "overdue",
                    "items",
                    "items_judged",
                    "items_on_time",
                    "instant",
                    "instant_seconds",
                    "on_the_spot",
                    "forwards_judged",
                    "forwards_on_time",
                ),
                (int(v or 0) for v in n),
                strict=True,
            )
        )
    for day, l1, l2, l3, l4, l5, bad_judged, bad_on_time in store.tuples(_RATINGS, params):
        fields[date.fromisoformat(day)].update(
            levels=(l1, l2, l3, l4, l5), bad_judged=bad_judged, bad_on_time=bad_on_time or 0
        )
    return {day: Tally(**fields.get(day, {})) for day in period.days()}


def item_rows(store: Store, period: Period, as_of: datetime) -> list[ItemRow]:
    """`figures.item_rows` counted in SQL."""
    return [
        ItemRow(
            code,
            title,
            kind,
            limit_text(minutes, working_days),
            items,
            here or 0,
            on_time or 0,
            late or 0,
            mean,
        )
        for code, title, kind, minutes, working_days, items, here, on_time, late, mean in (
            store.tuples(_ITEMS, _params(period, as_of))
        )
    ]


def _params(period: Period, as_of: datetime) -> dict[str, str]:
    return {
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "after": (period.last + timedelta(days=1)).isoformat(),
        "as_of": stamp(as_of.astimezone(CST)),
    }
