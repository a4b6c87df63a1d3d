"""The case timer (限时办结): a countdown of the case's time limit, green → amber → red.

`reading()` decides what to show and is plain Python; `TimerWidget` redraws it every second.
Minute limits (即办件) count down to the second; working-day limits (承诺件, the 3-day
forwarding deadline, the citizen's time to bring missing materials) count working days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum
from typing import NamedTuple

from counterapp.case_model import Case, CaseState, state_text
from counterapp.clock import Clock, parse_stamp
from counterapp.workdays import WorkCalendar
from ui.qt import QFrame, QHBoxLayout, QLabel, QTimer, QWidget

AMBER_SHARE = 0.2  # amber in the last fifth of a minute limit …
AMBER_MIN_SECONDS = 120  # … or in its last two minutes
AMBER_WORKING_DAYS = 1  # amber when the day deadline is today or the next working day


class Level(IntEnum):
    IDLE = 0
    GREEN = 1
    AMBER = 2
    RED = 3


COLOURS = {  # background, text: readable on an old screen, not only by colour (text says it)
    Level.IDLE: ("#eceff1", "#37474f"),
    Level.GREEN: ("#2e7d32", "#ffffff"),
    Level.AMBER: ("#ffb300", "#000000"),
    Level.RED: ("#c62828", "#ffffff"),
}


class Reading(NamedTuple):
    level: Level
    text: str


def _clock_text(seconds: float) -> str:
    seconds = int(abs(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _minutes(title: str, start: datetime, limit: int, now: datetime) -> Reading:
    left = (start + timedelta(minutes=limit) - now).total_seconds()
    if left < 0:
        return Reading(Level.RED, f"{title}{limit}分钟 · 已超时 {_clock_text(left)}")
    amber = left <= max(limit * 60 * AMBER_SHARE, AMBER_MIN_SECONDS)
    return Reading(
        Level.AMBER if amber else Level.GREEN, f"{title}{limit}分钟 · 剩余 {_clock_text(left)}"
    )


def _days(title: str, due_text: str, now: datetime, calendar: WorkCalendar) -> Reading:
    due = datetime.fromisoformat(due_text).date()
    if now.date() > due:
        late = calendar.working_days_between(due, now.date())
        return Reading(Level.RED, f"{title} {due:%Y-%m-%d} · 已超期 {max(late, 1)} 个工作日")
    left = calendar.working_days_between(now.date(), due)
    level = Level.AMBER if left <= AMBER_WORKING_DAYS else Level.GREEN
    rest = "今日到期" if due == now.date() else f"剩 {left} 个工作日"
    return Reading(level, f"{title} {due:%Y-%m-%d} · {rest}")


def reading(
    case: Case | None,
    now: datetime,
    calendar: WorkCalendar,
    instant_target_minutes: int = 10,
    forward_pending: bool = True,
) -> Reading:
    """`forward_pending`: a forwarded case the county hub has not acknowledged yet (so the
    strip says 待上传 until the window learns otherwise)."""
    if case is None:
        return Reading(Level.IDLE, "计时：尚未开始办件")
    if case.state == CaseState.RECEIVED:
        limits = [item.limit_minutes for item in case.items if item.limit_minutes]
        limit = min(limits, default=instant_target_minutes)
        return _minutes("接件计时 · 即办", case.opened_at, limit, now)
    if case.state == CaseState.MATERIALS_INCOMPLETE and case.supply_due is not None:
        return _days("待补正材料 · 期限", case.supply_due.isoformat(), now, calendar)
    if case.state == CaseState.ACCEPTED:
        pending = [item for item in case.items if item.completed_at is None and item.due_at]
        minute_items = [item for item in pending if len(item.due_at or "") > 10]
        if minute_items:
            first = min(minute_items, key=lambda item: parse_stamp(item.due_at or ""))
            assert first.due_at is not None and first.limit_minutes is not None
            start = parse_stamp(first.due_at) - timedelta(minutes=first.limit_minutes)
            return _minutes("即办时限", start, first.limit_minutes, now)
        if case.needs_forwarding and case.forward_due is not None:
            return _days("转报上级期限", case.forward_due.isoformat(), now, calendar)
        if pending:
            return _days("承诺办结期限", min(item.due_at or "" for item in pending), now, calendar)
    if case.state == CaseState.FORWARDED:
        return Reading(
            Level.IDLE, state_text(case.state, upload_pending=forward_pending, county_status=None)
        )
    return Reading(Level.IDLE, f"办件{case.state.label}")


class TimerWidget(QFrame):
    """The coloured countdown strip above the case panel."""

    def __init__(
        self,
        clock: Clock,
        calendar: WorkCalendar,
        instant_target_minutes: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.calendar = calendar
        self._target = instant_target_minutes
        self._case: Case | None = None
        self._forward_pending = True
        self.label = QLabel(self)
        self.label.setObjectName("timerText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        self.current = reading(None, clock.now(), calendar)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.refresh)
        self._ticker.start()
        self.refresh()

    def set_case(self, case: Case | None, forward_pending: bool = True) -> None:
        self._case = case
        self._forward_pending = forward_pending
        self.refresh()

    def refresh(self) -> None:
        previous = self.current.level
        self.current = reading(
            self._case, self._clock.now(), self.calendar, self._target, self._forward_pending
        )
        if self.current.level != previous or not self.styleSheet():
            background, text = COLOURS[self.current.level]
            self.setStyleSheet(
                f"TimerWidget {{ background: {background}; border-radius: 4px; }}"
                f" QLabel {{ color: {text}; font-weight: bold; }}"
            )
        self.label.setText(self.current.text)
