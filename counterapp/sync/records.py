"""Snapshots of records as they leave the station: a case with its items, materials and
events; a ticket with its events; a rating; a complaint with its events; a watch-list
follow-up contact (`counterapp.watch_list`); the store's slip verification key and store key
(`counterapp.sync.handed_keys`). Always the record's state *now*, read inside the caller's
transaction so a snapshot and its version agree.

Internal integer ids stay home: clerks travel as their login (工号), the ticket of a case as
its UUID. Empty values are left out to keep the wire small. Personal data (names, ID numbers,
phones) does travel — the county needs it — so snapshots are never logged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from counterapp import watch_list
from counterapp.sync import handed_keys
from counterapp.sync.wire import KEY_RECORD_TYPES, Record
from db.store import Store

_CASE_DROP = {
    "id",
    "ticket_id",
    "owner_clerk_id",
    "handler_clerk_id",
    "uuid",
    "version",
    "county_decision_id",
}
_TICKET_DROP = {"id", "clerk_id", "uuid", "version", "mirror"}
_RATING_DROP = {"id", "case_id", "uuid", "version"}
_CHILD_DROP = {"id", "case_id"}
_COMPLAINT_DROP = {"id", "uuid", "version", "case_id", "clerk_id", "received_by"}


def _compact(row: Any, drop: set[str]) -> dict[str, Any]:
    return {
        key: row[key]
        for key in row.keys()  # noqa: SIM118 - sqlite3.Row iterates values
        if key not in drop and row[key] is not None
    }


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


class Snapshots:
    """Reads current snapshots in bulk (a few queries per batch, not per record)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._logins: dict[int, str] = store.mapping("SELECT id, login FROM clerks")

    def read(self, keys: Iterable[tuple[str, str]]) -> list[Record]:
        by_type: dict[str, list[str]] = defaultdict(list)
        for record_type, uuid in keys:
            by_type[record_type].append(uuid)
        events = self._events([uuid for uuids in by_type.values() for uuid in uuids])
        records: list[Record] = []
        if by_type.get("case"):
            records += self._cases(by_type["case"], events)
        if by_type.get("ticket"):
            records += self._tickets(by_type["ticket"], events)
        if by_type.get("rating"):
            records += self._ratings(by_type["rating"], events)
        if by_type.get("complaint"):
            records += self._complaints(by_type["complaint"], events)
        if by_type.get(watch_list.RECORD_TYPE):
            records += [
                Record(watch_list.RECORD_TYPE, uuid, 1, day, data)
                for uuid, day, data in watch_list.snapshots(
                    self._store, by_type[watch_list.RECORD_TYPE], self._logins
                )
            ]
        for kind in KEY_RECORD_TYPES:
            if by_type.get(kind):
                records += handed_keys.snapshots(self._store, kind, by_type[kind])
        return records

    def _login(self, clerk_id: int | None) -> str | None:
        if clerk_id is None:
            return None
        if clerk_id not in self._logins:
            row = self._store.one("SELECT login FROM clerks WHERE id = ?", (clerk_id,))
            self._logins[clerk_id] = row["login"] if row else str(clerk_id)
        return self._logins[clerk_id]

    def _events(self, uuids: list[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if not uuids:
            return found
        rows = self._store.all(
            f"SELECT id, at, clerk_id, subject_uuid, kind, data FROM events "
            f"WHERE subject_uuid IN ({_marks(uuids)}) ORDER BY id",
            tuple(uuids),
        )
        for row in rows:
            event: dict[str, Any] = {"id": row["id"], "at": row["at"], "kind": row["kind"]}
            if row["clerk_id"] is not None:
                event["clerk"] = self._login(row["clerk_id"])
            data = json.loads(row["data"])
            if data:
                event["data"] = data
            found[row["subject_uuid"]].append(event)
        return found

    def _cases(self, uuids: list[str], events: dict[str, list[dict[str, Any]]]) -> list[Record]:
        rows = self._store.all(
            "SELECT c.*, t.uuid AS ticket FROM cases AS c LEFT JOIN tickets AS t "
            f"ON t.id = c.ticket_id WHERE c.uuid IN ({_marks(uuids)})",
            tuple(uuids),
        )
        ids = [row["id"] for row in rows]
        items = self._children("case_items", ids)
        materials = self._children("case_materials", ids)
        records = []
        for row in rows:
            data = _compact(row, _CASE_DROP)
            data["owner"] = self._login(row["owner_clerk_id"])
            data["handler"] = self._login(row["handler_clerk_id"])
            data["items"] = items.get(row["id"], [])
            data["materials"] = materials.get(row["id"], [])
            data["events"] = events.get(row["uuid"], [])
            records.append(Record("case", row["uuid"], row["version"], row["day"], data))
        return records

    def _children(self, table: str, case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if case_ids:
            rows = self._store.all(
                f"SELECT * FROM {table} WHERE case_id IN ({_marks(case_ids)}) ORDER BY id",
                tuple(case_ids),
            )
            for row in rows:
                found[row["case_id"]].append(_compact(row, _CHILD_DROP))
        return found

    def _tickets(self, uuids: list[str], events: dict[str, list[dict[str, Any]]]) -> list[Record]:
        rows = self._store.all(
            f"SELECT * FROM tickets WHERE uuid IN ({_marks(uuids)})", tuple(uuids)
        )
        records = []
        for row in rows:
            data = _compact(row, _TICKET_DROP)
            if row["clerk_id"] is not None:
                data["clerk"] = self._login(row["clerk_id"])
            data["events"] = events.get(row["uuid"], [])
            records.append(Record("ticket", row["uuid"], row["version"], row["day"], data))
        return records

    def _ratings(self, uuids: list[str], events: dict[str, list[dict[str, Any]]]) -> list[Record]:
        rows = self._store.all(
            "SELECT r.*, c.uuid AS case_uuid FROM ratings AS r JOIN cases AS c "
            f"ON c.id = r.case_id WHERE r.uuid IN ({_marks(uuids)})",
            tuple(uuids),
        )
        records = []
        for row in rows:
            data = _compact(row, _RATING_DROP)
            data["events"] = events.get(row["uuid"], [])
            records.append(
                Record("rating", row["uuid"], row["version"], row["rated_at"][:10], data)
            )
        return records

    def _complaints(
        self, uuids: list[str], events: dict[str, list[dict[str, Any]]]
    ) -> list[Record]:
        rows = self._store.all(
            "SELECT p.*, c.uuid AS case_uuid, c.case_no FROM complaints AS p LEFT JOIN cases "
            f"AS c ON c.id = p.case_id WHERE p.uuid IN ({_marks(uuids)})",
            tuple(uuids),
        )
        records = []
        for row in rows:
            data = _compact(row, _COMPLAINT_DROP)
            for key, column in (("clerk", "clerk_id"), ("received_by", "received_by")):
                if row[column] is not None:
                    data[key] = self._login(row[column])
            data["events"] = events.get(row["uuid"], [])
            day = row["received_at"][:10]
            records.append(Record("complaint", row["uuid"], row["version"], day, data))
        return records


def record_day(store: Store, record_type: str, uuid: str) -> str | None:
    """The service day of one record (for reconciliation), or None if it is not here."""
    sql = {
        "case": "SELECT day FROM cases WHERE uuid = ?",
        "ticket": "SELECT day FROM tickets WHERE uuid = ?",
        "rating": "SELECT substr(rated_at, 1, 10) FROM ratings WHERE uuid = ?",
        "complaint": "SELECT substr(received_at, 1, 10) FROM complaints WHERE uuid = ?",
        "watch_contact": "SELECT substr(contacted_at, 1, 10) FROM watch_contacts WHERE uuid = ?",
    }[record_type]
    day: str | None = store.scalar(sql, (uuid,))
    return day


# Every record of the station with its day and version: what reconciliation compares.
# Mirror tickets are the queue host's records: the host uploads them, never this PC. Types the
# hub has not announced are left out by `outbox.inventory`, as they are held from its batches.
INVENTORY_SQL = """
SELECT 'case' AS type, uuid, version, day FROM cases
UNION ALL SELECT 'ticket', uuid, version, day FROM tickets WHERE mirror = 0
UNION ALL SELECT 'rating', uuid, version, substr(rated_at, 1, 10) FROM ratings
UNION ALL SELECT 'complaint', uuid, version, substr(received_at, 1, 10) FROM complaints
UNION ALL SELECT 'watch_contact', uuid, 1, substr(contacted_at, 1, 10) FROM watch_contacts
"""
