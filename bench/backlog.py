"""A large, realistic backlog for benchmarks: the demo station's visits (made through the real
services) copied under new UUIDs, each copy earlier than the last, outbox rows included — as if a
busy town had been offline for a month. Copying keeps making 10,000 cases to seconds."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from counterapp.demo import seed_demo
from counterapp.store_key import open_store
from db.store import Store

_SUBJECTS = ("case", "ticket", "rating")
Rows = list[sqlite3.Row]


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


def make_backlog(path: Path, cases: int, today: date | None = None) -> int:
    """A station store at `path` holding at least `cases` cases, all pending upload."""
    seed_demo(path, days=5, visits_per_day=30, today=today or date(2026, 11, 20))
    with open_store(path) as store:
        base_cases = store.all("SELECT * FROM cases ORDER BY id")
        copies = -(-cases // len(base_cases)) - 1
        tickets = store.all("SELECT * FROM tickets ORDER BY id")
        items = store.all("SELECT * FROM case_items ORDER BY id")
        materials = store.all("SELECT * FROM case_materials ORDER BY id")
        ratings = store.all("SELECT * FROM ratings ORDER BY id")
        events = store.all("SELECT * FROM events WHERE subject IN (?, ?, ?) ORDER BY id", _SUBJECTS)
        rows = store.all("SELECT * FROM outbox ORDER BY seq")
        first, last = (
            date.fromisoformat(store.scalar(f"SELECT {f}(day) FROM tickets"))
            for f in ("min", "max")
        )
        span = (last - first).days + 1
        with store.transaction():
            for copy in range(1, copies + 1):
                _copy(
                    store, copy * span, base_cases, tickets, items, materials, ratings, events, rows
                )
        return int(store.scalar("SELECT count(*) FROM cases"))


def _insert(store: Store, table: str, row: dict[str, Any]) -> int:
    row.pop("id", None)
    return store.insert(table, row)


def _copy(
    store: Store,
    shift: int,
    cases: Rows,
    tickets: Rows,
    items: Rows,
    materials: Rows,
    ratings: Rows,
    events: Rows,
    rows: Rows,
) -> None:
    uuids: dict[str, str] = {}
    ticket_ids: dict[int, int] = {}
    case_ids: dict[int, int] = {}

    def new(old: str) -> str:
        return uuids.setdefault(old, str(uuid.uuid4()))

    for ticket in map(dict, tickets):
        old_id = ticket["id"]
        ticket.update(uuid=new(ticket["uuid"]), day=_shift(ticket["day"], shift))
        ticket_ids[old_id] = _insert(store, "tickets", ticket)
    for case in map(dict, cases):
        old_id = case["id"]
        case.update(
            uuid=new(case["uuid"]),
            day=_shift(case["day"], shift),
            case_no=f"{case['case_no']}-{shift}",
            ticket_id=ticket_ids.get(case["ticket_id"]),
        )
        case_ids[old_id] = _insert(store, "cases", case)
    for table, children in (("case_items", items), ("case_materials", materials)):
        for child in map(dict, children):
            child["case_id"] = case_ids[child["case_id"]]
            _insert(store, table, child)
    for rating in map(dict, ratings):
        rating.update(uuid=new(rating["uuid"]), case_id=case_ids[rating["case_id"]])
        _insert(store, "ratings", rating)
    for event in map(dict, events):
        event["subject_uuid"] = new(event["subject_uuid"])
        _insert(store, "events", event)
    for row in map(dict, rows):
        row.pop("seq")
        row["record_uuid"] = new(row["record_uuid"])
        store.insert("outbox", row)
