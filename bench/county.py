"""A county's worth of hub data for the workbench's benchmark and screenshots (sample data, never
shipped): its stations — towns, hospitals, clinics and the villages around each town — and a
year of their cases as the stations' sync leaves them at the hub (the case records' data in the
stations' own shape), a share of them forwarded (帮办代办), with the county's decisions on them
(old ones mostly 办结, a few left open past their due day, recent ones still 待接收 or 办理中),
the stations' sync states and their bad ratings awaiting follow-up (station supervision); for
the last `VISIT_DAYS` days also each case's queue ticket (with tickets that ended without a
case: a consultation only, a no-show) and its rating, for the county's ledger (统计台账).

Loaded with COPY on PostgreSQL (executemany on SQLite); the inbox's own rows are made from the
records by `hub.forwarded.project` and the ledger's by `hub.ledger_rows.from_rows`, exactly as
the hub's ingest makes them.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from counterapp.catalogue import default_catalogue_dir, load_directory
from counterapp.catalogue_model import Catalogue
from counterapp.clock import CST, stamp
from counterapp.idnumber import check_char
from counterapp.workdays import WorkCalendar
from hub import follow_ups, forwarded, ledger_rows
from hub.db import Database, Tx
from hub.forwarded import Projection

COUNTY = "370883"
TOWNS = [
    "千泉街道",
    "钢山街道",
    "凫山街道",
    "大束镇",
    "中心店镇",
    "唐村镇",
    "太平镇",
    "石墙镇",
    "峄山镇",
    "看庄镇",
    "香城镇",
    "城前镇",
    "田黄镇",
    "张庄镇",
    "北宿镇",
    "郭里镇",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉华建国志红梅林海燕"
VILLAGE_PARTS = ("东", "西", "南", "北", "前", "后", "上", "下", "大", "小")
VILLAGE_ENDS = ("庄", "村", "屯", "营", "店", "楼", "疃")
RETURN_REASONS = (
    "缺少二级以上医院出具的诊断证明原件",
    "病历资料不全，请补充近一年住院病历",
    "身份凭证与申请人不符",
    "申请事项不属于本级办理范围",
)
RESULTS = (
    "认定通过，自下月起享受门诊慢性病待遇",
    "审核通过，费用已拨付至申请人账户",
    "不予认定：不符合病种认定标准",
    "审核通过",
)
VISIT_DAYS = 62  # the days with tickets and ratings: the last two months are complete
CLERKS = ("王芳（0101）", "刘洋（0102）", "陈静（0103）")
RECORD_COLUMNS = (
    "uuid",
    "type",
    "station",
    "source",
    "version",
    "day",
    "data",
    "batch_id",
    "received_at",
)


@dataclass(frozen=True)
class SampleStation:
    code: str
    name: str
    level: str


def stations(count: int) -> list[SampleStation]:
    """Towns first, one hospital and a clinic per few towns, then villages around the towns."""
    found = [
        SampleStation(f"{COUNTY}{101 + n}", f"{town}医保服务站", "town")
        for n, town in enumerate(TOWNS)
    ]
    found += [
        SampleStation(f"{COUNTY}201", "邹城市人民医院医保服务站", "hospital"),
        SampleStation(f"{COUNTY}202", "邹城市中医院医保服务站", "hospital"),
    ]
    found += [
        SampleStation(f"{COUNTY}3{n:02d}", f"{town.removesuffix('镇')}镇卫生院医保服务点", "clinic")
        for n, town in enumerate(TOWNS[3:11], 1)
    ]
    rng = random.Random(7)
    per_town: dict[str, int] = {}
    while len(found) < count:
        town_index = len(found) % len(TOWNS)
        town = found[town_index]
        per_town[town.code] = per_town.get(town.code, 0) + 1
        name = (
            rng.choice(SURNAMES) + rng.choice(("家", "")) + rng.choice(VILLAGE_ENDS)
            if rng.random() < 0.6
            else rng.choice(VILLAGE_PARTS) + rng.choice(SURNAMES) + rng.choice(VILLAGE_ENDS)
        )
        found.append(
            SampleStation(f"{town.code}{per_town[town.code]:03d}", f"{name}村医保服务点", "village")
        )
    return found[:count]


@dataclass
class County:
    """Everything generated: records (`records` rows), the inbox's rows with the county's
    decisions in them, and the decisions' history."""

    stations: list[SampleStation]
    records: list[tuple[Any, ...]] = field(default_factory=list)
    projections: list[Projection] = field(default_factory=list)
    decisions: list[tuple[str, str, str, str | None, str, str]] = field(default_factory=list)


@cache
def _catalogue() -> Catalogue:
    return load_directory(default_catalogue_dir())


@cache
def _due(calendar: WorkCalendar, start: date, days: int) -> tuple[str, bool]:
    result = calendar.add_working_days(start, days)
    return result.day.isoformat(), result.provisional


def generate(
    station_count: int,
    case_count: int,
    today: date,
    days: int = 365,
    seed: int = 1,
    forwarded_share: float = 0.2,
) -> Iterator[tuple[Any, ...]]:
    """Yields (record rows, projection or None, decision rows) per case, oldest day first: the
    case's record, and in the last `VISIT_DAYS` days its ticket's, its rating's and now and
    then a ticket that ended without a case."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    catalogue = _catalogue()
    sample = stations(station_count)
    weights = [{"town": 40, "hospital": 25, "clinic": 8, "village": 1}[s.level] for s in sample]
    lists = {
        level: catalogue.choosable(level) for level in ("town", "hospital", "clinic", "village")
    }
    first = today - timedelta(days=days - 1)
    visits_from = today - timedelta(days=VISIT_DAYS)
    counters: dict[tuple[str, str], int] = {}
    for n in range(case_count):
        day = first + timedelta(days=n * days // case_count)
        if not calendar.is_workday(day):
            day = calendar.add_working_days(day, 1).day if day < today else day
        station = rng.choices(sample, weights)[0]
        counters[(station.code, day.isoformat())] = sequence = (
            counters.get((station.code, day.isoformat()), 0) + 1
        )
        record, projection, decisions = _case(
            rng, calendar, station, day, sequence, lists[station.level], today, forwarded_share
        )
        visits = _visit(rng, station, sequence, record) if day >= visits_from else []
        yield [record, *visits], projection, decisions


def _person(rng: random.Random) -> tuple[str, str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    first17 = f"{COUNTY}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return name, first17 + check_char(first17), f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _case(
    rng: random.Random,
    calendar: WorkCalendar,
    station: SampleStation,
    day: date,
    sequence: int,
    choosable: list[Any],
    today: date,
    share: float,
) -> tuple[Any, ...]:
    own = [(item, mode) for item, mode in choosable if mode.value == "handle"] or choosable
    upward = [(item, mode) for item, mode in choosable if mode.value != "handle"]
    picked = [rng.choice(own)]
    if upward and rng.random() < share:
        picked = [rng.choice(upward)] + ([picked[0]] if rng.random() < 0.2 else [])
    accepted = datetime.combine(day, time(8, 30), CST) + timedelta(minutes=rng.randrange(450))
    name, id_number, phone = _person(rng)
    case_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    items, forwarding = [], False
    for item, mode in picked:
        entry: dict[str, Any] = {
            "item_code": item.code,
            "title": item.sub,
            "mode": mode.value,
            "kind": item.kind.value,
        }
        if item.time_limit.working_days:
            entry["limit_working_days"] = item.time_limit.working_days
            entry["due_at"], provisional = _due(calendar, day, item.time_limit.working_days)
            entry["due_provisional"] = int(provisional)
        else:
            entry["limit_minutes"] = item.time_limit.minutes
            entry["due_at"] = stamp(accepted + timedelta(minutes=item.time_limit.minutes or 10))
            entry["due_provisional"] = 0
        forwarding = forwarding or mode.value != "handle"
        items.append(entry)
    materials = [
        {
            "material_key": m.key,
            "name": m.name,
            "form": m.form.value,
            "count": m.copies,
            "required": int(m.required),
            "applies": 1,
            "received": 1,
        }
        for item, _ in picked
        for m in item.materials
        if m.required
    ]
    at = stamp(accepted)
    data: dict[str, Any] = {
        "case_no": f"{station.code}-{day:%Y%m%d}-{1 + sequence % 3:02d}-{sequence:04d}",
        "day": day.isoformat(),
        "catalogue_version": "default-2026.2",
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "opened_at": at,
        "accepted_at": at,
        "owner": "1001",
        "handler": "1001",
        "items": items,
        "materials": materials,
        "updated_at": at,
        "events": [
            {"id": 1, "at": at, "kind": "opened", "clerk": "1001"},
            {"id": 2, "at": at, "kind": "accepted", "clerk": "1001"},
        ],
    }
    decisions: list[tuple[str, str, str, str | None, str, str]] = []
    if forwarding:
        forward_due, _ = _due(calendar, day, 3)
        late = rng.random() < 0.08
        sent = accepted + timedelta(days=rng.choice((4, 5, 6)) if late else rng.choice((0, 0, 1)))
        data.update(state="forwarded", forward_due=forward_due, forwarded_at=stamp(sent))
        data["events"].append({"id": 3, "at": stamp(sent), "kind": "forwarded", "clerk": "1001"})
        decisions = _decisions(rng, case_uuid, station.code, sent, today)
        if decisions and rng.random() < 0.9:  # the station synced since: it says so
            data["county_status"], data["county_decided_at"] = decisions[-1][2], decisions[-1][4]
    else:
        minutes = rng.choice((2, 3, 4, 5, 6, 7, 8, 9, 13))  # now and then over an instant limit
        done = stamp(accepted + timedelta(minutes=minutes, seconds=rng.randrange(60)))
        data.update(state="completed", completed_at=done)
        for entry in items:  # each item finished at the window, as a station records it
            entry["completed_at"] = done
        data["events"].append({"id": 3, "at": done, "kind": "completed", "clerk": "1001"})
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    record = (
        case_uuid,
        "case",
        station.code,
        f"pc-{station.code}",
        3,
        day.isoformat(),
        text,
        f"batch-{station.code}-{day:%Y%m%d}",
        stamp(accepted + timedelta(hours=9)),
    )
    projection = forwarded.project(case_uuid, station.code, 3, text) if forwarding else None
    return record, projection, decisions


def _visit(
    rng: random.Random, station: SampleStation, sequence: int, case: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """The records a case's visit leaves besides the case: its ticket (issued up to half an
    hour before the case was opened), seven in ten times a rating (a few bad, called back
    within three weeks), and one time in ten another ticket: a consultation only or a no-show."""
    case_uuid, day, data = case[0], case[5], json.loads(case[6])
    opened = datetime.fromisoformat(data["opened_at"])
    found = [_ticket(rng, station, day, 2 * sequence, opened, "done")]
    if rng.random() < 0.1:
        status = "consulted" if rng.random() < 0.6 else "no_show"
        found.append(_ticket(rng, station, day, 2 * sequence + 1, opened, status))
    if rng.random() < 0.7:
        bad = rng.random() < 0.03
        rated = opened + timedelta(minutes=rng.randrange(5, 30))
        due = rated.date() + timedelta(days=21) if bad else None
        called_back = rated + timedelta(days=rng.choice((2, 5, 30))) if bad else None
        rating = {
            "level": rng.choice((1, 2)) if bad else rng.choice((3, 4, 5, 5, 5)),
            "rated_at": stamp(rated),
            "follow_up_due": None if due is None else due.isoformat(),
            "followed_up_at": None if called_back is None else stamp(called_back),
            "case_uuid": case_uuid,
            "events": [],
        }
        found.append(_record(rng, "rating", station, day, rating, rated))
    return found


def _ticket(
    rng: random.Random,
    station: SampleStation,
    day: str,
    number: int,
    opened: datetime,
    status: str,
) -> tuple[Any, ...]:
    issued = opened - timedelta(minutes=rng.randrange(1, 31), seconds=rng.randrange(60))
    called = None if status == "no_show" else opened - timedelta(seconds=rng.randrange(20, 90))
    priority = rng.random() < 0.15
    ticket: dict[str, Any] = {
        "day": day,
        "lane": "priority" if priority else "normal",
        "number": number,
        "code": f"{'B' if priority else 'A'}{number:03d}",
        "status": status,
        "window_no": 1,
        "issued_at": stamp(issued),
        "queued_at": stamp(issued),
        "called_at": None if called is None else stamp(called),
        "finished_at": stamp(opened + timedelta(minutes=rng.randrange(2, 12))),
        "recalls": int(status == "no_show"),
        "clerk": "1001",
        "events": [],
    }
    return _record(rng, "ticket", station, day, ticket, issued)


def _record(
    rng: random.Random,
    kind: str,
    station: SampleStation,
    day: str,
    data: dict[str, Any],
    at: datetime,
) -> tuple[Any, ...]:
    """A record row as a station's batch leaves it at the hub."""
    return (
        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        kind,
        station.code,
        f"pc-{station.code}",
        1,
        day,
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        f"batch-{station.code}-{day.replace('-', '')}",
        stamp(at + timedelta(hours=9)),
    )


def _decisions(
    rng: random.Random, case_uuid: str, station: str, sent: datetime, today: date
) -> list[tuple[str, str, str, str | None, str, str]]:
    """The county's decisions on a case forwarded at `sent`: the older, the further along."""
    age = (today - sent.date()).days
    steps: list[tuple[str, str | None]] = []
    if age >= 1 and rng.random() < min(1.0, 0.3 + age / 10):
        steps.append(("received", None))
    if age >= 5 and steps and rng.random() < min(1.0, age / 12):
        steps.append(("processing", None))
    finish = 0.995 if age > 60 else 0.95 if age > 20 else age / 25
    if age >= 8 and steps and rng.random() < finish:
        if rng.random() < 0.05:
            steps.append(("returned", rng.choice(RETURN_REASONS)))
        else:
            steps.append(("done", rng.choice(RESULTS)))
    by = rng.choice(CLERKS)
    moment = sent
    found = []
    for status, note in steps:
        moment = moment + timedelta(
            days=rng.randint(1, max(1, min(10, age // 4))), minutes=rng.randrange(600)
        )
        moment = min(moment, datetime.combine(today, time(8), CST))
        found.append((case_uuid, station, status, note, stamp(moment), by))
    return found


def fill(
    db: Database, station_count: int, case_count: int, today: date, seed: int = 1
) -> dict[str, int]:
    """Register the stations and load the cases, their inbox rows and decisions."""
    sample = stations(station_count)
    made = "2026-01-05T09:00:00+08:00"
    with db.transaction() as tx:
        tx.executemany(
            "INSERT INTO stations (code, name, level, token_hash, public_key, "
            "created_at, last_sync_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(s.code, s.name, s.level, f"sample-{s.code}", "-", made, made) for s in sample],
        )
    counts = {"cases": 0, "forwarded": 0, "decisions": 0, "tickets": 0, "ratings": 0}
    chunk: list[tuple[Any, ...]] = []
    for case in generate(station_count, case_count, today, seed=seed):
        chunk.append(case)
        if len(chunk) >= 20000:
            _load(db, chunk, counts)
            chunk = []
    _load(db, chunk, counts)
    with db.transaction() as tx:
        forwarded.apply_decisions(tx)
    counts["follow_ups"] = _supervision(db, sample, case_count // 100, today, seed)
    if db.dialect == "postgres":
        with db.connection() as conn:
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            conn.autocommit = False
    return counts


def _supervision(
    db: Database, sample: list[SampleStation], ratings: int, today: date, seed: int
) -> int:
    """What station supervision reads besides the cases: each station's last sync (most
    today, some silent for days, villages often by USB), what it reported as pending and
    the catalogue and calendar it uses; and `ratings` bad ratings, the recent ones still
    awaiting their call-back. Returns how many bad ratings."""
    rng = random.Random(seed + 1)
    now = datetime.combine(today, time(8), CST)
    states = []
    for station in sample:
        silent = rng.choices((0, 1, 2, 5, 9), (80, 10, 4, 4, 2))[0]
        usb = station.level == "village" and rng.random() < 0.5
        states.append(
            (
                stamp(now - timedelta(days=silent, minutes=rng.randrange(600))),
                "file" if usb else "online",
                rng.choices((0, 3, 40, 250), (85, 10, 4, 1))[0],
                None if usb else rng.choices(("default-2026.2", "default-2026.1"), (95, 5))[0],
                None if usb else stamp(now - timedelta(days=silent)),
                None if usb else rng.choice(("2026", "2026,2027")),
                station.code,
            )
        )
    records, rows = [], []
    for n in range(ratings):
        station = rng.choice(sample)
        rated = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
        due = rated.date() + timedelta(days=21)
        data = {
            "level": rng.choice((1, 2)),
            "reason": "等候时间太长",
            "rated_at": stamp(rated),
            "follow_up_due": due.isoformat(),
            "followed_up_at": stamp(rated + timedelta(days=3)) if due < today else None,
            "case_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        rating_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        text = json.dumps(data, ensure_ascii=False)
        records.append(
            (
                rating_uuid,
                "rating",
                station.code,
                f"pc-{station.code}",
                2,
                rated.date().isoformat(),
                text,
                f"batch-{station.code}-r{n}",
                stamp(rated),
            )
        )
        follow_up = follow_ups.project(rating_uuid, station.code, 2, text)
        assert follow_up is not None
        rows.append(follow_up)
    with db.transaction() as tx:
        tx.executemany(
            "UPDATE stations SET last_sync_at = ?, last_via = ?, pending = ?, "
            "catalogue_version = ?, catalogue_reported_at = ?, calendar_years = ? "
            "WHERE code = ?",
            states,
        )
        _rows(tx, "records", RECORD_COLUMNS, records)
        follow_ups.store(tx, rows)
    return len(rows)


def _load(db: Database, chunk: list[tuple[Any, ...]], counts: dict[str, int]) -> None:
    records = [record for case in chunk for record in case[0]]
    ledger = ledger_rows.from_rows(records)
    projections = [case[1] for case in chunk if case[1] is not None]
    decisions = [d for case in chunk for d in case[2]]
    with db.transaction() as tx:
        _rows(tx, "records", RECORD_COLUMNS, records)
        _rows(
            tx,
            "decisions",
            ("case_uuid", "station", "status", "note", "decided_at", "decided_by"),
            decisions,
        )
        forwarded.store(tx, projections)
        _rows(tx, "ledger_tickets", ledger_rows.TicketRow._fields, ledger.tickets)
        _rows(tx, "ledger_cases", ledger_rows.CaseRow._fields, ledger.cases)
        _rows(tx, "ledger_items", ledger_rows.ItemRow._fields, ledger.items)
        _rows(tx, "ledger_ratings", ledger_rows.RatingRow._fields, ledger.ratings)
    counts["cases"] += len(chunk)
    counts["tickets"] += len(ledger.tickets)
    counts["ratings"] += len(ledger.ratings)
    counts["forwarded"] += len(projections)
    counts["decisions"] += len(decisions)


def _rows(tx: Tx, table: str, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if tx.dialect == "postgres":
        with (
            tx.conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        tx.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows,
        )
