"""The retention period: personal fields of long-finished cases, long-closed complaints and
people long off the watch list erased, their counts kept."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from counterapp import retention, watch_list
from counterapp.app import Counter
from counterapp.case_model import Agent, Person
from counterapp.clock import CST, stamp
from counterapp.complaints import Channel, Feedback, NewComplaint
from counterapp.ledger.figures import Period
from counterapp.ledger.report import station_ledger
from counterapp.privacy import mask_id_number
from counterapp.slips import Layout, prepare_notice, record_print
from counterapp.sync import handed_keys, outbox, wire
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


# --- complaints and the watch list -------------------------------------------------------

COMPLAINANT = Person("欧阳娜娜", make_id(birth="19700203", sequence="482"), "13900001111")


def announce_every_type(counter):
    """As after an ack of a hub that takes every record type (complaints, contacts too)."""
    counter.settings.set(handed_keys.ACCEPTS_SETTING, list(wire.RECORD_TYPES))


def closed_complaint(counter):
    """A complaint whose texts name the complainant (as clerks type them), noted and closed."""
    clerk = counter.clerk_a.id
    complaint = counter.complaints.register(
        NewComplaint(
            Channel.PHONE,
            COMPLAINANT.name,
            COMPLAINANT.phone,
            f"{COMPLAINANT.name}来电（{COMPLAINANT.phone}）反映窗口人员态度生硬",
            id_number=COMPLAINANT.id_number,
        ),
        clerk,
    )
    counter.complaints.add_note(complaint.id, f"已回电{COMPLAINANT.phone}说明", clerk)
    return counter.complaints.close(
        complaint.id, f"已向{COMPLAINANT.name}说明处理结果", Feedback.SATISFIED, clerk
    )


def test_a_closed_complaint_loses_its_personal_data_and_the_ledger_stays(counter, clock):
    announce_every_type(counter)
    complaint = closed_complaint(counter)
    still_open = counter.complaints.register(
        NewComplaint(Channel.WINDOW, "张三", "13800002222", "等候时间太长"), counter.clerk_a.id
    )
    acknowledge_everything(counter)
    waiting = closed_complaint(counter)  # closed as well, its upload not acknowledged
    day = Period.day(clock.today())
    before = station_ledger(counter.store, "", day, counter.calendar, day.end()).figures
    history = [note[:2] for note in counter.complaints.notes(complaint)]

    clock.set(clock.now() + timedelta(days=3 * 365))  # not yet three years
    assert retention.erase_expired(counter.store, clock).complaints == 0
    clock.set(datetime(2029, 11, 26, 9, 0, tzinfo=CST))
    erased = retention.erase_expired(counter.store, clock)
    assert (erased.cases, erased.complaints, erased.watch_people) == (0, 1, 0)

    done = counter.complaints.get(complaint.id)
    assert (done.name, done.phone) == ("欧**娜", "")
    assert done.id_number == COMPLAINANT.id_number[:4] + "*" * 10 + COMPLAINANT.id_number[-4:]
    assert done.about == "欧**娜来电（）反映窗口人员态度生硬"
    assert done.result == "已向欧**娜说明处理结果"
    assert (done.state, done.received_at, done.closed_at, done.due, done.feedback) == (
        complaint.state,
        complaint.received_at,
        complaint.closed_at,
        complaint.due,
        complaint.feedback,
    )
    assert [note[:2] for note in counter.complaints.notes(done)] == history
    erased_at = "SELECT personal_erased_at FROM complaints WHERE id = ?"
    assert counter.store.scalar(erased_at, (complaint.id,)) == stamp(clock.now())
    assert counter.store.scalar(erased_at, (waiting.id,)) is None
    assert counter.store.scalar(erased_at, (still_open.id,)) is None
    text = json.dumps(
        [row[0] for row in counter.store.all("SELECT data FROM events")], ensure_ascii=False
    )
    assert COMPLAINANT.phone in text  # only in the complaint still waiting for upload
    assert counter.complaints.get(waiting.id).name == COMPLAINANT.name
    assert counter.complaints.get(still_open.id).phone == "13800002222"
    after = station_ledger(counter.store, "", day, counter.calendar, day.end()).figures
    assert after == before
    event = counter.store.one(
        "SELECT data FROM events WHERE kind = 'personal_data_erased' ORDER BY id DESC"
    )
    assert json.loads(event["data"])["complaints"] == 1
    assert COMPLAINANT.name not in event["data"]

    acknowledge_everything(counter)
    clock.set(clock.now() + timedelta(days=1))
    assert retention.erase_expired(counter.store, clock).complaints == 1  # the waiting one
    assert counter.store.scalar(erased_at, (waiting.id,)) == stamp(clock.now())
    assert counter.store.scalar(erased_at, (complaint.id,)) == "2029-11-26T09:00:00+08:00"
    text = json.dumps(
        [tuple(row) for row in counter.store.all("SELECT data FROM events")]
        + [tuple(row) for row in counter.store.all("SELECT * FROM complaints")],
        ensure_ascii=False,
    )
    for value in (COMPLAINANT.name, COMPLAINANT.id_number, COMPLAINANT.phone):
        assert value not in text
    assert retention.erase_expired(counter.store, clock).complaints == 0  # once


def masked_alike(number: str) -> str:
    """Another valid ID number of the same region that masks exactly like `number`."""
    for day in range(1, 29):
        other = make_id(birth=f"196001{day:02d}", sequence=number[14:17])
        if other != number and mask_id_number(other) == mask_id_number(number):
            return other
    raise AssertionError("no ID number masks alike")


def test_people_off_the_watch_list_are_masked_with_their_contacts(counter, clock):
    announce_every_type(counter)
    gone, twin, kept, waiting, recent = (
        make_id(sequence="201"),
        masked_alike(make_id(sequence="201")),
        make_id(sequence="203"),
        make_id(sequence="204"),
        make_id(sequence="205"),
    )
    names = {gone: "欧阳娜娜", twin: "欧阳春燕", kept: "李四", waiting: "王五", recent: "赵六"}
    people = [
        {"id_number": number, "name": name, "category": "脱贫人口", "cost_fen": 1_200_000}
        for number, name in names.items()
    ]
    watch_list.apply_published(counter.store, {"id": 1, "people": people}, clock)

    def contact(number, note=""):
        watch_list.record_contact(
            counter.store, number, clock.now(), "电话", "政策告知", note, None, clock
        )

    contact(gone, f"已电话告知{names[gone]}本人医疗救助政策")
    contact(gone)
    acknowledge_everything(counter)
    watch_list.apply_published(counter.store, {"id": 2, "people": people[2:3]}, clock)
    contact(waiting)
    sent = outbox.new_batch(counter.store, outbox.identity(counter.store), clock)  # never acked
    clock.set(clock.now() + timedelta(days=2 * 365))
    contact(recent)  # two years after the list dropped them
    acknowledge_everything(counter)
    every_contact = (
        "SELECT uuid, list_id, contacted_at, method, content, recorded_at FROM watch_contacts"
    )
    contacts_before = counter.store.all(every_contact)

    clock.set(datetime(2029, 11, 26, 9, 0, tzinfo=CST))
    erased = retention.erase_expired(counter.store, clock)
    assert (erased.cases, erased.complaints, erased.watch_people) == (0, 0, 2)
    rows = dict(counter.store.all("SELECT id_number, name FROM watch_people"))
    erased_at = dict(counter.store.all("SELECT id_number, personal_erased_at FROM watch_people"))
    masked = mask_id_number(gone)
    assert {rows.get(masked), rows.get(masked + "-2")} == {"欧**娜", "欧**燕"}
    assert {kept, waiting, recent} <= set(rows) and gone not in rows and twin not in rows
    assert erased_at[masked] == erased_at[masked + "-2"] == stamp(clock.now())
    assert [erased_at[number] for number in (kept, waiting, recent)] == [None] * 3
    assert [p.name for p in watch_list.people(counter.store)] == ["李四"]
    their_key = next(key for key, name in rows.items() if name == "欧**娜")
    notes = [c.note for c in watch_list.contacts(counter.store, their_key)]
    assert sorted(notes) == ["", "已电话告知欧**娜本人医疗救助政策"]
    assert counter.store.all(every_contact) == contacts_before  # every one kept, with its dates
    assert counter.store.scalar("PRAGMA foreign_key_check") is None
    event = counter.store.one("SELECT data FROM events WHERE kind = 'personal_data_erased'")
    assert json.loads(event["data"])["watch_people"] == 2
    assert names[gone] not in event["data"] and gone not in event["data"]

    outbox.mark_acked(counter.store, sent.batch_id, None, clock)
    assert retention.erase_expired(counter.store, clock).watch_people == 1  # waiting's turn
    assert counter.store.scalar(
        "SELECT personal_erased_at FROM watch_people WHERE id_number = ?",
        (mask_id_number(waiting),),
    ) == stamp(clock.now())
    assert retention.erase_expired(counter.store, clock).watch_people == 0  # recent: 1 year
