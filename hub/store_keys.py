"""Recovering a station store's key at the county: a dead PC's disk is still readable, but
its user's keyring went with it, so its sealed store opens only with the key the store handed
to the hub (`hub.keys_in`). `python -m hub.admin store-key CODE --by NAME --reason TEXT`
prints the keys of the station's stores, each taking noted in `store_key_recoveries` (who,
why, when; never the key) in the same transaction that opens it. At the station the key goes
back with `counterapp store-key --restore` (README, "How the store key is kept and
recovered").
"""

from __future__ import annotations

from typing import NamedTuple

from hub.db import Database
from hub.keys_in import STORE_KEYS
from hub.sealing import KEY_ENV, SealingProblem


class RecoveredKey(NamedTuple):
    station: str
    source: str  # the store (one per PC)
    version: int
    received_at: str  # when the hub got this version
    last_sync_at: str | None
    key_hex: str


def recover(
    db: Database, station: str, recovered_by: str, reason: str, now: str, source: str | None = None
) -> list[RecoveredKey]:
    """The keys of `station`'s stores (or of one `source`), each recovery noted."""
    if not recovered_by.strip() or not reason.strip():
        raise ValueError("say who takes the key (--by) and why (--reason)")
    if db.sealer is None:
        raise SealingProblem(
            f"this hub has no sealing key: start it with --sealing-key FILE or {KEY_ENV}"
        )
    found = []
    with db.transaction() as tx:
        rows = tx.all(
            "SELECT k.source, k.version, k.sealed, k.key_id, k.received_at, s.last_sync_at "
            "FROM store_keys AS k LEFT JOIN sources AS s ON s.station = k.station "
            "AND s.source = k.source WHERE k.station = ? AND k.source LIKE ? "
            "ORDER BY k.received_at",
            (station, source or "%"),
        )
        for store, version, sealed, key_id, received_at, last_sync in rows:
            key = db.sealer.open(sealed, key_id, STORE_KEYS.context(station, store))
            tx.execute(
                "INSERT INTO store_key_recoveries (station, source, recovered_by, "
                "reason, recovered_at) VALUES (?, ?, ?, ?, ?)",
                (station, store, recovered_by.strip(), reason.strip(), now),
            )
            found.append(
                RecoveredKey(station, store, int(version), received_at, last_sync, key.hex())
            )
    return found
