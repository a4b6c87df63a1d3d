"""The counter window with a real hub on 127.0.0.1: a forwarded case reads 待上传 in the case
panel, the deadline list (F9) and the case search until the hub acknowledged it, then
已转报上级; the sync box tells a clerk without a hub whom to ask, never a command to run."""

from __future__ import annotations

import pytest

from counterapp.case_model import FORWARD_PENDING_LABEL
from counterapp.station import get_clerk
from counterapp.sync import service
from tests.sync.conftest import connect_station
from tests.sync.test_counter_states import FORWARDED, forwarded_case


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_the_window_says_pending_until_the_hub_acknowledged(qtbot_or_skip, hub, hub_db, town):
    from tests.ui.conftest import FakePrinter, settle
    from ui.context import AppContext, Session
    from ui.dialogs import RecordingDialogs
    from ui.main_window import MainWindow
    from ui.ops import Ops
    from ui.qt import QLabel, Qt
    from ui.slip_service import SlipService

    qtbot = qtbot_or_skip
    dialogs = RecordingDialogs()
    ops = Ops(town, dialogs)
    try:
        ctx = AppContext(town, ops, dialogs, Session(get_clerk(town.store, town.clerk_id), 1))
        ctx.slips = SlipService(ops, printer_factory=FakePrinter)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        window.load()
        settle(qtbot, ops)
        case = forwarded_case(town)
        window.open_case(case.id)
        settle(qtbot, ops)
        panel = window.case_panel
        assert FORWARD_PENDING_LABEL in panel.header.text()
        assert FORWARD_PENDING_LABEL in panel.timer.label.text()
        assert "已转报上级" not in panel.header.text() + panel.timer.label.text()

        def deadline_state() -> str:
            window.show_tab(1)
            settle(qtbot, ops)
            (row,) = [r for r in window.deadlines.model.rows if r.case.id == case.id]
            return row.case.state_text

        def search_state() -> str:
            window.show_tab(2)
            window.search.text.setText(case.case_no)
            qtbot.keyClick(window.search.text, Qt.Key.Key_Return)
            settle(qtbot, ops)
            return window.search.model.rows[0].state_text

        assert deadline_state() == search_state() == FORWARD_PENDING_LABEL
        window.add_sync_status()
        settle(qtbot, ops)
        box = window.sync_status
        assert box.error_label.text() == service.NOT_CONFIGURED
        assert "联系县医保中心技术人员" in box.error_label.text()
        shown = " ".join(label.text() for label in box.findChildren(QLabel))
        assert "counterapp" not in shown and "运行" not in shown
        connect_station(town, hub_db, hub.url)
        box.refresh()
        settle(qtbot, ops)
        assert box.error_label.text() == "上次错误：无"
        box.button.click()
        qtbot.waitUntil(lambda: not box.running, timeout=20_000)
        settle(qtbot, ops)
        assert box.last_report.ok
        assert f"{case.case_no}　{FORWARDED}" in panel.header.text()
        assert panel.timer.label.text() == FORWARDED
        assert deadline_state() == search_state() == FORWARDED
        assert dialogs.errors == []
    finally:
        ops.shutdown()
