"""`counterapp clerk` and `counterapp clerk-log`: the station admin manages the clerks from the
command line (a county technician over remote desktop, with the admin beside them).

Every change asks for the admin's login and PIN at the terminal, and a new PIN twice, never
on the command line (it would stay in the shell's history and the process list). The only
change made without the admin is the station's first admin, while it has none.

On a client of the station's queue host the clerks are the host's (`lan_queue.mirror`): the
list shows them as last read from the host, and every change is refused with where to make it.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import date

from counterapp import accounts, audit, paths
from counterapp.accounts import AccountError, Login
from counterapp.app import Counter
from counterapp.lan_queue.roles import Role, clerks_on_host, current
from counterapp.station import ADMIN, CLERK, ROLE_NAMES, clerk_by_login

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]


def read_secret(prompt: str) -> str:
    """A PIN from the terminal, not echoed (tests replace this)."""
    return getpass.getpass(prompt)


def read_line(prompt: str) -> str:
    return input(prompt)


def _open(args: argparse.Namespace) -> Counter:
    return Counter.open(paths.store_path(args.data_dir, demo=args.demo))


def new_pin(whose: str) -> str:
    pin = read_secret(f"{whose}的新PIN：")
    if read_secret("再次输入新PIN：") != pin:
        raise AccountError("两次输入的PIN不一致，未作更改")
    return pin


def admin_login(counter: Counter, login: str | None) -> Login:
    login = login or read_line("站长工号：").strip()
    return accounts.authenticate(
        counter.store,
        login,
        read_secret(f"站长（工号 {login}）PIN："),
        counter.clock,
        kind=accounts.ADMIN_VERIFIED,
        data={"by": "command line"},
    )


def _target(counter: Counter, login: str) -> int:
    clerk = clerk_by_login(counter.store, login)
    if clerk is None:
        raise AccountError(f"没有工号为 {login} 的人员")
    return clerk.id


def cmd_clerk(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        store, clock = counter.store, counter.clock
        link = current(counter.settings)
        changing = (
            args.set_up_admin
            or args.add
            or args.reset_pin
            or args.deactivate
            or args.reactivate
            or args.unlock
            or args.idle_lock is not None
        )
        if link.role == Role.CLIENT:
            if changing:
                raise AccountError(clerks_on_host(link.host_url))
            print(clerks_on_host(link.host_url))
        elif args.set_up_admin:
            accounts.set_up_admin(
                store,
                args.set_up_admin,
                args.name or "",
                new_pin(args.name or args.set_up_admin),
                clock,
            )
        elif args.add:
            admin = admin_login(counter, args.admin)
            accounts.add(
                store,
                admin,
                args.add,
                args.name or "",
                new_pin(args.name or args.add),
                clock,
                role=args.role,
            )
        elif args.reset_pin:
            admin = admin_login(counter, args.admin)
            accounts.reset_pin(
                store, admin, _target(counter, args.reset_pin), new_pin(args.reset_pin), clock
            )
        elif args.deactivate or args.reactivate or args.unlock:
            admin = admin_login(counter, args.admin)
            change = (
                accounts.deactivate
                if args.deactivate
                else accounts.reactivate
                if args.reactivate
                else accounts.unlock
            )
            change(
                store,
                admin,
                _target(counter, args.deactivate or args.reactivate or args.unlock),
                clock,
            )
        elif args.idle_lock is not None:
            accounts.set_idle_lock(store, admin_login(counter, args.admin), args.idle_lock, clock)
        now = clock.now()
        for account in accounts.accounts(store):
            clerk = account.clerk
            print(
                f"{clerk.login}\t{clerk.name}\t{ROLE_NAMES[clerk.role]}\t{account.state_text(now)}"
            )
        print(f"锁屏时间：{accounts.idle_lock_minutes(counter.settings)} 分钟无操作")


def cmd_clerk_log(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        admin_login(counter, args.admin)
        id_number = read_secret("要查的身份证号：") if args.id_number else None
        for entry in audit.clerk_log(
            counter,
            day=date.fromisoformat(args.day) if args.day else None,
            login=args.login,
            id_number=id_number,
        ):
            print(entry.line())


def register(command: Command) -> None:
    clerk = command(
        "clerk",
        cmd_clerk,
        "list the clerks; the station admin adds, resets, "
        "deactivates, reactivates or unlocks one (asks for the admin's PIN)",
    )
    change = clerk.add_mutually_exclusive_group()
    change.add_argument("--add", metavar="LOGIN", help="add a clerk (with --name, --role)")
    change.add_argument("--reset-pin", metavar="LOGIN", help="set a new PIN (also unlocks)")
    change.add_argument("--deactivate", metavar="LOGIN", help="the clerk can no longer log in")
    change.add_argument("--reactivate", metavar="LOGIN", help="a deactivated clerk back")
    change.add_argument("--unlock", metavar="LOGIN", help="end a lockout after wrong PINs")
    change.add_argument(
        "--idle-lock",
        type=int,
        metavar="MINUTES",
        help="lock the counter window after this many idle minutes (1-60)",
    )
    change.add_argument(
        "--set-up-admin",
        metavar="LOGIN",
        help="the station's first admin (with --name), while it has none",
    )
    clerk.add_argument("--name", help="the new clerk's or admin's name")
    clerk.add_argument("--role", choices=(CLERK, ADMIN), default=CLERK)
    clerk.add_argument(
        "--admin",
        metavar="LOGIN",
        help="the admin's login (asked for when not given); the PIN is always "
        "read from the terminal",
    )
    log = command(
        "clerk-log",
        cmd_clerk_log,
        "the station admin reads the clerks' journal: "
        "logins, locks, switches, account changes, look-ups of personal data",
    )
    log.add_argument("--day", help="YYYY-MM-DD")
    log.add_argument("--login", help="by or about this clerk")
    log.add_argument(
        "--id-number",
        action="store_true",
        help="who looked up an ID number (read from the terminal)",
    )
    log.add_argument("--admin", metavar="LOGIN", help="the admin's login (else asked for)")
