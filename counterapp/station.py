"""The station this PC belongs to, and its clerks (经办人员)."""

from __future__ import annotations

import re
from typing import NamedTuple

from counterapp import journal
from counterapp.clock import Clock, stamp
from db.store import Store

LEVEL_NAMES = {
    "town": "镇(街道)医保服务站",
    "hospital": "医院医保服务站",
    "clinic": "镇卫生院(社区卫生服务中心)医保服务点",
    "village": "村(社区)医保服务点",
}


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


class Clerk(NamedTuple):
    id: int
    uuid: str
    login: str
    name: str
    active: bool


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
        journal.record(store, subject="station", subject_uuid=station.code, kind="configured",
                       at=values["updated_at"], data=station._asdict())


def add_clerk(store: Store, login: str, name: str, clock: Clock) -> Clerk:
    login, name = login.strip(), name.strip()
    if not re.fullmatch(r"[0-9A-Za-z_.-]{2,32}", login):
        raise StationError("工号应为2-32位数字或字母")
    if not name:
        raise StationError("姓名不能为空")
    if store.scalar("SELECT 1 FROM clerks WHERE login = ?", (login,)):
        raise StationError(f"工号 {login} 已存在")
    with store.transaction():
        clerk_id = store.insert("clerks", {
            "uuid": journal.new_uuid(), "login": login, "name": name,
            "created_at": stamp(clock.now()),
        })
    return get_clerk(store, clerk_id)


def get_clerk(store: Store, clerk_id: int) -> Clerk:
    row = store.one("SELECT * FROM clerks WHERE id = ?", (clerk_id,))
    if row is None:
        raise StationError(f"没有编号为 {clerk_id} 的经办人员")
    return Clerk(id=row["id"], uuid=row["uuid"], login=row["login"], name=row["name"],
                 active=bool(row["active"]))


def clerks(store: Store) -> list[Clerk]:
    return [get_clerk(store, row["id"]) for row in store.all("SELECT id FROM clerks ORDER BY id")]
