"""The station's windows (窗口): which exist, so a ticket is transferred only to one of them.

A station numbers its windows 1…N. N is the count set for the station (`counterapp station
--windows N`, or 排队设置 in the window) or, when none is set, the highest window this store
has seen call a ticket (its own tickets, and the queue host's tickets mirrored on a client),
and at least this PC's own window. Only windows that called a ticket count: a transfer's
target proves nothing about a window existing.
"""

from __future__ import annotations

from db.settings import Settings
from db.store import Store

WINDOW_COUNT = "station_windows"  # the setting: how many windows the station has
MAX_WINDOWS = 99  # window numbers are two digits in case numbers


def window_count(store: Store, settings: Settings, own_window: int) -> int:
    """N: the configured count, else the highest window seen calling, at least our own."""
    configured = settings.get(WINDOW_COUNT)
    if configured:
        return max(int(configured), own_window)
    seen = store.scalar("SELECT max(window_no) FROM tickets") or 0
    return max(int(seen), own_window)


def other_windows(store: Store, settings: Settings, own_window: int) -> list[int]:
    """The windows a ticket at `own_window` may be transferred to."""
    return [n for n in range(1, window_count(store, settings, own_window) + 1) if n != own_window]


def set_window_count(settings: Settings, count: int | None) -> None:
    """Set how many windows the station has (None: derive it from the windows seen)."""
    if count is None:
        settings.delete(WINDOW_COUNT)
        return
    if not 1 <= count <= MAX_WINDOWS:
        raise ValueError(f"本站窗口数应为1-{MAX_WINDOWS}")
    settings.set(WINDOW_COUNT, count)
