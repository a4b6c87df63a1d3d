"""Handing this store's slip verification secret to the county hub.

The secret (`slips.verification_secret`, made when the first slip is printed) travels as one
`slip_key` record whose id is the store's source id (one secret per store, as one source) and
whose version grows each time the secret changes. It goes through the outbox like every other
record (the same batches, acknowledgements, retries and USB files), queued once the hub has
announced in an acknowledgement (`accepts`) that it takes this record type, and again whenever
the secret differs from the one last queued (compared by a fingerprint). An acknowledgement
that does not announce it means the hub took no secret in that batch (it cannot seal one now):
the fingerprint is forgotten, so the secret is queued again once a hub announces `slip_key`
again. Reconciliation leaves it out: the hub keeps it apart from the records. The secret is
never logged.
"""

from __future__ import annotations

import hashlib
from typing import Any

from counterapp.clock import Clock, stamp
from counterapp.sync.slip_codes import RECORD_TYPE
from counterapp.sync.wire import RECORD_TYPES, Record
from db.settings import Settings
from db.store import Store

SECRET_SETTING = "slips.verification_secret"
QUEUED_SETTING = "sync.slip_key"       # {"version", "fingerprint", "day"} of the last queued
ACCEPTS_SETTING = "sync.hub_accepts"   # the record types the hub announced in its last ack
# What an ack without `accepts` (a hub older than slip keys) announces: the original types.
ORIGINAL_TYPES = [kind for kind in RECORD_TYPES if kind != RECORD_TYPE]


def _fingerprint(secret_hex: str) -> str:
    return hashlib.sha256(f"slip-key-fingerprint|{secret_hex}".encode()).hexdigest()[:16]


def note_accepts(store: Store, ack: dict[str, Any]) -> None:
    """Remember the record types a hub's acknowledgement announces (online or by file); if
    `slip_key` is not among them, the hub did not take a secret in that batch."""
    accepts = ack.get("accepts", ORIGINAL_TYPES)
    if not isinstance(accepts, list):
        return
    settings = Settings(store)
    with store.transaction():
        if settings.get(ACCEPTS_SETTING) != accepts:
            settings.set(ACCEPTS_SETTING, accepts)
        if RECORD_TYPE not in accepts:
            _forget_fingerprint(settings)


def _forget_fingerprint(settings: Settings) -> None:
    """Queue the secret again when next announced; the version still only grows."""
    queued = settings.get(QUEUED_SETTING)
    if queued is not None and queued.get("fingerprint") is not None:
        settings.set(QUEUED_SETTING, {**queued, "fingerprint": None})


def queue_if_changed(store: Store, source: str, clock: Clock) -> bool:
    """Queue the secret for the hub if it takes it and has not been sent this secret yet."""
    settings = Settings(store)
    if RECORD_TYPE not in settings.get(ACCEPTS_SETTING, []):
        return False
    with store.transaction():
        secret = settings.get(SECRET_SETTING)
        queued = settings.get(QUEUED_SETTING) or {"version": 0}
        if secret is None or queued.get("fingerprint") == _fingerprint(secret):
            return False
        version = int(queued["version"]) + 1
        now = clock.now()
        store.insert("outbox", {"record_type": RECORD_TYPE, "record_uuid": source,
                                "record_version": version, "enqueued_at": stamp(now)})
        settings.set(QUEUED_SETTING, {"version": version, "fingerprint": _fingerprint(secret),
                                      "day": now.date().isoformat()})
    return True


def snapshots(store: Store, sources: list[str]) -> list[Record]:
    """The `slip_key` record of this store (its id is the source id), if queued."""
    secret = Settings(store).get(SECRET_SETTING)
    queued = Settings(store).get(QUEUED_SETTING)
    if secret is None or queued is None:
        return []
    return [Record(RECORD_TYPE, source, int(queued["version"]), queued["day"],
                   {"secret": secret}) for source in sources]
