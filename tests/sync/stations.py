"""Stations for sync tests: real stores filled through the real services, and the check that
the hub holds every record of a station exactly once, in its latest version."""

from __future__ import annotations

import json
import random
from datetime import datetime

from counterapp.app import Counter
from counterapp.case_model import CaseState, Person
from counterapp.clock import CST, FixedClock
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.station import Station, add_clerk
from counterapp.sync import outbox
from counterapp.sync.records import Snapshots
from counterapp.sync.wire import canonical
from hub.db import Database
from tests.conftest import make_id

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂𠮷"


def new_station(path, code: str, level: str = "town", clock: FixedClock | None = None) -> Counter:
    clock = clock or FixedClock(datetime(2026, 11, 23, 8, 30, tzinfo=CST))
    counter = Counter.open(path, clock)
    if counter.station is None:
        counter.configure_station(
            Station(
                code=code,
                name=f"测试站{code[-3:]}",
                level=level,
                county_code="370883",
                county_name="邹城市",
            )
        )
        counter.clerk_id = add_clerk(counter.store, "1001", "王丽", clock).id
    else:
        counter.clerk_id = counter.store.scalar("SELECT min(id) FROM clerks")
    return counter


def add_visits(counter: Counter, count: int, rng: random.Random | None = None) -> list[int]:
    """`count` visits: ticket → case → materials → accept → finish or forward → rating."""
    rng = rng or random.Random(count)
    clock = counter.clock
    assert isinstance(clock, FixedClock)
    assert counter.station is not None
    checklist = [item.code for item, _ in counter.catalogue.checklist(counter.station.level)]
    others = [code for code in counter.catalogue.items if code not in checklist]
    case_ids = []
    for _ in range(count):
        clock.advance(minutes=rng.randint(1, 6))
        priority = rng.random() < 0.2
        ticket = counter.queue.issue(
            Lane.PRIORITY if priority else Lane.NORMAL, "70岁以上老人" if priority else None
        )
        counter.queue.call_next(1, counter.clerk_id)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        person = Person(
            name,
            make_id(sequence=f"{rng.randint(100, 999)}"),
            f"13{rng.randint(100000000, 999999999)}",
        )
        codes = [rng.choice(checklist)]
        if rng.random() < 0.3:
            codes.append(rng.choice(others))  # 帮办代办: forwarded upward
        case = counter.cases.open_case(person, codes, counter.clerk_id, ticket_id=ticket.id)
        for material in case.materials:
            if material.applies:
                case = counter.cases.mark_material(case.id, material.key, True, counter.clerk_id)
        case = counter.cases.accept(case.id, counter.clerk_id)
        if case.needs_forwarding:
            case = counter.cases.forward(case.id, counter.clerk_id, "报县中心")
        else:
            case = counter.cases.complete(case.id, counter.clerk_id)
        counter.queue.finish(ticket.id, counter.clerk_id)
        if rng.random() < 0.7:
            counter.ratings.rate(case, rng.choice(list(RatingLevel)[2:]))
        case_ids.append(case.id)
    return case_ids


def touch_cases(counter: Counter, count: int, rng: random.Random) -> int:
    """Give some finished cases a newer version (close them); returns how many changed."""
    rows = counter.store.all(
        "SELECT id FROM cases WHERE state IN (?, ?) ORDER BY id",
        (CaseState.COMPLETED.value, CaseState.FORWARDED.value),
    )
    chosen = rng.sample([row["id"] for row in rows], min(count, len(rows)))
    for case_id in chosen:
        counter.cases.close(case_id, counter.clerk_id)
    return len(chosen)


def hub_rows(db: Database, station: str) -> dict[str, tuple[str, int, dict]]:
    """uuid → (type, version, data) of a station's records at the hub."""
    with db.transaction() as tx:
        rows = tx.all("SELECT uuid, type, version, data FROM records WHERE station = ?", (station,))
    return {
        row[0]: (row[1], int(row[2]), row[3] if isinstance(row[3], dict) else json.loads(row[3]))
        for row in rows
    }


def check_hub_matches(db: Database, counter: Counter) -> int:
    """Every record of the station is at the hub exactly once, in its current version and
    content; the hub holds nothing else for it. Returns the number of records."""
    station = outbox.identity(counter.store).station
    held = hub_rows(db, station)
    mine = [
        (kind, uuid, version)
        for entries in outbox.inventory(counter.store).values()
        for kind, uuid, version in entries
    ]
    assert len(held) == len(mine), f"hub holds {len(held)} records, station has {len(mine)}"
    with counter.store.transaction():
        snapshots = {
            r.uuid: r
            for r in Snapshots(counter.store).read([(kind, uuid) for kind, uuid, _ in mine])
        }
    for kind, uuid, version in mine:
        assert uuid in held, f"{kind} {uuid} is missing at the hub"
        hub_kind, hub_version, data = held[uuid]
        assert (hub_kind, hub_version) == (kind, version), f"{uuid}: hub has v{hub_version}"
        assert data == json.loads(canonical(snapshots[uuid].data)), uuid
    with db.transaction() as tx:
        total = tx.scalar("SELECT count(*) FROM records WHERE station = ?", (station,))
        distinct = tx.scalar(
            "SELECT count(DISTINCT uuid) FROM records WHERE station = ?", (station,)
        )
    assert total == distinct == len(mine)
    return len(mine)


def audit(db: Database, counter: Counter) -> dict[str, int]:
    """Counted, not asserted: records the hub lacks, holds in an older version, or twice."""
    station = outbox.identity(counter.store).station
    held = hub_rows(db, station)
    mine = [
        (uuid, version)
        for entries in outbox.inventory(counter.store).values()
        for _, uuid, version in entries
    ]
    with db.transaction() as tx:
        total = tx.scalar("SELECT count(*) FROM records WHERE station = ?", (station,))
    return {
        "records": len(mine),
        "lost": sum(1 for uuid, _ in mine if uuid not in held),
        "stale": sum(1 for uuid, version in mine if uuid in held and held[uuid][1] < version),
        "duplicated": int(total) - len(held),
    }


def later(counter: Counter, **delta: float) -> None:
    clock = counter.clock
    assert isinstance(clock, FixedClock)
    clock.advance(**(delta or {"minutes": 5}))


__all__ = [
    "add_visits",
    "audit",
    "check_hub_matches",
    "hub_rows",
    "later",
    "new_station",
    "touch_cases",
]
