"""The self-service ticket machine (自助取号机): a full-screen window with two big buttons,
普通 and 优先 (绿色通道, with a reason), that issues a ticket and shows it on screen.

The ticket slip is printed through the printing service when it is installed
(`ui.slip_service`). A public screen (`ui.public_screen`): only the station administrator's
code closes it, and a ticket that cannot be issued or printed is told to the citizen in plain
words, the reason (the queue host's address, the printer's error) going to the log only.

It runs on a PC of its own (`python main.py --kiosk`), never from a clerk's window: there the
clerk's window, with citizens' data, would be one key away behind it.
"""

from __future__ import annotations

import logging

from counterapp.app import Counter
from counterapp.queue import Lane, Ticket
from ui.ops import QUEUE, Ops
from ui.public_screen import PublicScreen
from ui.qt import (
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from ui.slip_service import SlipService
from ui.walkin_dialog import PRIORITY_REASONS

log = logging.getLogger(__name__)
NOT_ISSUED = "暂时无法取号<br>请到服务台，工作人员会为您取号"
NOT_PRINTED = "号票未能打印，请记住您的号码，"

SHOW_TICKET_MS = 8000
REASON_HEIGHT = 100  # four rows of reasons and 返回 under the title fit a 1366×768 screen
BUTTON_STYLE = (
    "QPushButton {{ background:{0}; color:white; font-size:{1}pt; font-weight:bold;"
    " border-radius:16px; padding:20px; }} QPushButton:focus {{ border:6px solid "
    "#0d47a1; }}"
)


def _big_button(text: str, colour: str, points: int, height: int = 140) -> QPushButton:
    button = QPushButton(text)
    button.setStyleSheet(BUTTON_STYLE.format(colour, points))
    button.setMinimumHeight(height)
    return button


class KioskWindow(PublicScreen):
    screen_name = "取号机"

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle("自助取号")
        self.setStyleSheet("KioskWindow { background: #e3f2fd; }")
        station = ops.counter.station if ops.counter else None
        title = QLabel(f"{station.name if station else ''}　自助取号")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size:34pt; font-weight:bold; color:#0d47a1;")
        self.pages = QStackedWidget()
        self.normal = _big_button("普通取号", "#1565c0", 40)
        self.priority = _big_button("优先取号（绿色通道）\n老年人、残疾人、孕妇等", "#e65100", 30)
        start = QWidget()
        start_layout = QVBoxLayout(start)
        start_layout.addWidget(self.normal)
        start_layout.addWidget(self.priority)
        reasons = QWidget()
        reasons_layout = QGridLayout(reasons)
        hint = QLabel("请选择优先原因（工作人员将核验相关证件）")
        hint.setStyleSheet("font-size:24pt;")
        reasons_layout.addWidget(hint, 0, 0, 1, 2)
        self.reason_buttons = []
        for index, reason in enumerate(PRIORITY_REASONS):
            button = _big_button(reason, "#ef6c00", 26, REASON_HEIGHT)
            button.clicked.connect(lambda _=False, r=reason: self.issue(Lane.PRIORITY, r))
            reasons_layout.addWidget(button, 1 + index // 2, index % 2)
            self.reason_buttons.append(button)
        back = _big_button("返回", "#607d8b", 22, REASON_HEIGHT)
        back.clicked.connect(self.home)
        reasons_layout.addWidget(back, 1 + (len(PRIORITY_REASONS) + 1) // 2, 0, 1, 2)
        self.ticket_label = QLabel()
        self.ticket_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_label.setWordWrap(True)
        self.ticket_label.setStyleSheet(
            "font-size:30pt; background:white; border-radius:16px; padding:30px;"
        )
        for page in (start, reasons, self.ticket_label):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addWidget(title)
        layout.addWidget(self.pages, 1)
        self.normal.clicked.connect(lambda: self.issue(Lane.NORMAL, None))
        self.priority.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self._back_timer = QTimer(self)
        self._back_timer.setSingleShot(True)
        self._back_timer.timeout.connect(self.home)
        self.last_ticket: Ticket | None = None
        self._ahead = 0
        self.slips = SlipService(ops, parent=self)
        self.slips.failed.connect(self._not_printed)

    def home(self) -> None:
        self.pages.setCurrentIndex(0)
        self.normal.setFocus()

    def issue(self, lane: Lane, reason: str | None) -> None:
        def work(counter: Counter) -> tuple[Ticket, int]:
            ticket = counter.queue.issue(lane, reason)
            return ticket, counter.queue.people_ahead(ticket)

        self.ops.change(
            work,
            QUEUE,
            on_success=self._show_ticket,
            on_failure=self._not_issued,
            origin=self,
            parent=self,
        )

    def _show_ticket(self, result: tuple[Ticket, int]) -> None:
        ticket, self._ahead = result
        self.last_ticket = ticket
        printed = self.slips.print_ticket(ticket.id)
        self._say_ticket("请取走号票，" if printed else "请记住您的号码，")

    def _say_ticket(self, hint: str) -> None:
        ticket = self.last_ticket
        assert ticket is not None
        lane = "优先号 · 绿色通道" if ticket.lane == Lane.PRIORITY else "普通号"
        self.ticket_label.setText(
            f"<div style='font-size:22pt'>您的号码　{lane}</div>"
            f"<div style='font-size:110pt; color:#0d47a1'><b>{ticket.code}</b></div>"
            f"<div>前面还有 <b>{self._ahead}</b> 人等候</div>"
            f"<div style='font-size:20pt'>{hint}留意大厅叫号屏和语音提示</div>"
        )
        self._show_page()

    def _not_issued(self, error: BaseException) -> bool:
        """Whatever went wrong, the citizen is sent to the desk; staff read the log."""
        log.warning("the kiosk could not issue a ticket: %r", error)
        self.last_ticket = None
        self.ticket_label.setText(f"<div style='color:#b71c1c'>{NOT_ISSUED}</div>")
        self._show_page()
        return True

    def _not_printed(self, kind: str, message: str) -> None:
        log.warning("the kiosk could not print a %s: %s", kind, message)
        if kind == "ticket" and self.last_ticket is not None:
            self._say_ticket(NOT_PRINTED)

    def _show_page(self) -> None:
        self.pages.setCurrentIndex(2)
        self._back_timer.start(SHOW_TICKET_MS)
