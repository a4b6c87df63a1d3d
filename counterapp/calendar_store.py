"""Official holiday calendars pushed by the county, kept in the store.

A year the county has pushed wins over the chinese-calendar package, which wins over the
fallback rule; see `counterapp.workdays`. Deadlines already stored on cases never move when
a calendar arrives later.
"""

from __future__ import annotations

import json

from counterapp import journal
from counterapp.clock import Clock, stamp
from counterapp.workdays import WorkCalendar, YearCalendar
from db.store import Store


def import_year(store: Store, calendar: YearCalendar, clock: Clock) -> None:
    """Store (or replace) the official calendar of one year."""
    now = stamp(clock.now())
    with store.transaction():
        store.execute(
            "INSERT INTO calendar_years (year, document, source, imported_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (year) DO UPDATE SET document = excluded.document, "
            "source = excluded.source, imported_at = excluded.imported_at",
            (
                calendar.year,
                json.dumps(calendar.to_document(), ensure_ascii=False),
                calendar.source,
                now,
            ),
        )
        journal.record(
            store,
            subject="calendar",
            subject_uuid=str(calendar.year),
            kind="imported",
            at=now,
            data={"source": calendar.source},
        )


def work_calendar(store: Store) -> WorkCalendar:
    years = [
        YearCalendar.from_document(json.loads(row["document"]))
        for row in store.all("SELECT document FROM calendar_years ORDER BY year")
    ]
    return WorkCalendar(years)


def official_years(store: Store) -> list[int]:
    """The years whose official calendar the county pushed to this store."""
    return [int(row["year"]) for row in store.all("SELECT year FROM calendar_years ORDER BY year")]
