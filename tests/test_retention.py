"""The retention period: personal fields of long-finished cases erased, their counts kept."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from counterapp import retention
from counterapp.app import Counter
from counterapp.case_model import Agent, Person
from counterapp.clock import CST
from counterapp.ledger.figures import Period
from counterapp.ledger.report import station_ledger
from counterapp.slips import Layout, prepare_notice, record_print
from counterapp.sync import outbox
from tests.conftest import make_id

APPLICANT = Person("欧阳娜娜", make_id(birth="19900101", sequence="342"), "13812345678")
AGENT = Agent(
    "李明", make_id(birth="19850607", sequence="251"), "13987654321", "子女", "授权委托书"
)


def finished_case(counter, person=APPLICANT):
    """A case with an agent, its notice printed (the slip content names the applicant), then
    finished on the spot."""
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(person, ["YB0302"], clerk, agent=AGENT)
    case = counter.cases.notify_missing(case.id, clerk)
    record_print(counter, prepare_notice(counter, case.id, Layout.A4, clerk_id=clerk).pending)
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, clerk)
    case = counter.cases.accept(case.id, clerk)
    return counter.cases.complete(case.id, clerk)


def acknowledge_everything(counter):
    ident = outbox.identity(counter.store)
    while (batch := outbox.new_batch(counter.store, ident, counter.clock)) is not None:
        outbox.mark_acked(counter.store, batch.batch_id, None, counter.clock)


def reopen(counter, path):
    counter.close()
    return Counter.open(path, counter.clock)


def test_personal_fields_are_erased_after_three_years_and_the_counts_stay(tmp_path, counter, clock):
    case = finished_case(counter)
    kept = counter.cases.open_case(
        Person("张三", make_id(sequence="777")), ["YB0302"], counter.clerk_a.id
    )  # still open: never erased
    acknowledge_everything(counter)
    day = Period.day(clock.today())
    report_before = station_ledger(counter.store, "", day, counter.calendar, day.end()).figures
    clock.set(clock.now() + timedelta(days=3 * 365))  # not yet three years
    counter = reopen(counter, tmp_path / "station.db")
    assert counter.erased.cases == 0
    clock.set(datetime(2029, 11, 26, 9, 0, tzinfo=CST))  # three years and a day
    counter = reopen(counter, tmp_path / "station.db")
    try:
        assert counter.erased.cases == 1
        erased = counter.cases.get(case.id)
        assert (erased.applicant.name, erased.applicant.id_number, erased.applicant.phone) == (
            "欧**娜",
            APPLICANT.id_number[:4] + "*" * 10 + APPLICANT.id_number[-4:],
            "",
        )
        assert erased.agent is not None and erased.agent.name == "李*"
        assert erased.agent.phone in ("", None) and "*" in erased.agent.id_number
        assert counter.cases.get(kept.id).applicant.name == "张三"
        text = json.dumps(
            [
                tuple(row)
                for row in counter.store.all(
                    "SELECT e.data FROM events AS e UNION ALL SELECT slip_content FROM slip_prints"
                )
            ],
            ensure_ascii=False,
        )
        for value in (
            APPLICANT.name,
            APPLICANT.id_number,
            APPLICANT.phone,
            AGENT.name,
            AGENT.id_number,
            AGENT.phone,
        ):
            assert value not in text
        assert "欧**娜" in text  # the slip's content, masked
        after = station_ledger(counter.store, "", day, counter.calendar, day.end()).figures
        assert after == report_before
        event = counter.store.one("SELECT data FROM events WHERE kind = 'personal_data_erased'")
        assert json.loads(event["data"])["cases"] == 1
        assert counter.store.scalar("SELECT count(*) FROM erasing") == 0
        assert counter.store.scalar("SELECT count(*) FROM outbox WHERE acked_at IS NULL") == 0
        assert retention.erase_expired(counter.store, counter.clock).cases == 0  # once
    finally:
        counter.close()


def test_a_case_waiting_for_upload_keeps_its_data_until_acknowledged(tmp_path, counter, clock):
    case = finished_case(counter)
    clock.set(datetime(2030, 1, 1, 9, 0, tzinfo=CST))
    counter = reopen(counter, tmp_path / "station.db")
    try:
        assert counter.erased.cases == 0
        assert counter.cases.get(case.id).applicant.name == APPLICANT.name
        acknowledge_everything(counter)
        assert retention.erase_expired(counter.store, counter.clock).cases == 1
    finally:
        counter.close()


def test_the_period_is_a_setting_of_at_least_one_year(counter, clock):
    finished_case(counter)
    acknowledge_everything(counter)
    with pytest.raises(ValueError, match="至少为1年"):
        retention.set_years(counter.settings, 0)
    retention.set_years(counter.settings, 1)
    clock.set(clock.now() + timedelta(days=367))
    assert retention.erase_expired(counter.store, clock).cases == 1


def test_the_event_log_stays_append_only_outside_an_erasure(counter):
    finished_case(counter)
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("UPDATE events SET data = '{}' WHERE id = 1")
    with counter.store.transaction():
        counter.store.execute("INSERT INTO erasing (id) VALUES (1)")
        with pytest.raises(Exception, match="append-only"):  # only the data may change
            counter.store.execute("UPDATE events SET kind = 'x' WHERE id = 1")
        counter.store.execute("DELETE FROM erasing")
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("UPDATE slip_prints SET slip_content = '{}'")
