"""Access keys to the queue host (排队密钥), one per client PC, each scoped to what that PC does
and each revocable on the host.

A window PC may do everything a window does; a ticket kiosk may only issue tickets (and read
what it prints on them); a hall display may only read the calls. The host keeps a SHA-256 of
each key (`queue_keys`): the key itself is shown once, when issued, and then lives only in the
client's keyring. Keys are random (128 bits), so a plain hash is enough to make a copy of the
host's store useless for getting in; they are written in groups of four of the letters and
digits that are not mistaken for each other when typed (base32: A–Z, 2–7), and read back
whatever the case, spaces or dashes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from counterapp.clock import Clock, parse_stamp, stamp
from counterapp.queue import QueueError
from db.store import Store

NAME_MAX = 30  # characters: which PC holds the key, e.g. 3号窗口, 大厅取号机


class Access(StrEnum):
    WINDOW = "window"
    KIOSK = "kiosk"
    HALL = "hall"

    @property
    def label(self) -> str:
        return {"window": "窗口", "kiosk": "取号机", "hall": "叫号屏"}[self.value]

    @property
    def duty(self) -> str:
        return {"window": "全部排队操作", "kiosk": "只能取号", "hall": "只能读取叫号信息"}[
            self.value
        ]


class Grant(NamedTuple):
    id: int
    name: str
    access: Access
    issued_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_secret() -> str:
    """128 random bits as 26 base32 characters in groups of four: ABCD-EFGH-…"""
    text = base64.b32encode(os.urandom(16)).decode().rstrip("=")
    return "-".join(text[at : at + 4] for at in range(0, len(text), 4))


def secret_hash(secret: str) -> str:
    """The hash the host keeps: of the key as typed, without case, spaces or dashes."""
    canonical = "".join(secret.split()).replace("-", "").upper()
    return hashlib.sha256(canonical.encode()).hexdigest()


def _grant(row: sqlite3.Row) -> Grant:
    revoked = row["revoked_at"]
    return Grant(
        id=row["id"],
        name=row["name"],
        access=Access(row["access"]),
        issued_at=parse_stamp(row["issued_at"]),
        revoked_at=None if revoked is None else parse_stamp(revoked),
    )


def issue(store: Store, access: Access, name: str, clock: Clock) -> tuple[Grant, str]:
    """A new key for one PC: its record and the key, which is never stored."""
    name = " ".join(name.split())
    if not name:
        raise QueueError("请填写密钥用于哪台电脑（如 3号窗口、大厅取号机）")
    if len(name) > NAME_MAX:
        raise QueueError(f"电脑名称最多 {NAME_MAX} 个字（现有 {len(name)} 个）")
    secret = new_secret()
    with store.transaction():
        key_id = store.insert(
            "queue_keys",
            {
                "name": name,
                "access": access.value,
                "secret_hash": secret_hash(secret),
                "issued_at": stamp(clock.now()),
            },
        )
    return get(store, key_id), secret


def get(store: Store, key_id: int) -> Grant:
    row = store.one("SELECT * FROM queue_keys WHERE id = ?", (key_id,))
    if row is None:
        raise QueueError(f"排队主机上没有编号为 {key_id} 的排队密钥")
    return _grant(row)


def grants(store: Store) -> list[Grant]:
    """Every key issued, the valid ones first, newest first."""
    return [
        _grant(row)
        for row in store.all("SELECT * FROM queue_keys ORDER BY revoked_at IS NOT NULL, id DESC")
    ]


def grant_for(store: Store, secret: str) -> Grant | None:
    """The record of a key as presented, revoked or not; None for a key never issued."""
    row = store.one("SELECT * FROM queue_keys WHERE secret_hash = ?", (secret_hash(secret),))
    return None if row is None else _grant(row)


def revoke(store: Store, key_id: int, clock: Clock) -> Grant:
    """The key is refused from now on and the clerk signed in with it is signed out."""
    grant = get(store, key_id)
    if not grant.active:
        return grant
    now = stamp(clock.now())
    with store.transaction():
        store.execute("UPDATE queue_keys SET revoked_at = ? WHERE id = ?", (now, key_id))
        store.execute(
            "UPDATE queue_sessions SET ended_at = ? WHERE key_id = ? AND ended_at IS NULL",
            (now, key_id),
        )
    return get(store, key_id)
