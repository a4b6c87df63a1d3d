"""The sync status widget: a real sync on its own thread and store, progress, errors.
Needs pytest-qt (skipped when it is not loaded); runs offscreen when no platform is set."""

from __future__ import annotations

import pytest

from tests.sync.conftest import connect_station
from tests.sync.stations import add_visits, check_hub_matches


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_sync_now_runs_off_the_ui_thread_and_shows_the_result(qtbot_or_skip, hub, hub_db,
                                                               town):
    from ui.sync_status import SyncStatusWidget

    qtbot = qtbot_or_skip
    connect_station(town, hub_db, hub.url)
    add_visits(town, 5)
    widget = SyncStatusWidget(town.store, town.clock, auto=False)
    qtbot.addWidget(widget)
    assert "待上传" in widget.pending_label.text() and "从未" in widget.success_label.text()
    widget.button.click()
    assert widget.running and not widget.button.isEnabled()
    qtbot.waitUntil(lambda: not widget.running, timeout=20_000)
    assert widget.last_report.ok
    assert widget.pending_label.text() == "待上传：0 条"
    assert "从未" not in widget.success_label.text()
    check_hub_matches(hub_db, town)
    hub.stop()                                       # the hub goes away
    add_visits(town, 1)
    widget.sync_now()
    qtbot.waitUntil(lambda: not widget.running, timeout=60_000)
    assert not widget.last_report.ok
    assert "稍后自动重试" in widget.error_label.text()
