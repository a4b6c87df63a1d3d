"""What flows back down, and the check that nothing drifted:

- reconciliation: per-day counts and digests of (type, uuid, version) for one station store;
- the county's catalogue (versioned; validated with the station's own rules on import);
- decisions on forwarded cases (received / processing / done with its result / returned with a
  reason), from the admin command line and the workbench's inbox alike (`decide`,
  `record_decision`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from typing import Any

from counterapp.catalogue import CatalogueInvalid, Problem, parse_document
from counterapp.sync.slip_codes import CASE_NO, case_station
from counterapp.sync.wire import (
    DECISION_STATUSES,
    KEY_RECORD_TYPES,
    RECORD_TYPES,
    canonical,
    day_digest,
)
from hub.db import CASE_NO_SQL, Database, Tx

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class FeedProblem(ValueError):
    """A catalogue or decision the hub refuses; str() says why."""


# --- reconciliation ---------------------------------------------------------------------------
def reconcile(
    db: Database, station: str, source: str, days: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Compare the station's per-day counts and digests with the hub's.

    Returns the hub's figures for every day asked about and, for the days that differ, the
    hub's (type, uuid, version) list, so the station can re-send exactly what is missing or old;
    and the record types it takes (`accepts`, the secrets left out: only a batch's ack says
    whether it can seal them now), so a station holding only a type this hub newly takes (a
    complaint) learns it without a batch.
    """
    accepts = [kind for kind in RECORD_TYPES if kind not in KEY_RECORD_TYPES]
    if not days:
        return {"days": {}, "differ": {}, "accepts": accepts}
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT day, type, uuid, version FROM records WHERE station = ? "
            "AND source = ? AND day >= ? AND day <= ?",
            (station, source, min(days), max(days)),
        )
    held: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for day, kind, uuid, version in rows:
        if day in days:
            held[day].append((kind, uuid, int(version)))
    figures = {
        day: {"count": len(held.get(day, [])), "digest": day_digest(held.get(day, []))}
        for day in days
    }
    differ = {
        day: [list(entry) for entry in held.get(day, [])]
        for day, theirs in days.items()
        if theirs.get("count") != figures[day]["count"]
        or theirs.get("digest") != figures[day]["digest"]
    }
    return {"days": figures, "differ": differ, "accepts": accepts}


# --- catalogue --------------------------------------------------------------------------------
def import_catalogue(db: Database, document: dict[str, Any], source: str, now: str) -> str:
    """Validate (the stations' rules) and activate a catalogue; returns its version.
    A bad one is refused whole and the active one stays."""
    catalogue = parse_document(document, source)  # raises CatalogueInvalid
    text = canonical(catalogue.to_document()).decode("utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    with db.transaction() as tx:
        held = tx.scalar("SELECT sha256 FROM catalogues WHERE version = ?", (catalogue.version,))
        if held is not None and held != digest:
            raise CatalogueInvalid(
                [
                    Problem(
                        source,
                        "",
                        f"version {catalogue.version!r} is already on the hub "
                        "with different content",
                    )
                ]
            )
        if held is None:
            tx.execute(
                "INSERT INTO catalogues (version, document, sha256, published, "
                "imported_at) VALUES (?, ?, ?, ?, ?)",
                (catalogue.version, text, digest, catalogue.published.isoformat(), now),
            )
        tx.execute("UPDATE catalogues SET active = 0 WHERE active = 1")
        tx.execute("UPDATE catalogues SET active = 1 WHERE version = ?", (catalogue.version,))
    return catalogue.version


def active_catalogue(db: Database) -> dict[str, Any] | None:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT version, sha256, document FROM catalogues WHERE active = 1")
    if row is None:
        return None
    return {"version": row[0], "sha256": row[1], "document": json.loads(row[2])}


# --- decisions --------------------------------------------------------------------------------
# A forwarded case moves forward only: 待接收 → 接收 → 办理中 → 办结 or 退回 (a step may be
# skipped); 办结 and 退回 are final. The inbox shows and offers the same.
STATUS_ORDER = {"new": 0, "received": 1, "processing": 2, "done": 3, "returned": 3}
NEEDS_NOTE = {"done": "办结须填写办理结果", "returned": "退回须注明原因（站点将告知办事人）"}


def decision_problem(current: str, status: str, note: str) -> str | None:
    """Why `status` cannot follow `current` with this note (None: it can)."""
    if status not in DECISION_STATUSES:
        return f"status must be one of {', '.join(DECISION_STATUSES)}"
    if STATUS_ORDER.get(current, 0) >= STATUS_ORDER["done"]:
        return "该办件已办结或已退回，不能再作决定"
    if STATUS_ORDER[status] <= STATUS_ORDER.get(current, 0):
        return "该办件已处于此状态或更后的状态"
    if status in NEEDS_NOTE and not note.strip():
        return NEEDS_NOTE[status]
    return None


def decide(db: Database, case: str, status: str, note: str, by: str, now: str) -> int:
    """Record the county's decision on a forwarded case, by its UUID or its case number.

    The decision goes down to the station that holds the case. A case number names its own
    station (`<station>-<YYYYMMDD>-<window>-<sequence>`), so it is looked up only among that
    station's cases: a number another station uploaded (a station writes its records' data as
    it likes) is never the one decided on."""
    if status not in DECISION_STATUSES:
        raise FeedProblem(f"status must be one of {', '.join(DECISION_STATUSES)}")
    forwarded = {
        "sqlite": "json_extract(data, '$.forwarded_at')",
        "postgres": "(data->>'forwarded_at')",
    }[db.dialect]
    select = f"SELECT uuid, station, {forwarded} FROM records WHERE type = 'case' AND "
    with db.transaction() as tx:
        if _UUID.fullmatch(case):
            rows = tx.all(select + "uuid = ?", (case,))
        elif CASE_NO.fullmatch(case):
            rows = tx.all(
                select + f"station = ? AND {CASE_NO_SQL[db.dialect]} = ?",
                (case_station(case), case),
            )
        else:
            raise FeedProblem(
                f"{case!r} is neither a case UUID nor a case number "
                "(<station>-<YYYYMMDD>-<window>-<sequence>)"
            )
        if not rows:
            raise FeedProblem(
                f"no case {case} of station {case_station(case)} has reached the hub"
                if CASE_NO.fullmatch(case)
                else f"no case {case} has reached the hub"
            )
        if len(rows) > 1:
            raise FeedProblem(
                f"station {rows[0][1]} uploaded {len(rows)} cases numbered {case}: "
                "decide by the case's UUID"
            )
        row = rows[0]
        if not row[2]:
            raise FeedProblem(f"case {case} was not forwarded to the county")
        return record_decision(tx, row[0], row[1], status, note, by, now)


def record_decision(
    tx: Tx, case_uuid: str, station: str, status: str, note: str, by: str, now: str
) -> int:
    """Append a decision on a forwarded case to the station's feed and show it in the inbox,
    in the caller's transaction; refused (FeedProblem) if it does not follow the case's
    current status (`decision_problem`)."""
    current = tx.scalar("SELECT status FROM forwarded_cases WHERE case_uuid = ?", (case_uuid,))
    problem = decision_problem(current or "new", status, note)
    if problem is not None:
        raise FeedProblem(problem)
    note = note.strip()
    tx.execute(
        "INSERT INTO decisions (case_uuid, station, status, note, decided_at, "
        "decided_by) VALUES (?, ?, ?, ?, ?, ?)",
        (case_uuid, station, status, note or None, now, by),
    )
    number = int(tx.scalar("SELECT max(id) FROM decisions WHERE case_uuid = ?", (case_uuid,)))
    tx.execute(
        "UPDATE forwarded_cases SET status = ?, decision_id = ?, decided_at = ?, "
        "decided_by = ?, note = ? WHERE case_uuid = ?",
        (status, number, now, by, note or None, case_uuid),
    )
    return number


def decisions_after(
    db: Database, station: str, after: int, limit: int = 500
) -> list[dict[str, Any]]:
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT id, case_uuid, status, note, decided_at FROM decisions "
            "WHERE station = ? AND id > ? ORDER BY id LIMIT ?",
            (station, after, limit),
        )
    return [
        {"id": int(r[0]), "case": r[1], "status": r[2], "note": r[3], "decided_at": r[4]}
        for r in rows
    ]
