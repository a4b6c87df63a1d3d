"""The complaints register (投诉登记): states, deadline, bounded text, bad input stores nothing."""

from datetime import datetime

import pytest

from counterapp import journal
from counterapp.case_model import Person
from counterapp.clock import CST
from counterapp.complaints import (
    Channel,
    ComplaintError,
    ComplaintState,
    Feedback,
    NewComplaint,
)
from tests.conftest import make_id

COMPLAINT = NewComplaint(Channel.WINDOW, "赵𠮷", "13900001111", "等候时间过长，窗口无人")


def count(counter, table):
    return counter.store.scalar(f"SELECT count(*) FROM {table}")


def test_register_links_a_case_and_a_clerk_and_queues_a_record(counter):
    case = counter.cases.open_case(
        Person("张三", make_id(), "13812345678"), ["YB0301"], counter.clerk_a.id
    )
    new = COMPLAINT._replace(case_no=case.case_no, clerk_login="1002", id_number=make_id())
    complaint = counter.complaints.register(new, counter.clerk_a.id)
    assert complaint.complaint_no == "TS20261125001"
    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.case_no == case.case_no
    assert complaint.clerk_name == "李强"
    assert complaint.name == "赵𠮷"
    # Wednesday 2026-11-25 + 15 working days: three weekends in between
    assert complaint.due == "2026-12-16"
    assert not complaint.due_provisional
    queued = counter.store.all(
        "SELECT record_type, record_version FROM outbox WHERE record_uuid = ?", (complaint.uuid,)
    )
    assert [tuple(row) for row in queued] == [("complaint", 1)]
    second = counter.complaints.register(COMPLAINT._replace(channel=Channel.HOTLINE), None)
    assert second.complaint_no == "TS20261125002"
    assert second.channel.label == "12345转办"


def test_deadline_skips_national_day_and_counts_the_make_up_saturday(counter, clock):
    clock.set(datetime(2026, 9, 30, 16, 0, tzinfo=CST))
    complaint = counter.complaints.register(COMPLAINT, None)
    # 10-01..10-07 off, Saturday 10-10 worked: the 15th working day is 10-27 (not 10-21)
    assert complaint.due == "2026-10-27"
    clock.set(datetime(2026, 10, 27, 23, 0, tzinfo=CST))
    assert not complaint.overdue(clock.now())
    clock.set(datetime(2026, 10, 28, 8, 0, tzinfo=CST))
    assert complaint.overdue(clock.now())
    assert [c.id for c in counter.complaints.overdue(clock.now())] == [complaint.id]


def test_notes_then_close_with_result_and_feedback(counter, clock):
    complaint = counter.complaints.register(COMPLAINT, counter.clerk_a.id)
    clock.advance(hours=2)
    noted = counter.complaints.add_note(complaint.id, "已电话联系投诉人\n说明情况", 1)
    assert noted.state == ComplaintState.HANDLING
    counter.complaints.add_note(complaint.id, "已调整窗口排班", counter.clerk_a.id)
    closed = counter.complaints.close(
        complaint.id, "已加开窗口，向投诉人反馈", Feedback.BASICALLY_SATISFIED, counter.clerk_a.id
    )
    assert closed.state == ComplaintState.CLOSED
    assert closed.feedback == Feedback.BASICALLY_SATISFIED
    assert closed.closed_at == "2026-11-25T11:00:00+08:00"
    assert not closed.overdue(clock.now())
    kinds = [note.kind for note in counter.complaints.notes(closed)]
    assert kinds == ["received", "note", "note", "closed"]
    assert counter.complaints.notes(closed)[1].text == "已电话联系投诉人\n说明情况"
    versions = counter.store.all(
        "SELECT record_version FROM outbox WHERE record_uuid = ? ORDER BY seq", (closed.uuid,)
    )
    assert [row[0] for row in versions] == [1, 2, 3, 4]
    with pytest.raises(ComplaintError, match="当前为「已办结」"):
        counter.complaints.add_note(complaint.id, "再补一句", None)
    with pytest.raises(ComplaintError, match="不能改为「已办结」"):
        counter.complaints.close(complaint.id, "再办结", Feedback.SATISFIED, None)
    assert len(journal.events_of(counter.store, closed.uuid)) == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "投诉人姓名不能为空"),
        ({"phone": ""}, "请填写投诉人的联系电话"),
        ({"phone": "12345"}, "联系电话格式不正确"),
        ({"id_number": "110105194912310021"}, "校验位"),
        ({"about": "  \n "}, "请填写投诉内容"),
        ({"about": "长" * 501}, "投诉内容最多 500 个字（现有 501 个）"),
        ({"about": "看不见\u200b的字"}, "看不见的控制字符"),
        ({"case_no": "370883101-20261125-01-9999"}, "没有办件号为 370883101-20261125-01-9999"),
        ({"clerk_login": "9999"}, "没有工号为 9999 的经办人员"),
    ],
)
def test_bad_input_is_named_and_nothing_stored(counter, change, message):
    before = count(counter, "events"), count(counter, "outbox")
    with pytest.raises(ComplaintError, match=message):
        counter.complaints.register(COMPLAINT._replace(**change), None)
    assert count(counter, "complaints") == 0
    assert (count(counter, "events"), count(counter, "outbox")) == before


def test_bad_note_or_result_changes_nothing(counter):
    complaint = counter.complaints.register(COMPLAINT, None)
    before = count(counter, "events"), count(counter, "outbox")
    with pytest.raises(ComplaintError, match="请填写处理情况"):
        counter.complaints.add_note(complaint.id, " ", None)
    with pytest.raises(ComplaintError, match="处理结果最多 500 个字"):
        counter.complaints.close(complaint.id, "长" * 501, Feedback.SATISFIED, None)
    assert (count(counter, "events"), count(counter, "outbox")) == before
    assert counter.complaints.get(complaint.id) == complaint


def test_listing_puts_open_ones_first_by_deadline(counter, clock):
    first = counter.complaints.register(COMPLAINT, None)
    clock.advance(days=1)
    second = counter.complaints.register(COMPLAINT, None)
    counter.complaints.close(first.id, "已处理", Feedback.SATISFIED, None)
    clock.advance(days=1)
    third = counter.complaints.register(COMPLAINT, None)
    assert [c.id for c in counter.complaints.listing()] == [second.id, third.id, first.id]
    assert [c.id for c in counter.complaints.listing(include_closed=False)] == [
        second.id,
        third.id,
    ]


def test_the_ledger_counts_complaints_received_and_closed_on_time(counter, clock):
    from counterapp.complaints import complaint_facts
    from counterapp.ledger import figures, station_facts, station_tally
    from counterapp.ledger.figures import Period

    on_time = counter.complaints.register(COMPLAINT, None)
    late = counter.complaints.register(COMPLAINT, None)
    counter.complaints.register(COMPLAINT, None)  # open, not yet due: not judged
    clock.advance(days=2)
    counter.complaints.close(on_time.id, "已处理", Feedback.SATISFIED, None)
    clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=CST))  # the day after the deadline 12-16
    counter.complaints.close(late.id, "已处理", Feedback.DISSATISFIED, None)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CST))
    counter.complaints.register(COMPLAINT, None)  # outside the period
    facts = complaint_facts(
        counter.store, datetime(2026, 11, 25).date(), datetime(2026, 11, 25).date()
    )
    assert len(facts) == 3
    assert facts[0].due == datetime(2026, 12, 16, 23, 59, 59, tzinfo=CST)
    period = Period.day(datetime(2026, 11, 25).date())
    as_of = datetime(2026, 12, 31, tzinfo=CST)
    counted = figures.tally(
        period, station_facts.read(counter.store, period), counter.calendar, as_of
    )
    days, _items = station_tally.count(counter.store, period, as_of)
    assert figures.merge(days.values()) == counted  # the window's SQL counts the same
    figures_by_key = {f.key: f for f in figures.figures_of(counted)}
    assert figures_by_key["complaints_received"].value == 3
    # as of 12-31 all three are judged: one closed on time, one closed late, one open past due
    assert figures_by_key["complaints_on_time"].detail.startswith("1 / 3")
    assert figures_by_key["complaints_on_time"].met is False
