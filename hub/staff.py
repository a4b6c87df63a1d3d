"""County staff accounts: a role, a password for the workbench (`hub.web`) and an API token for
the staff endpoints (`POST /v1/staff/slip-checks`).

- Roles: 经办 (clerk: works the inbox, checks slips), 稽核 (supervisor: reads everything,
  decides nothing), 管理员 (admin: staff, stations, catalogue; no citizen's data).
  `PERMISSIONS` says who may do what; the pages and the API ask it, never a role by name.
- Passwords: argon2id (`counterapp.pins`, shared with the stations' PINs), only the hash kept;
  at least 10 characters. Wrong passwords lock the account with the stations' back-off
  (`pins.lock_minutes`: 4 free, then 1, 2, 4 … 30 minutes), counted in the database, so
  another hub process or a restart does not reset it; a right password or an admin's unlock
  does. An unknown login costs as long as a known one.
- API tokens: 256 random bits shown once, kept as their SHA-256 (`cas_…`; what
  `hub.admin staff-token` issued before accounts existed became accounts' tokens, migration
  0005). Only an active account whose role may check slips passes with its token.
- Accounts are deactivated, never deleted (the journal names them); the hub always keeps an
  active admin once it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from counterapp import pins
from counterapp.clock import parse_stamp, stamp
from hub import audit
from hub.db import Database, Tx
from hub.stations import StationProblem, new_token, token_hash

STAFF_PREFIX = "cas_"
ROLES = {"clerk": "经办", "supervisor": "稽核", "admin": "管理员"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "read_cases": frozenset({"clerk", "supervisor"}),
    "decide": frozenset({"clerk"}),
    "check_slips": frozenset({"clerk", "supervisor"}),
    "read_journal": frozenset({"supervisor", "admin"}),
    # station supervision carries no citizen's data (applicants masked, the case page asks
    # read_cases): clerks chase late stations, admins look after them, supervisors judge
    "read_stations": frozenset({"clerk", "supervisor", "admin"}),
    # the ledger (统计台账): counts, times and rates of the stations, nothing personal
    "read_ledger": frozenset({"clerk", "supervisor", "admin"}),
    "manage_staff": frozenset({"admin"}),
    "publish": frozenset({"admin"}),
    # the watch list (监测台账) is citizens' data, the county clerks' own work: they upload
    # and publish it; supervisors read it (read_cases); admins, who hold no citizen's data, not
    "watch_list": frozenset({"clerk"}),
    "manage_stations": frozenset({"admin"}),
}
PASSWORD_MIN = 10
PASSWORD_MAX = 128
LOGIN_MAX = 32
NAME_MAX = 30
_COLUMNS = (
    "id, login, name, role, password_hash IS NOT NULL, token_hash IS NOT NULL, "
    "token_issued_at, failed_logins, locked_until, last_login_at, created_at, "
    "deactivated_at"
)


class StaffProblem(StationProblem):
    """A change to an account that cannot be done; str() says why, in Chinese."""


class LoginRefused(StaffProblem):
    """A sign-in refused: wrong password, locked, deactivated or no password yet."""


@dataclass(frozen=True)
class Account:
    id: int
    login: str
    name: str
    role: str
    has_password: bool
    has_token: bool
    token_issued_at: str | None
    failed_logins: int
    locked_until: str | None
    last_login_at: str | None
    created_at: str
    deactivated_at: str | None

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    def may(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS[permission]

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < parse_stamp(self.locked_until)

    def state_text(self, now: datetime) -> str:
        if not self.active:
            return "已停用"
        if self.locked_until is not None and self.locked_at(now):
            return f"已锁定至 {parse_stamp(self.locked_until):%H:%M}"
        if not self.has_password:
            return "未设置密码"
        return f"在岗（连续错误{self.failed_logins}次）" if self.failed_logins else "在岗"


def _account(row: tuple[Any, ...]) -> Account:
    return Account(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        bool(row[4]),
        bool(row[5]),
        row[6],
        int(row[7]),
        row[8],
        row[9],
        row[10],
        row[11],
    )


# --- reading ------------------------------------------------------------------------------------
def accounts(db: Database) -> list[Account]:
    with db.transaction(write=False) as tx:
        rows = tx.all(f"SELECT {_COLUMNS} FROM staff ORDER BY deactivated_at IS NOT NULL, login")
    return [_account(row) for row in rows]


def get(tx: Tx, login: str) -> Account | None:
    row = tx.one(f"SELECT {_COLUMNS} FROM staff WHERE login = ?", (login,))
    return None if row is None else _account(row)


def by_id(db: Database, staff_id: int) -> Account | None:
    with db.transaction(write=False) as tx:
        row = tx.one(f"SELECT {_COLUMNS} FROM staff WHERE id = ?", (staff_id,))
    return None if row is None else _account(row)


def _require(tx: Tx, login: str) -> Account:
    account = get(tx, login)
    if account is None:
        raise StaffProblem(f"没有工号为 {login} 的人员")
    return account


# --- rules --------------------------------------------------------------------------------------
def password_problems(password: str, login: str = "") -> list[str]:
    """What is wrong with `password` as a new password (empty: it may be used)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return [f"密码应为{PASSWORD_MIN}-{PASSWORD_MAX}个字符"]
    found = []
    lowered = password.lower()
    if len(set(lowered)) <= 2 or pins.is_run(lowered):
        found.append("密码过于简单（重复或连续的字符），请另选")
    if login and login.strip().lower() in lowered:
        found.append("密码不能包含工号")
    if password != password.strip():
        found.append("密码首尾不能是空格")
    return found


def _check_fields(login: str, name: str, role: str) -> None:
    problems = []
    if not login or len(login) > LOGIN_MAX or not login.isprintable() or " " in login:
        problems.append(f"工号应为1-{LOGIN_MAX}个字符，不含空格")
    if not name.strip() or len(name) > NAME_MAX:
        problems.append(f"姓名应为1-{NAME_MAX}个字符")
    if role not in ROLES:
        problems.append("角色应为经办、稽核或管理员")
    if problems:
        raise StaffProblem("；".join(problems))


def _check_password(password: str, login: str) -> None:
    problems = password_problems(password, login)
    if problems:
        raise StaffProblem("；".join(problems))


# --- changes ------------------------------------------------------------------------------------
def add(
    db: Database, login: str, name: str, role: str, password: str | None, now: str, by: str
) -> Account:
    """A new account (without a password: it can hold an API token but not sign in)."""
    login, name = login.strip(), name.strip()
    _check_fields(login, name, role)
    if password is not None:
        _check_password(password, login)
    hashed = pins.hash_pin(password) if password is not None else None
    with db.transaction() as tx:
        if get(tx, login) is not None:
            raise StaffProblem(f"工号 {login} 已存在")
        tx.execute(
            "INSERT INTO staff (login, name, role, password_hash, password_set_at, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (login, name, role, hashed, now if hashed else None, now),
        )
        audit.record(tx, now, by, "staff_added", detail=f"{login} {name} {ROLES[role]}")
        return _require(tx, login)


def set_password(db: Database, login: str, password: str, now: str, by: str) -> None:
    """A new password (an admin's reset, or the person's own change); ends a lockout."""
    _check_password(password, login)
    hashed = pins.hash_pin(password)
    with db.transaction() as tx:
        _require(tx, login)
        tx.execute(
            "UPDATE staff SET password_hash = ?, password_set_at = ?, failed_logins = 0, "
            "locked_until = NULL WHERE login = ?",
            (hashed, now, login),
        )
        audit.record(tx, now, by, "password_set", detail=login)


def change_own_password(db: Database, login: str, old: str, new: str, now: str) -> None:
    with db.transaction(write=False) as tx:
        stored = tx.scalar("SELECT password_hash FROM staff WHERE login = ?", (login,))
    if stored is None or not pins.verify(stored, old):
        raise StaffProblem("原密码不正确")
    set_password(db, login, new, now, login)


def set_role(db: Database, login: str, role: str, now: str, by: str) -> None:
    if role not in ROLES:
        raise StaffProblem("角色应为经办、稽核或管理员")
    with db.transaction() as tx:
        account = _require(tx, login)
        if account.role == "admin" and role != "admin":
            _keep_an_admin(tx, login)
        tx.execute("UPDATE staff SET role = ? WHERE login = ?", (role, login))
        audit.record(tx, now, by, "role_set", detail=f"{login} {ROLES[role]}")


def set_active(db: Database, login: str, active: bool, now: str, by: str) -> None:
    """Deactivate (sessions end, the API token stops working) or reactivate an account."""
    with db.transaction() as tx:
        account = _require(tx, login)
        if not active and account.role == "admin":
            _keep_an_admin(tx, login)
        tx.execute(
            "UPDATE staff SET deactivated_at = ? WHERE login = ?", (None if active else now, login)
        )
        if not active:
            tx.execute("DELETE FROM staff_sessions WHERE staff_id = ?", (account.id,))
        audit.record(tx, now, by, "reactivated" if active else "deactivated", detail=login)


def _keep_an_admin(tx: Tx, login: str) -> None:
    others = tx.scalar(
        "SELECT count(*) FROM staff WHERE role = 'admin' AND login <> ? AND deactivated_at IS NULL",
        (login,),
    )
    if not others:
        raise StaffProblem("县中心须始终有一名在岗的管理员：请先为另一人设置管理员角色")


def unlock(db: Database, login: str, now: str, by: str) -> None:
    with db.transaction() as tx:
        _require(tx, login)
        tx.execute(
            "UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE login = ?", (login,)
        )
        audit.record(tx, now, by, "unlocked", detail=login)


def has_admin(db: Database) -> bool:
    with db.transaction(write=False) as tx:
        return bool(
            tx.scalar(
                "SELECT count(*) FROM staff WHERE role = 'admin' "
                "AND deactivated_at IS NULL AND password_hash IS NOT NULL"
            )
        )


# --- signing in -----------------------------------------------------------------------------------
def sign_in(db: Database, login: str, password: str, now: datetime, address: str) -> Account:
    """The account if `password` is right; else LoginRefused saying why, the failure counted
    and journalled. The message never tells an unknown login from a wrong password."""
    at = stamp(now)
    with db.transaction(write=False) as tx:
        account = get(tx, login)
        stored = tx.scalar("SELECT password_hash FROM staff WHERE login = ?", (login,))
    if account is None or stored is None or not account.active:
        pins.spend_a_verification()
        _refused(
            db,
            login,
            at,
            address,
            "unknown" if account is None else "no password" if stored is None else "deactivated",
        )
        raise LoginRefused(
            "工号或密码不正确"
            if account is None or stored is None
            else "该账号已停用，请联系管理员"
        )
    if account.locked_until is not None and account.locked_at(now):
        _refused(db, login, at, address, "locked")
        raise LoginRefused(
            f"该账号已锁定，请于 {parse_stamp(account.locked_until):%H:%M} "
            "后再试，或请管理员解除锁定"
        )
    if not pins.verify(stored, password):
        failures = account.failed_logins + 1
        minutes = pins.lock_minutes(failures)
        until = stamp(now + timedelta(minutes=minutes)) if minutes else None
        with db.transaction() as tx:
            tx.execute(
                "UPDATE staff SET failed_logins = ?, locked_until = ? WHERE login = ?",
                (failures, until, login),
            )
            audit.record(
                tx, at, login, "login_failed", detail=f"wrong password {failures}", address=address
            )
            if minutes:
                audit.record(tx, at, login, "locked", detail=f"{minutes} min", address=address)
        if minutes:
            raise LoginRefused(f"密码连续错误{failures}次，账号已锁定{minutes}分钟")
        left = pins.FREE_FAILURES - failures
        raise LoginRefused(
            f"工号或密码不正确（再错{left}次将锁定账号）" if left <= 2 else "工号或密码不正确"
        )
    with db.transaction() as tx:
        rehash = pins.hash_pin(password) if pins.needs_rehash(stored) else stored
        tx.execute(
            "UPDATE staff SET failed_logins = 0, locked_until = NULL, last_login_at = ?, "
            "password_hash = ? WHERE login = ?",
            (at, rehash, login),
        )
        audit.record(tx, at, login, "login", address=address)
        return _require(tx, login)


def _refused(db: Database, login: str, at: str, address: str, why: str) -> None:
    with db.transaction() as tx:
        audit.record(tx, at, login[:LOGIN_MAX], "login_failed", detail=why, address=address)


# --- API tokens ----------------------------------------------------------------------------------
def issue(db: Database, login: str, now: str, by: str = "admin") -> str:
    """A new API token for `login` (any earlier one stops working at once). A login without an
    account gets a clerk's account without a password, as `staff-token NAME` did before
    accounts existed."""
    login = login.strip()
    if not login:
        raise StaffProblem("a staff token needs a name (who or which desk holds it)")
    token = new_token(STAFF_PREFIX)
    with db.transaction(write=False) as tx:
        known = get(tx, login) is not None
    if not known:
        add(db, login, login[:NAME_MAX], "clerk", None, now, by)
    with db.transaction() as tx:
        tx.execute(
            "UPDATE staff SET token_hash = ?, token_issued_at = ? WHERE login = ?",
            (token_hash(token), now, login),
        )
        audit.record(tx, now, by, "token_issued", detail=login)
    return token


def revoke(db: Database, login: str, now: str, by: str = "admin") -> None:
    with db.transaction() as tx:
        if not tx.execute(
            "UPDATE staff SET token_hash = NULL, token_issued_at = NULL "
            "WHERE login = ? AND token_hash IS NOT NULL",
            (login,),
        ):
            raise StaffProblem(f"no staff token named {login}")
        audit.record(tx, now, by, "token_revoked", detail=login)


def authenticate(db: Database, token: str) -> str | None:
    """The login of the active account holding this API token whose role may check slips, or
    None (unknown, revoked, deactivated, or a role without that right)."""
    roles = sorted(PERMISSIONS["check_slips"])
    with db.transaction(write=False) as tx:
        login: str | None = tx.scalar(
            f"SELECT login FROM staff WHERE token_hash = ? AND deactivated_at IS NULL "
            f"AND role IN ({', '.join('?' * len(roles))})",
            (token_hash(token), *roles),
        )
    return login
