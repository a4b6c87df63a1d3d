"""The station side of the outbox: pending rows → batches → acknowledged.

A batch takes the oldest pending rows (by `seq`, the station's monotonic sequence) up to a
number of distinct records, plus every other pending row of those same records, since the
snapshot it sends is their current state and covers them all. Rows get the batch's id in the
same transaction that reads the snapshot. A batch keeps its id until acknowledged, so a batch
sent but never acknowledged (hub down, connection cut, program killed) is sent again under the
same id, with its records' state at that moment; the hub stores it once.
"""

from __future__ import annotations

import uuid as uuid_module
from typing import NamedTuple

from counterapp.clock import Clock, stamp
from counterapp.station import StationNotConfigured
from counterapp.sync import handed_keys
from counterapp.sync.records import INVENTORY_SQL, Snapshots
from counterapp.sync.wire import ANNOUNCED_RECORD_TYPES, Batch
from db.settings import Settings
from db.store import Store

SOURCE_KEY = "sync.source_id"
ROWS_SCANNED_PER_RECORD = 8  # a record has ~4 pending rows on average (open, tick, accept…)
DEFAULT_MAX_RECORDS = 1000


class Identity(NamedTuple):
    station: str
    source: str


def identity(store: Store) -> Identity:
    """This store's station code and its source id (one per store, made once)."""
    code = store.scalar("SELECT code FROM station WHERE id = 1")
    if code is None:
        raise StationNotConfigured("尚未设置本站信息，不能同步")
    settings = Settings(store)
    source = settings.get(SOURCE_KEY)
    if source is None:
        source = str(uuid_module.uuid4())
        settings.set(SOURCE_KEY, source)
    return Identity(code, source)


def pending_count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM outbox WHERE acked_at IS NULL"))


def unacked_batches(store: Store) -> list[str]:
    """Batches built earlier and not yet acknowledged, oldest first."""
    rows = store.all(
        "SELECT batch_id FROM sync_batches WHERE acked_at IS NULL ORDER BY created_at, rowid"
    )
    return [row["batch_id"] for row in rows]


def held_types(store: Store) -> tuple[str, ...]:
    """Record types kept back because the hub has not announced it takes them: an older hub
    refuses a whole batch holding a type it does not know. Their rows are queued like any
    other (complaints, watch contacts) and wait in the outbox until an ack announces them;
    the next batch then takes them."""
    accepts = handed_keys.hub_accepts(store)
    return tuple(kind for kind in ANNOUNCED_RECORD_TYPES if kind not in accepts)


def _not_held(held: tuple[str, ...]) -> str:
    """The condition leaving out rows of the held types (their names go as parameters)."""
    return f" AND record_type NOT IN ({', '.join('?' * len(held))})" if held else ""


def sendable(store: Store) -> bool:
    """Whether unbatched rows wait that the hub takes (e.g. a type it has just announced)."""
    held = held_types(store)
    return bool(
        store.scalar(
            "SELECT 1 FROM outbox WHERE acked_at IS NULL AND batch_id IS NULL"
            + _not_held(held)
            + " LIMIT 1",
            held,
        )
    )


def new_batch(
    store: Store, ident: Identity, clock: Clock, max_records: int = DEFAULT_MAX_RECORDS
) -> Batch | None:
    """Assign the oldest unbatched pending rows the hub takes to a new batch; None when there
    are none."""
    with store.transaction():
        held = held_types(store)
        rows = store.all(
            "SELECT seq, record_type, record_uuid FROM outbox WHERE acked_at IS NULL "
            "AND batch_id IS NULL" + _not_held(held) + " ORDER BY seq LIMIT ?",
            (*held, max_records * ROWS_SCANNED_PER_RECORD),
        )
        if not rows:
            return None
        keys: dict[str, str] = {}
        for row in rows:
            if row["record_uuid"] not in keys:
                if len(keys) >= max_records:
                    break
                keys[row["record_uuid"]] = row["record_type"]
        batch_id = str(uuid_module.uuid4())
        uuids = list(keys)
        store.execute(
            f"UPDATE outbox SET batch_id = ? WHERE acked_at IS NULL AND batch_id IS NULL "
            f"AND record_uuid IN ({', '.join('?' * len(uuids))})",
            (batch_id, *uuids),
        )
        count = store.scalar(
            "SELECT count(*) FROM outbox WHERE batch_id = ? AND acked_at IS NULL", (batch_id,)
        )
        store.insert(
            "sync_batches",
            {
                "batch_id": batch_id,
                "created_at": stamp(clock.now()),
                "rows": count,
                "records": len(keys),
            },
        )
        return _build(store, ident, batch_id, clock)


def rebuild(store: Store, ident: Identity, batch_id: str, clock: Clock) -> Batch | None:
    """The batch `batch_id` again, with its records' current state; None if acknowledged."""
    with store.transaction():
        return _build(store, ident, batch_id, clock)


def _build(store: Store, ident: Identity, batch_id: str, clock: Clock) -> Batch | None:
    rows = store.all(
        "SELECT seq, record_type, record_uuid FROM outbox WHERE batch_id = ? "
        "AND acked_at IS NULL ORDER BY seq",
        (batch_id,),
    )
    if not rows:
        return None
    keys = {(row["record_type"], row["record_uuid"]): None for row in rows}
    records = Snapshots(store).read(keys)
    pending = store.scalar("SELECT count(*) FROM outbox WHERE acked_at IS NULL") - len(rows)
    return Batch(
        station=ident.station,
        source=ident.source,
        batch_id=batch_id,
        created_at=stamp(clock.now()),
        seqs=tuple(row["seq"] for row in rows),
        records=tuple(records),
        pending_after=pending,
    )


def mark_sent(store: Store, batch_id: str, via: str, clock: Clock) -> None:
    with store.transaction():
        store.execute(
            "UPDATE sync_batches SET sent_at = ?, sent_via = ? WHERE batch_id = ?",
            (stamp(clock.now()), via, batch_id),
        )


def mark_acked(
    store: Store, batch_id: str, seqs: tuple[int, ...] | None, clock: Clock, via: str | None = None
) -> int:
    """Acknowledge a batch's rows in one transaction; returns how many rows were pending.

    With `seqs` (from the hub's ack), only those rows: a row added to the batch later is
    never acknowledged by an older ack. Acknowledging twice changes nothing.
    """
    now = stamp(clock.now())
    with store.transaction():
        if seqs is None:
            cursor = store.execute(
                "UPDATE outbox SET acked_at = ? WHERE batch_id = ? AND acked_at IS NULL",
                (now, batch_id),
            )
            changed = cursor.rowcount
        else:
            changed = 0
            seq_list = list(seqs)
            for start in range(0, len(seq_list), 900):
                part = seq_list[start : start + 900]
                cursor = store.execute(
                    f"UPDATE outbox SET acked_at = ? WHERE batch_id = ? AND acked_at IS NULL "
                    f"AND seq IN ({', '.join('?' * len(part))})",
                    (now, batch_id, *part),
                )
                changed += cursor.rowcount
        left = store.scalar(
            "SELECT count(*) FROM outbox WHERE batch_id = ? AND acked_at IS NULL", (batch_id,)
        )
        if not left:
            store.execute(
                "UPDATE sync_batches SET acked_at = coalesce(acked_at, ?), "
                "sent_via = coalesce(?, sent_via), sent_at = coalesce(sent_at, ?) "
                "WHERE batch_id = ?",
                (now, via, now, batch_id),
            )
    return changed


def inventory(store: Store, days: set[str] | None = None) -> dict[str, list[tuple[str, str, int]]]:
    """Every record by day: (type, uuid, version) — the station's side of reconciliation;
    none of a type held back (the hub would be asked for what it cannot take)."""
    held = held_types(store)
    found: dict[str, list[tuple[str, str, int]]] = {}
    for row in store.all(INVENTORY_SQL):
        if row["type"] not in held and (days is None or row["day"] in days):
            found.setdefault(row["day"], []).append((row["type"], row["uuid"], row["version"]))
    return found


def requeue(store: Store, keys: list[tuple[str, str, int]], clock: Clock) -> int:
    """Queue records again (reconciliation found the hub lacks them or holds an older
    version). Records that already have a pending row are left alone: they are on their way."""
    now = stamp(clock.now())
    added = 0
    with store.transaction():
        for record_type, uuid, version in keys:
            if store.scalar(
                "SELECT 1 FROM outbox WHERE record_uuid = ? AND acked_at IS NULL", (uuid,)
            ):
                continue
            store.insert(
                "outbox",
                {
                    "record_type": record_type,
                    "record_uuid": uuid,
                    "record_version": version,
                    "enqueued_at": now,
                },
            )
            added += 1
    return added
