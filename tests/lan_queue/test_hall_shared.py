"""The hall display on its own PC, a client of the queue host on 127.0.0.1: a call made at the
host shows at the next beat, and a quiet queue costs one small request a beat — no ticket list
is fetched and nothing is written to the hall PC's store."""

from __future__ import annotations

from counterapp.queue import Lane
from tests.ui.conftest import settle
from ui.dialogs import RecordingDialogs
from ui.hall_display import HallDisplay
from ui.ops import Ops


def test_a_hall_pc_sees_the_hosts_calls_at_the_next_beat(qtbot, host, new_client, monkeypatch):
    hall_pc = new_client("hall", "hall", "叫号屏")
    dialogs = RecordingDialogs()
    ops = Ops(hall_pc, dialogs)
    try:
        hall = HallDisplay(ops)
        qtbot.addWidget(hall)
        hall.show()
        host.queue.issue(Lane.NORMAL)
        host.queue.issue(Lane.NORMAL)
        hall.reload()
        settle(qtbot, ops)
        assert "共 2 人等候" in hall.waiting.text()
        reads: list[int] = []
        original = hall_pc.queue.recent_calls
        monkeypatch.setattr(
            hall_pc.queue, "recent_calls", lambda limit: reads.append(limit) or original(limit)
        )
        writes = hall_pc.store.conn.total_changes
        for _ in range(3):
            hall._timer.timeout.emit()
            settle(qtbot, ops)
        assert reads == [] and hall_pc.store.conn.total_changes == writes
        called = host.queue.call_next(1, host.clerk.id)
        hall._timer.timeout.emit()
        settle(qtbot, ops)
        assert called.code in hall.latest.text() and "1 号窗口" in hall.latest_where.text()
        assert len(reads) == 1 and "共 1 人等候" in hall.waiting.text()
        assert hall.announced == [f"请 {called.code} 号到 1 号窗口办理"]
        assert dialogs.errors == []
    finally:
        ops.shutdown()
