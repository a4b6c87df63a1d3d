"""The hall display (叫号显示屏), full screen: the latest call in very large type, the last few
calls (ticket code → window, newest first), and who is next — a ticket transferred to another
window is listed with that window. Tickets carry no names, so nothing personal is shown.
A new call or a recall is spoken — "请 A012 号到 2 号窗口办理" — when QtTextToSpeech is
available (PySide6-Addons); otherwise it is silently skipped.

A new call shows within a second: every `REFRESH_MS` the display asks the queue for its
revision (one small query, or one small request to the queue host) and reads the calls only
when it moved. One poll at a time; while the queue host cannot be reached, it asks less often.
A public screen, as the kiosk is (`ui.public_screen`): only the station administrator's code
closes it; the clerk's menu closes one it opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NamedTuple

from counterapp.app import Counter
from counterapp.queue import Lane, QueueError, Ticket, TicketStatus
from ui.ops import Changes, Ops
from ui.public_screen import PublicScreen
from ui.qt import (
    QFrame,
    QGridLayout,
    QLabel,
    Qt,
    QTimer,
    QtTextToSpeech,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ui.qt import QScreen

log = logging.getLogger(__name__)
NEXT_SHOWN = 8
CALLS_SHOWN = 6  # the last calls listed under the latest one
REFRESH_MS = 500  # a call shows within a second
STALE_RETRY_MS = 5000  # while the queue host cannot be reached
PRIORITY_COLOUR = "#ffab40"
STALE = "叫号信息暂时无法更新，请留意窗口叫号"  # for the public: no address, no reason
CALL_NOTES = {
    TicketStatus.CALLED: "请到窗口",
    TicketStatus.SERVING: "办理中",
    TicketStatus.HELD: "办理中",
    TicketStatus.NO_SHOW: "过号",
}


class HallView(NamedTuple):
    revision: str  # the queue's revision these rows were read at
    calls: tuple[Ticket, ...]  # at or done at a window, latest call first
    upcoming: tuple[Ticket, ...]
    waiting: int


def load_hall(counter: Counter, known: str | None = None) -> HallView | None:
    """Runs on the store thread: None when the queue has not changed since `known`."""
    revision = counter.queue.revision()
    if revision == known:
        return None
    calls = counter.queue.recent_calls(CALLS_SHOWN + 1)
    # a ticket transferred to a window is called there first: it leads, with that window
    waiting = sorted(counter.queue.waiting(), key=lambda t: t.target_window is None)
    return HallView(revision, tuple(calls), tuple(waiting[:NEXT_SHOWN]), len(waiting))


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


class HallDisplay(PublicScreen):
    screen_name = "叫号显示屏"

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle("叫号显示屏")
        self.setStyleSheet(
            "HallDisplay { background:#0d1b2a; }"
            " QFrame#box { background:#1b263b; border-radius:16px; }"
        )
        station = ops.counter.station if ops.counter else None
        title = _label(28, "#ffd54f")
        title.setText(f"{station.name if station else ''}　叫号信息")
        self.latest = _label(96)
        self.latest_where = _label(36, "#80cbc4")
        self.others = _label(24, bold=False)
        self.upcoming = _label(34)
        self.waiting = _label(22, "#b0bec5", bold=False)
        self.stale = _label(22, PRIORITY_COLOUR)
        self.stale.hide()
        self.footer = _label(17, "#b0bec5", bold=False)
        self.footer.setText(
            "优先号（Y）为绿色通道：老年人、残疾人、孕妇等优先办理　过号请到服务台重新排队"
        )
        self.others_heading = _label(20, "#ffd54f", bold=False)
        self.others_heading.setText("最近叫号")
        calls = self._box(
            "正在叫号", (self.latest, self.latest_where, self.others_heading, self.others)
        )
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
        self.announced: list[str] = []  # every call announced (spoken when speech exists)
        self._seen: set[tuple[int, int]] = set()  # (ticket, version) of each call shown
        self._first = True
        self.revision: str | None = None  # of the rows shown
        self._polling = False
        self.speech = QtTextToSpeech.QTextToSpeech(self) if QtTextToSpeech else None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        ops.changed.connect(self._on_changed)
        self.resize(1366, 768)

    def show_full_screen(self, screen: QScreen | None = None) -> None:
        """Full screen on the hall's screen: the second one when the PC has two."""
        from ui.qt import QGuiApplication

        screens = QGuiApplication.screens()
        super().show_full_screen(screen or (screens[-1] if len(screens) > 1 else None))

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
        """Read the calls now, whatever the revision (at start and after this PC's own
        changes)."""
        self.revision = None
        self.poll()

    def poll(self) -> None:
        """Ask whether the queue moved and read it if so; when the queue host cannot be
        reached, a neutral line says the screen is not up to date (never a box, and nothing
        about the host, on a public screen)."""
        if self._polling:
            return
        self._polling = True
        known = self.revision
        self.ops.query(
            lambda counter: load_hall(counter, known),
            self._show,
            on_failure=self._not_reloaded,
            parent=self,
        )

    def _not_reloaded(self, error: BaseException) -> bool:
        self._polling = False
        if not isinstance(error, QueueError):  # a fault of this program: logged, not shown
            log.error("the hall display could not reload: %r", error)
        elif self.stale.isHidden():  # the host's address, for staff: once per outage
            log.warning("the hall display could not reload: %s", error)
        self.stale.setText(STALE)
        self.stale.show()
        self._timer.setInterval(STALE_RETRY_MS)
        return True

    def _on_changed(self, changes: Changes, origin: object) -> None:
        if changes.queue:
            self.reload()

    def _show(self, view: HallView | None) -> None:
        self._polling = False
        self._timer.setInterval(REFRESH_MS)
        self.stale.hide()
        if view is None:
            return
        self.revision = view.revision
        called = [t for t in view.calls if t.status == TicketStatus.CALLED]
        newest = called[0] if called else None
        if newest is not None:
            self.latest.setText(_code(newest))
            self.latest_where.setText(f"请到 {newest.window_no} 号窗口办理")
        else:
            self.latest.setText("—")
            self.latest_where.setText("请留意叫号")
        rest = [t for t in view.calls if newest is None or t.id != newest.id][:CALLS_SHOWN]
        self.others.setText(
            "<br>".join(
                f"{_code(t)} → {t.window_no}号窗口　{CALL_NOTES.get(t.status, '')}".rstrip()
                for t in rest
            )
        )
        self.upcoming.setText("<br>".join(upcoming_text(t) for t in view.upcoming) or "—")
        self.waiting.setText(f"共 {view.waiting} 人等候")
        for ticket in reversed(view.calls):
            key = (ticket.id, ticket.version)  # every call and recall is a new version
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
