"""The queue panel (排队叫号): the ticket at this window, who is waiting, and the calls.

Every call is a QAction with an F-key, shown on a button and in the menu (one action, three
ways in): F2 call next, F3 recall, F4 skip (过号), Shift+F4 re-queue a no-show who came back
(过号重排), F5 hold / resume, F6 transfer, F7 take a ticket for a walk-in, Shift+F2 end the
ticket without a case (仅咨询 / 无需办件, with a reason). Today's no-shows are
listed (grey) under the waiting and held tickets so they can be selected for re-queueing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from counterapp.app import Counter
from counterapp.queue import Lane, QueueError, Ticket, TicketStatus
from counterapp.windows import other_windows
from ui import comfort
from ui.context import AppContext
from ui.ops import QUEUE, Changes
from ui.qt import (
    QAction,
    QApplication,
    QGridLayout,
    QKeySequence,
    QLabel,
    QSizePolicy,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.queue_model import Column, QueueView, TicketTableModel, load_queue
from ui.table_model import row_table_view

REFRESH_MS = 15_000  # other windows call too: re-read the queue now and then
STALE = "排队列表暂时无法更新，正在重试…"
T = TypeVar("T")


class QueuePanel(QWidget):
    current_changed = Signal(object)  # Ticket | None: the ticket at this window

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view_data = QueueView(None, (), 0, 0)
        # Set by the main window: a message when the current ticket must not be transferred.
        self.transfer_guard: Callable[[Ticket], str | None] = lambda ticket: None
        self.current_label = QLabel("当前：无")
        self.current_label.setObjectName("currentTicket")
        self.current_label.setWordWrap(True)
        self.summary = QLabel()
        self.stale = QLabel()  # why the list is not up to date (the queue host is down)
        self.stale.setWordWrap(True)
        self.stale.hide()
        comfort.set_kind(self.stale, "warn")
        self.model = TicketTableModel(ctx.clock.now, self)
        self.table = row_table_view(self.model, stretch=Column.NOTE)
        self.actions_by_name: dict[str, QAction] = {}
        self.call_next = self._action("call_next", "叫下一号", "F2", self._call_next)
        self.recall = self._action("recall", "重呼", "F3", self._recall)
        self.skip = self._action("skip", "过号", "F4", self._skip)
        self.requeue = self._action("requeue", "过号重排", "Shift+F4", self._requeue)
        self.hold = self._action("hold", "暂停/恢复", "F5", self._hold_or_resume)
        self.transfer = self._action("transfer", "转窗口", "F6", self._transfer)
        self.walk_in = self._action("walk_in", "代取号", "F7", self._walk_in)
        self.end_without_case = self._action(
            "end_without_case", "仅咨询", "Shift+F2", self._end_without_case
        )
        self.end_without_case.setToolTip(
            "仅咨询 / 无需办件：注明原因后结束本号（不开办件）　快捷键 Shift+F2"
        )
        buttons = QGridLayout()
        for position, action in enumerate(self.actions_by_name.values()):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setObjectName(f"button_{action.objectName()}")
            button.setMinimumHeight(34)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button, position // 2, position % 2)
        title = QLabel(f"排队叫号 · {ctx.window_no}号窗口")
        comfort.style(title, 1.25, bold=True)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(6, 4, 4, 0)
        self._column.addWidget(title)
        self._column.addWidget(self.current_label)
        self._column.addLayout(buttons)
        self._column.addWidget(self.summary)
        self._column.addWidget(self.stale)
        self._column.addWidget(self.table, 1)
        self._refresher = QTimer(self)
        self._refresher.setInterval(REFRESH_MS)
        self._refresher.timeout.connect(self.reload)
        self._refresher.start()
        self._ticker = QTimer(self)
        self._ticker.setInterval(30_000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        ctx.ops.changed.connect(self._on_changed)
        self._update_actions()

    # --- reading -----------------------------------------------------------------------------
    @property
    def current(self) -> Ticket | None:
        return self.view_data.current

    def reload(self) -> None:
        """Re-read the queue. Reading is never the clerk's own action, so a queue host that
        cannot be reached is said on a line here, not in a box after every try."""
        window = self.ctx.window_no
        self.ctx.ops.query(
            lambda c: load_queue(c, window), self._show, on_failure=self._not_reloaded, parent=self
        )

    def _not_reloaded(self, error: BaseException) -> bool:
        if not isinstance(error, QueueError):
            return False  # a fault of this program: the usual box
        self.stale.setText(f"{STALE}\n{error}")
        self.stale.show()
        return True

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.queue:
            self.reload()

    def _show(self, data: QueueView) -> None:
        self.stale.hide()
        before = self.view_data.current
        self.view_data = data
        self.model.set_rows(data.rows)
        elsewhere = f"，转其他窗口 {data.elsewhere} 人" if data.elsewhere else ""
        self.summary.setText(
            f"等候 {data.waiting} 人（其中优先 {data.waiting_priority} 人{elsewhere}）"
        )
        ticket = data.current
        small = f"<br><span style='font-size:{QApplication.font().pointSize()}pt'>"
        if ticket is None:
            self.current_label.setText(f"当前：无{small}按 F2 叫下一号</span>")
            self.current_label.setProperty("priority", False)
        else:
            lane = (
                f"★优先（绿色通道）：{ticket.priority_reason}"
                if ticket.lane == Lane.PRIORITY
                else "普通号"
            )
            self.current_label.setText(
                f"当前：{ticket.code}　{ticket.status.label}{small}{lane}</span>"
            )
            self.current_label.setProperty("priority", ticket.lane == Lane.PRIORITY)
        priority = ticket is not None and ticket.lane == Lane.PRIORITY
        comfort.style(
            self.current_label,
            1.6,
            bold=True,
            colour="#bf360c" if priority else "",
            extra="padding:4px; border-radius:4px; background:"
            + ("#ffe0b2;" if priority else "#e8f5e9;"),
        )
        self._update_actions()
        if (before is None) != (ticket is None) or (
            before and ticket and (before.id != ticket.id or before.status != ticket.status)
        ):
            self.current_changed.emit(ticket)

    def _tick(self) -> None:
        self.model.tick()
        self.table.resizeColumnToContents(Column.WAITED)

    def _update_actions(self) -> None:
        ticket = self.current
        self.recall.setEnabled(ticket is not None and ticket.status == TicketStatus.CALLED)
        self.skip.setEnabled(ticket is not None and ticket.status == TicketStatus.CALLED)
        self.transfer.setEnabled(ticket is not None)
        self.end_without_case.setEnabled(ticket is not None)

    # --- actions -----------------------------------------------------------------------------
    def _action(self, name: str, text: str, key: str, slot: Callable[[], None]) -> QAction:
        action = QAction(f"{text}（{key}）", self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(key))
        action.setToolTip(f"{text}　快捷键 {key}")
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def add_below(self, widget: QWidget) -> None:
        """A box under the list (the window's sync status)."""
        self._column.addWidget(widget)

    def _change(
        self, work: Callable[[Counter], T], on_success: Callable[[T], None] | None = None
    ) -> None:
        self.ctx.ops.change(work, QUEUE, on_success=on_success, origin=self, parent=self)

    def _call_next(self) -> None:
        window, clerk = self.ctx.window_no, self.ctx.clerk_id
        self._change(lambda c: c.queue.call_next(window, clerk), self._after_call)

    def _after_call(self, ticket: Ticket | None) -> None:
        if ticket is None:
            self.ctx.dialogs.info(self, "当前没有等候的办事人")

    def _recall(self) -> None:
        ticket, clerk = self.current, self.ctx.clerk_id
        if ticket is not None:
            self._change(lambda c: c.queue.recall(ticket.id, clerk))

    def _skip(self) -> None:
        ticket, clerk = self.current, self.ctx.clerk_id
        if ticket is not None:
            self._change(lambda c: c.queue.skip(ticket.id, clerk))

    def _requeue(self) -> None:
        """The selected no-show (or the only one today) joins the end of its lane again."""
        chosen = self.selected_ticket()
        if chosen is None or chosen.status != TicketStatus.NO_SHOW:
            no_shows = [t for t in self.view_data.rows if t.status == TicketStatus.NO_SHOW]
            if len(no_shows) != 1:
                self.ctx.dialogs.error(
                    self,
                    "请先在排队列表中选中要重排的过号（灰色行）"
                    if no_shows
                    else "今天没有过号的号",
                )
                return
            chosen = no_shows[0]
        ticket, clerk = chosen, self.ctx.clerk_id
        self._change(
            lambda c: c.queue.requeue(ticket.id, clerk),
            lambda t: self.ctx.dialogs.info(self, f"{t.code} 号已重新排队（排在同类号末尾）"),
        )

    def focus_list(self) -> None:
        """F11: the keys go to the queue list (↑↓ to select, e.g. a no-show for Shift+F4)."""
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    def selected_ticket(self) -> Ticket | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ticket(rows[0].row()) if rows else None

    def _hold_or_resume(self) -> None:
        ticket, clerk, window = self.current, self.ctx.clerk_id, self.ctx.window_no
        if ticket is not None:
            if ticket.status != TicketStatus.SERVING:
                self.ctx.dialogs.error(self, "只有正在办理的号才能暂停（办事人补材料、复印等）")
                return
            self._change(lambda c: c.queue.hold(ticket.id, clerk, "办事人临时离开窗口"))
            return
        held = self.selected_ticket()
        if held is None or held.status != TicketStatus.HELD:
            held = next((t for t in self.view_data.rows if t.status == TicketStatus.HELD), None)
        if held is None:
            self.ctx.dialogs.error(self, "没有可恢复的暂停号")
            return
        self._change(lambda c: c.queue.resume(held.id, window, clerk))

    def _transfer(self) -> None:
        ticket = self.current
        if ticket is None:
            return
        problem = self.transfer_guard(ticket)
        if problem:
            self.ctx.dialogs.error(self, problem)
            return
        window = self.ctx.window_no
        self.ctx.ops.query(
            lambda c: other_windows(c.store, c.settings, window),
            lambda windows: self._ask_transfer(ticket, windows),
            parent=self,
        )

    def _ask_transfer(self, ticket: Ticket, windows: list[int]) -> None:
        from ui.transfer_dialog import TransferDialog, no_window_to_transfer_to

        if not windows:
            self.ctx.dialogs.error(self, no_window_to_transfer_to(self.ctx.window_no))
            return
        dialog = TransferDialog(ticket.code, self.ctx.window_no, windows, self)
        clerk = self.ctx.clerk_id

        def done() -> None:
            target, reason = dialog.target_window, dialog.reason_text
            self._change(lambda c: c.queue.transfer(ticket.id, target, clerk, reason))

        dialog.accepted.connect(done)
        self.ctx.dialogs.open(dialog)

    def _end_without_case(self) -> None:
        """仅咨询 / 无需办件: the ticket at this window ends with a reason, without a case."""
        ticket = self.current
        if ticket is None:
            return
        from ui.consult_dialog import ConsultDialog

        dialog = ConsultDialog(ticket.code, self)
        clerk = self.ctx.clerk_id

        def done() -> None:
            reason = dialog.reason_text
            self._change(lambda c: c.queue.end_without_case(ticket.id, clerk, reason))

        dialog.accepted.connect(done)
        dialog.transfer_requested.connect(self._transfer)
        self.ctx.dialogs.open(dialog)

    def _walk_in(self) -> None:
        from ui.walkin_dialog import WalkInDialog

        dialog = WalkInDialog(self)

        def done() -> None:
            lane, reason = dialog.lane, dialog.priority_reason
            self._change(
                lambda c: c.queue.issue(lane, reason),
                lambda t: self.ctx.dialogs.info(self, f"已取号：{t.code}"),
            )

        dialog.accepted.connect(done)
        self.ctx.dialogs.open(dialog)
