"""Clerk sessions on the queue host: an action from a window PC is done as the clerk signed in
on that PC, one of the host's own clerks, never as whoever the request names.

A window PC signs its logged-in clerk in (`sign_in`: the clerk's login, and later the proof
that the person at the PC is that clerk) and gets a session token; every action it sends
carries the token, and the host takes the clerk from the session (`clerk_of`). The host's
clerks are the station's clerks: a login the host does not know is refused, never added. A
session belongs to the key it was opened with and ends when another clerk signs in with that
key (one clerk at a PC at a time), when the key is revoked, when the clerk is deactivated, and
with the host's service day. Sessions are kept in the host's store (a hash of the token only),
so a restart of the host program signs nobody out.

Until clerks have PINs, `station_clerk` accepts a known, active login as it is: a holder of a
window key can still sign in as any of the station's clerks, but no longer as anyone else, and
every action is bound to one signed-in clerk. Clerk accounts with PINs make `station_clerk`
check the proof the window PC sends with the login (`SignIn.proof`).
"""

from __future__ import annotations

import hashlib
import secrets

from counterapp.clock import Clock, stamp
from counterapp.lan_queue.access import Grant
from counterapp.station import Clerk, StationError, get_clerk
from db.store import Store

PROOF_MAX = 64  # characters: room for a PIN or password, never a document
UNKNOWN_CLERK = ("排队主机上没有工号为 {login} 的经办人员。经办人员由排队主机统一管理：请在排队"
                 "主机上添加（counterapp clerk），再重新登录本机")
INACTIVE_CLERK = "工号 {login} 的经办人员已在排队主机上停用"


class SessionEnded(Exception):
    """An action without a valid clerk session: the window PC must sign its clerk in again."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def station_clerk(store: Store, login: str, proof: str | None) -> Clerk:
    """The host's clerk `login`, when `proof` shows the person at the PC is that clerk.

    The one place a sign-in is judged. Today a known, active login is enough (`proof` is not
    asked for yet); clerk accounts point this at their PIN check."""
    clerk_id = store.scalar("SELECT id FROM clerks WHERE login = ?", (login,))
    if clerk_id is None:
        raise StationError(UNKNOWN_CLERK.format(login=login))
    clerk = get_clerk(store, clerk_id)
    if not clerk.active:
        raise StationError(INACTIVE_CLERK.format(login=login))
    return clerk


def sign_in(store: Store, clock: Clock, grant: Grant, login: str, proof: str | None
            ) -> tuple[str, Clerk]:
    """A new session for `login` at the PC holding `grant`, ending that PC's earlier one."""
    clerk = station_clerk(store, login, proof)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with store.transaction():
        store.execute("UPDATE queue_sessions SET ended_at = ? WHERE key_id = ? AND "
                      "ended_at IS NULL", (stamp(now), grant.id))
        store.insert("queue_sessions", {
            "key_id": grant.id, "clerk_id": clerk.id, "token_hash": _hash(token),
            "day": clock.today().isoformat(), "opened_at": stamp(now)})
    return token, clerk


def clerk_of(store: Store, clock: Clock, grant: Grant, token: str | None) -> int:
    """The host's id of the clerk signed in with `token` at the PC holding `grant`, or
    `SessionEnded`."""
    if not token:
        raise SessionEnded("no clerk session: sign the clerk in first (POST /v1/clerk-sessions)")
    row = store.one(
        "SELECT s.clerk_id FROM queue_sessions AS s JOIN clerks AS c ON c.id = s.clerk_id "
        "WHERE s.token_hash = ? AND s.key_id = ? AND s.ended_at IS NULL AND s.day = ? "
        "AND c.active = 1", (_hash(token), grant.id, clock.today().isoformat()))
    if row is None:
        raise SessionEnded("the clerk session has ended: sign the clerk in again")
    return int(row["clerk_id"])
