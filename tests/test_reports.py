"""Demo data and the daily ledger, on a real demo store."""

import importlib.util
from datetime import date, datetime, time, timedelta

import pytest

from counterapp.app import Counter
from counterapp.clock import CST, FixedClock
from counterapp.deadlines import is_overdue
from counterapp.demo import DemoUnavailable, seed_demo
from counterapp.idnumber import parse_id_number
from counterapp.ledger import station_facts
from counterapp.ledger.figures import Period, compute, values
from counterapp.ledger.report import station_ledger

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


def test_the_day_ledger_counts_match_the_rows(demo_store):
    with open_on_demo_day(demo_store) as counter:
        day = date.fromisoformat(
            counter.store.scalar(
                "SELECT day FROM cases WHERE day < ? ORDER BY day DESC LIMIT 1",
                (TODAY.isoformat(),),
            )
        )
        got = values(
            station_ledger(counter.store, "", Period.day(day), counter.calendar, now()).figures
        )
        key = day.isoformat()
        assert got["tickets_issued"] == counter.store.scalar(
            "SELECT count(*) FROM tickets WHERE day = ?", (key,)
        )
        assert got["cases_opened"] == counter.store.scalar(
            "SELECT count(*) FROM cases WHERE day = ?", (key,)
        )
        assert got["items_total"] == counter.store.scalar(
            "SELECT count(*) FROM case_items JOIN cases ON cases.id = case_id WHERE day = ?",
            (key,),
        )
        assert 0 < (got["on_the_spot_rate"] or 0) <= 100
        assert got["ratings_total"] == counter.store.scalar(
            "SELECT count(*) FROM ratings WHERE substr(rated_at, 1, 10) = ?", (key,)
        )
        assert (got["wait_mean"] or 0) > 0


def test_empty_day_ledger(counter):
    got = values(
        station_ledger(counter.store, "", Period.day(TODAY), counter.calendar, now()).figures
    )
    assert got["tickets_issued"] == 0 and got["on_the_spot_rate"] is None


def now():
    return datetime.combine(TODAY, time(16, 0), CST)


def test_overdue_rules():
    now = datetime(2026, 11, 25, 10, 0, tzinfo=CST)
    assert not is_overdue("2026-11-25", now)  # a day deadline runs to its end
    assert is_overdue("2026-11-24", now)
    assert is_overdue((now - timedelta(minutes=1)).isoformat(), now)
    assert not is_overdue((now + timedelta(minutes=1)).isoformat(), now)


def test_the_ledger_counted_in_sql_equals_the_definition_on_the_demo(demo_store):
    """Three random demo days: the window's ledger (station_tally, SQL) against
    figures.compute over the facts."""
    with open_on_demo_day(demo_store) as counter:
        period = Period(TODAY - timedelta(days=3), TODAY)
        ledger = station_ledger(counter.store, "demo", period, counter.calendar, now())
        facts = station_facts.read(counter.store, period)
        defined = compute(period, facts, counter.calendar, now())
        assert [f._replace(value=None) for f in ledger.figures] == [
            f._replace(value=None) for f in defined
        ]
        assert [f.value for f in ledger.figures] == pytest.approx([f.value for f in defined])
        assert values(defined)["tickets_issued"] > 0 and values(defined)["cases_opened"] > 0
