"""The secrets station stores hand to the hub, kept sealed apart from the records.

Two kinds, one record each per station store (its id is the store's source id, its data
`{"secret": <64 hex>}`), newest version kept:

- `slip_key`: the secret behind the store's slips' verification codes (`hub.slips` checks
  slips with it), table `slip_keys`;
- `store_key`: the key that seals the store itself (`counterapp.store_key`), table
  `store_keys`, so the county can open a dead PC's store and recover its unsynced cases
  (`hub.store_keys`, `python -m hub.admin store-key`).

Each is sealed with AES-256-GCM under the hub's sealing key (`hub.sealing`), bound to its
kind, station and store: a sealed value moved to another row or table does not open. A hub
that cannot seal now (no sealing key, or not the one that sealed what it holds) takes none,
never holds up the batch, and stops announcing these types in its acks, so the station hands
them over again later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import NamedTuple

from counterapp.sync.slip_codes import is_secret_hex
from counterapp.sync.wire import KEY_RECORD_TYPES, RawRecord, WireError
from hub.db import Tx
from hub.sealing import KEY_ENV, Sealer

log = logging.getLogger("hub")


class KeyKind(NamedTuple):
    record_type: str
    table: str
    context: Callable[[str, str], str]  # (station, source) → what the sealed value binds


SLIP_KEYS = KeyKind("slip_key", "slip_keys", lambda station, source: f"{station}|{source}")
STORE_KEYS = KeyKind(
    "store_key", "store_keys", lambda station, source: f"store-key|{station}|{source}"
)
KINDS = {kind.record_type: kind for kind in (SLIP_KEYS, STORE_KEYS)}
assert tuple(KINDS) == KEY_RECORD_TYPES


class KeysIn(NamedTuple):
    """What became of a batch's key records."""

    stored: int  # sealed and kept (new, or newer than the version held)
    taken: int  # taken (stored, or held in that version or a newer one already)
    accepting: bool  # whether this hub can take secrets now (it announces their types)


def sealing_problem(tx: Tx, sealer: Sealer | None) -> str | None:
    """Why this hub cannot take secrets now, saying what an administrator must fix; None if
    it can. It cannot without a sealing key, nor with a key other than the one that sealed
    the secrets it holds (a key file lost, replaced or left behind in a move): sealing under it
    would leave secrets that no one key opens."""
    if sealer is None:
        return (
            "this hub has no sealing key: restart the hub with --sealing-key FILE or "
            f"{KEY_ENV} naming its key file (the one that sealed the secrets it holds, "
            "if any)"
        )
    other = tx.one(
        "SELECT key_id FROM slip_keys WHERE key_id <> ? UNION ALL SELECT key_id "
        "FROM store_keys WHERE key_id <> ? UNION ALL SELECT key_id "
        "FROM hub_identity WHERE key_id <> ? LIMIT 1",
        (sealer.key_id,) * 3,
    )
    if other is not None:
        return (
            f"this hub's sealing key {sealer.key_id} is not the key {other[0]} that sealed "
            f"the secrets it holds: put that key file back (--sealing-key or "
            f"{KEY_ENV}) and restart the hub"
        )
    return None


def take_keys(
    tx: Tx,
    sealer: Sealer | None,
    station: str,
    source: str,
    batch_id: str,
    keys: list[RawRecord],
    now: str,
) -> KeysIn:
    """Seal and keep a batch's key records (newest version of each kind wins). Each must be
    the batch's own store's: its id is the batch's source. If this hub cannot seal them now
    they are left out and logged, never the batch: its other records are stored all the same,
    and the ack, no longer announcing these types, tells the station to hand them over again."""
    secrets = [(KINDS[key.type], key.version, _secret_of(key, source)) for key in keys]
    problem = sealing_problem(tx, sealer)
    if problem is not None:
        if keys:
            log.error(
                "station %s: the secrets of store %s in batch %s were not stored (the "
                "batch's other records were); the station hands them over again once "
                "this hub announces them. To fix: %s",
                station,
                source,
                batch_id,
                problem,
            )
        return KeysIn(stored=0, taken=0, accepting=False)
    assert sealer is not None
    stored = 0
    for kind in KINDS.values():
        mine = [(version, secret) for k, version, secret in secrets if k is kind]
        if not mine:
            continue
        # All are this one store's secret: only the newest can be kept, so only it is sealed
        # (a batch of many copies costs one seal and one write, not one each).
        version, secret = max(mine, key=lambda pair: pair[0])
        stored += tx.execute(
            f"INSERT INTO {kind.table} (station, source, version, sealed, key_id, batch_id, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (station, source) DO UPDATE "
            "SET version = excluded.version, sealed = excluded.sealed, key_id = excluded.key_id, "
            "batch_id = excluded.batch_id, received_at = excluded.received_at "
            f"WHERE excluded.version > {kind.table}.version",
            (
                station,
                source,
                version,
                sealer.seal(secret, kind.context(station, source)),
                sealer.key_id,
                batch_id,
                now,
            ),
        )
    return KeysIn(stored=stored, taken=len(keys), accepting=True)


def _secret_of(key: RawRecord, source: str) -> bytes:
    if key.uuid != source:
        raise WireError(f"{key.type} record {key.uuid}: its id must be the batch's source")
    try:
        data = json.loads(key.data)
    except json.JSONDecodeError as exc:
        raise WireError(f"{key.type} record {key.uuid}: data is not JSON") from exc
    if not isinstance(data, dict) or not is_secret_hex(data.get("secret")):
        raise WireError(
            f'{key.type} record {key.uuid}: data must be {{"secret": <64 lower-case hex digits>}}'
        )
    return bytes.fromhex(data["secret"])


def accepted_types(record_types: tuple[str, ...], accepting_keys: bool) -> list[str]:
    """The record types this hub takes: the key records only when it can seal secrets."""
    return [kind for kind in record_types if kind not in KINDS or accepting_keys]
