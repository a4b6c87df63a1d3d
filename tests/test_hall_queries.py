"""What the hall display asks the queue: the revision that tells it when to read again, and
the recent calls, latest call first (headless)."""

from __future__ import annotations

from datetime import datetime

from counterapp.clock import CST
from counterapp.queue import Lane


def test_the_revision_moves_with_every_change_and_only_then(counter, clock):
    queue, clerk = counter.queue, counter.clerk_a.id
    seen = [queue.revision()]

    def changed() -> None:
        now = queue.revision()
        assert now != seen[-1]
        seen.append(now)

    first = queue.issue(Lane.NORMAL)
    changed()
    assert queue.revision() == seen[-1]  # reading changes nothing
    queue.call_next(1, clerk)
    changed()
    queue.recall(first.id, clerk)
    changed()
    queue.transfer(first.id, 2, clerk, "专办窗口")
    changed()
    queue.call_next(2, clerk)
    changed()
    queue.end_without_case(first.id, clerk, "仅咨询")
    changed()
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=CST))
    changed()  # a new day starts from nothing


def test_recent_calls_are_by_latest_call_and_leave_out_tickets_sent_back(counter, clock):
    queue, clerk = counter.queue, counter.clerk_a.id
    a1, a2, a3 = (queue.issue(Lane.NORMAL) for _ in range(3))
    queue.call_next(1, clerk)
    queue.finish(queue.start_serving(a1.id, clerk).id, clerk)
    queue.call_next(2, clerk)  # A002 at window 2
    queue.call_next(1, clerk)  # A003 at window 1
    assert [t.code for t in queue.recent_calls(5)] == ["A003", "A002", "A001"]
    queue.recall(a2.id, clerk)  # called again: the latest call now
    assert [t.code for t in queue.recent_calls(5)] == ["A002", "A003", "A001"]
    assert [t.code for t in queue.recent_calls(2)] == ["A002", "A003"]
    queue.transfer(a3.id, 3, clerk, "专办窗口")  # waiting again, for window 3
    assert [t.code for t in queue.recent_calls(5)] == ["A002", "A001"]
    moved = queue.call_next(3, clerk)
    assert (moved.id, moved.window_no) == (a3.id, 3)
    assert [(t.code, t.window_no) for t in queue.recent_calls(5)] == [
        ("A003", 3),
        ("A002", 2),
        ("A001", 1),
    ]
