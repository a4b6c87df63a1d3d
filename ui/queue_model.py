"""The queue as the window sees it: what `load_queue` reads on the store thread, and the
table model of waiting tickets (columns as an IntEnum)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from counterapp.app import Counter
from counterapp.queue import Lane, Ticket, TicketStatus
from ui.qt import QAbstractTableModel, QBrush, QColor, QFont, QModelIndex, QObject, Qt

if TYPE_CHECKING:
    from ui.table_model import AnyIndex

PRIORITY_BACKGROUND = QColor("#ffe0b2")
HELD_BACKGROUND = QColor("#e3f2fd")
NO_SHOW_BACKGROUND = QColor("#eeeeee")
NO_SHOW_FOREGROUND = QColor("#757575")


class QueueView(NamedTuple):
    current: Ticket | None  # called to or being served at this window
    rows: tuple[Ticket, ...]  # waiting in the order this window calls them, then those
    # transferred to other windows, held here, then today's
    # no-shows (过号), which may be re-queued
    waiting: int  # every waiting row of the list (the count says what it shows)
    waiting_priority: int
    elsewhere: int = 0  # of them, transferred to another window (called there)


def load_queue(counter: Counter, window_no: int) -> QueueView:
    """Runs on the store thread. The list and its count are the same tickets: everyone
    waiting at the station, those this window calls first, in its call order."""
    today = counter.queue.of_today()
    current = next(
        (
            t
            for t in today
            if t.window_no == window_no and t.status in (TicketStatus.CALLED, TicketStatus.SERVING)
        ),
        None,
    )
    held = [t for t in today if t.window_no == window_no and t.status == TicketStatus.HELD]
    no_show = [t for t in today if t.status == TicketStatus.NO_SHOW]
    here = counter.queue.waiting(window_no)
    elsewhere = [
        t
        for t in today
        if t.status == TicketStatus.WAITING and t.target_window not in (None, window_no)
    ]
    waiting = [*here, *elsewhere]
    return QueueView(
        current,
        (*waiting, *held, *no_show),
        len(waiting),
        sum(1 for t in waiting if t.lane == Lane.PRIORITY),
        len(elsewhere),
    )


class Column(IntEnum):
    CODE = 0
    LANE = 1
    WAITED = 2
    NOTE = 3


HEADERS = {Column.CODE: "号码", Column.LANE: "类别", Column.WAITED: "已等候", Column.NOTE: "说明"}


def waited_text(ticket: Ticket, now: datetime) -> str:
    minutes = max(0, int((now - ticket.issued_at).total_seconds() // 60))
    return f"{minutes}分钟" if minutes < 60 else f"{minutes // 60}小时{minutes % 60}分"


def note_text(ticket: Ticket) -> str:
    if ticket.status == TicketStatus.HELD:
        return "暂停中（F5恢复）"
    if ticket.status == TicketStatus.NO_SHOW:
        where = f"（{ticket.window_no}号窗口）" if ticket.window_no else ""
        return f"过号{where}，Shift+F4重排"
    parts = []
    if ticket.target_window is not None:
        parts.append(f"转至{ticket.target_window}号窗口")
    if ticket.priority_reason:
        parts.append(ticket.priority_reason)
    return "，".join(parts)


class TicketTableModel(QAbstractTableModel):
    def __init__(self, now: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now  # a callable giving the current moment (the counter's clock)
        self._rows: tuple[Ticket, ...] = ()

    def set_rows(self, rows: tuple[Ticket, ...]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def ticket(self, row: int) -> Ticket:
        return self._rows[row]

    def tick(self) -> None:
        """Waiting times move on: repaint that column only."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.WAITED), self.index(len(self._rows) - 1, Column.WAITED)
            )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ticket = self._rows[index.row()]
        column = Column(index.column())
        priority = ticket.lane == Lane.PRIORITY
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.CODE:
                return ticket.code
            if column == Column.LANE:
                return "★优先" if priority else "普通"
            if column == Column.WAITED:
                return waited_text(ticket, self._now())
            return note_text(ticket)
        if role == Qt.ItemDataRole.BackgroundRole:
            if ticket.status == TicketStatus.HELD:
                return QBrush(HELD_BACKGROUND)
            if ticket.status == TicketStatus.NO_SHOW:
                return QBrush(NO_SHOW_BACKGROUND)
            return QBrush(PRIORITY_BACKGROUND) if priority else None
        if role == Qt.ItemDataRole.ForegroundRole and ticket.status == TicketStatus.NO_SHOW:
            return QBrush(NO_SHOW_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and priority and column in (Column.CODE, Column.LANE):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and ticket.priority_reason:
            return f"绿色通道：{ticket.priority_reason}"
        return None
