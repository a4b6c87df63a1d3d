"""County staff who call the hub's staff endpoints (checking slips), each with a bearer token.

A staff token is issued by the county's administrator (`python -m hub.admin staff-token NAME`),
shown once and kept only as its SHA-256, like a station's token; station tokens are not staff
tokens, so a station cannot check other stations' slips.
"""

from __future__ import annotations

from hub.db import Database
from hub.stations import StationProblem, new_token, token_hash

STAFF_PREFIX = "cas_"


def issue(db: Database, name: str, now: str) -> str:
    """A new token for `name` (replacing any earlier one, which stops working at once)."""
    if not name.strip():
        raise StationProblem("a staff token needs a name (who or which desk holds it)")
    token = new_token(STAFF_PREFIX)
    with db.transaction() as tx:
        tx.execute("INSERT INTO staff_tokens (name, token_hash, created_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, "
                   "created_at = excluded.created_at, revoked_at = NULL",
                   (name.strip(), token_hash(token), now))
    return token


def revoke(db: Database, name: str, now: str) -> None:
    with db.transaction() as tx:
        if not tx.execute("UPDATE staff_tokens SET revoked_at = ? WHERE name = ?", (now, name)):
            raise StationProblem(f"no staff token named {name}")


def authenticate(db: Database, token: str) -> str | None:
    """The name of the staff member holding this token, or None (unknown or revoked)."""
    with db.transaction(write=False) as tx:
        name: str | None = tx.scalar("SELECT name FROM staff_tokens WHERE token_hash = ? "
                                     "AND revoked_at IS NULL", (token_hash(token),))
    return name
