"""仅咨询 on a shared queue: a client window ends the host's ticket with a reason, the host
journals and counts it; a ticket with a case on the client is refused before the host is asked.
"""

from __future__ import annotations

import pytest

from counterapp.case_model import Person
from counterapp.journal import events_of
from counterapp.ledger import station_facts
from counterapp.ledger.figures import Period
from counterapp.queue import Lane, QueueError, TicketStatus
from tests.conftest import make_id
from tests.lan_queue.test_ui_shared_queue import panel_for
from tests.ui.conftest import settle
from ui.consult_dialog import ConsultDialog
from ui.dialogs import RecordingDialogs
from ui.ops import Ops


def test_a_client_window_ends_a_hosts_ticket_without_a_case(qtbot, host, new_client, clock):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    host.queue.issue(Lane.NORMAL)
    dialogs = RecordingDialogs()
    ops = Ops(window2, dialogs)
    try:
        shared_queue_walk(qtbot, host, window2, ops, dialogs, clock)
    finally:
        ops.shutdown()


def shared_queue_walk(qtbot, host, window2, ops, dialogs, clock) -> None:
    panel = panel_for(qtbot, window2, ops, dialogs, 2)
    panel.call_next.trigger()
    settle(qtbot, panel.ctx.ops)
    called = panel.current
    assert called is not None and panel.end_without_case.isEnabled()
    panel.end_without_case.trigger()
    dialog = dialogs.latest(ConsultDialog)
    dialog.reason.setCurrentText("办事人已离开")
    dialog.try_accept()
    settle(qtbot, panel.ctx.ops)
    assert dialogs.errors == [] and panel.current is None
    (ticket,) = host.queue.of_today()
    assert (ticket.status, ticket.end_reason, ticket.window_no) == (
        TicketStatus.CONSULTED,
        "办事人已离开",
        2,
    )
    last = events_of(host.store, ticket.uuid)[-1]
    assert last["kind"] == "ended_without_case"
    login = host.store.scalar("SELECT login FROM clerks WHERE id = ?", (last["clerk_id"],))
    assert login == "1002"
    day = Period.day(clock.today())
    assert station_facts.consulted_reasons(host.store, day) == {"办事人已离开": 1}
    assert station_facts.consulted_reasons(window2.store, day) == {}  # mirrors: never
    mirror = window2.store.one("SELECT status, end_reason FROM tickets WHERE id = ?", (called.id,))
    assert tuple(mirror) == ("consulted", "办事人已离开")


def test_a_client_refuses_a_ticket_with_its_case_before_asking_the_host(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    host.queue.issue(Lane.NORMAL)
    called = window2.queue.call_next(2, window2.clerk.id)
    case = window2.cases.open_case(
        Person("钱多", make_id()), ["YB0101"], window2.clerk.id, ticket_id=called.id
    )
    with pytest.raises(QueueError, match=f"已开办件 {case.case_no}"):
        window2.queue.end_without_case(called.id, window2.clerk.id, "仅咨询")
    assert host.queue.of_today()[0].status != TicketStatus.CONSULTED
