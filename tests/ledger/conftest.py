"""The ledger's fixture period, made through the services on a real store: 2026-09-30 (the
last working day before the National Day holiday, 10-01..10-07, with 10-10 a make-up
working Saturday) to 2026-10-09. Every figure of it is computed by hand in test_figures.py.

Timeline (window 1 王丽, window 2 李强):
  09-30 08:30 T1 issued, called 08:40 (wait 10); case A: YB0201 (instant 5 min) opened
        08:41, accepted 08:42, completed 08:46 (5 min, on the spot, on time); rated 5.
  09-30 08:50 T2 (priority) issued, called 09:05 at window 1 (wait 15: a wait ends at
        the first call), transferred to window 2 09:07, called there 09:10; case B: YB0403
        (promised, handled here) + YB0501 (collected, forwarded) opened 09:11, accepted
        09:12 (forward due 10-10: three working days across the holiday).
  09-30 09:20 T3 issued, called 09:50 (wait 30), skipped: no-show.
  09-30 09:55 T4 issued, called 10:22 (wait 27), ended as consultation only.
  09-30 10:30 T5 issued, called 10:50 (wait 20); case C: YB0101 (instant 10 min) opened
        10:51, accepted 10:52, completed 11:16 (25 min, on the spot, late: due 11:02);
        rated 2 (bad), follow-up due 10-27.
  09-30 14:00 case D (walk-in): YB0501 (collected) opened, accepted 14:05, never
        forwarded: overdue after 10-10.
  09-30 15:00 case E (walk-in): YB0202 opened, never accepted (open, not judged).
  10-08 09:00 T6 issued, called 09:05 (wait 5); case F: YB0403 opened 09:06, accepted
        09:08, completed 09:30 (on the spot, on time); rated 1 (bad), follow-up due 10-28.
  10-09 10:00 case B forwarded (on time: due 10-10); its YB0403 finished then (on time,
        not on the spot). F's bad rating followed up (on time).
  10-28 10:00 C's bad rating followed up (late: due 10-27).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from counterapp import pins
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.clock import CST, FixedClock
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.station import ADMIN, add_clerk
from tests.conftest import PIN, TOWN, make_id


def at(month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


class Period:
    """What the fixture made, for the tests to name."""

    def __init__(self, counter: Counter, clock: FixedClock) -> None:
        self.counter, self.clock = counter, clock
        self.cases: dict[str, int] = {}


def _case(counter: Counter, clerk: int, codes: list[str], seq: str, ticket: int | None = None):
    person = Person("欧阳娜娜", make_id(birth="19900101", sequence=seq))
    return counter.cases.open_case(person, codes, clerk, ticket_id=ticket)


def _accept(counter: Counter, case_id: int, clerk: int):
    case = counter.cases.get(case_id)
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, clerk)
    return counter.cases.accept(case.id, clerk)


@pytest.fixture(scope="module")
def period(tmp_path_factory) -> Period:
    from counterapp import workdays
    from tests.conftest import CHEAP_ARGON2, LIBRARY_YEARS

    workdays.pin_library_years(LIBRARY_YEARS)
    from argon2 import PasswordHasher

    pins.use_hasher(PasswordHasher(**CHEAP_ARGON2))
    clock = FixedClock(at(9, 30, 8, 30))
    counter = Counter.open(tmp_path_factory.mktemp("ledger") / "station.db", clock)
    counter.configure_station(TOWN)
    a = add_clerk(counter.store, "1001", "王丽", clock, role=ADMIN, pin_hash=pins.hash_pin(PIN)).id
    b = add_clerk(counter.store, "1002", "李强", clock, pin_hash=pins.hash_pin(PIN)).id
    made = Period(counter, clock)
    q, cases, ratings = counter.queue, counter.cases, counter.ratings

    def issue_and_call(
        issued: datetime, called: datetime, window: int, clerk: int, lane: Lane = Lane.NORMAL
    ):
        clock.set(issued)
        q.issue(lane, "老年人" if lane == Lane.PRIORITY else None)
        clock.set(called)
        ticket = q.call_next(window, clerk)
        assert ticket is not None
        return ticket

    # T1, case A
    t1 = issue_and_call(at(9, 30, 8, 30), at(9, 30, 8, 40), 1, a)
    clock.set(at(9, 30, 8, 41))
    case_a = _case(counter, a, ["YB0201"], "101", t1.id)
    clock.set(at(9, 30, 8, 42))
    _accept(counter, case_a.id, a)
    clock.set(at(9, 30, 8, 46))
    cases.complete(case_a.id, a)
    q.finish(t1.id, a)
    ratings.rate(cases.get(case_a.id), RatingLevel.VERY_SATISFIED)
    # T2 (priority), transferred; case B
    t2 = issue_and_call(at(9, 30, 8, 50), at(9, 30, 9, 5), 1, a, Lane.PRIORITY)
    clock.set(at(9, 30, 9, 7))
    q.transfer(t2.id, 2, a, "需到2号窗口办理")
    clock.set(at(9, 30, 9, 10))
    assert q.call_next(2, b).id == t2.id
    clock.set(at(9, 30, 9, 11))
    case_b = _case(counter, b, ["YB0403", "YB0501"], "102", t2.id)
    clock.set(at(9, 30, 9, 12))
    _accept(counter, case_b.id, b)
    q.finish(t2.id, b)
    # T3 no-show, T4 consultation only
    t3 = issue_and_call(at(9, 30, 9, 20), at(9, 30, 9, 50), 1, a)
    q.skip(t3.id, a)
    t4 = issue_and_call(at(9, 30, 9, 55), at(9, 30, 10, 22), 1, a)
    q.end_without_case(t4.id, a, "仅咨询政策")
    # T5, case C: late, rated bad
    t5 = issue_and_call(at(9, 30, 10, 30), at(9, 30, 10, 50), 1, a)
    clock.set(at(9, 30, 10, 51))
    case_c = _case(counter, a, ["YB0101"], "103", t5.id)
    clock.set(at(9, 30, 10, 52))
    _accept(counter, case_c.id, a)
    clock.set(at(9, 30, 11, 16))
    cases.complete(case_c.id, a)
    q.finish(t5.id, a)
    ratings.rate(cases.get(case_c.id), RatingLevel.DISSATISFIED, "等候时间太长")
    # walk-ins D (never forwarded) and E (never accepted)
    clock.set(at(9, 30, 14, 0))
    case_d = _case(counter, a, ["YB0501"], "104")
    clock.set(at(9, 30, 14, 5))
    _accept(counter, case_d.id, a)
    clock.set(at(9, 30, 15, 0))
    case_e = _case(counter, a, ["YB0202"], "105")
    # 10-08: T6, case F, rated very bad
    t6 = issue_and_call(at(10, 8, 9, 0), at(10, 8, 9, 5), 1, a)
    clock.set(at(10, 8, 9, 6))
    case_f = _case(counter, a, ["YB0403"], "106", t6.id)
    clock.set(at(10, 8, 9, 8))
    _accept(counter, case_f.id, a)
    clock.set(at(10, 8, 9, 30))
    cases.complete(case_f.id, a)
    q.finish(t6.id, a)
    ratings.rate(cases.get(case_f.id), RatingLevel.VERY_DISSATISFIED, "态度不好")
    # 10-09: B forwarded, F followed up; 10-28: C followed up late
    clock.set(at(10, 9, 10, 0))
    cases.forward(case_b.id, b)
    ratings.follow_up_done(case_f.id, a, "已电话回访，致歉")
    clock.set(at(10, 28, 10, 0))
    ratings.follow_up_done(case_c.id, a, "已整改并回访")
    made.cases = {
        "A": case_a.id,
        "B": case_b.id,
        "C": case_c.id,
        "D": case_d.id,
        "E": case_e.id,
        "F": case_f.id,
    }
    clock.set(at(11, 30, 18, 0))
    yield made
    counter.close()
    workdays.pin_library_years(None)
    pins.use_hasher(None)
