"""The ledger's facts (`counterapp.ledger.facts`) read from the synced records, per station:
the same facts a station reads from its own store (`counterapp.ledger.station_facts`), so
`counterapp.ledger.figures.compute` gives the county the station's own figures — there is no
second definition of a figure in the hub.

Four queries for a whole county and period (tickets, cases, their items, ratings), each
taking only the fields a fact needs out of the JSON in SQL (SQLite `json_extract` /
`json_each`, PostgreSQL `->>` / `jsonb_array_elements`) over the index of records by type
and day (hub migration 0011), so a month of a large county never parses whole documents.
Records are the stations' data: a fact whose moments cannot be read is left out rather
than failing the page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from counterapp.deadlines import due_moment
from counterapp.ledger.facts import (
    CaseFact,
    ComplaintFact,
    Facts,
    ItemFact,
    RatingFact,
    TicketFact,
)
from counterapp.ledger.figures import Period
from hub.db import Tx

log = logging.getLogger("hub")
T = TypeVar("T")

# the station's fields each fact is made of, in the facts' order (records.py sends the
# station's rows as they are, so the names are its column names)
TICKET = ("day", "lane", "status", "issued_at", "called_at", "finished_at", "window_no")
CASE = (
    "case_no",
    "day",
    "opened_at",
    "accepted_at",
    "forward_due",
    "forwarded_at",
    "completed_at",
    "closed_at",
)
ITEM = (
    "item_code",
    "title",
    "kind",
    "mode",
    "limit_minutes",
    "limit_working_days",
    "due_at",
    "completed_at",
)
RATING = ("level", "rated_at", "follow_up_due", "followed_up_at")


class _Dialect:
    """The few expressions that differ: a field of the record, of an element of one of its
    lists, the rows of such a list, and whether a ticket was ever transferred."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgres"

    def field(self, name: str, of: str = "r.data") -> str:
        return f"({of}->>'{name}')" if self.postgres else f"json_extract({of}, '$.{name}')"

    def element(self, name: str) -> str:
        return self.field(name, "i.value")

    def items(self) -> str:
        if self.postgres:
            return "CROSS JOIN LATERAL jsonb_array_elements(r.data->'items') AS i(value)"
        return ", json_each(r.data, '$.items') AS i"

    def transferred(self) -> str:
        if self.postgres:
            return "(r.data->'events' @> '[{\"kind\": \"transferred\"}]'::jsonb)"
        return (
            "EXISTS (SELECT 1 FROM json_each(r.data, '$.events') AS e "
            "WHERE json_extract(e.value, '$.kind') = 'transferred')"
        )


def read(tx: Tx, period: Period, stations: Iterable[str] = ()) -> dict[str, Facts]:
    """Each station's facts for the period (every station of the county, or those named),
    as `station_facts.read` gives them at the station."""
    sql = _Dialect(tx.dialect)
    chosen = list(stations)
    where = "r.type = ? AND r.day BETWEEN ? AND ?"
    if chosen:
        where += f" AND r.station IN ({', '.join('?' * len(chosen))})"
    params = (period.first.isoformat(), period.last.isoformat(), *chosen)
    found: dict[str, Facts] = defaultdict(lambda: Facts([], [], [], [], []))

    fields = ", ".join(sql.field(name) for name in TICKET)
    for station, fact in _facts(
        tx.all(
            f"SELECT r.station, {fields}, {sql.transferred()} FROM records AS r WHERE {where}",
            ("ticket", *params),
        ),
        _ticket,
    ):
        found[station].tickets.append(fact)

    fields = ", ".join(sql.field(name) for name in CASE)
    for station, case in _facts(
        tx.all(f"SELECT r.station, {fields} FROM records AS r WHERE {where}", ("case", *params)),
        _case,
    ):
        found[station].cases.append(case)

    fields = ", ".join(
        [sql.field(name) for name in ("case_no", "day", "opened_at")]
        + [sql.element(name) for name in ITEM]
    )
    for station, item in _facts(
        tx.all(
            f"SELECT r.station, {fields} FROM records AS r {sql.items()} WHERE {where}",
            ("case", *params),
        ),
        _item,
    ):
        found[station].items.append(item)

    fields = ", ".join(sql.field(name) for name in RATING)
    # A rating counts with its case's day, as at the station; it is given on that day or
    # later, so only ratings from the period's first day on are read.
    case_no = sql.field("case_no", "c.data")
    by_case_day = where.replace("r.day BETWEEN", "r.day >= ? AND c.day BETWEEN")
    for station, rating in _facts(
        tx.all(
            f"SELECT r.station, {case_no}, c.day, {fields} FROM records AS r "
            f"JOIN records AS c ON c.uuid = {sql.field('case_uuid')} AND c.type = 'case' "
            f"WHERE {by_case_day}",
            ("rating", period.first.isoformat(), *params),
        ),
        _rating,
    ):
        found[station].ratings.append(rating)

    # complaints from their projection (`hub.complaints`), by the day they were received
    station_filter = f" AND station IN ({', '.join('?' * len(chosen))})" if chosen else ""
    for station, complaint in _facts(
        tx.all(
            "SELECT station, received_at, due, closed_at FROM complaints "
            f"WHERE received_at >= ? AND received_at < ?{station_filter}",
            (period.first.isoformat(), (period.last + timedelta(days=1)).isoformat(), *chosen),
        ),
        _complaint,
    ):
        found[station].complaints.append(complaint)
    return dict(found)


def _facts(
    rows: list[tuple[Any, ...]], make: Callable[[tuple[Any, ...]], T]
) -> Iterable[tuple[str, T]]:
    """(station, fact) of each row that reads; an unreadable one is logged and left out."""
    for row in rows:
        try:
            yield row[0], make(row[1:])
        except (TypeError, ValueError):
            log.warning("ledger: a %s record of station %s cannot be read", make.__name__, row[0])


def _ticket(row: tuple[Any, ...]) -> TicketFact:
    day, lane, status, issued, called, finished, window, transferred = row
    return TicketFact(
        _day(day),
        _text(lane),
        _text(status),
        _stamp(issued),
        _moment(called),
        _moment(finished),
        _number(window),
        bool(transferred),
    )


def _case(row: tuple[Any, ...]) -> CaseFact:
    number, day, opened, accepted, forward_due, forwarded, completed, closed = row
    return CaseFact(
        _text(number),
        _day(day),
        _stamp(opened),
        _moment(accepted),
        _due(forward_due),
        _moment(forwarded),
        _moment(completed),
        _moment(closed),
    )


def _item(row: tuple[Any, ...]) -> ItemFact:
    number, day, opened, code, title, kind, mode, minutes, working_days, due, completed = row
    return ItemFact(
        _text(number),
        _day(day),
        _text(code),
        _text(title),
        _text(kind),
        _text(mode),
        _number(minutes),
        _number(working_days),
        _stamp(opened),
        _due(due),
        _moment(completed),
    )


def _rating(row: tuple[Any, ...]) -> RatingFact:
    number, day, level, rated, due, followed = row  # day: the case's (a rating counts with it)
    return RatingFact(
        number if isinstance(number, str) else "",
        _day(day),
        int(level),
        _stamp(rated),
        _due(due),
        _moment(followed),
    )


def _complaint(row: tuple[Any, ...]) -> ComplaintFact:
    received, due, closed = row
    moment = _due(due)
    if moment is None:
        raise ValueError(due)
    return ComplaintFact(_stamp(received), moment, _moment(closed))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _day(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _stamp(value: Any) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def _moment(value: Any) -> datetime | None:
    return None if value is None else _stamp(value)


def _due(value: Any) -> datetime | None:
    return None if value is None else due_moment(_text(value))


def _number(value: Any) -> int | None:
    """An integer field: SQLite gives it as a number, PostgreSQL's `->>` as text."""
    return None if value is None else int(value)
