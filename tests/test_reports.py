"""Demo data and the daily ledger, on a real demo store."""

import importlib.util
from datetime import date, datetime, time, timedelta

import pytest

from counterapp.app import Counter
from counterapp.clock import CST, FixedClock
from counterapp.deadlines import is_overdue
from counterapp.demo import DemoUnavailable, seed_demo
from counterapp.idnumber import parse_id_number
from counterapp.reports import daily_report

TODAY = date(2026, 11, 25)


def open_on_demo_day(path):
    """The demo store as on TODAY's afternoon: start-up closes the open tickets of any earlier
    day, so the store must not be opened with the real clock."""
    return Counter.open(path, FixedClock(datetime.combine(TODAY, time(16, 0), CST)))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "station.db"
    seed_demo(path, days=3, visits_per_day=20, today=TODAY)
    return path


def test_demo_fills_a_realistic_station(demo_store):
    with open_on_demo_day(demo_store) as counter:
        assert counter.station.level == "town"
        states = {row[0] for row in counter.store.all("SELECT DISTINCT state FROM cases")}
        assert {"completed", "forwarded", "materials_incomplete"} <= states
        ids = [row[0] for row in counter.store.all("SELECT applicant_id_number FROM cases")]
        assert all(parse_id_number(number) for number in ids)
        lanes = {row[0] for row in counter.store.all("SELECT DISTINCT lane FROM tickets")}
        assert lanes == {"normal", "priority"}
        today_waiting = counter.store.scalar(
            "SELECT count(*) FROM tickets WHERE day = ? AND status = 'waiting'",
            (TODAY.isoformat(),),
        )
        assert today_waiting > 0


def test_seeding_twice_adds_nothing(demo_store):
    with open_on_demo_day(demo_store) as counter:
        before = counter.store.scalar("SELECT count(*) FROM cases")
    seed_demo(demo_store, today=TODAY)
    with open_on_demo_day(demo_store) as counter:
        assert counter.store.scalar("SELECT count(*) FROM cases") == before


def test_without_faker_no_demo_store_is_made(tmp_path, monkeypatch):
    """The desktop bundle leaves Faker out: --demo says why instead of leaving an empty store."""
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "faker" else found(name, *args),
    )
    with pytest.raises(DemoUnavailable, match="Faker"):
        seed_demo(tmp_path / "demo" / "station.db", today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_daily_report_counts_match_the_rows(demo_store):
    with open_on_demo_day(demo_store) as counter:
        day = date.fromisoformat(
            counter.store.scalar(
                "SELECT day FROM cases WHERE day < ? ORDER BY day DESC LIMIT 1",
                (TODAY.isoformat(),),
            )
        )
        report = daily_report(counter.store, day)
        key = day.isoformat()
        assert report.tickets_issued == counter.store.scalar(
            "SELECT count(*) FROM tickets WHERE day = ?", (key,)
        )
        assert report.cases_opened == counter.store.scalar(
            "SELECT count(*) FROM cases WHERE day = ?", (key,)
        )
        assert report.items_total == sum(report.items_by_code.values())
        assert 0 < report.on_the_spot_rate <= 1
        assert sum(report.ratings_by_level.values()) == counter.store.scalar(
            "SELECT count(*) FROM ratings JOIN cases ON cases.id = ratings.case_id "
            "WHERE cases.day = ?",
            (key,),
        )
        assert report.average_wait_minutes > 0


def test_empty_day_report():
    from db.store import Store

    with Store(":memory:") as store:
        report = daily_report(store, TODAY)
    assert report.tickets_issued == 0 and report.on_the_spot_rate is None


def test_overdue_rules():
    now = datetime(2026, 11, 25, 10, 0, tzinfo=CST)
    assert not is_overdue("2026-11-25", now)  # a day deadline runs to its end
    assert is_overdue("2026-11-24", now)
    assert is_overdue((now - timedelta(minutes=1)).isoformat(), now)
    assert not is_overdue((now + timedelta(minutes=1)).isoformat(), now)
