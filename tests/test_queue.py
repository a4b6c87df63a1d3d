from datetime import date, datetime

import pytest

from counterapp.app import Counter
from counterapp.clock import CST
from counterapp.journal import events_of
from counterapp.queue import Lane, QueueError, TicketStatus
from counterapp.windows import other_windows, set_window_count, window_count


def test_numbering_is_per_day_and_lane(counter, clock):
    codes = [counter.queue.issue(Lane.NORMAL).code for _ in range(3)]
    codes.append(counter.queue.issue(Lane.PRIORITY, "70岁以上老人").code)
    assert codes == ["A001", "A002", "A003", "Y001"]
    clock.set(datetime(2026, 11, 26, 8, 30, tzinfo=CST))
    assert counter.queue.issue(Lane.NORMAL).code == "A001"


def test_priority_needs_a_reason(counter):
    with pytest.raises(QueueError, match="须注明原因"):
        counter.queue.issue(Lane.PRIORITY, "  ")


def test_call_next_serves_priority_first_then_arrival(counter, clock):
    a1 = counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=1)
    a2 = counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=1)
    y1 = counter.queue.issue(Lane.PRIORITY, "残疾人")
    clerk = counter.clerk_a.id
    order = []
    for _ in range(3):
        ticket = counter.queue.call_next(1, clerk)
        order.append(ticket.code)
        counter.queue.start_serving(ticket.id, clerk)
        counter.queue.finish(ticket.id, clerk)
    assert order == [y1.code, a1.code, a2.code]
    assert counter.queue.call_next(1, clerk) is None


def test_waiting_and_serving_times_are_recorded(counter, clock):
    ticket = counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=7)
    counter.queue.call_next(2, counter.clerk_a.id)
    clock.advance(minutes=1)
    counter.queue.start_serving(ticket.id, counter.clerk_a.id)
    clock.advance(minutes=6)
    done = counter.queue.finish(ticket.id, counter.clerk_a.id)
    assert done.waiting_seconds == 7 * 60
    assert done.serving_seconds == 6 * 60
    assert done.window_no == 2


def test_a_window_cannot_call_while_its_ticket_is_open(counter):
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_a.id)
    with pytest.raises(QueueError, match="尚未办结或过号"):
        counter.queue.call_next(1, counter.clerk_a.id)
    # another window may call
    assert counter.queue.call_next(2, counter.clerk_b.id).code == "A002"


def test_recall_skip_and_requeue(counter, clock):
    first = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    clerk = counter.clerk_a.id
    counter.queue.call_next(1, clerk)
    assert counter.queue.recall(first.id, clerk).recalls == 1
    assert counter.queue.skip(first.id, clerk).status == TicketStatus.NO_SHOW
    clock.advance(minutes=5)
    back = counter.queue.requeue(first.id, clerk)
    assert back.status == TicketStatus.WAITING
    # a re-queued ticket goes to the end of its lane
    assert [t.code for t in counter.queue.waiting()] == ["A002", "A001"]


def test_recall_of_a_waiting_ticket_is_illegal(counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    with pytest.raises(QueueError, match="等候中"):
        counter.queue.recall(ticket.id, counter.clerk_a.id)


def test_hold_and_resume(counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    clerk = counter.clerk_a.id
    counter.queue.call_next(1, clerk)
    counter.queue.start_serving(ticket.id, clerk)
    assert counter.queue.hold(ticket.id, clerk, "去复印身份证").status == TicketStatus.HELD
    # while the first citizen is away the window serves the next one
    assert counter.queue.call_next(1, clerk).code == "A002"
    assert counter.queue.resume(ticket.id, 1, clerk).status == TicketStatus.SERVING


def test_transfer_goes_first_at_the_target_window_only(counter, clock):
    first = counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=1)
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.PRIORITY, "孕妇")
    clerk = counter.clerk_a.id
    assert counter.queue.call_next(1, clerk).code == "Y001"
    ticket = counter.queue.get(3)
    counter.queue.start_serving(ticket.id, clerk)
    with pytest.raises(QueueError, match="注明原因"):
        counter.queue.transfer(ticket.id, 3, clerk, "")
    moved = counter.queue.transfer(ticket.id, 3, clerk, "需办理生育津贴，转3号窗口")
    assert moved.status == TicketStatus.WAITING and moved.target_window == 3
    # window 2 does not get it; window 3 gets it before earlier tickets
    assert counter.queue.call_next(2, counter.clerk_b.id).code == first.code
    assert counter.queue.call_next(3, clerk).code == "Y001"
    assert [e["kind"] for e in events_of(counter.store, ticket.uuid)] == [
        "issued",
        "called",
        "serving",
        "transferred",
        "called",
    ]


def test_a_ticket_is_transferred_only_to_a_window_that_can_exist(counter):
    clerk = counter.clerk_a.id
    counter.queue.issue(Lane.NORMAL)
    ticket = counter.queue.call_next(1, clerk)
    for window in (0, 100):
        with pytest.raises(QueueError, match=f"没有{window}号窗口"):
            counter.queue.transfer(ticket.id, window, clerk, "办事人要求")
    assert counter.queue.get(ticket.id).status == TicketStatus.CALLED


def test_the_station_windows_are_set_or_seen_calling_never_the_own(counter):
    store, settings = counter.store, counter.settings
    assert other_windows(store, settings, 1) == []  # a one-window point
    assert other_windows(store, settings, 2) == [1]  # at least up to the own window
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(4, counter.clerk_b.id)  # window 4 called a ticket
    called = counter.queue.call_next(1, counter.clerk_a.id)
    counter.queue.transfer(called.id, 7, counter.clerk_a.id, "办事人要求")
    assert other_windows(store, settings, 1) == [2, 3, 4]  # a transfer's target proves nothing
    set_window_count(settings, 3)
    assert window_count(store, settings, 1) == 3
    assert other_windows(store, settings, 2) == [1, 3]
    with pytest.raises(ValueError, match="1-99"):
        set_window_count(settings, 100)
    set_window_count(settings, None)
    assert window_count(store, settings, 1) == 4


def test_end_of_day_closes_and_counts_never_deletes(counter, clock):
    clerk = counter.clerk_a.id
    served = counter.queue.issue(Lane.NORMAL)
    skipped = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.PRIORITY, "老人")
    counter.queue.call_next(1, clerk)  # Y001
    counter.queue.skip(4, clerk)
    counter.queue.call_next(1, clerk)
    counter.queue.start_serving(served.id, clerk)
    counter.queue.finish(served.id, clerk)
    counter.queue.call_next(1, clerk)
    counter.queue.skip(skipped.id, clerk)
    counter.queue.call_next(1, clerk)  # A003 called, never served
    closing = counter.queue.close_day(date(2026, 11, 25))
    assert (closing.issued, closing.served, closing.no_show, closing.unserved) == (4, 1, 2, 1)
    assert len(counter.queue.of_day(date(2026, 11, 25))) == 4
    # closing again is harmless
    assert counter.queue.close_day(date(2026, 11, 25)) == closing


def test_restart_next_day_closes_yesterday(tmp_path, clock):
    path = tmp_path / "station.db"
    with Counter.open(path, clock) as first_day:
        first_day.queue.issue(Lane.NORMAL)
        first_day.queue.issue(Lane.PRIORITY, "军人")
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=CST))
    with Counter.open(path, clock) as next_day:
        statuses = {t.code: t.status for t in next_day.queue.of_day(date(2026, 11, 25))}
        assert statuses == {
            "A001": TicketStatus.CLOSED_UNSERVED,
            "Y001": TicketStatus.CLOSED_UNSERVED,
        }
        assert next_day.queue.waiting() == []
        row = next_day.store.one("SELECT * FROM day_closings WHERE day = '2026-11-25'")
        assert row["unserved"] == 2


def test_every_ticket_change_is_logged_and_queued_for_sync(counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_a.id)
    outbox = counter.store.all(
        "SELECT record_version FROM outbox WHERE record_uuid = ? ORDER BY seq", (ticket.uuid,)
    )
    assert [row[0] for row in outbox] == [1, 2]
    assert counter.queue.get(ticket.id).version == 2


def test_people_ahead(counter):
    counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    third = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.PRIORITY, "老人")
    assert counter.queue.people_ahead(third) == 3
