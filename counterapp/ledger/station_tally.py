"""The station's tally of each day, counted in SQL: `figures.tally`'s counting over the
store's rows, so a month of a busy station is a few grouped queries instead of tens of
thousands of facts in Python (bench/ledger.py). `figures.tally` stays the definition; the
tests check both count the same on every fixture period.

Stamps are ISO 8601 text with +08:00, so they compare as text; a day deadline runs to the
end of its day (`deadlines.due_moment`), written here as the day with T23:59:59+08:00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from counterapp.clock import CST, stamp
from counterapp.ledger.day_counts import DayCounts, late_sql
from counterapp.ledger.figures import ItemRow, Period, Tally
from db.store import Store


def _due(column: str) -> str:
    return f"(CASE WHEN length({column}) = 10 THEN {column} || 'T23:59:59+08:00' ELSE {column} END)"


def _late(done: str, due: str) -> str:
    """1 late, 0 on time, NULL not judged: `figures._late` over stamps (a day due runs to
    the end of its day)."""
    return late_sql(done, _due(due), ":as_of")


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
    counts: DayCounts[date] = DayCounts()
    for day, *n, waits in store.tuples(_TICKETS, params):
        found = tuple(int(w) for w in waits.split(",")) if waits else ()
        counts.tickets(date.fromisoformat(day), n, found)
    for day, *n in store.tuples(_CASES, params):
        counts.cases(date.fromisoformat(day), n)
    for day, code, kind, *row in store.tuples(_ITEMS, params):
        counts.items(date.fromisoformat(day), code, kind, row)
    for day, *n in store.tuples(_RATINGS, params):
        counts.ratings(date.fromisoformat(day), n)
    for day, *n in store.tuples(_COMPLAINTS, params):
        counts.complaints(date.fromisoformat(day), n)
    return {day: counts.tally(day) for day in period.days()}, counts.item_rows()


def _params(period: Period, as_of: datetime) -> dict[str, str]:
    return {
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "after": (period.last + timedelta(days=1)).isoformat(),
        "as_of": stamp(as_of.astimezone(CST)),
    }
