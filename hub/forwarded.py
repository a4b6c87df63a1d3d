"""Forwarded cases (帮办代办) as the county's inbox reads them: one row of `forwarded_cases`
per case a station forwarded, read from the case record when it arrives (`hub.ingest`, in the
batch's transaction) and kept at the record's newest version, so the inbox filters and sorts a
million cases with indexes instead of reading JSON.

A station writes its records' data as it likes, so reading it never fails a batch: a field of
the wrong type counts as missing, text is cut to a bounded length, and a case without a
forwarding time is not a forwarded case. The row carries the applicant's name masked only;
the detail page reads the record itself (and journals that it did).

The county's time limit is the day promised for the forwarded items: each item's `due_at`,
fixed by the station at acceptance from the catalogue's limit in working days and printed on
the citizen's slip; a case with several forwarded items is due on the last of them. An instant
item (即办件, a limit in minutes) that had to be forwarded is due the working day after the
station forwarded it: its minutes ran out at the window.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from counterapp.privacy import mask_name
from counterapp.workdays import WorkCalendar
from hub import projections

if TYPE_CHECKING:
    from hub.db import Database, Tx

log = logging.getLogger("hub")
FORWARDED_MODES = ("collect", "assist")  # items the station only collects or forwards
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
MAX_TEXT = 200
ITEM_SEPARATOR = "；"
TASK = "project-forwarded-cases"
CALENDAR = WorkCalendar()  # the official calendar as chinese_calendar knows it


@dataclass(frozen=True)
class Projection:
    """One row of `forwarded_cases` (the station's part; the county's decision is its own)."""

    case_uuid: str
    station: str
    case_no: str
    version: int
    applicant: str
    items: str
    materials_received: int
    materials_total: int
    forward_due: str | None
    forwarded_at: str
    forwarded_late: int
    county_due: str
    county_due_provisional: int
    station_status: str | None
    station_decided_at: str | None
    item_codes: tuple[str, ...]


COLUMNS = (
    "case_uuid",
    "station",
    "case_no",
    "version",
    "applicant",
    "items",
    "materials_received",
    "materials_total",
    "forward_due",
    "forwarded_at",
    "forwarded_late",
    "county_due",
    "county_due_provisional",
    "station_status",
    "station_decided_at",
)
UPSERT = projections.upsert("forwarded_cases", "case_uuid", COLUMNS)
ITEMS = (
    "INSERT INTO forwarded_items (case_uuid, item_code) VALUES (?, ?) "
    "ON CONFLICT (case_uuid, item_code) DO NOTHING"
)


def read_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """Text cut to `limit`, or None for anything else (a station writes its data as it likes)."""
    return value[:limit] if isinstance(value, str) and value else None


def read_day(value: Any) -> str | None:
    """The day of a day or a stamp (an instant item's due moment), else None."""
    if not isinstance(value, str) or not _DAY.match(value):
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _item_due(
    item: dict[str, Any], forwarded_day: date, calendar: WorkCalendar
) -> tuple[str, bool] | None:
    """(day, provisional) the county must finish an item by: its promised day, or, for an
    instant item, the working day after it was forwarded."""
    due = item.get("due_at")
    day = read_day(due)
    if day is None:
        return None
    if isinstance(due, str) and len(due) > 10:  # a moment: minutes, an instant item
        after = calendar.add_working_days(forwarded_day, 1)
        return after.day.isoformat(), after.provisional
    return day, bool(item.get("due_provisional"))


def project(
    case_uuid: str, station: str, version: int, data: Any, calendar: WorkCalendar = CALENDAR
) -> Projection | None:
    """The inbox row of a case record (`data` as stored: JSON text or already parsed), or
    None if the case is not forwarded (or its data is not a case's)."""
    data = projections.document(data)
    if data is None:
        return None
    forwarded_at = data.get("forwarded_at")
    if (
        not isinstance(forwarded_at, str)
        or not _STAMP.match(forwarded_at)
        or read_day(forwarded_at) is None
    ):
        return None
    forwarded_at = forwarded_at[:32]
    items = _dicts(data.get("items"))
    upward = [item for item in items if item.get("mode") in FORWARDED_MODES] or items
    sent = date.fromisoformat(forwarded_at[:10])
    dues = [due for item in upward if (due := _item_due(item, sent, calendar)) is not None]
    county_due, provisional = max(dues) if dues else (sent.isoformat(), False)
    materials = [m for m in _dicts(data.get("materials")) if m.get("applies")]
    forward_due = read_day(data.get("forward_due"))
    codes = tuple(
        dict.fromkeys(
            code for item in upward if (code := read_text(item.get("item_code"), 32)) is not None
        )
    )
    titles = [title for item in upward if (title := read_text(item.get("title"), 60)) is not None]
    return Projection(
        case_uuid=case_uuid,
        station=station,
        case_no=read_text(data.get("case_no"), 64) or "",
        version=version,
        applicant=mask_name(read_text(data.get("applicant_name"), 30) or ""),
        items=ITEM_SEPARATOR.join(titles)[:MAX_TEXT],
        materials_received=sum(1 for m in materials if m.get("received")),
        materials_total=len(materials),
        forward_due=forward_due,
        forwarded_at=forwarded_at,
        forwarded_late=int(forward_due is not None and forwarded_at[:10] > forward_due),
        county_due=county_due,
        county_due_provisional=int(provisional),
        station_status=read_text(data.get("county_status"), 16),
        station_decided_at=read_text(data.get("county_decided_at"), 32),
        item_codes=codes,
    )


def store(tx: Tx, rows: Sequence[Projection]) -> None:
    """Insert or update the rows (an older version never replaces a newer one)."""
    if not rows:
        return
    tx.executemany(UPSERT, [astuple(p)[: len(COLUMNS)] for p in rows])
    tx.executemany(ITEMS, [(p.case_uuid, code) for p in rows for code in p.item_codes])


def from_rows(rows: Sequence[Sequence[Any]]) -> list[Projection]:
    """The projections of a batch's `records` rows (uuid, type, station, source, version, day,
    data, …): its forwarded cases. A case's JSON is parsed only if it mentions forwarding."""
    found = []
    for row in rows:
        if row[1] == "case" and "forwarded_at" in row[6]:
            projection = project(row[0], row[2], row[4], row[6])
            if projection is not None:
                found.append(projection)
    return found


def backfill(db: Database, chunk: int = 2000) -> int:
    """Project the forwarded cases a hub already held before it had an inbox (once, after
    migration 0005), with their latest decisions; returns how many."""
    forwarded = {
        "sqlite": "json_extract(data, '$.forwarded_at')",
        "postgres": "(data->>'forwarded_at')",
    }[db.dialect]
    done = projections.backfill(
        db, "case", project, store, f"AND {forwarded} IS NOT NULL", chunk=chunk
    )
    with db.transaction() as tx:
        apply_decisions(tx)
        tx.execute("DELETE FROM hub_tasks WHERE name = ?", (TASK,))
    if done:
        log.info("inbox: %d forwarded cases held before the upgrade projected", done)
    return done


def apply_decisions(tx: Tx) -> None:
    """Give every row whose case has decisions not yet shown the latest of them."""
    latest = "(SELECT max(id) FROM decisions AS e WHERE e.case_uuid = forwarded_cases.case_uuid)"
    tx.execute(
        f"UPDATE forwarded_cases SET decision_id = {latest} "
        f"WHERE coalesce(decision_id, 0) < coalesce({latest}, 0)"
    )
    of_it = "FROM decisions AS d WHERE d.id = forwarded_cases.decision_id"
    tx.execute(
        ", ".join(
            f"{'UPDATE forwarded_cases SET' if n == 0 else ''} {column} = "
            f"(SELECT d.{column} {of_it})"
            for n, column in enumerate(("status", "decided_at", "decided_by", "note"))
        )
        + " WHERE decision_id IS NOT NULL"
    )
