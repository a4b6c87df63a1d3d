"""A called ticket that needs no case (仅咨询 / 无需办件): ended with a reason, journalled and
queued like every change, counted on its own line in the day's figures."""

from __future__ import annotations

from datetime import date

import pytest

from counterapp import cli, paths
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.journal import events_of
from counterapp.ledger import station_facts
from counterapp.ledger.figures import Period, values
from counterapp.ledger.report import station_ledger
from counterapp.queue import Lane, QueueError, TicketStatus
from counterapp.states import TransitionError
from counterapp.typed_text import REASON_MAX
from tests.conftest import TOWN, make_id

DAY = date(2026, 11, 25)


def _called(counter, window: int = 1):
    counter.queue.issue(Lane.NORMAL)
    return counter.queue.call_next(window, counter.clerk_a.id)


def test_a_called_ticket_ends_with_its_reason_logged_and_queued(counter, clock):
    ticket = _called(counter)
    clock.advance(minutes=3)
    ended = counter.queue.end_without_case(ticket.id, counter.clerk_a.id, "  仅咨询政策 \n")
    assert ended.status == TicketStatus.CONSULTED and ended.end_reason == "仅咨询政策"
    assert ended.finished_at == clock.now() and ended.window_no == 1
    assert counter.queue.get(ticket.id) == ended
    last = events_of(counter.store, ticket.uuid)[-1]
    assert last["kind"] == "ended_without_case" and last["data"] == {"reason": "仅咨询政策"}
    assert last["clerk_id"] == counter.clerk_a.id
    versions = [
        row[0]
        for row in counter.store.all(
            "SELECT record_version FROM outbox WHERE record_uuid = ? ORDER BY seq", (ticket.uuid,)
        )
    ]
    assert versions == [1, 2, 3] and ended.version == 3
    # the window is free for the next citizen
    counter.queue.issue(Lane.NORMAL)
    assert counter.queue.call_next(1, counter.clerk_a.id) is not None


def test_a_ticket_being_served_may_end_too(counter):
    ticket = _called(counter)
    counter.queue.start_serving(ticket.id, counter.clerk_a.id)
    ended = counter.queue.end_without_case(ticket.id, counter.clerk_a.id, "办事人已离开")
    assert ended.status == TicketStatus.CONSULTED


@pytest.mark.parametrize("reason", ["", "   ", "咨".ljust(REASON_MAX + 1, "询")])
def test_a_reason_is_required_and_bounded(counter, reason):
    ticket = _called(counter)
    with pytest.raises(QueueError, match="原因"):
        counter.queue.end_without_case(ticket.id, counter.clerk_a.id, reason)
    assert counter.queue.get(ticket.id) == ticket


def test_the_longest_reason_is_kept_whole(counter):
    ticket = _called(counter)
    reason = "询" * REASON_MAX
    assert (
        counter.queue.end_without_case(ticket.id, counter.clerk_a.id, reason).end_reason == reason
    )


def test_only_a_called_or_served_ticket_can_end_so(counter):
    waiting = counter.queue.issue(Lane.NORMAL)
    with pytest.raises(TransitionError, match="不能改为「仅咨询（无需办件）」"):
        counter.queue.end_without_case(waiting.id, counter.clerk_a.id, "仅咨询")
    assert counter.queue.get(waiting.id) == waiting


def test_a_ticket_with_a_case_ends_with_its_case(counter):
    ticket = _called(counter)
    case = counter.cases.open_case(
        Person("张三", make_id()), ["YB0101"], counter.clerk_a.id, ticket_id=ticket.id
    )
    serving = counter.queue.get(ticket.id)  # opening the case started serving it
    with pytest.raises(QueueError, match=f"已开办件 {case.case_no}"):
        counter.queue.end_without_case(ticket.id, counter.clerk_a.id, "仅咨询")
    assert counter.queue.get(ticket.id) == serving


def _day_with_every_ending(counter) -> None:
    clerk = counter.clerk_a.id
    for reason in ("仅咨询", "仅咨询", "走错窗口（建议转窗口）"):
        ticket = _called(counter)
        counter.queue.end_without_case(ticket.id, clerk, reason)
    served = _called(counter)
    counter.queue.start_serving(served.id, clerk)
    counter.queue.finish(served.id, clerk)
    skipped = _called(counter)
    counter.queue.skip(skipped.id, clerk)
    counter.queue.issue(Lane.NORMAL)


def test_the_day_counts_consultations_on_their_own(counter):
    _day_with_every_ending(counter)
    got = values(
        station_ledger(
            counter.store, "", Period.day(DAY), counter.calendar, counter.clock.now()
        ).figures
    )
    assert (
        got["tickets_issued"],
        got["tickets_served"],
        got["tickets_no_show"],
        got["tickets_consulted"],
    ) == (6, 1, 1, 3)
    assert station_facts.consulted_reasons(counter.store, Period.day(DAY)) == {
        "仅咨询": 2,
        "走错窗口（建议转窗口）": 1,
    }
    closing = counter.queue.close_day(DAY)
    assert (
        closing.issued,
        closing.served,
        closing.no_show,
        closing.consulted,
        closing.unserved,
    ) == (6, 1, 1, 3, 1)
    row = counter.store.one("SELECT consulted FROM day_closings WHERE day = ?", (DAY.isoformat(),))
    assert row["consulted"] == 3


def test_the_cli_report_has_a_consultation_line(capsys, tmp_path, clock, frozen_clock):
    with Counter.open(paths.store_path(tmp_path), clock) as counter:
        counter.configure_station(TOWN)
        from counterapp.station import add_clerk

        counter.clerk_a = add_clerk(counter.store, "1001", "王丽", clock)
        _day_with_every_ending(counter)
    assert cli.main(["--data-dir", str(tmp_path), "report", "--day", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "取号：6 张" in out and "办结（叫号后办理完毕）：1 张" in out and "过号未到：1 张" in out
    assert "仅咨询（无需办件）：3 张\n    仅咨询 2，走错窗口（建议转窗口） 1" in out
    assert cli.main(["--data-dir", str(tmp_path), "close-day", "--day", DAY.isoformat()]) == 0
    assert "consultation only 3" in capsys.readouterr().out
