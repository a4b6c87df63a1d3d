"""The rows the fixture store of schema 10 adds (tests/golden/stores.py): a day sent by USB file
and acknowledged, then the retention erasure three years on."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

# Schema 10: the first day's rows went to the hub on a USB stick, acknowledged the next
# morning; three years later (the default retention period) the start-up erased the personal
# fields of the finished cases among them. The other cases wait for upload, so are kept.
_BATCH = "5c0a5e11-7d3b-4c55-9c4e-0000000000b1"
_SOURCE = "5c0a5e11-7d3b-4c55-9c4e-0000000000a1"
_ERASED_AT = "2029-12-07T08:30:00+08:00"
_CUTOFF = "2026-12-07T08:30:00+08:00"  # three years before: cases last changed before
_FINISHED = ("completed", "forwarded", "closed")


def _scrub(value: Any, replace: dict[str, str]) -> Any:
    """Parsed JSON with every string equal to an erased value replaced by its mask."""
    if isinstance(value, str):
        return replace.get(value.strip(), value)
    if isinstance(value, list):
        return [_scrub(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, replace) for key, item in value.items()}
    return value


def _scrubbed(text: str, replace: dict[str, str]) -> str:
    return json.dumps(_scrub(json.loads(text), replace), ensure_ascii=False, sort_keys=True)


def _erase(
    conn: sqlite3.Connection, case_id: int, case_uuid: str, personal: dict[str, Any]
) -> None:
    """One case's personal fields erased where they are and where they were copied."""
    from counterapp.privacy import mask_id_number, mask_name

    def masked(column: str, value: str) -> str:
        if column.endswith("_name"):
            return mask_name(value)
        return mask_id_number(value) if column.endswith("_id_number") else ""

    replace = {
        str(v).strip(): masked(c, str(v)) for c, v in personal.items() if v and str(v).strip()
    }
    conn.execute(
        f"UPDATE cases SET {', '.join(f'{c} = ?' for c in personal)}, "
        "personal_erased_at = ? WHERE id = ?",
        (
            *(None if v is None else masked(c, str(v)) for c, v in personal.items()),
            _ERASED_AT,
            case_id,
        ),
    )
    for event_id, data in conn.execute(
        "SELECT id, data FROM events WHERE subject_uuid = ?", (case_uuid,)
    ).fetchall():
        if _scrubbed(data, replace) != data:
            conn.execute(
                "UPDATE events SET data = ? WHERE id = ?", (_scrubbed(data, replace), event_id)
            )
    for print_id, content in conn.execute(
        "SELECT id, slip_content FROM slip_prints WHERE case_id = ? AND slip_content IS NOT NULL",
        (case_id,),
    ).fetchall():
        conn.execute(
            "UPDATE slip_prints SET slip_content = ? WHERE id = ?",
            (_scrubbed(content, replace), print_id),
        )
    for kept_id, content in conn.execute(
        "SELECT id, slip_content FROM unprinted_slips WHERE case_id = ?", (case_id,)
    ).fetchall():
        conn.execute(
            "UPDATE unprinted_slips SET pdf = x'', slip_content = ? WHERE id = ?",
            (None if content is None else _scrubbed(content, replace), kept_id),
        )
    conn.execute(
        "UPDATE unprinted_slips SET dropped_at = ?, drop_reason = ? WHERE case_id = ? "
        "AND printed_at IS NULL AND dropped_at IS NULL",
        (_ERASED_AT, "保存期满，个人信息已删除", case_id),
    )


def _close_past_days(conn: sqlite3.Connection) -> None:
    """What the same start-up did first: the tickets left waiting on the last day closed
    unserved, and that day's counts recorded."""
    open_tickets = conn.execute(
        "SELECT id, uuid, version, status, day FROM tickets WHERE mirror = 0 AND status IN "
        "('waiting', 'called', 'serving', 'held') ORDER BY day, id"
    ).fetchall()
    assert {row[3] for row in open_tickets} == {"waiting"}  # (serving would be finished)
    for ticket_id, ticket_uuid, version, _, _ in open_tickets:
        conn.execute(
            "UPDATE tickets SET status = 'closed_unserved', version = ? WHERE id = ?",
            (version + 1, ticket_id),
        )
        conn.execute(
            "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) "
            "VALUES (?, NULL, 'ticket', ?, 'closed_unserved', '{}')",
            (_ERASED_AT, ticket_uuid),
        )
        conn.execute(
            "INSERT INTO outbox (record_type, record_uuid, record_version, "
            "enqueued_at) VALUES ('ticket', ?, ?, ?)",
            (ticket_uuid, version + 1, _ERASED_AT),
        )
    for day in sorted({row[4] for row in open_tickets}):
        counts = dict(
            conn.execute(
                "SELECT status, count(*) FROM tickets WHERE day = ? AND mirror = 0 GROUP BY status",
                (day,),
            ).fetchall()
        )
        conn.execute(
            "INSERT INTO day_closings (day, closed_at, issued, served, no_show, "
            "unserved, consulted) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                day,
                _ERASED_AT,
                sum(counts.values()),
                counts.get("done", 0),
                counts.get("no_show", 0),
                counts.get("closed_unserved", 0),
                counts.get("consulted", 0),
            ),
        )


def fill_10(conn: sqlite3.Connection) -> None:
    """The first day's rows sent by USB file and acknowledged; three years on, the finished
    cases among them erased by the retention period (masked names and ID numbers, phones
    removed, `personal_erased_at`; their events' and slips' copies too), journalled."""
    first_day = conn.execute("SELECT min(day) FROM cases").fetchone()[0]
    seqs = [
        row[0]
        for row in conn.execute(
            "SELECT seq FROM outbox WHERE enqueued_at < ? ORDER BY seq",
            (f"{first_day}T23:59:59+08:00",),
        ).fetchall()
    ]
    records = conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT record_type, record_uuid FROM outbox "
        f"WHERE seq IN ({', '.join('?' * len(seqs))}))",
        seqs,
    ).fetchone()[0]
    exported, acked = f"{first_day}T17:30:00+08:00", f"{first_day}T17:45:00+08:00"
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('sync.source_id', ?)", (json.dumps(_SOURCE),)
    )
    conn.execute(
        "INSERT INTO sync_batches (batch_id, created_at, rows, records, sent_at, "
        "sent_via, acked_at) VALUES (?, ?, ?, ?, ?, 'file', ?)",
        (_BATCH, exported, len(seqs), records, exported, acked),
    )
    conn.execute(
        f"UPDATE outbox SET batch_id = ?, acked_at = ? WHERE seq IN ({', '.join('?' * len(seqs))})",
        (_BATCH, acked, *seqs),
    )
    conn.executemany(
        "INSERT INTO sync_runs (started_at, finished_at, via, ok, batches, "
        "records) VALUES (?, ?, ?, 1, 1, ?)",
        [(exported, exported, "file-export", records), (acked, acked, "ack-import", len(seqs))],
    )
    _close_past_days(conn)
    personal = (
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "agent_name",
        "agent_id_number",
        "agent_phone",
    )
    due = conn.execute(
        f"SELECT id, uuid, {', '.join(personal)} FROM cases AS c WHERE personal_erased_at IS "
        f"NULL AND updated_at < ? AND state IN ({', '.join('?' * len(_FINISHED))}) AND NOT "
        "EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = c.uuid AND o.acked_at IS "
        "NULL) ORDER BY id",
        (_CUTOFF, *_FINISHED),
    ).fetchall()
    assert due, "the first day should have finished cases"
    conn.execute("INSERT INTO erasing (id) VALUES (1)")
    for case_id, case_uuid, *values in due:
        _erase(conn, case_id, case_uuid, dict(zip(personal, values, strict=True)))
    conn.execute("DELETE FROM erasing")
    conn.execute(
        "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) VALUES "
        "(?, NULL, 'station', 'retention', 'personal_data_erased', ?)",
        (
            _ERASED_AT,
            json.dumps(
                {"cases": len(due), "last_changed_before": _CUTOFF, "years": 3}, sort_keys=True
            ),
        ),
    )
