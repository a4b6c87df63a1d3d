"""Clerk sessions on the queue host: an action from a window PC is done as the clerk signed in
on that PC, one of the host's own clerks, never as whoever the request names.

A window PC signs its clerk in (`sign_in`) with the clerk's login and, as proof, the PIN the
clerk has just typed at its login or lock screen; the host checks it with the same accounts
code as its own login (`accounts.authenticate`: the one place a PIN is judged), so a wrong PIN
typed at any window counts towards that clerk's one lockout, here, and every success or failure
is journalled here with the PC's name. The host's clerks are the station's clerks: a login the
host does not know is refused, never added. The PC gets a session token; every action it sends
carries the token, and the host takes the clerk from the session (`clerk_of`). A session
belongs to the key it was opened with and ends when another clerk signs in with that key (one
clerk at a PC at a time), when the key is revoked, when the clerk is deactivated, and with the
host's service day; the PC then locks its window, and the clerk's PIN signs them in again.
Sessions are kept in the host's store (a hash of the token only), so a restart of the host
program signs nobody out.
"""

from __future__ import annotations

import hashlib
import secrets

from counterapp import accounts
from counterapp.clock import Clock, stamp
from counterapp.lan_queue.access import Grant
from counterapp.station import Clerk
from db.store import Store


class SessionEnded(Exception):
    """An action without a valid clerk session: the window PC must sign its clerk in again."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def station_clerk(store: Store, clock: Clock, grant: Grant, login: str, proof: str) -> Clerk:
    """The host's clerk `login`, when `proof` is their PIN: the one place a sign-in is judged.
    A refusal (`accounts.LoginRefused`: a wrong PIN, counted; a locked, deactivated or unknown
    clerk) carries the clerk's message."""
    return accounts.authenticate(
        store, login, proof, clock, kind=accounts.QUEUE_SIGNED_IN, data={"pc": grant.name}
    ).clerk


def sign_in(store: Store, clock: Clock, grant: Grant, login: str, proof: str) -> tuple[str, Clerk]:
    """A new session for `login` at the PC holding `grant`, ending that PC's earlier one."""
    clerk = station_clerk(store, clock, grant, login, proof)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with store.transaction():
        store.execute(
            "UPDATE queue_sessions SET ended_at = ? WHERE key_id = ? AND ended_at IS NULL",
            (stamp(now), grant.id),
        )
        store.insert(
            "queue_sessions",
            {
                "key_id": grant.id,
                "clerk_id": clerk.id,
                "token_hash": _hash(token),
                "day": clock.today().isoformat(),
                "opened_at": stamp(now),
            },
        )
    return token, clerk


def clerk_of(store: Store, clock: Clock, grant: Grant, token: str | None) -> int:
    """The host's id of the clerk signed in with `token` at the PC holding `grant`, or
    `SessionEnded`."""
    if not token:
        raise SessionEnded("no clerk session: sign the clerk in first (POST /v1/clerk-sessions)")
    row = store.one(
        "SELECT s.clerk_id FROM queue_sessions AS s JOIN clerks AS c ON c.id = s.clerk_id "
        "WHERE s.token_hash = ? AND s.key_id = ? AND s.ended_at IS NULL AND s.day = ? "
        "AND c.active = 1",
        (_hash(token), grant.id, clock.today().isoformat()),
    )
    if row is None:
        raise SessionEnded("the clerk session has ended: sign the clerk in again")
    return int(row["clerk_id"])
