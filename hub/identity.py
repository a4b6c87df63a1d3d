"""The hub's own keys, sealed at rest: its Ed25519 signing key (it signs acknowledgement
files) and its X25519 transfer key (stations encrypt their USB files to it, `transfer_key`,
certified by the signing key).

Whoever holds this key can make acknowledgement files every village station trusts, so it is
kept like the slip secrets: sealed with AES-256-GCM under the hub's sealing key, the file
outside the database (`hub.sealing`). The public half stays plain: stations pin it.

- A new hub makes its key pair on first use, sealed at once; without a sealing key it makes
  none (`SealingProblem`: start the hub with `--sealing-key`).
- A key an older hub kept in plaintext is sealed, and the plaintext erased, at the first start
  with a sealing key (`seal_plaintext`). Without a sealing key it stays in plaintext and is
  used as before, and every start logs a warning saying so.
- With a wrong sealing key (a lost or replaced file) the key does not open: signing refuses
  (`SealingProblem`) and nothing is changed; the public key is still served.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from counterapp.sync.transfer import certify, new_key_pair, new_transfer_pair
from hub.sealing import KEY_ENV, Sealer, SealingProblem

if TYPE_CHECKING:
    from hub.db import Database

log = logging.getLogger("hub")
CONTEXT = "hub-identity"  # what the sealed key is bound to (associated data)
TRANSFER_CONTEXT = "hub-transfer-key"


def _sealer(db: Database) -> Sealer:
    if db.sealer is None:
        raise SealingProblem(
            "this hub has no sealing key, so it cannot make or open its "
            f"signing key: start it with --sealing-key FILE or {KEY_ENV}"
        )
    return db.sealer


def public_key(db: Database, now: str) -> str:
    """The hub's public key, the key pair made (and sealed) on first use."""
    with db.transaction() as tx:
        held = tx.scalar("SELECT public_key FROM hub_identity WHERE id = 1")
        if held is not None:
            return str(held)
        sealer = _sealer(db)
        private, public = new_key_pair()
        tx.execute(
            "INSERT INTO hub_identity (id, private_key, public_key, created_at, "
            "sealed_key, key_id) VALUES (1, '', ?, ?, ?, ?)",
            (public, now, sealer.seal(private.encode(), CONTEXT), sealer.key_id),
        )
        return public


def private_key(db: Database, now: str) -> str:
    """The hub's private key, opened to sign (the pair made first if there is none)."""
    public_key(db, now)
    with db.transaction(write=False) as tx:
        plain, sealed, key_id = tx.one(
            "SELECT private_key, sealed_key, key_id FROM hub_identity WHERE id = 1"
        ) or ("", None, None)
    if sealed is None:
        return str(plain)  # an older hub's plaintext key, not sealed yet (logged at start)
    return _sealer(db).open(sealed, key_id, CONTEXT).decode()


def transfer_key(db: Database, now: str) -> str:
    """The hub's transfer key, certified by its signing key (`<key>.<signature>`), as stations
    take it to encrypt their USB files; the pair made (and its private half sealed) on first
    use."""
    signing = private_key(db, now)
    with db.transaction() as tx:
        public = tx.scalar("SELECT transfer_public FROM hub_identity WHERE id = 1")
        if public is None:
            sealer = _sealer(db)
            private, public = new_transfer_pair()
            tx.execute(
                "UPDATE hub_identity SET transfer_public = ?, transfer_sealed = ? WHERE id = 1",
                (public, sealer.seal(private.encode(), TRANSFER_CONTEXT)),
            )
    return certify(str(public), signing)


def transfer_private(db: Database, now: str) -> str:
    """The private half of the transfer key, opened to decrypt a station's file."""
    transfer_key(db, now)
    with db.transaction(write=False) as tx:
        sealed, key_id = tx.one(
            "SELECT transfer_sealed, key_id FROM hub_identity WHERE id = 1"
        ) or (None, None)
    return _sealer(db).open(str(sealed), str(key_id), TRANSFER_CONTEXT).decode()


def seal_plaintext(db: Database) -> None:
    """Seal a key an older hub kept in plaintext and erase the plaintext (at start)."""
    with db.transaction() as tx:
        row = tx.one(
            "SELECT private_key FROM hub_identity WHERE id = 1 "
            "AND sealed_key IS NULL AND private_key <> ''"
        )
        if row is None:
            return
        if db.sealer is None:
            log.warning(
                "the hub's signing key is kept in plaintext in its database: start the "
                "hub with --sealing-key FILE or %s and it is sealed",
                KEY_ENV,
            )
            return
        tx.execute(
            "UPDATE hub_identity SET sealed_key = ?, key_id = ?, private_key = '' WHERE id = 1",
            (db.sealer.seal(str(row[0]).encode(), CONTEXT), db.sealer.key_id),
        )
    _overwrite_old_copy(db)
    log.info(
        "the hub's signing key was in plaintext; it is now sealed under sealing key %s",
        db.sealer.key_id,
    )


def _overwrite_old_copy(db: Database) -> None:
    """Let the database write over the old row now, not some day: SQLite (secure_delete on)
    checkpoints its log into the file; PostgreSQL rewrites the table. Copies made before, and
    PostgreSQL's own write-ahead log, still hold the plaintext (README: what to do)."""
    with db.connection() as conn:
        if db.dialect == "sqlite":
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.commit()
            conn.autocommit = True
            try:
                conn.execute("VACUUM FULL hub_identity")
            finally:
                conn.autocommit = False
