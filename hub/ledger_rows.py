"""The ledger's rows (统计台账, hub migration 0012): each ticket, case (with its items) and
rating record read once when it arrives (`hub.ingest`, in the batch's transaction) into the
narrow rows `hub.ledger_tally` counts, kept at the record's newest version.

What a figure needs is read here as `counterapp.ledger.figures` reads a fact: a ticket's wait
(issue to call, whole seconds), an item's handling time and whether it was finished on the
spot are fixed by the record; whatever depends on "now" (late, open, overdue) is left to the
count, so the rows hold the moments it compares. Moments are stored as `clock.stamp` text in
+08:00 and dues as the moment they run out (`deadlines.due_moment`), so they compare as text.

A station writes its records as it likes: a record whose moments cannot be read gets no row
(logged), as `figures` leaves out a fact it cannot read, and never fails a batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, NamedTuple

from counterapp.clock import CST, stamp
from counterapp.deadlines import due_moment
from counterapp.ledger.figures import FORWARD_WORKING_DAYS
from hub import projections
from hub.forwarded import CALENDAR

if TYPE_CHECKING:
    from hub.db import Database, Tx

log = logging.getLogger("hub")
TASK = "project-ledger"
TYPES = ("ticket", "case", "rating")


class TicketRow(NamedTuple):
    uuid: str
    station: str
    version: int
    day: str
    status: str
    transferred: int
    wait_seconds: int | None


class CaseRow(NamedTuple):
    uuid: str
    station: str
    version: int
    day: str
    ended_at: str | None
    forward_due: str | None
    forwarded_at: str | None


class ItemRow(NamedTuple):
    case_uuid: str
    position: int
    version: int
    station: str
    day: str
    item_code: str
    title: str
    kind: str
    mode: str
    limit_minutes: int | None
    limit_working_days: int | None
    due_at: str | None
    completed_at: str | None
    handling_seconds: int | None
    on_the_spot: int


class RatingRow(NamedTuple):
    uuid: str
    station: str
    version: int
    case_uuid: str
    level: int
    follow_up_due: str | None
    followed_up_at: str | None


class Rows(NamedTuple):
    """A batch's rows of the ledger's tables."""

    tickets: list[TicketRow]
    cases: list[CaseRow]
    items: list[ItemRow]
    ratings: list[RatingRow]


# Each table's rows of a batch are staged in a temporary table of its shape (COPY on
# PostgreSQL, where a statement per row would cost a round trip each), then merged in one
# statement: newer versions only, as `projections.upsert`. A case's items follow the case's
# row: those of a version older than it held afterwards go (a newer case took them over, or
# an older one arrived late).
TABLES: tuple[tuple[str, tuple[str, ...], str], ...] = (  # table, columns, key; as Rows
    ("ledger_tickets", TicketRow._fields, "uuid"),
    ("ledger_cases", CaseRow._fields, "uuid"),
    ("ledger_items", ItemRow._fields, "case_uuid, position"),
    ("ledger_ratings", RatingRow._fields, "uuid"),
)
DROP_OLDER_ITEMS = (
    "DELETE FROM ledger_items WHERE case_uuid IN (SELECT uuid FROM staging_ledger_cases) "
    "AND version < (SELECT c.version FROM ledger_cases AS c WHERE c.uuid = ledger_items.case_uuid)"
)


def from_rows(rows: Sequence[Sequence[Any]]) -> Rows:
    """The ledger's rows of a batch's `records` rows (uuid, type, station, source, version,
    day, data, …)."""
    found = Rows([], [], [], [])
    for row in rows:
        if row[1] in TYPES:
            _add(found, row[1], row[0], row[2], int(row[4]), row[6])
    return found


def _add(found: Rows, record_type: str, uuid: str, station: str, version: int, data: Any) -> None:
    document = projections.document(data)
    if document is None:
        return
    try:
        if record_type == "ticket":
            found.tickets.append(_ticket(uuid, station, version, document))
        elif record_type == "case":
            case, items = _case(uuid, station, version, document)
            found.cases.append(case)
            found.items.extend(items)
        else:
            found.ratings.append(_rating(uuid, station, version, document))
    except (TypeError, ValueError, AttributeError):
        log.warning("ledger: a %s record of station %s cannot be read", record_type, station)


def store(tx: Tx, rows: Rows) -> None:
    """Insert or update the rows (an older version never replaces a newer one)."""
    parts: list[Sequence[tuple[Any, ...]]] = [rows.tickets, rows.cases, rows.items, rows.ratings]
    for (table, columns, key), found in zip(TABLES, parts, strict=True):
        staging = f"staging_{table}"
        tx.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT * FROM {table} WHERE 1 = 0"
        )
        if found:
            _stage(tx, staging, columns, found)
            tx.execute(projections.merge(table, key, columns, staging))
    if rows.cases:
        tx.execute(DROP_OLDER_ITEMS)
    for (table, _, _), found in zip(TABLES, parts, strict=True):
        if found:
            tx.execute(f"DELETE FROM staging_{table}")


def _stage(tx: Tx, staging: str, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
    if tx.dialect == "postgres":
        with (
            tx.conn.cursor() as cursor,
            cursor.copy(f"COPY {staging} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        tx.executemany(f"INSERT INTO {staging} ({', '.join(columns)}) VALUES ({marks})", rows)


def backfill(db: Database, chunk: int = 2000) -> int:
    """Project the tickets, cases and ratings a hub held before migration 0012 (once);
    returns how many records gave rows."""
    done = sum(
        projections.backfill(db, record_type, _projecting(record_type), _store_parts, chunk=chunk)
        for record_type in TYPES
    )
    with db.transaction() as tx:
        tx.execute("DELETE FROM hub_tasks WHERE name = ?", (TASK,))
    if done:
        log.info("ledger: %d records held before the upgrade projected", done)
    return done


def _projecting(record_type: str) -> Callable[[str, str, int, Any], Rows | None]:
    def project(uuid: str, station: str, version: int, data: Any) -> Rows | None:
        found = Rows([], [], [], [])
        _add(found, record_type, uuid, station, version, data)
        return found if any(found) else None

    return project


def _store_parts(tx: Tx, parts: list[Rows]) -> None:
    store(
        tx,
        Rows(
            [row for part in parts for row in part.tickets],
            [row for part in parts for row in part.cases],
            [row for part in parts for row in part.items],
            [row for part in parts for row in part.ratings],
        ),
    )


# --- reading one record ------------------------------------------------------------------
def _ticket(uuid: str, station: str, version: int, data: dict[str, Any]) -> TicketRow:
    issued, called = _stamp(data.get("issued_at")), _moment(data.get("called_at"))
    events = data.get("events")
    transferred = isinstance(events, list) and any(
        isinstance(event, dict) and event.get("kind") == "transferred" for event in events
    )
    return TicketRow(
        uuid,
        station,
        version,
        _day(data.get("day")),
        _text(data.get("status")),
        int(transferred),
        None if called is None else round((called - issued).total_seconds()),
    )


def _case(
    uuid: str, station: str, version: int, data: dict[str, Any]
) -> tuple[CaseRow, list[ItemRow]]:
    day = _day(data.get("day"))
    opened = _stamp(data.get("opened_at"))
    accepted = _moment(data.get("accepted_at"))
    forwarded = _moment(data.get("forwarded_at"))
    ends = [
        moment
        for moment in (_moment(data.get("completed_at")), forwarded, _moment(data.get("closed_at")))
        if moment is not None
    ]
    items = []
    for position, entry in enumerate(_list(data.get("items"))):
        try:
            items.append(_item(uuid, position, version, station, day, opened, entry))
        except (TypeError, ValueError):
            log.warning("ledger: an item of a case of station %s cannot be read", station)
    judged = accepted is not None and any(item.mode != "handle" for item in items)
    forward_due = _due(data.get("forward_due")) if judged else None
    if judged and forward_due is None and accepted is not None:
        forward_due = _rule_forward_due(accepted)
    case = CaseRow(
        uuid,
        station,
        version,
        day,
        _text_of(min(ends)) if ends else None,
        _text_of(forward_due),
        _text_of(forwarded),
    )
    return case, items


def _item(
    case_uuid: str,
    position: int,
    version: int,
    station: str,
    day: str,
    opened: datetime,
    data: Any,
) -> ItemRow:
    if not isinstance(data, dict):
        raise TypeError(data)
    mode, completed = _text(data.get("mode")), _moment(data.get("completed_at"))
    here = mode == "handle" and completed is not None
    return ItemRow(
        case_uuid,
        position,
        version,
        station,
        day,
        _text(data.get("item_code")),
        _text(data.get("title")),
        _text(data.get("kind")),
        mode,
        _number(data.get("limit_minutes")),
        _number(data.get("limit_working_days")),
        _text_of(_due(data.get("due_at"))),
        _text_of(completed),
        round((completed - opened).total_seconds()) if here and completed else None,
        int(here and completed is not None and completed.date().isoformat() == day),
    )


def _rating(uuid: str, station: str, version: int, data: dict[str, Any]) -> RatingRow:
    _stamp(data.get("rated_at"))  # read as the station's ledger reads it
    return RatingRow(
        uuid,
        station,
        version,
        _text(data.get("case_uuid")),
        _level(data.get("level")),
        _text_of(_due(data.get("follow_up_due"))),
        _text_of(_moment(data.get("followed_up_at"))),
    )


def _rule_forward_due(accepted: datetime) -> datetime:
    """A forwarding's due when the record does not carry it (`figures._forward_due`)."""
    day = CALENDAR.add_working_days(accepted.date(), FORWARD_WORKING_DAYS).day
    return datetime.combine(day, time(23, 59, 59), CST)


def _level(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _day(value: Any) -> str:
    return date.fromisoformat(_text(value)).isoformat()


def _stamp(value: Any) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment.astimezone(CST)


def _moment(value: Any) -> datetime | None:
    return None if value is None else _stamp(value)


def _due(value: Any) -> datetime | None:
    return None if value is None else due_moment(_text(value)).astimezone(CST)


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


def _text_of(moment: datetime | None) -> str | None:
    return None if moment is None else stamp(moment)
