"""Who works at a window: the login, the logout, the screen lock, and another clerk taking
over at the lock screen (a clerk switch), each journalled with the window number.

A switch is a hand-over: the case open on the screen passes to the clerk who took over
(`CaseService.hand_over`, recorded with the case), while its first-contact owner (首问负责人)
stays who they were; the journal names both clerks.

On a window PC of the station's queue host the station's clerks are the host's, and so is the
judgement of their PINs: a PIN typed at the login or the lock screen (unlock or switch) goes
to the host, which checks it, counts a wrong one towards the clerk's lockout there, journals
it and signs the clerk in for the queue (`RemoteQueue.sign_in`); this PC journals the success
too. Only when the host cannot be asked (switched off, the network down, this PC's key
refused) is the PIN checked here, against the host's accounts as last read, with this PC's
own lockout count; the clerk then works on this PC's cases, and the queue asks for the PIN
again once the host is back (`client.SignedOut`). `Checked.host_problem` says why the host
was not asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from counterapp import journal
from counterapp.accounts import (
    LOGGED_IN,
    SCREEN_UNLOCKED,
    SWITCHED,
    Login,
    LoginRefused,
    authenticate,
    judged_by_host,
)
from counterapp.case_model import Case, CaseState
from counterapp.clock import Clock, stamp
from counterapp.lan_queue.client import HostRefused, RemoteQueue
from counterapp.queue import QueueError
from counterapp.station import Clerk
from db.store import Store

if TYPE_CHECKING:
    from counterapp.app import Counter

HAND_OVER_REASON = "换人接班（锁屏后由其他人员登录）"
# why the screen was locked: by the clerk, after the idle time, or the queue host asks for the
# PIN (its session ended, or the clerk logged in while it could not be reached)
IDLE, BY_HAND, HOST_SIGNED_OUT = "idle", "by_hand", "host_signed_out"
HANDED_ON_STATES = (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE, CaseState.ACCEPTED)


class Checked(NamedTuple):
    login: Login
    host_problem: str = ""  # why the queue host could not check the PIN ("": it did, or
    # this PC has no queue host)


class Unlocked(NamedTuple):
    login: Login
    switched: bool  # another clerk took over
    case: Case | None  # the open case, handed over to them when switched
    host_problem: str = ""


def log_in(counter: Counter, login: str, pin: str, window_no: int) -> Checked:
    return check_pin(counter, login, pin, LOGGED_IN, {"window": window_no})


def check_pin(counter: Counter, login: str, pin: str, kind: str, data: dict[str, Any]) -> Checked:
    """`login`'s PIN checked where the station's accounts are kept: by the queue host when
    this PC is a client of one and the host can be asked (it signs the clerk in there), else
    here (see the module docstring). Journalled as `kind` with `data`; `LoginRefused` with
    the clerk's message."""
    queue = counter.queue
    if not isinstance(queue, RemoteQueue):
        return Checked(authenticate(counter.store, login, pin, counter.clock, kind=kind, data=data))
    try:
        queue.sign_in(login, pin, counter.clock)
    except HostRefused as refused:
        raise LoginRefused(str(refused)) from None
    except QueueError as away:
        done = authenticate(
            counter.store,
            login,
            pin,
            counter.clock,
            kind=kind,
            data={**data, "checked_by": "this_pc"},
        )
        return Checked(done, str(away))
    return Checked(judged_by_host(counter.store, login, counter.clock, kind=kind, data=data))


def log_out(store: Store, clerk: Clerk, clock: Clock, window_no: int) -> None:
    _record(store, clerk, "logged_out", clock, {"window": window_no})


def lock(store: Store, clerk: Clerk, clock: Clock, window_no: int, why: str) -> None:
    _record(store, clerk, "screen_locked", clock, {"window": window_no, "why": why})


def unlock(
    counter: Counter, current: Clerk, login: str, pin: str, window_no: int, case_id: int | None
) -> Unlocked:
    """The lock screen: the same clerk's PIN unlocks; another clerk's takes over the window
    and the case open on it."""
    case = None if case_id is None else counter.cases.get(case_id)
    if login.strip() == current.login:
        done = check_pin(counter, login, pin, SCREEN_UNLOCKED, {"window": window_no})
        return Unlocked(done.login, False, case, done.host_problem)
    done = check_pin(
        counter,
        login,
        pin,
        SWITCHED,
        {
            "window": window_no,
            "from": current.login,
            "case": None if case is None else case.case_no,
        },
    )
    clerk = done.login.clerk
    if case is not None and case.state in HANDED_ON_STATES and case.handler_clerk_id != clerk.id:
        case = counter.cases.hand_over(case.id, case.handler_clerk_id, clerk.id, HAND_OVER_REASON)
    return Unlocked(done.login, True, case, done.host_problem)


def _record(store: Store, clerk: Clerk, kind: str, clock: Clock, data: dict[str, object]) -> None:
    with store.transaction():
        journal.record(
            store,
            subject="clerk",
            subject_uuid=clerk.uuid,
            kind=kind,
            at=stamp(clock.now()),
            clerk_id=clerk.id,
            data=data,
        )
