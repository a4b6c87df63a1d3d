"""Every figure of the fixture period (tests/ledger/conftest.py), computed by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from counterapp.clock import CST
from counterapp.ledger import station_facts
from counterapp.ledger.facts import ComplaintFact, Facts
from counterapp.ledger.figures import (
    Figure,
    Period,
    Tally,
    by_day,
    compute,
    item_rows,
    merge,
    percentile,
    tally,
)
from counterapp.ledger.report import station_ledger, station_tally
from counterapp.workdays import WorkCalendar
from tests.ledger.conftest import at

PERIOD = Period(date(2026, 9, 30), date(2026, 10, 9))
AS_OF = at(11, 30, 18, 0)
WAITS = [10, 15, 30, 27, 20, 5]


def figures(counter, period=PERIOD, as_of=AS_OF) -> dict[str, Figure]:
    facts = station_facts.read(counter.store, period)
    return {f.key: f for f in compute(period, facts, WorkCalendar(), as_of)}


def test_tickets(period):
    got = figures(period.counter)
    assert [got[k].value for k in ("tickets_issued", "tickets_served", "tickets_consulted")] == [
        6,
        4,
        1,
    ]
    assert got["tickets_no_show"].value == 1 and got["tickets_unserved"].value == 0
    assert got["tickets_transferred"].value == 1
    assert got["wait_mean"].value == pytest.approx(sum(WAITS) / 6)  # 17.83: T2's first call counts
    assert got["wait_p90"].value == pytest.approx(30)  # nearest rank: the 6th of 6


def test_cases_and_items(period):
    got = figures(period.counter)
    assert got["cases_opened"].value == 6 and got["items_total"].value == 7
    # on the spot: A's YB0201, C's YB0101, F's YB0403 — not B's two, D's, E's
    spot = got["on_the_spot_rate"]
    assert spot.value == pytest.approx(300 / 7) and spot.detail == "3 / 7 项"
    assert spot.met is False and spot.target == "≥ 90%"
    # this station's items judged against their due: A, B's YB0403, F on time; C late;
    # E's YB0202 was never accepted (no due)
    on_time = got["items_on_time"]
    assert on_time.value == pytest.approx(75) and on_time.met is False
    # instant items: A 5 min, C 25 min (opened to finished)
    assert got["instant_mean"].value == pytest.approx(15) and got["instant_mean"].met is False
    # forwarding: B on 10-09 (due 10-10 across the holiday), D never (late after 10-10)
    forwarded = got["forwarded_on_time"]
    assert forwarded.detail == "1 / 2 件" and forwarded.met is False
    assert got["cases_open"].value == 2  # D accepted, E received
    assert got["cases_overdue"].value == 1 and got["cases_overdue"].met is False


def test_the_holiday_counts_in_the_forward_due(period):
    """B was forwarded on the 4th calendar weekday after acceptance, inside the holiday's
    three working days (09-30 + 3 = 10-10, a make-up Saturday): on time, and D is judged
    late only after 10-10."""
    before = figures(period.counter, as_of=at(10, 10, 23, 0))
    assert before["forwarded_on_time"].detail == "1 / 1 件"
    assert before["forwarded_on_time"].met is True and before["cases_overdue"].value == 0
    after = figures(period.counter, as_of=at(10, 11, 0, 0))
    assert after["forwarded_on_time"].detail == "1 / 2 件" and after["cases_overdue"].value == 1


def test_ratings_and_follow_ups(period):
    got = figures(period.counter)
    assert got["ratings_total"].value == 3
    assert [got[f"ratings_{level}"].value for level in (5, 4, 3, 2, 1)] == [1, 0, 0, 1, 1]
    follow = got["follow_up_on_time"]  # F on 10-09 (due 10-28); C on 10-28 (due 10-27)
    assert follow.detail == "1 / 2 条" and follow.met is False and follow.value == 50


def test_a_follow_up_not_yet_due_is_not_judged(period):
    got = figures(period.counter, as_of=at(10, 9, 18, 0))
    assert got["follow_up_on_time"].detail == "1 / 1 条" and got["follow_up_on_time"].met


def test_a_single_day(period):
    got = figures(period.counter, Period.day(date(2026, 10, 8)))
    assert got["tickets_issued"].value == 1 and got["cases_opened"].value == 1
    assert got["on_the_spot_rate"].value == 100 and got["on_the_spot_rate"].met is True
    assert got["ratings_total"].value == 1


def test_the_days_add_up_to_the_period(period):
    facts = station_facts.read(period.counter.store, PERIOD)
    days = by_day(PERIOD, facts, WorkCalendar(), AS_OF)
    assert list(days) == PERIOD.days()
    assert days[date(2026, 9, 30)].issued == 5 and days[date(2026, 10, 8)].issued == 1
    assert days[date(2026, 10, 3)] == Tally()  # the holiday
    assert merge(days.values()) == tally(PERIOD, facts, WorkCalendar(), AS_OF)


MOMENTS = [at(9, 30, 9, 0), at(9, 30, 23, 0), at(10, 9, 9, 0), at(10, 10, 23, 0), AS_OF]


@pytest.mark.parametrize("as_of", MOMENTS, ids=[m.strftime("%m-%d %H:%M") for m in MOMENTS])
def test_the_station_counts_in_sql_what_the_definition_counts(period, as_of):
    """station_tally (SQL, what the window and the exports use) = figures.tally over the
    facts, day by day, at moments before, during and after each due."""
    store = period.counter.store
    facts = station_facts.read(store, PERIOD)
    in_sql, rows = station_tally.count(store, PERIOD, as_of)
    defined = by_day(PERIOD, facts, WorkCalendar(), as_of)
    for day in PERIOD.days():
        assert in_sql[day]._replace(waits=sorted(in_sql[day].waits)) == defined[day]._replace(
            waits=sorted(defined[day].waits)
        ), day
    expected = item_rows(PERIOD, facts.items, as_of)
    assert [r._replace(mean_minutes=None) for r in rows] == [
        r._replace(mean_minutes=None) for r in expected
    ]
    assert [r.mean_minutes for r in rows] == pytest.approx([r.mean_minutes for r in expected])


def test_handling_time_per_item(period):
    facts = station_facts.read(period.counter.store, PERIOD)
    rows = {row.item_code: row for row in item_rows(PERIOD, facts.items, AS_OF)}
    assert set(rows) == {"YB0101", "YB0201", "YB0202", "YB0403", "YB0501"}
    assert rows["YB0101"].late == 1 and rows["YB0101"].met is False
    assert rows["YB0101"].mean_minutes == pytest.approx(25) and rows["YB0101"].limit == "10 分钟"
    assert rows["YB0403"].items == 2 and rows["YB0403"].on_time == 2 and rows["YB0403"].met
    # B: opened 09-30 09:11, finished 10-09 10:00; F: 22 + 2 = 24 minutes
    b = (at(10, 9, 10, 0) - at(9, 30, 9, 11)).total_seconds() / 60
    assert rows["YB0403"].mean_minutes == pytest.approx((b + 24) / 2)
    assert rows["YB0501"].finished_here == 0 and rows["YB0501"].met is None


def test_the_ledger_is_judged_as_of_now(period):
    now = at(10, 10, 12, 0)
    got = {
        f.key: f
        for f in station_ledger(period.counter.store, "", PERIOD, WorkCalendar(), now).figures
    }
    assert got["cases_overdue"].value == 0  # D's forward is due at the end of 10-10
    past = {
        f.key: f
        for f in station_ledger(period.counter.store, "", PERIOD, WorkCalendar(), AS_OF).figures
    }
    assert past == figures(period.counter)


def test_complaints():
    received = datetime(2026, 10, 8, 9, 0, tzinfo=CST)
    due = received + timedelta(days=7)
    complaints = [
        ComplaintFact(received, due, due - timedelta(hours=1)),  # on time
        ComplaintFact(received, due, due + timedelta(hours=1)),  # late
        ComplaintFact(received, due + timedelta(days=60), None),  # open, not yet due
        ComplaintFact(received - timedelta(days=30), due, None),  # outside the period
    ]
    facts = Facts([], [], [], [], complaints)
    got = {f.key: f for f in compute(PERIOD, facts, WorkCalendar(), AS_OF)}
    assert got["complaints_received"].value == 3
    assert got["complaints_on_time"].detail == "1 / 2 件" and got["complaints_on_time"].met is False


def test_an_empty_period_judges_nothing():
    got = compute(PERIOD, Facts([], [], [], [], []), WorkCalendar(), AS_OF)
    assert all(f.met is None or f.key == "cases_overdue" for f in got)
    assert {f.key: f.text for f in got}["wait_mean"] == "—"


def test_percentile_is_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 12)], 0.9) == 10.0


def test_a_month():
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.month(2026, 2).last == date(2026, 2, 28)
