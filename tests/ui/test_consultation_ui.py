"""仅咨询 / 无需办件 in the window: Shift+F2 on the called ticket, a reason chosen by keys, the
wrong-window reason offering the transfer instead, and a ticket with a case refused."""

from __future__ import annotations

from counterapp.queue import REASON_MAX, Lane, TicketStatus
from counterapp.windows import set_window_count
from tests.ui.test_visits import start_case
from tests.ui.visit import Clerk, type_text
from ui.consult_dialog import WRONG_WINDOW, ConsultDialog
from ui.qt import QApplication, Qt
from ui.transfer_dialog import TransferDialog


def _called(qtbot, window, counter) -> tuple[Clerk, object]:
    counter.queue.issue(Lane.NORMAL)
    clerk = Clerk(qtbot, window)
    clerk.call_next()
    return clerk, window.queue_panel.current


def _open_dialog(clerk: Clerk, window, dialogs) -> ConsultDialog:
    clerk.key(window.queue_panel, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = dialogs.latest(ConsultDialog)
    assert dialog is not None and dialog.isVisible()
    clerk.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # it takes the keys
    return dialog


def test_shift_f2_ends_the_called_ticket_with_a_reason(qtbot, window, counter, dialogs):
    clerk, ticket = _called(qtbot, window, counter)
    assert window.queue_panel.end_without_case.isEnabled()
    dialog = _open_dialog(clerk, window, dialogs)
    assert ticket.code in dialog.windowTitle()
    clerk.key(dialog.reason, Qt.Key.Key_Return)  # no reason: refused in place
    assert dialog.isVisible() and "原因" in dialog.problem.text()
    too_long = "办事人询问" * (REASON_MAX // 5 + 1)
    type_text(qtbot, dialog.reason.lineEdit(), too_long)
    clerk.click(dialog.ok_button)
    assert dialog.isVisible() and f"最多 {REASON_MAX} 个字" in dialog.problem.text()
    assert dialog.reason_text == too_long  # nothing was cut
    assert counter.queue.get(ticket.id).status == TicketStatus.CALLED
    dialog.reason.lineEdit().clear()
    clerk.key(dialog.reason, Qt.Key.Key_Down)  # the first ready-made reason
    clerk.click(dialog.ok_button)
    ended = counter.queue.get(ticket.id)
    assert ended.status == TicketStatus.CONSULTED and ended.end_reason == "仅咨询政策或办事流程"
    assert window.queue_panel.current is None
    assert not window.queue_panel.end_without_case.isEnabled()
    assert not dialogs.errors


def test_the_wrong_window_reason_offers_the_transfer(qtbot, window, counter, dialogs):
    set_window_count(counter.settings, 3)
    clerk, ticket = _called(qtbot, window, counter)
    dialog = _open_dialog(clerk, window, dialogs)
    assert not dialog.transfer_button.isVisible()
    dialog.reason.setCurrentText(WRONG_WINDOW)
    assert dialog.transfer_button.isVisible() and dialog.hint.isVisible()
    clerk.click(dialog.transfer_button)
    assert dialogs.latest(ConsultDialog) is None  # closed and forgotten
    transfer = dialogs.latest(TransferDialog)
    assert transfer is not None and transfer.isVisible()
    assert counter.queue.get(ticket.id).status == TicketStatus.CALLED
    transfer.reject()
    QApplication.processEvents()


def test_a_ticket_with_a_case_is_not_ended_as_consultation(qtbot, window, counter, dialogs):
    clerk, ticket = _called(qtbot, window, counter)
    case = start_case(clerk, "YB0202")
    dialog = _open_dialog(clerk, window, dialogs)
    dialog.reason.setCurrentText("仅咨询")
    clerk.click(dialog.ok_button)
    assert dialogs.errors and f"已开办件 {case.case_no}" in dialogs.errors[-1]
    assert counter.queue.get(ticket.id).status == TicketStatus.SERVING
