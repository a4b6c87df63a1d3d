"""The append-only event log and the sync outbox, written inside the caller's transaction.

Every change to a case, ticket or rating calls `record` in the same transaction as the change,
so the log, the outbox and the data can never disagree: either all three are stored or none.
"""

from __future__ import annotations

import json
from typing import Any

from db.store import Store


def new_uuid() -> str:
    import uuid  # here, not at the top: uuid imports `platform`, ~5 ms of window start-up

    return str(uuid.uuid4())


def record(
    store: Store,
    *,
    subject: str,
    subject_uuid: str,
    kind: str,
    at: str,
    clerk_id: int | None = None,
    data: dict[str, Any] | None = None,
    outbox_version: int | None = None,
) -> None:
    """Append an event; with `outbox_version`, also queue the subject for upload."""
    if not store.conn.in_transaction:
        raise RuntimeError("journal.record must run inside the change's transaction")
    store.insert(
        "events",
        {
            "at": at,
            "clerk_id": clerk_id,
            "subject": subject,
            "subject_uuid": subject_uuid,
            "kind": kind,
            "data": json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
        },
    )
    if outbox_version is not None:
        store.insert(
            "outbox",
            {
                "record_type": subject,
                "record_uuid": subject_uuid,
                "record_version": outbox_version,
                "enqueued_at": at,
            },
        )


def events_of(store: Store, subject_uuid: str) -> list[dict[str, Any]]:
    """The events of one case or ticket, oldest first."""
    rows = store.all(
        "SELECT at, clerk_id, kind, data FROM events WHERE subject_uuid = ? ORDER BY id",
        (subject_uuid,),
    )
    return [{**dict(row), "data": json.loads(row["data"])} for row in rows]
