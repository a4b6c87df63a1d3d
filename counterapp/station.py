"""The station this PC belongs to, and its clerks (经办人员)."""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from counterapp import journal
from counterapp.clock import Clock, stamp
from counterapp.typed_text import name_problem
from db.store import Store

LEVEL_NAMES = {
    "town": "镇(街道)医保服务站",
    "hospital": "医院医保服务站",
    "clinic": "镇卫生院(社区卫生服务中心)医保服务点",
    "village": "村(社区)医保服务点",
}


class StationNotConfigured(RuntimeError):
    """The store has no station yet: the first-run set-up must run."""


class StationError(ValueError):
    """Bad station or clerk data; str() is a message for the clerk."""


class Station(NamedTuple):
    code: str
    name: str
    level: str
    county_code: str
    county_name: str
    address: str = ""
    supervision_phone: str = ""

    def problems(self) -> list[str]:
        found = []
        if not re.fullmatch(r"[0-9A-Za-z-]{4,32}", self.code):
            found.append("站点编码应为4-32位数字、字母或连字符")
        if not self.name.strip():
            found.append("站点名称不能为空")
        if self.level not in LEVEL_NAMES:
            found.append(f"站点层级须为：{'、'.join(LEVEL_NAMES.values())}")
        if not self.county_code.strip() or not self.county_name.strip():
            found.append("所属县（市、区）的编码和名称不能为空")
        return found


ADMIN = "admin"  # 站长: manages the clerks, and serves at the counter too
CLERK = "clerk"  # 经办人员
ROLE_NAMES = {ADMIN: "站长", CLERK: "经办人员"}
LOGIN_PATTERN = re.compile(r"[0-9A-Za-z_.-]{2,32}")


class Clerk(NamedTuple):
    id: int
    uuid: str
    login: str
    name: str
    active: bool
    role: str = CLERK

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def label(self) -> str:
        """王丽（工号 1001）"""
        return f"{self.name}（工号 {self.login}）"


def load_station(store: Store) -> Station | None:
    row = store.one("SELECT * FROM station WHERE id = 1")
    if row is None:
        return None
    return Station(**{name: row[name] for name in Station._fields})


def save_station(store: Store, station: Station, clock: Clock) -> None:
    problems = station.problems()
    if problems:
        raise StationError("；".join(problems))
    values = {**station._asdict(), "updated_at": stamp(clock.now())}
    with store.transaction():
        store.execute("DELETE FROM station")
        store.insert("station", {"id": 1, **values})
        journal.record(
            store,
            subject="station",
            subject_uuid=station.code,
            kind="configured",
            at=values["updated_at"],
            data=station._asdict(),
        )


def clerk_problems(login: str, name: str) -> list[str]:
    found = []
    if not LOGIN_PATTERN.fullmatch(login.strip()):
        found.append("工号应为2-32位数字或字母")
    if (problem := name_problem(name.strip())) is not None:
        found.append(problem)
    return found


def add_clerk(
    store: Store,
    login: str,
    name: str,
    clock: Clock,
    *,
    role: str = CLERK,
    pin_hash: str | None = None,
    by: int | None = None,
) -> Clerk:
    """Store a new clerk and journal it. This is the primitive: the window and the command
    line add clerks only through `accounts`, which requires the station admin's PIN; seeding
    (demo, self-test) and tests call it directly. Without a PIN the clerk cannot log in."""
    login, name = login.strip(), name.strip()
    problems = clerk_problems(login, name)
    if problems:
        raise StationError("；".join(problems))
    if role not in ROLE_NAMES:
        raise StationError(f"角色须为：{'、'.join(ROLE_NAMES.values())}")
    if store.scalar("SELECT 1 FROM clerks WHERE login = ?", (login,)):
        raise StationError(f"工号 {login} 已存在")
    now = stamp(clock.now())
    uuid = journal.new_uuid()
    with store.transaction():
        clerk_id = store.insert(
            "clerks",
            {
                "uuid": uuid,
                "login": login,
                "name": name,
                "created_at": now,
                "role": role,
                "pin_hash": pin_hash,
                "pin_set_at": now if pin_hash else None,
            },
        )
        journal.record(
            store,
            subject="clerk",
            subject_uuid=uuid,
            kind="created",
            at=now,
            clerk_id=by,
            data={"login": login, "name": name, "role": role, "pin_set": pin_hash is not None},
        )
    return get_clerk(store, clerk_id)


def _clerk(row: sqlite3.Row) -> Clerk:
    return Clerk(
        id=row["id"],
        uuid=row["uuid"],
        login=row["login"],
        name=row["name"],
        active=bool(row["active"]),
        role=row["role"],
    )


def get_clerk(store: Store, clerk_id: int) -> Clerk:
    row = store.one("SELECT * FROM clerks WHERE id = ?", (clerk_id,))
    if row is None:
        raise StationError(f"没有编号为 {clerk_id} 的经办人员")
    return _clerk(row)


def clerk_by_login(store: Store, login: str) -> Clerk | None:
    row = store.one("SELECT * FROM clerks WHERE login = ?", (login.strip(),))
    return None if row is None else _clerk(row)


def clerks(store: Store) -> list[Clerk]:
    return [_clerk(row) for row in store.all("SELECT * FROM clerks ORDER BY id")]
