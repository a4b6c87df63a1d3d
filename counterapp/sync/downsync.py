"""What comes down from the county: its catalogue, its official working-day calendars and its
decisions on forwarded cases.

A catalogue goes through `catalogue_store.import_catalogue` (validated first, one transaction,
the old version kept if the new one is bad; open cases keep the version they started with).
A calendar is a whole year (`calendar_store.import_year`): from then on that year's deadlines
come from it and are no longer provisional; deadlines already stored on cases stay as they were.
A decision changes the case like every other change: version + 1, an event and an outbox row
in the same transaction, so the county's copy learns that the station saw it.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from counterapp import calendar_store, catalogue_store, journal
from counterapp.case_model import COUNTY_STATUS_LABELS
from counterapp.catalogue import CatalogueInvalid, Problem, parse_document
from counterapp.clock import Clock, stamp
from counterapp.sync.wire import DECISION_STATUSES, canonical
from counterapp.workdays import YearCalendar
from db.settings import Settings
from db.store import Store

DECISION_CURSOR = "sync.decisions_after"
CALENDAR_CURSOR = "sync.calendars_after"


def apply_catalogue(store: Store, offered: dict[str, Any], clock: Clock) -> str:
    """Check and activate a catalogue sent by the hub; returns its version.
    Raises CatalogueInvalid (nothing changed) if it is damaged or invalid."""
    document = offered.get("document")
    source = f"county hub {offered.get('version')}"
    if not isinstance(document, dict):
        raise CatalogueInvalid([Problem(source, "", "no catalogue document in the answer")])
    catalogue = parse_document(document, source)
    digest = hashlib.sha256(canonical(catalogue.to_document())).hexdigest()
    if offered.get("sha256") and offered["sha256"] != digest:
        raise CatalogueInvalid([Problem(source, "", "the catalogue does not match its hash")])
    catalogue_store.import_catalogue(store, catalogue, source, clock)
    return catalogue.version


def apply_calendar(store: Store, published: dict[str, Any], clock: Clock) -> int:
    """Store one published calendar from the feed and move the cursor past it; returns its year.
    Raises ValueError (nothing stored, the cursor kept) if it is damaged or invalid."""
    document = published.get("document")
    if not isinstance(document, dict):
        raise ValueError("no calendar document in the answer")
    if hashlib.sha256(canonical(document)).hexdigest() != published.get("sha256"):
        raise ValueError("the calendar does not match its hash")
    calendar = YearCalendar.from_document(document)
    if calendar.year != published.get("year"):
        raise ValueError(f"the calendar of {calendar.year} was sent as {published.get('year')}")
    with store.transaction():
        calendar_store.import_year(store, calendar, clock)
        Settings(store).set(CALENDAR_CURSOR, max(int(published["id"]), calendar_cursor(store)))
    return calendar.year


def calendar_cursor(store: Store) -> int:
    return int(Settings(store).get(CALENDAR_CURSOR, 0))


def apply_decision(store: Store, decision: dict[str, Any], clock: Clock) -> bool:
    """Apply one decision from the feed; returns False if it was already applied or the case
    is unknown here (another PC of the station holds it). The cursor moves either way."""
    status = decision.get("status")
    if status not in DECISION_STATUSES:
        raise ValueError(f"unknown decision status {status!r}")
    decision_id = int(decision["id"])
    now = stamp(clock.now())
    with store.transaction():
        Settings(store).set(DECISION_CURSOR, max(decision_id, decision_cursor(store)))
        row = store.one(
            "SELECT id, version, county_decision_id FROM cases WHERE uuid = ?",
            (decision.get("case"),),
        )
        if row is None or (row["county_decision_id"] or 0) >= decision_id:
            return False
        version = row["version"] + 1
        store.update(
            "cases",
            row["id"],
            {
                "county_status": status,
                "county_note": decision.get("note"),
                "county_decided_at": decision.get("decided_at"),
                "county_decision_id": decision_id,
                "version": version,
                "updated_at": now,
            },
        )
        journal.record(
            store,
            subject="case",
            subject_uuid=str(decision["case"]),
            kind="county_decision",
            at=now,
            data={"status": status, "note": decision.get("note"), "decision": decision_id},
            outbox_version=version,
        )
    return True


def decision_cursor(store: Store) -> int:
    return int(Settings(store).get(DECISION_CURSOR, 0))


class ForwardedCase(NamedTuple):
    """A row of the deadline view for forwarded cases (帮办代办), with the county's word."""

    case_no: str
    state: str
    forward_due: str | None
    forwarded_at: str | None
    county_status: str | None
    county_note: str | None
    county_decided_at: str | None

    @property
    def needs_attention(self) -> bool:
        """Not yet submitted, or returned by the county: the clerk must act."""
        return self.forwarded_at is None or self.county_status == "returned"

    @property
    def county_label(self) -> str:
        return COUNTY_STATUS_LABELS.get(self.county_status or "", "待县中心接收")


def forwarded_cases(store: Store) -> list[ForwardedCase]:
    """Cases to be or already forwarded, returned ones first, then by forwarding deadline."""
    rows = store.all(
        "SELECT case_no, state, forward_due, forwarded_at, county_status, county_note, "
        "county_decided_at FROM cases WHERE forward_due IS NOT NULL "
        "AND (state <> 'closed' OR county_status = 'returned') "
        "ORDER BY county_status = 'returned' DESC, forward_due, case_no"
    )
    return [ForwardedCase(**dict(row)) for row in rows]
