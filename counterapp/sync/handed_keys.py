"""Handing this store's secrets to the county hub, which keeps them sealed (`hub.keys_in`).

Two secrets, one record each, whose id is the store's source id (one per store, as one source)
and whose version grows each time the secret changes:

- `slip_key`: the secret behind the slips' verification codes (`slips.verification_secret`,
  made when the first slip is printed), so the county can check a slip;
- `store_key`: the key that seals the store itself, read from the PC's keyring
  (`counterapp.store_key`), so the county can open a dead PC's store and recover its unsynced
  cases. An unsealed store (a PC allowed to run without a keyring) has none to hand over.

Each goes through the outbox like every other record (the same batches, acknowledgements,
retries and USB files — a USB file is encrypted to the hub, `counterapp.sync.transfer`),
queued once the hub has announced in an acknowledgement (`accepts`) that it takes this record
type, and again whenever the secret differs from the one last queued (compared by a
fingerprint). An acknowledgement that does not announce a type means the hub took no such
secret in that batch (it cannot seal one now): the fingerprint is forgotten, so the secret is
queued again once a hub announces the type again. Reconciliation leaves them out: the hub keeps
them apart from the records. A secret is never logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

from counterapp import store_key
from counterapp.clock import Clock, stamp
from counterapp.sync.wire import Record
from db.settings import Settings
from db.store import Store

SECRET_SETTING = "slips.verification_secret"
ACCEPTS_SETTING = "sync.hub_accepts"  # the record types the hub announced in its last ack
# What an ack without `accepts` (a hub older than slip keys) announces: the original types.
ORIGINAL_TYPES = ["case", "ticket", "rating"]


def _store_key(store: Store) -> str | None:
    if not store.sealed:
        return None
    try:
        key = store_key.load(store.path)
    except store_key.StoreKeyError:
        return None
    return None if key is None else key.hex()


class Handed(NamedTuple):
    record_type: str
    queued_setting: str  # {"version", "fingerprint", "day"} last queued
    secret: Callable[[Store], str | None]  # the secret now, as 64 hex digits


HANDED = (
    Handed("slip_key", "sync.slip_key", lambda store: Settings(store).get(SECRET_SETTING)),
    Handed("store_key", "sync.store_key", _store_key),
)
BY_TYPE = {handed.record_type: handed for handed in HANDED}


def _fingerprint(kind: str, secret_hex: str) -> str:
    label = kind.replace("_", "-")
    return hashlib.sha256(f"{label}-fingerprint|{secret_hex}".encode()).hexdigest()[:16]


def note_accepts(store: Store, ack: dict[str, Any]) -> None:
    """Remember the record types a hub's acknowledgement announces (online or by file); a
    secret whose type is not among them was not taken in that batch."""
    accepts = ack.get("accepts", ORIGINAL_TYPES)
    if not isinstance(accepts, list):
        return
    settings = Settings(store)
    with store.transaction():
        if settings.get(ACCEPTS_SETTING) != accepts:
            settings.set(ACCEPTS_SETTING, accepts)
        for handed in HANDED:
            if handed.record_type not in accepts:
                _forget_fingerprint(settings, handed)


def _forget_fingerprint(settings: Settings, handed: Handed) -> None:
    """Queue the secret again when next announced; the version still only grows."""
    queued = settings.get(handed.queued_setting)
    if queued is not None and queued.get("fingerprint") is not None:
        settings.set(handed.queued_setting, {**queued, "fingerprint": None})


def queue_if_changed(store: Store, source: str, clock: Clock) -> bool:
    """Queue each secret the hub takes and has not been sent yet; whether any was queued."""
    return any([_queue(store, handed, source, clock) for handed in HANDED])


def _queue(store: Store, handed: Handed, source: str, clock: Clock) -> bool:
    settings = Settings(store)
    if handed.record_type not in settings.get(ACCEPTS_SETTING, []):
        return False
    secret = handed.secret(store)  # (the keyring is read outside the transaction)
    with store.transaction():
        queued = settings.get(handed.queued_setting) or {"version": 0}
        fingerprint = None if secret is None else _fingerprint(handed.record_type, secret)
        if secret is None or queued.get("fingerprint") == fingerprint:
            return False
        version = int(queued["version"]) + 1
        now = clock.now()
        store.insert(
            "outbox",
            {
                "record_type": handed.record_type,
                "record_uuid": source,
                "record_version": version,
                "enqueued_at": stamp(now),
            },
        )
        settings.set(
            handed.queued_setting,
            {"version": version, "fingerprint": fingerprint, "day": now.date().isoformat()},
        )
    return True


def snapshots(store: Store, record_type: str, sources: list[str]) -> list[Record]:
    """The record of this store's secret of that type (its id is the source id), if queued."""
    handed = BY_TYPE[record_type]
    queued = Settings(store).get(handed.queued_setting)
    secret = handed.secret(store) if queued is not None else None
    if secret is None or queued is None:
        return []
    return [
        Record(record_type, source, int(queued["version"]), queued["day"], {"secret": secret})
        for source in sources
    ]
