"""The sync status widget: a real sync on its own thread and store, progress, errors, and the
status read on the store thread only. Needs pytest-qt (skipped when it is not loaded); runs
offscreen when no platform is set."""

from __future__ import annotations

import threading

import pytest

from tests.sync.conftest import FAST_RETRY, connect_station
from tests.sync.stations import add_visits, check_hub_matches


@pytest.fixture
def town_ops(town):
    from ui.dialogs import RecordingDialogs
    from ui.ops import Ops

    ops = Ops(town, RecordingDialogs())
    yield ops
    ops.shutdown()


def settled(qtbot, ops) -> None:
    qtbot.waitUntil(lambda: ops.idle, timeout=5000)


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_sync_now_runs_off_the_ui_thread_and_shows_the_result(
    qtbot_or_skip, hub, hub_db, town, town_ops
):
    from ui.sync_status import SyncStatusWidget

    qtbot = qtbot_or_skip
    connect_station(town, hub_db, hub.url)
    add_visits(town, 5)
    widget = SyncStatusWidget(town_ops, town.store.path, town.clock, auto=False, retry=FAST_RETRY)
    qtbot.addWidget(widget)
    settled(qtbot, town_ops)
    assert "待上传" in widget.pending_label.text() and "从未" in widget.success_label.text()
    widget.button.click()
    assert widget.running and not widget.button.isEnabled()
    qtbot.waitUntil(lambda: not widget.running, timeout=20_000)
    settled(qtbot, town_ops)
    assert widget.last_report.ok
    assert widget.pending_label.text() == "待上传：0 条"
    assert "从未" not in widget.success_label.text()
    check_hub_matches(hub_db, town)
    hub.stop()  # the hub goes away
    add_visits(town, 1)
    widget.sync_now()
    qtbot.waitUntil(lambda: not widget.running, timeout=60_000)
    settled(qtbot, town_ops)
    assert not widget.last_report.ok
    assert "稍后自动重试" in widget.error_label.text()


def test_the_gui_thread_never_touches_the_store(qtbot_or_skip, town, town_ops):
    """Every statement on the window's store connection, while the widget is built, refreshed,
    asks whether a sync is due and runs one, comes from the store thread."""
    from ui.sync_status import SyncStatusWidget

    qtbot = qtbot_or_skip
    threads: list[str] = []
    town.store.conn.set_trace_callback(lambda _sql: threads.append(threading.current_thread().name))
    try:
        widget = SyncStatusWidget(town_ops, town.store.path, town.clock, auto=False)
        qtbot.addWidget(widget)
        widget.refresh()
        widget.sync_if_due()
        widget.sync_now()  # no hub set up: fails at once
        qtbot.waitUntil(lambda: not widget.running, timeout=20_000)
        settled(qtbot, town_ops)
    finally:
        town.store.conn.set_trace_callback(None)
    assert threads, "the status was never read"
    assert threading.main_thread().name not in threads
    assert {name.split("_")[0] for name in threads} == {"store"}
    assert widget.error_label.text() == "上次错误：" + widget.last_report.message
