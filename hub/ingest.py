"""Storing a batch: every record exactly once, in its latest version, in one transaction.

    INSERT … ON CONFLICT (uuid) DO UPDATE … WHERE excluded.version > records.version

so the same batch twice, or the same record in two batches, is stored once, and an older
version arriving late (out of order, or by USB after the online copy) never replaces a newer
one. A record first written by another station is refused with the whole batch (403). A store's
secrets (`slip_key`, `store_key`) are sealed into their own tables in the same transaction
(`hub.keys_in`); those the hub cannot seal now are left out, never the batch, and the ack stops
announcing them.
A forwarded case's row of the county's inbox (`hub.forwarded`), a bad rating's row of
station supervision (`hub.follow_ups`), a complaint's row of the county's list
(`hub.complaints`), a watch-list contact's row (`hub.watch_list`) and the ledger's rows of
tickets, cases, their items and ratings (`hub.ledger_rows`) are written in that transaction
too.

On PostgreSQL the usual case — records the hub has never seen — goes straight in with COPY;
records it already holds go through a temporary table and the same guarded upsert. If another
request inserts one of the same records meanwhile, COPY fails on the unique key and the batch
is stored again through the upsert alone. The database checks every record's data is JSON;
those PostgreSQL skips (held already in that version or a newer one) are checked here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from counterapp.sync.wire import (
    KEY_RECORD_TYPES,
    RECORD_TYPES,
    RawRecord,
    ScannedBatch,
    WireError,
    top_seq,
)
from hub import complaints, follow_ups, forwarded, keys_in, ledger_rows, watch_list
from hub.db import Database, Tx

COLUMNS = ("uuid", "type", "station", "source", "version", "day", "data", "batch_id", "received_at")
_COLUMN_LIST = ", ".join(COLUMNS)
# one row of `records` in the order of COLUMNS
Row = tuple[str, str, str, str, int, str, str, str, str]
_UPSERT_TAIL = (
    " ON CONFLICT (uuid) DO UPDATE SET version = excluded.version, day = excluded.day, "
    "data = excluded.data, source = excluded.source, batch_id = excluded.batch_id, "
    "received_at = excluded.received_at "
    "WHERE excluded.version > records.version AND records.station = excluded.station "
    "AND records.type = excluded.type"
)
SQLITE_UPSERT = (
    f"INSERT INTO records ({_COLUMN_LIST}) VALUES ({', '.join('?' * len(COLUMNS))})" + _UPSERT_TAIL
)
PG_STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS staging_records (uuid TEXT, type TEXT, "
    "station TEXT, source TEXT, version INTEGER, day TEXT, data JSONB, batch_id TEXT, "
    "received_at TEXT) ON COMMIT DELETE ROWS"
)
PG_MERGE = (
    f"INSERT INTO records ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} "
    "FROM staging_records" + _UPSERT_TAIL
)


class Forbidden(PermissionError):
    """The batch writes records that are not this station's."""


class _Raced(Exception):
    """COPY met a record inserted meanwhile by another request."""


class Projections(NamedTuple):
    """The rows a batch adds to the county's read tables, written with its records."""

    forwarded: list[forwarded.Projection]
    follow_ups: list[follow_ups.FollowUp]
    complaints: list[complaints.CountyComplaint]
    watch_contacts: list[watch_list.ContactRow]
    ledger: ledger_rows.Rows


@dataclass(frozen=True)
class Ack:
    batch: str
    station: str
    sha256: str
    seqs: list[list[int]]
    records: int  # records in the batch the hub took (all but keys it could not seal)
    stored: int  # inserted or replaced by a newer version
    unchanged: int  # already held in this version or a newer one
    times: int  # how often this batch id has arrived
    acked_at: str
    accepts: list[str]  # the record types this hub takes (a station sends no others)

    def to_dict(self) -> dict[str, Any]:
        return {"format": 1, **asdict(self)}


def ingest(
    db: Database, token_station: str, batch: ScannedBatch, sha256: str, via: str, now: str
) -> Ack:
    """Store `batch` for the station `token_station` (the one its token or signature proves)."""
    if batch.station != token_station:
        raise Forbidden(
            f"this batch is for station {batch.station}; "
            f"the credentials are station {token_station}'s"
        )
    newest: dict[str, Row] = {}
    keys = [r for r in batch.records if r.type in KEY_RECORD_TYPES]
    for r in batch.records:
        if r.type in KEY_RECORD_TYPES:
            continue
        if r.uuid not in newest or r.version > newest[r.uuid][4]:
            newest[r.uuid] = (
                r.uuid,
                r.type,
                batch.station,
                batch.source,
                r.version,
                r.day,
                r.data,
                batch.batch_id,
                now,
            )
    rows = list(newest.values())
    projections = Projections(
        forwarded.from_rows(rows),
        follow_ups.from_rows(rows),
        complaints.from_rows(rows),
        watch_list.from_rows(rows, now),
        ledger_rows.from_rows(rows),
    )
    try:
        try:
            stored, taken, times = _store(
                db, batch, rows, projections, keys, sha256, via, now, fast=True
            )
        except _Raced:
            stored, taken, times = _store(
                db, batch, rows, projections, keys, sha256, via, now, fast=False
            )
    except sqlite3.IntegrityError as exc:
        raise WireError(f"a record's data is not JSON: {exc}") from exc
    count = len(rows) + taken.taken
    stored += taken.stored
    return Ack(
        batch=batch.batch_id,
        station=batch.station,
        sha256=sha256,
        seqs=[list(pair) for pair in batch.seq_ranges],
        records=count,
        stored=stored,
        unchanged=count - stored,
        times=times,
        acked_at=now,
        accepts=keys_in.accepted_types(RECORD_TYPES, taken.accepting),
    )


def _store(
    db: Database,
    batch: ScannedBatch,
    rows: list[Row],
    projections: Projections,
    keys: list[RawRecord],
    sha256: str,
    via: str,
    now: str,
    fast: bool,
) -> tuple[int, keys_in.KeysIn, int]:
    """Store the records, their rows of the county's read tables (forwarded cases, bad
    ratings awaiting follow-up), and seal the keys in one transaction: (records stored, what
    became of the keys, how often this batch id has arrived)."""
    with db.transaction() as tx:
        if tx.dialect == "postgres":
            stored = _postgres(tx, batch.station, rows, fast)
        else:
            _check_owner_sqlite(tx, batch.station, [row[0] for row in rows])
            stored = tx.executemany(SQLITE_UPSERT, rows)
        forwarded.store(tx, projections.forwarded)
        follow_ups.store(tx, projections.follow_ups)
        complaints.store(tx, projections.complaints)
        watch_list.store(tx, projections.watch_contacts)
        ledger_rows.store(tx, projections.ledger)
        taken = keys_in.take_keys(
            tx, db.sealer, batch.station, batch.source, batch.batch_id, keys, now
        )
        times = _note_batch(tx, batch, sha256, via, now)
        _note_source(tx, batch, via, now)
    return stored, taken, times


def _check_owner_sqlite(tx: Tx, station: str, uuids: list[str]) -> None:
    for start in range(0, len(uuids), 900):
        part = uuids[start : start + 900]
        other = tx.one(
            f"SELECT uuid, station FROM records WHERE uuid IN "
            f"({', '.join('?' * len(part))}) AND station <> ? LIMIT 1",
            (*part, station),
        )
        if other is not None:
            raise Forbidden(f"record {other[0]} belongs to station {other[1]}")


def _postgres(tx: Tx, station: str, rows: list[Row], fast: bool) -> int:
    import psycopg

    conn = tx.conn
    held = {
        uuid: (owner, version)
        for uuid, owner, version in conn.execute(
            "SELECT uuid, station, version FROM records WHERE uuid = ANY(%s)",
            ([row[0] for row in rows],),
        )
    }
    for uuid, (owner, _) in held.items():
        if owner != station:
            raise Forbidden(f"record {uuid} belongs to station {owner}")
    _check_json([row for row in rows if row[0] in held and row[4] <= held[row[0]][1]])
    fresh = [row for row in rows if row[0] not in held] if fast else []
    known = [row for row in rows if row[0] in held and row[4] > held[row[0]][1]]
    if not fast:
        known = [row for row in rows if row[0] not in held or row[4] > held[row[0]][1]]
    stored = 0
    try:
        with conn.cursor() as cursor:
            if fresh:
                with cursor.copy(f"COPY records ({_COLUMN_LIST}) FROM STDIN") as copy:
                    for row in fresh:
                        copy.write_row(row)
                stored += len(fresh)
            if known:
                cursor.execute(PG_STAGING)
                with cursor.copy(f"COPY staging_records ({_COLUMN_LIST}) FROM STDIN") as copy:
                    for row in known:
                        copy.write_row(row)
                cursor.execute(PG_MERGE)
                stored += cursor.rowcount
                cursor.execute("DELETE FROM staging_records")
    except psycopg.errors.UniqueViolation as exc:
        raise _Raced() from exc
    except (
        psycopg.errors.DataError,
        psycopg.errors.ProgramLimitExceeded,
        psycopg.errors.StatementTooComplex,
    ) as exc:  # e.g. JSON nested too deeply
        raise WireError(
            f"a record's data is not JSON this hub takes: {exc.diag.message_primary}"
        ) from exc
    return stored


def _check_json(rows: list[Row]) -> None:
    """Records PostgreSQL will not see (it holds them already, in this version or a newer
    one) are still checked to be JSON, so a batch is refused alike on either database."""
    for row in rows:
        try:
            json.loads(row[6])
        except ValueError as exc:
            raise WireError(f"a record's data is not JSON: {exc}") from exc


def _note_batch(tx: Tx, batch: ScannedBatch, sha256: str, via: str, now: str) -> int:
    tx.execute(
        "INSERT INTO batches (batch_id, station, source, sha256, seqs, records, "
        "first_received_at, last_received_at, times, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?) "
        "ON CONFLICT (batch_id) DO UPDATE SET sha256 = excluded.sha256, "
        "records = excluded.records, last_received_at = excluded.last_received_at, "
        "times = batches.times + 1 WHERE batches.station = excluded.station",
        (
            batch.batch_id,
            batch.station,
            batch.source,
            sha256,
            json.dumps(batch.seq_ranges),
            len(batch.records),
            now,
            now,
            via,
        ),
    )
    owner, times = tx.one(
        "SELECT station, times FROM batches WHERE batch_id = ?", (batch.batch_id,)
    ) or ("", 0)
    if owner != batch.station:
        raise Forbidden(f"batch {batch.batch_id} belongs to station {owner}")
    return int(times)


def _note_source(tx: Tx, batch: ScannedBatch, via: str, now: str) -> None:
    top = top_seq(batch.seq_ranges)
    tx.execute(
        "INSERT INTO sources (station, source, max_seq, pending, last_sync_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (station, source) DO UPDATE SET "
        "max_seq = CASE WHEN excluded.max_seq > sources.max_seq THEN excluded.max_seq "
        "ELSE sources.max_seq END, pending = excluded.pending, "
        "last_sync_at = excluded.last_sync_at",
        (batch.station, batch.source, top, batch.pending_after, now),
    )
    tx.execute(
        "UPDATE stations SET last_sync_at = ?, last_via = ?, pending = "
        "(SELECT coalesce(sum(pending), 0) FROM sources WHERE station = ?) WHERE code = ?",
        (now, via, batch.station, batch.station),
    )
