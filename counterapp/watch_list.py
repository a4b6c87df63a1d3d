"""The station's watch list (监测台账): the people of its area on the county's list, and the
follow-up contacts its clerks record.

The list comes down at sync (`GET /v1/watch-list`, `apply_published`): each publication
replaces the station's list; people no longer on it stay in the store (`listed` = 0) so their
contacts keep their context. A contact is a record of its own (`watch_contact`, version 1: it
is never edited), queued for the hub in the same transaction; the outbox holds it back until
the hub has announced it takes that type (`counterapp.sync.outbox.held_types`, as complaints),
so a hub older than the watch list is never sent one. The store is sealed like every station
store: the names and ID numbers are encrypted at rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from counterapp import journal
from counterapp.clock import Clock, stamp
from counterapp.idnumber import IdNumberError, parse_id_number
from counterapp.typed_text import checked
from counterapp.watch_rules import CATEGORIES, NOTE, ContactInvalid, contact_problem
from db.settings import Settings
from db.store import Store

CURSOR = "sync.watch_list_after"
RECORD_TYPE = "watch_contact"


class WatchPerson(NamedTuple):
    id_number: str
    name: str
    category: str
    cost_fen: int
    area: str
    list_id: int
    contacts: int
    last_contact: str | None  # contacted_at of the latest contact


class Contact(NamedTuple):
    uuid: str
    id_number: str
    contacted_at: str
    method: str
    content: str
    note: str
    clerk: str | None  # the clerk's name


def cursor(store: Store) -> int:
    return int(Settings(store).get(CURSOR, 0))


def apply_published(store: Store, published: dict[str, Any], clock: Clock) -> int:
    """Replace the list with one publication from the feed; returns how many people it holds.
    ValueError (nothing changed, the cursor kept) if an entry is malformed."""
    list_id = int(published["id"])
    people = published.get("people")
    if not isinstance(people, list):
        raise ValueError("no people in the published list")
    rows = [_person(entry) for entry in people]
    now = stamp(clock.now())
    with store.transaction():
        store.execute("UPDATE watch_people SET listed = 0")
        for row in rows:
            store.execute(
                "INSERT INTO watch_people (id_number, name, category, cost_fen, area, list_id, "
                "listed, received_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (id_number) "
                "DO UPDATE SET name = excluded.name, category = excluded.category, "
                "cost_fen = excluded.cost_fen, area = excluded.area, "
                "list_id = excluded.list_id, listed = 1, received_at = excluded.received_at",
                (*row, list_id, now),
            )
        Settings(store).set(CURSOR, max(list_id, cursor(store)))
    return len(rows)


def _person(entry: Any) -> tuple[str, str, str, int, str]:
    if not isinstance(entry, dict):
        raise ValueError("a person must be an object")
    number, name, category = entry.get("id_number"), entry.get("name"), entry.get("category")
    cost, area = entry.get("cost_fen"), entry.get("area") or ""
    try:
        parse_id_number(str(number))
    except IdNumberError as exc:
        raise ValueError(f"a person's ID number is invalid: {exc}") from None
    if not isinstance(name, str) or not name or category not in CATEGORIES:
        raise ValueError("a person needs a name and a known category")
    if not isinstance(cost, int) or isinstance(cost, bool) or cost < 0:
        raise ValueError("a person's cost must be a count of fen")
    return str(number), name, str(category), cost, str(area)


def people(store: Store) -> list[WatchPerson]:
    """The people on the newest list, highest cost first, with their contacts so far."""
    rows = store.all(
        "SELECT p.id_number, p.name, p.category, p.cost_fen, p.area, p.list_id, "
        "count(c.id) AS contacts, max(c.contacted_at) AS last_contact "
        "FROM watch_people AS p LEFT JOIN watch_contacts AS c ON c.id_number = p.id_number "
        "WHERE p.listed = 1 GROUP BY p.id_number ORDER BY p.cost_fen DESC, p.id_number"
    )
    return [WatchPerson(*row) for row in rows]


def contacts(store: Store, id_number: str) -> list[Contact]:
    rows = store.all(
        "SELECT c.uuid, c.id_number, c.contacted_at, c.method, c.content, "
        "coalesce(c.note, ''), k.name FROM watch_contacts AS c "
        "LEFT JOIN clerks AS k ON k.id = c.clerk_id WHERE c.id_number = ? "
        "ORDER BY c.contacted_at DESC, c.id DESC",
        (id_number,),
    )
    return [Contact(*row) for row in rows]


def record_contact(
    store: Store,
    id_number: str,
    contacted_at: datetime,
    method: str,
    content: str,
    note: str,
    clerk_id: int | None,
    clock: Clock,
) -> Contact:
    """Record one follow-up contact; ContactInvalid (Chinese, nothing stored) if it is wrong."""
    problem = contact_problem(method, content)
    if problem is not None:
        raise ContactInvalid(problem)
    note = checked(note, NOTE, ContactInvalid)
    if contacted_at > clock.now():
        raise ContactInvalid("联系时间不能晚于现在")
    uuid = journal.new_uuid()
    now = stamp(clock.now())
    with store.transaction():
        row = store.one("SELECT list_id FROM watch_people WHERE id_number = ?", (id_number,))
        if row is None:
            raise ContactInvalid("此人不在本站的监测台账上")
        store.insert(
            "watch_contacts",
            {
                "uuid": uuid,
                "id_number": id_number,
                "list_id": row["list_id"],
                "contacted_at": stamp(contacted_at),
                "method": method,
                "content": content,
                "note": note or None,
                "clerk_id": clerk_id,
                "recorded_at": now,
            },
        )
        store.insert(
            "outbox",
            {
                "record_type": RECORD_TYPE,
                "record_uuid": uuid,
                "record_version": 1,
                "enqueued_at": now,
            },
        )
    return next(c for c in contacts(store, id_number) if c.uuid == uuid)


def snapshots(
    store: Store, uuids: list[str], login: dict[int, str]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(uuid, day, data) of these contacts as they travel (`counterapp.sync.records`)."""
    rows = store.all(
        f"SELECT uuid, id_number, list_id, contacted_at, method, content, note, clerk_id, "
        f"recorded_at FROM watch_contacts WHERE uuid IN ({', '.join('?' * len(uuids))})",
        tuple(uuids),
    )
    found = []
    for row in rows:
        data = {
            "id_number": row["id_number"],
            "list": row["list_id"],
            "contacted_at": row["contacted_at"],
            "method": row["method"],
            "content": row["content"],
            "recorded_at": row["recorded_at"],
        }
        if row["note"]:
            data["note"] = row["note"]
        if row["clerk_id"] is not None:
            data["clerk"] = login.get(row["clerk_id"], str(row["clerk_id"]))
        found.append((row["uuid"], row["contacted_at"][:10], data))
    return found
