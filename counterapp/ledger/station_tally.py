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
# The period's items by their case's day and item: one pass over the join gives both each
# day's item counts and the handling time per item.
_HERE = "i.mode = 'handle' AND i.completed_at IS NOT NULL"
_ITEMS = f"""
SELECT c.day, i.item_code, i.kind, min(i.title), min(i.limit_minutes),
       min(i.limit_working_days), count(*),
       sum(i.mode = 'handle' AND {_HANDLED_LATE} IS NOT NULL),
       sum(i.mode = 'handle' AND {_HANDLED_LATE} = 0),
       sum({_HERE}), total(CASE WHEN {_HERE} THEN {_seconds("i.completed_at", "c.opened_at")} END),
       sum(i.mode = 'handle' AND substr(i.completed_at, 1, 10) = c.day)
FROM cases AS c JOIN case_items AS i ON i.case_id = c.id
WHERE c.day BETWEEN :first AND :last GROUP BY c.day, i.item_code, i.kind
"""

# The period's cases by day. A case has a forward due exactly when it was accepted with items
# to forward (`CaseService.accept`), so the forwarding is judged on it without reading the
# items; an open case's items are read only to see whether one is past its due.
_CASES = f"""
SELECT day, count(*), sum(open),
       sum(CASE WHEN open THEN forward_late = 1 OR EXISTS (
               SELECT 1 FROM case_items AS i WHERE i.case_id = case_key AND i.mode = 'handle'
               AND (i.completed_at IS NULL OR i.completed_at > :as_of)
               AND i.due_at IS NOT NULL AND :as_of > {_due("i.due_at")}) END),
       count(forward_late), sum(forward_late = 0)
FROM (
    SELECT c.id AS case_key, c.day AS day,
           coalesce(c.completed_at, '~') > :as_of AND coalesce(c.forwarded_at, '~') > :as_of
               AND coalesce(c.closed_at, '~') > :as_of AS open,
           CASE WHEN c.accepted_at IS NOT NULL
                THEN {_late("c.forwarded_at", "c.forward_due")} END AS forward_late
    FROM cases AS c WHERE c.day BETWEEN :first AND :last
) GROUP BY day
"""

_FOLLOW_UP_LATE = _late("r.followed_up_at", "r.follow_up_due")
_RATINGS = f"""
SELECT c.day, sum(r.level = 1), sum(r.level = 2), sum(r.level = 3), sum(r.level = 4),
       sum(r.level = 5), count(CASE WHEN r.level <= 2 THEN {_FOLLOW_UP_LATE} END),
       sum(r.level <= 2 AND {_FOLLOW_UP_LATE} = 0)
FROM ratings AS r JOIN cases AS c ON c.id = r.case_id
WHERE c.day BETWEEN :first AND :last GROUP BY c.day
"""

_ANSWERED_LATE = _late("closed_at", "due")
_COMPLAINTS = f"""
SELECT substr(received_at, 1, 10), count(*), count({_ANSWERED_LATE}), sum({_ANSWERED_LATE} = 0)
FROM complaints WHERE received_at >= :first AND received_at < :after GROUP BY 1
"""


def count(store: Store, period: Period, as_of: datetime) -> tuple[dict[date, Tally], list[ItemRow]]:
    """Each day of the period with its tally (a day with nothing has an empty one), and the
    handling time per item (`figures.item_rows`)."""
    params = _params(period, as_of)
    fields: dict[date, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
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
                ("cases", "open", "overdue", "forwards_judged", "forwards_on_time"),
                (int(v or 0) for v in n),
                strict=True,
            )
        )
    items: dict[str, _ItemCount] = {}
    for day, code, kind, title, minutes, working_days, *sums in store.tuples(_ITEMS, params):
        total, judged, on_time, here, seconds, spot = (int(v or 0) for v in sums)  # NULL: 0
        counted = fields[date.fromisoformat(day)]
        counted["items"] += total
        counted["items_judged"] += judged
        counted["items_on_time"] += on_time
        counted["on_the_spot"] += spot
        if kind == "instant":
            counted["instant"] += here
            counted["instant_seconds"] += seconds
        item = items.setdefault(code, _ItemCount(title, kind, minutes, working_days))
        item.add(title, kind, minutes, working_days, total, judged, on_time, here, seconds)
    for day, l1, l2, l3, l4, l5, bad_judged, bad_on_time in store.tuples(_RATINGS, params):
        fields[date.fromisoformat(day)].update(
            levels=(l1, l2, l3, l4, l5), bad_judged=bad_judged, bad_on_time=bad_on_time or 0
        )
    for day, received, judged, on_time in store.tuples(_COMPLAINTS, params):
        fields[date.fromisoformat(day)].update(
            complaints=received, complaints_judged=judged, complaints_on_time=on_time or 0
        )
    tallies = {day: Tally(**fields.get(day, {})) for day in period.days()}
    return tallies, [item.row(code) for code, item in sorted(items.items())]


class _ItemCount:
    """One item's counts over the period's days (its title, kind and limit: the least seen,
    as `figures.item_rows` takes them)."""

    def __init__(
        self, title: str, kind: str, minutes: int | None, working_days: int | None
    ) -> None:
        self.title, self.kind = title, kind
        self.minutes, self.working_days = minutes, working_days
        self.items = self.judged = self.on_time = self.here = self.seconds = 0

    def add(
        self,
        title: str,
        kind: str,
        minutes: int | None,
        working_days: int | None,
        *counts: int,
    ) -> None:
        self.title, self.kind = min(self.title, title), min(self.kind, kind)
        self.minutes = _least(self.minutes, minutes)
        self.working_days = _least(self.working_days, working_days)
        items, judged, on_time, here, seconds = counts
        self.items += items
        self.judged += judged
        self.on_time += on_time
        self.here += here
        self.seconds += seconds

    def row(self, code: str) -> ItemRow:
        return ItemRow(
            code,
            self.title,
            self.kind,
            limit_text(self.minutes, self.working_days),
            self.items,
            self.here,
            self.on_time,
            self.judged - self.on_time,
            self.seconds / self.here / 60 if self.here else None,
        )


def _least(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _params(period: Period, as_of: datetime) -> dict[str, str]:
    return {
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "after": (period.last + timedelta(days=1)).isoformat(),
        "as_of": stamp(as_of.astimezone(CST)),
    }
