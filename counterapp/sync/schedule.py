"""When to sync: every N minutes during the day, plus once in a nightly window.

The policy lives in `db.settings` (`sync.interval_minutes`, `sync.nightly_window` as
"HH:MM-HH:MM", may wrap midnight). After failures the next attempt backs off exponentially
(with jitter) so a village with a dead link does not hammer it. The window drives a
`SyncScheduler` from a QTimer; `counterapp sync --if-due` asks the same question from a
scheduled task.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import NamedTuple

from counterapp.clock import parse_stamp
from db.settings import Settings
from db.store import Store

INTERVAL_KEY = "sync.interval_minutes"
WINDOW_KEY = "sync.nightly_window"
DEFAULT_INTERVAL = 15
DEFAULT_WINDOW = "02:00-05:00"
MAX_BACKOFF = timedelta(hours=4)


class SyncPolicy(NamedTuple):
    interval: timedelta | None  # None: no daytime syncing (nightly window only)
    night_start: time
    night_end: time

    @classmethod
    def from_settings(cls, settings: Settings) -> SyncPolicy:
        minutes = int(settings.get(INTERVAL_KEY, DEFAULT_INTERVAL))
        start, end = parse_window(str(settings.get(WINDOW_KEY, DEFAULT_WINDOW)))
        return cls(timedelta(minutes=minutes) if minutes > 0 else None, start, end)

    def in_window(self, moment: datetime) -> bool:
        now = moment.time()
        if self.night_start <= self.night_end:
            return self.night_start <= now < self.night_end
        return now >= self.night_start or now < self.night_end

    def window_start(self, moment: datetime) -> datetime:
        """The start of the nightly window `moment` is in (call only when in_window)."""
        start = moment.replace(
            hour=self.night_start.hour, minute=self.night_start.minute, second=0, microsecond=0
        )
        return start if start <= moment else start - timedelta(days=1)


def parse_window(text: str) -> tuple[time, time]:
    try:
        first, last = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"夜间同步时段格式应为 HH:MM-HH:MM，而不是 {text!r}") from exc
    return first, last


class History(NamedTuple):
    last_attempt: datetime | None
    last_success: datetime | None
    failures: int  # consecutive failed runs since the last success


def history(store: Store) -> History:
    rows = store.all(
        "SELECT started_at, ok FROM sync_runs WHERE via = 'online' ORDER BY id DESC LIMIT 50"
    )
    last_attempt = parse_stamp(rows[0]["started_at"]) if rows else None
    failures, last_success = 0, None
    for row in rows:
        if row["ok"]:
            last_success = parse_stamp(row["started_at"])
            break
        failures += 1
    if last_success is None:
        ok = store.scalar("SELECT max(started_at) FROM sync_runs WHERE via = 'online' AND ok = 1")
        last_success = parse_stamp(ok) if ok else None
    return History(last_attempt, last_success, failures)


class SyncScheduler:
    """Decides whether a sync is due now. Pure: the caller supplies time and history."""

    def __init__(self, policy: SyncPolicy) -> None:
        self.policy = policy

    def backoff(self, failures: int, after: datetime) -> timedelta:
        """The wait after `failures` failed runs, the last at `after`: exponential, capped, and
        jittered (stations that failed together do not retry together). The jitter is drawn
        from `after`, so asking again every minute gives the same answer."""
        base = self.policy.interval or timedelta(minutes=DEFAULT_INTERVAL)
        ceiling: timedelta = min(MAX_BACKOFF, base * 2 ** min(failures, 10))
        return ceiling * random.Random(after.isoformat()).uniform(0.5, 1.0)

    def is_due(self, now: datetime, past: History) -> bool:
        if past.last_attempt is None:
            return True
        if past.failures and now - past.last_attempt < self.backoff(
            past.failures - 1, past.last_attempt
        ):
            return False
        if self.policy.in_window(now):
            start = self.policy.window_start(now)
            if past.last_success is None or past.last_success < start:
                return True
        if self.policy.interval is None:
            return past.failures > 0 and self.policy.in_window(now)
        return now - past.last_attempt >= self.policy.interval
