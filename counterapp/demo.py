"""Demo data: a town station with a few days of realistic visits (Faker's zh_CN locale).

Visits go through the real services with a clock that is moved along, so the demo store holds
exactly what the counter would have written: tickets, cases in every state, events, ratings.
"""

from __future__ import annotations

import importlib.util
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from counterapp import pins
from counterapp.app import Counter
from counterapp.case_model import Agent, Case, CaseError, Person
from counterapp.clock import CST, Clock, FixedClock
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.station import ADMIN, CLERK, Station, add_clerk, clerk_by_login, clerks

if TYPE_CHECKING:
    from faker import Faker

DEMO_STATION = Station(
    code="370883101",
    name="千泉街道医保服务站",
    level="town",
    county_code="370883",
    county_name="邹城市",
    address="千泉街道为民服务中心一楼",
    supervision_phone="0537-5211234",
)
DEMO_CLERKS = (("1001", "王丽"), ("1002", "李强"), ("1003", "赵敏"))  # 王丽 is the admin
# The demo's PIN for every demo clerk, shown on the demo's login screen only (never a real
# store's): `python3 dev.py run`, then this PIN, opens the window.
DEMO_PIN = "246810"
DEMO_HINT = f"演示站点：王丽（站长）、李强、赵敏的PIN均为 {DEMO_PIN}"
PRIORITY_REASONS = ("70岁以上老人", "残疾人", "孕妇", "现役军人")
RATING_WEIGHTS = {
    RatingLevel.VERY_SATISFIED: 70,
    RatingLevel.SATISFIED: 22,
    RatingLevel.BASICALLY_SATISFIED: 6,
    RatingLevel.DISSATISFIED: 2,
}


def _person(fake: Faker) -> Person:
    # Faker's stubs describe the en_US providers; zh_CN's `ssn` takes the ages
    return Person(
        fake.name(),
        fake.ssn(min_age=1, max_age=92),  # type: ignore[call-arg]
        fake.phone_number(),
    )


class _DemoVisits:
    def __init__(self, counter: Counter, clock: FixedClock, seed: int) -> None:
        self.counter = counter
        self.clock = clock
        from faker import Faker  # only demo seeding needs it; the bundle leaves it out

        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.clerk_ids = [clerk.id for clerk in clerks(counter.store)]
        assert counter.station is not None
        self.checklist = [
            item.code for item, _ in counter.catalogue.checklist(counter.station.level)
        ]
        self.others = [code for code in counter.catalogue.items if code not in self.checklist]

    def day(self, day: date, visits: int, finish_all: bool) -> None:
        self.clock.set(datetime.combine(day, time(8, 30), CST))
        for _ in range(visits):
            self.clock.advance(minutes=self.rng.randint(2, 9))
            lane = Lane.PRIORITY if self.rng.random() < 0.15 else Lane.NORMAL
            reason = self.rng.choice(PRIORITY_REASONS) if lane == Lane.PRIORITY else None
            self.counter.queue.issue(lane, reason)
            if len(self.counter.queue.waiting()) > 3:
                self.serve_next()
        while finish_all and self.counter.queue.waiting():
            self.serve_next()

    def serve_next(self) -> None:
        clerk = self.rng.choice(self.clerk_ids)
        window = self.clerk_ids.index(clerk) + 1
        self.clock.advance(minutes=self.rng.randint(1, 4))
        ticket = self.counter.queue.call_next(window, clerk)
        if ticket is None:
            return
        if self.rng.random() < 0.05:
            self.counter.queue.skip(ticket.id, clerk)
            return
        codes = self.rng.sample(self.checklist, k=self.rng.choice((1, 1, 1, 2)))
        if self.rng.random() < 0.1:
            codes.append(self.rng.choice(self.others))
        agent = None
        if self.rng.random() < 0.1:
            helper = _person(self.fake)
            agent = Agent(helper.name, helper.id_number, helper.phone, "子女", "授权委托书")
        try:
            case = self.counter.cases.open_case(
                _person(self.fake), codes, clerk, ticket_id=ticket.id, agent=agent
            )
        except CaseError:
            # Faker rarely produces an ID with a birth date in the future of the demo day
            self.counter.queue.skip(ticket.id, clerk)
            return
        self.work_on(case, clerk)
        self.counter.queue.finish(ticket.id, clerk)

    def work_on(self, case: Case, clerk: int) -> None:
        cases = self.counter.cases
        missing_one = self.rng.random() < 0.12
        needed = [m for m in case.materials if m.applies]
        for index, material in enumerate(needed):
            if not (missing_one and index == len(needed) - 1):
                self.clock.advance(seconds=self.rng.randint(20, 90))
                case = cases.mark_material(case.id, material.key, True, clerk)
        if case.missing_materials:
            cases.notify_missing(case.id, clerk)
            return
        case = cases.accept(case.id, clerk)
        self.clock.advance(minutes=self.rng.randint(2, 9))
        if case.needs_forwarding:
            case = cases.forward(case.id, clerk, "已按帮办代办流程报送县医保中心")
        elif all(item.kind == "instant" for item in case.items) or self.rng.random() < 0.5:
            case = cases.complete(case.id, clerk)
        else:
            return
        level = self.rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
        reason = "等候时间较长" if level.is_bad else ""
        self.counter.ratings.rate(case, level, reason)


class DemoUnavailable(ValueError):
    """Faker is not installed (the desktop bundle leaves it out); str() says so in Chinese."""


def seed_demo(
    path: Path | str,
    days: int = 5,
    visits_per_day: int = 24,
    seed: int = 2026,
    today: date | None = None,
) -> None:
    """Fill a new store at `path` with a demo station; does nothing if it has a station.
    Without Faker it refuses before creating anything, so no empty demo store is left."""
    if importlib.util.find_spec("faker") is None:
        raise DemoUnavailable(
            "本安装不含生成演示数据所需的 Faker 组件（桌面安装包不带它），"
            "无法建立演示站点；请在源代码环境中运行 python3 dev.py run"
        )
    today = today or Clock().today()
    start = datetime.combine(today - timedelta(days=days + 3), time(8, 0), CST)
    clock = FixedClock(start)
    with Counter.open(path, clock, demo=True) as counter:
        if counter.station is not None:
            return
        counter.configure_station(DEMO_STATION)
        ensure_demo_accounts(counter)
        visits = _DemoVisits(counter, clock, seed)
        service_days = [today - timedelta(days=n) for n in range(days * 2, 0, -1)]
        service_days = [d for d in service_days if counter.calendar.is_workday(d)][-days:]
        for day in service_days:
            visits.day(day, visits_per_day, finish_all=True)
            counter.queue.close_day(day)
        visits.day(today, visits_per_day // 2, finish_all=False)


def ensure_demo_accounts(counter: Counter) -> None:
    """The demo clerks with `DEMO_PIN`, 王丽 the admin: made with a new demo store, and given
    to a demo store made before clerk accounts (whose clerks have no PIN)."""
    if counter.station != DEMO_STATION or counter.store.scalar(
        "SELECT 1 FROM clerks WHERE role = ?", (ADMIN,)
    ):
        return
    hashed = pins.hash_pin(DEMO_PIN)  # one hash for all: it is the demo
    with counter.store.transaction():
        for index, (login, name) in enumerate(DEMO_CLERKS):
            role = ADMIN if index == 0 else CLERK
            if clerk_by_login(counter.store, login) is None:
                add_clerk(counter.store, login, name, counter.clock, role=role, pin_hash=hashed)
            else:
                counter.store.execute(
                    "UPDATE clerks SET role = ?, pin_hash = ? WHERE login = ?",
                    (role, hashed, login),
                )
