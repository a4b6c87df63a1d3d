"""Signed-in browsers (`staff_sessions`): kept in the database, so every hub process behind
the proxy knows them, a deactivated account's sessions end at once, and a sign-out is final.

The cookie holds 256 random bits; the hub keeps only their SHA-256. A session ends after
`idle` without a request (the screen of an unattended office PC stops showing citizens' data:
the page reloads itself then, `static/app.js`) and after `lifetime` in any case.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from counterapp.clock import parse_stamp, stamp
from hub import audit, staff
from hub.db import Database
from hub.stations import token_hash

SEEN_EVERY = timedelta(seconds=30)  # how often a request records that the session is alive


@dataclass(frozen=True)
class Flash:
    """A message left for the next page: what the last action did, or why it was refused."""

    text: str
    error: bool = False


@dataclass(frozen=True)
class Session:
    key: str  # the SHA-256 of the cookie's token
    account: staff.Account
    csrf: str
    flash: Flash | None


class Ended(Exception):
    """The session ran out (idle or too old) and was ended; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start(db: Database, account: staff.Account, now: datetime) -> str:
    """A new session for `account`; returns the cookie's token (never stored)."""
    token = secrets.token_urlsafe(32)
    at = stamp(now)
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf, created_at, "
            "seen_at) VALUES (?, ?, ?, ?, ?)",
            (token_hash(token), account.id, secrets.token_urlsafe(32), at, at),
        )
        tx.execute(
            "DELETE FROM staff_sessions WHERE staff_id = ? AND created_at < ?",
            (account.id, stamp(now - timedelta(days=2))),
        )
    return token


def find(
    db: Database, token: str, now: datetime, idle: timedelta, lifetime: timedelta, address: str
) -> Session | None:
    """The live session of this cookie token (its last request noted), None if there is none;
    `Ended` if it just ran out (it is ended and journalled)."""
    key = token_hash(token)
    with db.transaction(write=False) as tx:
        row = tx.one(
            "SELECT staff_id, csrf, created_at, seen_at, flash FROM staff_sessions "
            "WHERE token_hash = ?",
            (key,),
        )
    if row is None:
        return None
    account = staff.by_id(db, int(row[0]))
    if account is None or not account.active:
        end(db, key)
        return None
    seen = parse_stamp(row[3])
    reason = (
        "idle" if now - seen > idle else "expired" if now - parse_stamp(row[2]) > lifetime else None
    )
    if reason is not None:
        with db.transaction() as tx:
            tx.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (key,))
            audit.record(tx, stamp(now), account.login, "timed_out", detail=reason, address=address)
        raise Ended(reason)
    if now - seen >= SEEN_EVERY:
        with db.transaction() as tx:
            tx.execute(
                "UPDATE staff_sessions SET seen_at = ? WHERE token_hash = ?", (stamp(now), key)
            )
    flash = None if row[4] is None else Flash(row[4][1:], row[4].startswith("!"))
    return Session(key, account, row[1], flash)


def end(db: Database, key: str) -> None:
    with db.transaction() as tx:
        tx.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (key,))


def set_flash(db: Database, key: str, flash: Flash | None) -> None:
    """The message the session's next page shows once (None: clear it)."""
    stored = None if flash is None else ("!" if flash.error else "-") + flash.text[:1000]
    with db.transaction() as tx:
        tx.execute("UPDATE staff_sessions SET flash = ? WHERE token_hash = ?", (stored, key))
