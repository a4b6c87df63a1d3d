"""The hall display (叫号显示屏) for a second screen: the latest call in very large type, the
other windows' calls, and who is next. Tickets carry no names, so nothing personal is shown.
A new call or a recall is spoken — "请 A012 号到 2 号窗口办理" — when QtTextToSpeech is
available (PySide6-Addons); otherwise it is silently skipped.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from counterapp.app import Counter
from counterapp.queue import Lane, QueueError, Ticket, TicketStatus
from ui.ops import Changes, Ops
from ui.qt import QFrame, QGridLayout, QLabel, Qt, QTimer, QtTextToSpeech, QVBoxLayout, QWidget

log = logging.getLogger(__name__)
NEXT_SHOWN = 8
CALLS_SHOWN = 5
REFRESH_MS = 3000
PRIORITY_COLOUR = "#ffab40"
STALE = "叫号信息暂时无法更新，请留意窗口叫号"  # for the public: no address, no reason


class HallView(NamedTuple):
    calling: tuple[Ticket, ...]  # called or being served, newest call first
    upcoming: tuple[Ticket, ...]
    waiting: int


def load_hall(counter: Counter) -> HallView:
    """Runs on the store thread."""
    today = counter.queue.of_today()
    calling = [t for t in today if t.status in (TicketStatus.CALLED, TicketStatus.SERVING)]
    calling.sort(key=lambda t: t.called_at or t.issued_at, reverse=True)
    # a ticket transferred to a window is called there first: it leads, with that window
    waiting = sorted(counter.queue.waiting(), key=lambda t: t.target_window is None)
    return HallView(tuple(calling[:CALLS_SHOWN]), tuple(waiting[:NEXT_SHOWN]), len(waiting))


def announcement(ticket: Ticket) -> str:
    return f"请 {ticket.code} 号到 {ticket.window_no} 号窗口办理"


def _code(ticket: Ticket) -> str:
    colour = PRIORITY_COLOUR if ticket.lane == Lane.PRIORITY else "white"
    return f"<span style='color:{colour}'>{ticket.code}</span>"


def upcoming_text(ticket: Ticket) -> str:
    """A code; a transferred ticket also says its window, so the citizen knows where to go."""
    if ticket.target_window is None:
        return _code(ticket)
    return f"{_code(ticket)}<span style='font-size:22pt'>　转{ticket.target_window}号窗口</span>"


def _label(points: int, colour: str = "white", bold: bool = True) -> QLabel:
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    weight = "font-weight:bold;" if bold else ""
    label.setStyleSheet(f"font-size:{points}pt; color:{colour}; {weight}")
    return label


class HallDisplay(QWidget):
    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("叫号显示屏")
        self.setStyleSheet("HallDisplay { background:#0d1b2a; }"
                           " QFrame#box { background:#1b263b; border-radius:16px; }")
        station = ops.counter.station if ops.counter else None
        title = _label(28, "#ffd54f")
        title.setText(f"{station.name if station else ''}　叫号信息")
        self.latest = _label(110)
        self.latest_where = _label(40, "#80cbc4")
        self.others = _label(30, bold=False)
        self.upcoming = _label(34)
        self.waiting = _label(22, "#b0bec5", bold=False)
        self.stale = _label(22, PRIORITY_COLOUR)
        self.stale.hide()
        self.footer = _label(17, "#b0bec5", bold=False)
        self.footer.setText("优先号（Y）为绿色通道：老年人、残疾人、孕妇等优先办理　"
                            "过号请到服务台重新排队")
        calls = self._box("正在叫号", (self.latest, self.latest_where, self.others))
        upcoming = self._box("即将叫号", (self.upcoming, self.waiting))
        grid = QGridLayout()
        grid.addWidget(calls, 0, 0)
        grid.addWidget(upcoming, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(30, 16, 30, 12)
        layout.addWidget(title)
        layout.addLayout(grid, 1)
        layout.addWidget(self.stale)
        layout.addWidget(self.footer)
        self.announced: list[str] = []   # every call announced (spoken when speech exists)
        self._seen: set[tuple[int, int]] = set()
        self._first = True
        self.speech = QtTextToSpeech.QTextToSpeech(self) if QtTextToSpeech else None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self._timer.start()
        ops.changed.connect(self._on_changed)
        self.resize(1366, 768)

    @staticmethod
    def _box(heading: str, widgets: tuple[QLabel, ...]) -> QFrame:
        box = QFrame()
        box.setObjectName("box")
        column = QVBoxLayout(box)
        top = _label(26, "#ffd54f")
        top.setText(heading)
        column.addWidget(top)
        for widget in widgets:
            column.addWidget(widget)
        column.addStretch(1)
        return box

    def reload(self) -> None:
        """Re-read the calls; when the queue host cannot be reached, a neutral line says the
        screen is not up to date (never a box, and nothing about the host, on a public screen).
        """
        self.ops.query(load_hall, self._show, on_failure=self._not_reloaded, parent=self)

    def _not_reloaded(self, error: BaseException) -> bool:
        if not isinstance(error, QueueError):  # a fault of this program: logged, not shown
            log.error("the hall display could not reload: %r", error)
        self.stale.setText(STALE)
        self.stale.show()
        return True

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.queue:
            self.reload()

    def _show(self, view: HallView) -> None:
        self.stale.hide()
        called = [t for t in view.calling if t.status == TicketStatus.CALLED]
        if called:
            newest = called[0]
            self.latest.setText(_code(newest))
            self.latest_where.setText(f"请到 {newest.window_no} 号窗口办理")
        else:
            self.latest.setText("—")
            self.latest_where.setText("请留意叫号")
        rest = [t for t in view.calling if not called or t.id != called[0].id]
        self.others.setText("<br>".join(
            f"{_code(t)}　{t.window_no}号窗口　"
            f"{'请到窗口' if t.status == TicketStatus.CALLED else '办理中'}" for t in rest))
        self.upcoming.setText("<br>".join(upcoming_text(t) for t in view.upcoming) or "—")
        self.waiting.setText(f"共 {view.waiting} 人等候")
        for ticket in reversed(view.calling):
            key = (ticket.id, ticket.recalls)
            if ticket.status == TicketStatus.CALLED and key not in self._seen:
                self._seen.add(key)
                if not self._first:
                    self.announce(ticket)
        self._first = False

    def announce(self, ticket: Ticket) -> None:
        text = announcement(ticket)
        self.announced.append(text)
        if self.speech is not None:
            self.speech.say(text)
