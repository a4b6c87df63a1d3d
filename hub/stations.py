"""Stations registered by the county: tokens (only their hash is kept), signing keys, status."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from counterapp.station import LEVEL_NAMES
from counterapp.sync.transfer import new_key_pair
from hub import identity
from hub.db import Database, Tx

LEVELS = tuple(LEVEL_NAMES)


class StationProblem(ValueError):
    """A registration or rotation that cannot be done; str() says why."""


@dataclass(frozen=True)
class Credentials:
    """Shown once, at registration or rotation: the hub keeps neither secret."""

    code: str
    token: str
    signing_key: str | None  # the station's Ed25519 private key (registration only)
    hub_public_key: str
    hub_transfer_key: str  # the hub's X25519 key the station encrypts USB files to


@dataclass(frozen=True)
class StationStatus:
    code: str
    name: str
    level: str
    revoked: bool
    last_sync_at: str | None
    last_via: str | None
    pending: int
    records: int
    sources: int


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough to keep them unusable."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "cah_") -> str:
    """256 random bits; the prefix tells a station's token (cah_) from a staff one (cas_)."""
    return prefix + secrets.token_urlsafe(32)


def register(db: Database, code: str, name: str, level: str, now: str) -> Credentials:
    if level not in LEVELS:
        raise StationProblem(f"level must be one of {', '.join(LEVELS)}")
    if not code.strip() or not name.strip():
        raise StationProblem("code and name are required")
    token = new_token()
    private, public = new_key_pair()
    hub_public = identity.public_key(db, now)
    hub_transfer = identity.transfer_key(db, now)
    with db.transaction() as tx:
        if tx.scalar("SELECT 1 FROM stations WHERE code = ?", (code,)):
            raise StationProblem(f"station {code} is already registered (rotate its token)")
        tx.execute(
            "INSERT INTO stations (code, name, level, token_hash, public_key, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (code, name, level, token_hash(token), public, now),
        )
    return Credentials(code, token, private, hub_public, hub_transfer)


def rotate(db: Database, code: str, now: str, signing_key: bool = False) -> Credentials:
    """A new token (and, if asked, a new signing key); the old ones stop working at once.
    Rotating a revoked station brings it back."""
    token = new_token()
    private, public = new_key_pair() if signing_key else (None, None)
    hub_public = identity.public_key(db, now)
    hub_transfer = identity.transfer_key(db, now)
    with db.transaction() as tx:
        _require(tx, code)
        tx.execute(
            "UPDATE stations SET token_hash = ?, rotated_at = ?, revoked_at = NULL WHERE code = ?",
            (token_hash(token), now, code),
        )
        if public is not None:
            tx.execute("UPDATE stations SET public_key = ? WHERE code = ?", (public, code))
    return Credentials(code, token, private, hub_public, hub_transfer)


def revoke(db: Database, code: str, now: str) -> None:
    with db.transaction() as tx:
        _require(tx, code)
        tx.execute("UPDATE stations SET revoked_at = ? WHERE code = ?", (now, code))


def _require(tx: Tx, code: str) -> None:
    if not tx.scalar("SELECT 1 FROM stations WHERE code = ?", (code,)):
        raise StationProblem(f"no station {code}")


def authenticate(db: Database, token: str) -> str | None:
    """The code of the station holding this token, or None (unknown or revoked)."""
    with db.transaction(write=False) as tx:
        code: str | None = tx.scalar(
            "SELECT code FROM stations WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash(token),),
        )
    return code


def public_key(db: Database, code: str) -> str | None:
    """A station's signing key, to check its transfer files (revoked stations have none)."""
    with db.transaction(write=False) as tx:
        key: str | None = tx.scalar(
            "SELECT public_key FROM stations WHERE code = ? AND revoked_at IS NULL", (code,)
        )
    return key


def note_versions(
    db: Database, code: str, catalogue: str | None, calendars: str | None, now: str
) -> None:
    """What the station said it works with when it asked for the county's catalogue (each
    online sync): its catalogue version and the years of official calendar it holds."""
    with db.transaction() as tx:
        tx.execute(
            "UPDATE stations SET catalogue_version = ?, catalogue_reported_at = ?, "
            "calendar_years = ? WHERE code = ?",
            (catalogue, now, calendars, code),
        )


def status(db: Database) -> list[StationStatus]:
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT s.code, s.name, s.level, s.revoked_at, s.last_sync_at, s.last_via, "
            "s.pending, (SELECT count(*) FROM records r WHERE r.station = s.code), "
            "(SELECT count(*) FROM sources o WHERE o.station = s.code) "
            "FROM stations s ORDER BY s.code"
        )
    return [
        StationStatus(
            code=r[0],
            name=r[1],
            level=r[2],
            revoked=r[3] is not None,
            last_sync_at=r[4],
            last_via=r[5],
            pending=int(r[6]),
            records=int(r[7]),
            sources=int(r[8]),
        )
        for r in rows
    ]
