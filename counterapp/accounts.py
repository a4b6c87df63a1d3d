"""Clerk accounts: the station admin (站长), PIN checks with a lockout, and what only the admin
may do — add clerks, set or reset a PIN, deactivate, reactivate, unlock.

Only the admin's `Login` (a successful PIN check, at most `ADMIN_PROOF_MINUTES` old, by a
clerk who is still an active admin) opens the admin's functions; the window's 人员管理 and
the command line get one by asking for the admin's PIN. Every change, every failed check and
every lockout is journalled (`events`, subject `clerk`) — never a PIN, never its hash.

Lockout (`pins.lock_minutes`): the first `FREE_FAILURES` - 1 wrong PINs in a row cost nothing;
the next locks the clerk for 1 minute, each further one (possible only once the lock has run
out) for twice as long, at most `LONGEST_LOCK_MINUTES`. The count and the end of the lock are
stored with the clerk, so restarting the program does not reset them; a right PIN or the
admin's unlock does. Clerks are deactivated, never deleted: a deactivated clerk cannot log
in, and keeps their name on the cases they own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple, NoReturn

from counterapp import journal, pins
from counterapp.clock import Clock, parse_stamp, stamp
from counterapp.pins import FREE_FAILURES, lock_minutes
from counterapp.station import (
    ADMIN,
    CLERK,
    Clerk,
    StationError,
    add_clerk,
    clerk_by_login,
    clerks,
    get_clerk,
)
from db.settings import Settings
from db.store import Store

ADMIN_PROOF_MINUTES = 15

# What a successful check is journalled as: the window's login, the lock screen's unlock by
# the same clerk, another clerk taking over at the lock screen, the admin opening 人员管理;
# on the queue host, a clerk of a window PC signed in there (`lan_queue.sessions`).
LOGGED_IN = "logged_in"
SCREEN_UNLOCKED = "screen_unlocked"
SWITCHED = "switched"
ADMIN_VERIFIED = "admin_verified"
QUEUE_SIGNED_IN = "queue_signed_in"


class AccountError(StationError):
    """Refused; str() is a message for the clerk."""


class LoginRefused(AccountError):
    """A wrong PIN, a locked or deactivated clerk, or no PIN set yet."""


class Login(NamedTuple):
    """Proof that `clerk` typed their PIN at `at`."""

    clerk: Clerk
    at: datetime


class Account(NamedTuple):
    """A clerk as the admin manages them."""

    clerk: Clerk
    has_pin: bool
    failed_logins: int
    locked_until: datetime | None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def state_text(self, now: datetime) -> str:
        if not self.clerk.active:
            return "已停用"
        if self.locked_until is not None and now < self.locked_until:
            return f"已锁定至 {self.locked_until:%H:%M}"
        if not self.has_pin:
            return "未设置PIN"
        return f"在岗（连续错误{self.failed_logins}次）" if self.failed_logins else "在岗"


# --- reading ---------------------------------------------------------------------------------
def accounts(store: Store) -> list[Account]:
    rows = store.all(
        "SELECT id, pin_hash IS NOT NULL AS has_pin, failed_logins, locked_until "
        "FROM clerks ORDER BY active DESC, id"
    )
    found = {clerk.id: clerk for clerk in clerks(store)}
    return [
        Account(
            found[row["id"]],
            bool(row["has_pin"]),
            row["failed_logins"],
            parse_stamp(row["locked_until"]) if row["locked_until"] else None,
        )
        for row in rows
    ]


def has_admin(store: Store) -> bool:
    """Whether the station has an active admin (a store from before accounts has none)."""
    return bool(store.scalar("SELECT 1 FROM clerks WHERE role = ? AND active = 1", (ADMIN,)))


def can_log_in(store: Store) -> list[Clerk]:
    """The clerks offered at the login: active ones (with a PIN or not: one without is told
    to ask the admin)."""
    return [clerk for clerk in clerks(store) if clerk.active]


# --- the first admin -------------------------------------------------------------------------
def set_up_admin(store: Store, login: str, name: str, pin: str, clock: Clock) -> Clerk:
    """The station's first admin, at the first-run set-up, or on a store from before accounts
    (whose clerks have no PIN): refused once the station has an active admin. An existing
    clerk with this login and name becomes the admin."""
    _check_pin(pin, login)
    hashed = pins.hash_pin(pin)
    now = stamp(clock.now())
    with store.transaction():
        if has_admin(store):
            raise AccountError("本站已有站长，请由站长在「人员管理」中添加人员")
        existing = clerk_by_login(store, login)
        if existing is None:
            return add_clerk(store, login, name, clock, role=ADMIN, pin_hash=hashed)
        if existing.name != name.strip() or not existing.active:
            raise AccountError(
                f"工号 {existing.login} 已属于{existing.name}"
                f"{'' if existing.active else '（已停用）'}，请核对"
            )
        store.execute(
            "UPDATE clerks SET role = ?, pin_hash = ?, pin_set_at = ?, "
            "failed_logins = 0, locked_until = NULL WHERE id = ?",
            (ADMIN, hashed, now, existing.id),
        )
        _record(store, existing, "role_changed", now, None, {"role": ADMIN})
        _record(store, existing, "pin_set", now, None, {"reset": False})
    return get_clerk(store, existing.id)


# --- checking a PIN --------------------------------------------------------------------------
def authenticate(
    store: Store,
    login: str,
    pin: str,
    clock: Clock,
    *,
    kind: str = LOGGED_IN,
    data: dict[str, Any] | None = None,
) -> Login:
    """Check `login`'s PIN; journal the success as `kind` (with `data`), or the failure.
    Raises `LoginRefused` with the clerk's message; a wrong PIN is counted before it does."""
    row = store.one(
        "SELECT id, pin_hash, failed_logins, locked_until FROM clerks WHERE login = ?",
        (login.strip(),),
    )
    now = clock.now()
    where = {**(data or {}), "for": kind}  # what was tried where, for a failure's record
    if row is None:
        pins.spend_a_verification()
        _refuse(store, None, now, "unknown_login", where, "工号或PIN不正确")
    clerk = get_clerk(store, row["id"])
    if not clerk.active:
        _refuse(store, clerk, now, "deactivated", where, f"{clerk.name}已停用，不能登录")
    if row["pin_hash"] is None:
        _refuse(
            store,
            clerk,
            now,
            "no_pin",
            where,
            f"{clerk.name}尚未设置PIN，请站长在「人员管理」中设置",
        )
    locked = parse_stamp(row["locked_until"]) if row["locked_until"] else None
    if locked is not None and now < locked:
        _refuse(
            store,
            clerk,
            now,
            "locked",
            where,
            f"{clerk.name}因PIN连续错误已锁定，请于 {locked:%H:%M} 后再试，或请站长解锁",
        )
    if not pins.verify(row["pin_hash"], pin):
        _wrong_pin(store, clerk, row["failed_logins"] + 1, now, where)
    renewed = pins.hash_pin(pin) if pins.needs_rehash(row["pin_hash"]) else None
    with store.transaction():
        store.execute(
            "UPDATE clerks SET pin_hash = coalesce(?, pin_hash) WHERE id = ?", (renewed, clerk.id)
        )
        return _succeeded(store, clerk, now, kind, data)


def judged_by_host(
    store: Store, login: str, clock: Clock, *, kind: str, data: dict[str, Any]
) -> Login:
    """A PIN the station's queue host has just accepted for `login` (this PC is a window of
    the host, which judges, counts and journals every PIN typed here while it can be reached:
    `sessions`): journal the success here too, and end this PC's own count of wrong PINs."""
    clerk = clerk_by_login(store, login)
    if clerk is None:  # the host's clerks are read just before the host is asked
        raise LoginRefused("工号或PIN不正确")
    with store.transaction():
        return _succeeded(store, clerk, clock.now(), kind, {**data, "checked_by": "queue_host"})


def _succeeded(
    store: Store, clerk: Clerk, now: datetime, kind: str, data: dict[str, Any] | None
) -> Login:
    store.execute(
        "UPDATE clerks SET failed_logins = 0, locked_until = NULL WHERE id = ?", (clerk.id,)
    )
    _record(store, clerk, kind, stamp(now), clerk.id, data)
    return Login(clerk, now)


def _wrong_pin(
    store: Store, clerk: Clerk, failures: int, now: datetime, where: dict[str, Any]
) -> None:
    minutes = lock_minutes(failures)
    until = now + timedelta(minutes=minutes) if minutes else None
    at = stamp(now)
    with store.transaction():
        store.execute(
            "UPDATE clerks SET failed_logins = ?, locked_until = ? WHERE id = ?",
            (failures, stamp(until) if until else None, clerk.id),
        )
        _record(
            store,
            clerk,
            "login_failed",
            at,
            None,
            {"reason": "wrong_pin", "failures": failures, **where},
        )
        if until is not None:
            _record(
                store, clerk, "locked_out", at, None, {"failures": failures, "until": stamp(until)}
            )
    if until is None:
        left = FREE_FAILURES - failures
        raise LoginRefused(f"PIN不正确（再错{left}次将暂时锁定）")
    raise LoginRefused(
        f"PIN连续错误{failures}次，{clerk.name}已锁定{minutes}分钟"
        f"（至 {until:%H:%M}），站长可在「人员管理」中解锁"
    )


def _refuse(
    store: Store,
    clerk: Clerk | None,
    now: datetime,
    reason: str,
    where: dict[str, Any],
    message: str,
) -> NoReturn:
    """Journal a refused check that counts no failure, then refuse it."""
    with store.transaction():
        journal.record(
            store,
            subject="clerk",
            subject_uuid=clerk.uuid if clerk else "unknown",
            kind="login_failed",
            at=stamp(now),
            data={"reason": reason, **where},
        )
    raise LoginRefused(message)


# --- what only the admin may do --------------------------------------------------------------
def require_admin(store: Store, admin: Login, clock: Clock) -> Clerk:
    """The admin behind `admin`, if still an active admin and the proof is recent."""
    current = get_clerk(store, admin.clerk.id)
    if not (current.active and current.is_admin):
        raise AccountError("只有站长可以管理人员")
    if clock.now() - admin.at > timedelta(minutes=ADMIN_PROOF_MINUTES):
        raise AccountError("站长验证已超时，请重新输入站长PIN")
    return current


def add(
    store: Store, admin: Login, login: str, name: str, pin: str, clock: Clock, role: str = CLERK
) -> Clerk:
    by = require_admin(store, admin, clock)
    _check_pin(pin, login)
    return add_clerk(store, login, name, clock, role=role, pin_hash=pins.hash_pin(pin), by=by.id)


def reset_pin(store: Store, admin: Login, clerk_id: int, pin: str, clock: Clock) -> Clerk:
    """A new PIN chosen with the admin (also for a clerk of a store from before accounts);
    it unlocks the clerk too."""
    by = require_admin(store, admin, clock)
    clerk = get_clerk(store, clerk_id)
    _check_pin(pin, clerk.login)
    hashed = pins.hash_pin(pin)
    now = stamp(clock.now())
    with store.transaction():
        had = store.scalar("SELECT pin_hash IS NOT NULL FROM clerks WHERE id = ?", (clerk_id,))
        store.execute(
            "UPDATE clerks SET pin_hash = ?, pin_set_at = ?, failed_logins = 0, "
            "locked_until = NULL WHERE id = ?",
            (hashed, now, clerk_id),
        )
        _record(store, clerk, "pin_set", now, by.id, {"reset": bool(had)})
    return clerk


def deactivate(store: Store, admin: Login, clerk_id: int, clock: Clock) -> Clerk:
    by = require_admin(store, admin, clock)
    clerk = get_clerk(store, clerk_id)
    if not clerk.active:
        raise AccountError(f"{clerk.name}已停用")
    if (
        clerk.is_admin
        and store.scalar("SELECT count(*) FROM clerks WHERE role = ? AND active = 1", (ADMIN,)) == 1
    ):
        raise AccountError("本站至少要有一位在岗的站长：请先添加新站长，再停用")
    return _set_active(store, clerk, False, by, clock)


def reactivate(store: Store, admin: Login, clerk_id: int, clock: Clock) -> Clerk:
    by = require_admin(store, admin, clock)
    clerk = get_clerk(store, clerk_id)
    if clerk.active:
        raise AccountError(f"{clerk.name}在岗，无需启用")
    return _set_active(store, clerk, True, by, clock)


def unlock(store: Store, admin: Login, clerk_id: int, clock: Clock) -> Clerk:
    by = require_admin(store, admin, clock)
    clerk = get_clerk(store, clerk_id)
    now = stamp(clock.now())
    with store.transaction():
        failures = store.scalar("SELECT failed_logins FROM clerks WHERE id = ?", (clerk_id,))
        store.execute(
            "UPDATE clerks SET failed_logins = 0, locked_until = NULL WHERE id = ?", (clerk_id,)
        )
        _record(store, clerk, "unlocked", now, by.id, {"failures": failures})
    return clerk


def _set_active(store: Store, clerk: Clerk, active: bool, by: Clerk, clock: Clock) -> Clerk:
    now = stamp(clock.now())
    with store.transaction():
        store.execute(
            "UPDATE clerks SET active = ?, deactivated_at = ? WHERE id = ?",
            (int(active), None if active else now, clerk.id),
        )
        _record(store, clerk, "reactivated" if active else "deactivated", now, by.id, None)
    return get_clerk(store, clerk.id)


# --- the idle lock: a station's setting, kept with its accounts ------------------------------
IDLE_LOCK_SETTING = "idle_lock_minutes"
IDLE_LOCK_DEFAULT = 10
IDLE_LOCK_RANGE = range(1, 61)


def idle_lock_minutes(settings: Settings) -> int:
    """After how many minutes without a key or the mouse the counter window locks."""
    return int(settings.get(IDLE_LOCK_SETTING, IDLE_LOCK_DEFAULT))


def set_idle_lock(store: Store, admin: Login, minutes: int, clock: Clock) -> None:
    """The station admin's choice, 1 to 60 minutes; journalled."""
    by = require_admin(store, admin, clock)
    if minutes not in IDLE_LOCK_RANGE:
        raise AccountError(f"锁屏时间应为{IDLE_LOCK_RANGE[0]}-{IDLE_LOCK_RANGE[-1]}分钟")
    with store.transaction():
        Settings(store).set(IDLE_LOCK_SETTING, minutes)
        _record(store, by, "idle_lock_set", stamp(clock.now()), by.id, {"minutes": minutes})


def _check_pin(pin: str, login: str) -> None:
    problems = pins.problems(pin, login)
    if problems:
        raise AccountError("；".join(problems))


def _record(
    store: Store, clerk: Clerk, kind: str, at: str, by: int | None, data: dict[str, Any] | None
) -> None:
    journal.record(
        store, subject="clerk", subject_uuid=clerk.uuid, kind=kind, at=at, clerk_id=by, data=data
    )
