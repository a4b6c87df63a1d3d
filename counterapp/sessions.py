"""Who works at a window: the login, the logout, the screen lock, and another clerk taking
over at the lock screen (a clerk switch), each journalled with the window number.

A switch is a hand-over: the case open on the screen passes to the clerk who took over
(`CaseService.hand_over`, recorded with the case), while its first-contact owner (首问负责人)
stays who they were; the journal names both clerks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from counterapp import journal
from counterapp.accounts import (
    LOGGED_IN,
    SCREEN_UNLOCKED,
    SWITCHED,
    AccountError,
    Login,
    authenticate,
    require_admin,
)
from counterapp.case_model import Case, CaseState
from counterapp.clock import Clock, stamp
from counterapp.station import Clerk
from db.settings import Settings
from db.store import Store

if TYPE_CHECKING:
    from counterapp.app import Counter

HAND_OVER_REASON = "换人接班（锁屏后由其他人员登录）"
IDLE, BY_HAND = "idle", "by_hand"   # why the screen was locked
HANDED_ON_STATES = (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE, CaseState.ACCEPTED)


class Unlocked(NamedTuple):
    login: Login
    switched: bool            # another clerk took over
    case: Case | None         # the open case, handed over to them when switched


def log_in(store: Store, login: str, pin: str, clock: Clock, window_no: int) -> Login:
    return authenticate(store, login, pin, clock, kind=LOGGED_IN, data={"window": window_no})


def log_out(store: Store, clerk: Clerk, clock: Clock, window_no: int) -> None:
    _record(store, clerk, "logged_out", clock, {"window": window_no})


def lock(store: Store, clerk: Clerk, clock: Clock, window_no: int, why: str) -> None:
    _record(store, clerk, "screen_locked", clock, {"window": window_no, "why": why})


def unlock(counter: Counter, current: Clerk, login: str, pin: str, window_no: int,
           case_id: int | None) -> Unlocked:
    """The lock screen: the same clerk's PIN unlocks; another clerk's takes over the window
    and the case open on it."""
    if login.strip() == current.login:
        done = authenticate(counter.store, login, pin, counter.clock, kind=SCREEN_UNLOCKED,
                            data={"window": window_no})
        return Unlocked(done, False, None if case_id is None else counter.cases.get(case_id))
    case = None if case_id is None else counter.cases.get(case_id)
    done = authenticate(counter.store, login, pin, counter.clock, kind=SWITCHED,
                        data={"window": window_no, "from": current.login,
                              "case": None if case is None else case.case_no})
    if case is not None and case.state in HANDED_ON_STATES \
            and case.handler_clerk_id != done.clerk.id:
        case = counter.cases.hand_over(case.id, case.handler_clerk_id, done.clerk.id,
                                       HAND_OVER_REASON)
    return Unlocked(done, True, case)


def _record(store: Store, clerk: Clerk, kind: str, clock: Clock, data: dict[str, object]
            ) -> None:
    with store.transaction():
        journal.record(store, subject="clerk", subject_uuid=clerk.uuid, kind=kind,
                       at=stamp(clock.now()), clerk_id=clerk.id, data=data)


# --- the idle lock ---------------------------------------------------------------------------
IDLE_LOCK_SETTING = "idle_lock_minutes"
IDLE_LOCK_DEFAULT = 10
IDLE_LOCK_RANGE = range(1, 61)


def idle_lock_minutes(settings: Settings) -> int:
    """After how many minutes without a key or the mouse the counter window locks."""
    return int(settings.get(IDLE_LOCK_SETTING, IDLE_LOCK_DEFAULT))


def set_idle_lock(counter: Counter, admin: Login, minutes: int) -> None:
    """The station admin's choice, 1 to 60 minutes; journalled."""
    by = require_admin(counter.store, admin, counter.clock)
    if minutes not in IDLE_LOCK_RANGE:
        raise AccountError(f"锁屏时间应为{IDLE_LOCK_RANGE[0]}-{IDLE_LOCK_RANGE[-1]}分钟")
    with counter.store.transaction():
        counter.settings.set(IDLE_LOCK_SETTING, minutes)
        _record(counter.store, by, "idle_lock_set", counter.clock, {"minutes": minutes})
