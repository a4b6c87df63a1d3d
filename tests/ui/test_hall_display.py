"""The hall display: the last calls (code → window, newest first, no names), a call made on
another PC shown at the next poll (≤ 1 s) while an unchanged queue costs one small query, a
transferred ticket listed with its new window."""

from __future__ import annotations

import pytest

from counterapp.queue import Lane
from tests.conftest import make_id
from tests.ui.conftest import settle
from ui.hall_display import CALLS_SHOWN, REFRESH_MS, HallDisplay
from ui.qt import QLabel


@pytest.fixture
def hall(qtbot, ops):
    display = HallDisplay(ops)
    qtbot.addWidget(display)
    display.show()
    display.reload()
    settle(qtbot, ops)
    return display


def tick(qtbot, hall: HallDisplay) -> None:
    """One beat of the display's own timer."""
    hall._timer.timeout.emit()
    settle(qtbot, hall.ops)


def serve(counter, window: int):
    """Another PC calls the next ticket at `window` and serves it (not through this ops)."""
    clerk = counter.clerk_a.id
    ticket = counter.queue.call_next(window, clerk)
    counter.queue.start_serving(ticket.id, clerk)
    return ticket


def test_the_last_calls_newest_first_with_their_windows(qtbot, counter, hall):
    codes = [counter.queue.issue(Lane.NORMAL).code for _ in range(10)]
    for number, window in enumerate([1, 2, 3, 1, 2, 3, 1, 2]):
        ticket = serve(counter, window)
        if number < 7:
            counter.queue.finish(ticket.id, counter.clerk_a.id)
    last = counter.queue.call_next(3, counter.clerk_a.id)  # A009 called to window 3
    counter.queue.skip(last.id, counter.clerk_a.id)  # … and did not come
    newest = counter.queue.call_next(3, counter.clerk_a.id)  # A010 called to window 3
    tick(qtbot, hall)
    assert newest.code in hall.latest.text() and "3 号窗口" in hall.latest_where.text()
    lines = hall.others.text().split("<br>")
    assert len(lines) == CALLS_SHOWN
    assert "A009" in lines[0] and "→ 3号窗口" in lines[0] and "过号" in lines[0]
    assert "A008" in lines[1] and "→ 2号窗口" in lines[1] and "办理中" in lines[1]
    assert "A007" in lines[2] and "→ 1号窗口" in lines[2]
    assert [code for code in codes[3:7] if any(code in line for line in lines)] == codes[3:7]
    assert codes[2] not in hall.others.text()  # only the last few
    assert hall.announced == [f"请 {newest.code} 号到 3 号窗口办理"]
    hall.stale.show()  # with every line shown …
    assert hall.minimumSizeHint().height() <= 768  # … it fits a 1366×768 screen


def test_a_call_on_another_pc_shows_at_the_next_beat_and_a_quiet_queue_costs_little(
    qtbot, counter, hall, monkeypatch
):
    assert hall._timer.interval() == REFRESH_MS <= 1000
    counter.queue.issue(Lane.NORMAL)
    reads: list[int] = []
    original = counter.queue.recent_calls
    monkeypatch.setattr(
        counter.queue, "recent_calls", lambda limit: reads.append(limit) or original(limit)
    )
    for _ in range(3):
        tick(qtbot, hall)  # the issue, then nothing new
    assert len(reads) == 1
    ticket = counter.queue.call_next(2, counter.clerk_a.id)
    tick(qtbot, hall)
    assert ticket.code in hall.latest.text() and "2 号窗口" in hall.latest_where.text()
    assert hall.announced == [f"请 {ticket.code} 号到 2 号窗口办理"] and len(reads) == 2
    counter.queue.recall(ticket.id, counter.clerk_a.id)
    tick(qtbot, hall)
    assert len(hall.announced) == 2  # a recall is announced again


def test_a_transferred_ticket_leaves_the_old_window_and_waits_for_the_new_one(qtbot, counter, hall):
    first = counter.queue.issue(Lane.NORMAL)
    counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_a.id)
    tick(qtbot, hall)
    assert first.code in hall.latest.text()
    counter.queue.transfer(first.id, 3, counter.clerk_a.id, "该事项由其他窗口专办")
    tick(qtbot, hall)
    assert first.code not in hall.latest.text() + hall.others.text()
    upcoming = hall.upcoming.text().split("<br>")
    assert first.code in upcoming[0] and "转3号窗口" in upcoming[0]
    assert "转" not in upcoming[1]
    counter.queue.call_next(3, counter.clerk_b.id)
    tick(qtbot, hall)
    assert first.code in hall.latest.text() and "3 号窗口" in hall.latest_where.text()
    assert first.code not in hall.upcoming.text()
    assert hall.announced[-1] == f"请 {first.code} 号到 3 号窗口办理"  # called again, anew
    assert len(hall.announced) == 2


def test_no_name_reaches_the_hall(qtbot, counter, hall):
    ticket = counter.queue.issue(Lane.PRIORITY, "现役军人")
    counter.queue.call_next(1, counter.clerk_a.id)
    from counterapp.case_model import Person

    counter.cases.open_case(
        Person("郑十一", make_id()), ["YB0101"], counter.clerk_a.id, ticket_id=ticket.id
    )
    tick(qtbot, hall)
    shown = " ".join(label.text() for label in hall.findChildren(QLabel))
    assert ticket.code in shown and "郑" not in shown and "军人" not in shown
