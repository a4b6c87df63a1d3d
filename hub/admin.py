"""`python -m hub.admin`: the county's administration of its hub.

    register CODE --name N --level L   register a station; prints its token and signing key ONCE
    rotate CODE [--signing-key]        a new token (and key); the old ones stop working at once
    revoke CODE                        the station's token and key stop working
    enrol-code CODE --hub-url URL      a one-time enrolment code (县中心登记码) for a registered
                                       station; printed ONCE (the workbench's 站点管理 shows it
                                       as a QR code too)
    status                             every station: last sync, pending, records
    catalogue-import PATH              validate and activate the county's official catalogue
    decide CASE --status S [--note T]  a decision on a forwarded case (case number or UUID)
    import-file FILE --ack-out ACK     store a village's USB transfer file, write the ack file
    hub-key                            print the hub's public key (stations pin it) and its
                                       transfer key (USB files are encrypted to it)
    staff-add LOGIN --name N --role R  a staff account of the workbench (/county/); the password
                                       is asked twice at the terminal (R: clerk, supervisor, admin)
    staff-password LOGIN               set a new password (asked twice); ends a lockout
    staff-list                         every staff account, its role and state
    staff-unlock LOGIN                 end a lockout after wrong passwords
    staff-deactivate LOGIN             the account can no longer sign in or use its token
    staff-reactivate LOGIN             …and again
    staff-token LOGIN                  an API token for the account (slip checks); printed ONCE
                                       (a LOGIN without an account gets a clerk's account)
    staff-revoke LOGIN                 that API token stops working
    verify-slip CASE_NO CODE | --qr T  check a slip (一次性告知单, 受理回执); exit 0 if valid
    store-key CODE --by N --reason T   print the keys of a station's stores (a dead PC's store
                                       opens with it); every taking is recorded

--sealing-key FILE (or COUNTERAPP_HUB_SEALING_KEY) names the key that seals the stations' secrets
(slip secrets, store keys) and the hub's own signing and transfer keys; a SQLite hub without one
uses `<database file>.sealing-key`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime
from pathlib import Path

from counterapp.catalogue import CatalogueInvalid
from counterapp.catalogue_store import read_source
from counterapp.clock import Clock, stamp
from counterapp.sync.transfer import TransferError
from counterapp.sync.wire import DECISION_STATUSES, WireError
from hub import database_url, feeds, files, identity, slips, staff, stations, store_keys
from hub.db import Database
from hub.ingest import Forbidden
from hub.sealing import SealingProblem


def _print_credentials(creds: stations.Credentials) -> None:
    print(f"station:        {creds.code}")
    print(f"token:          {creds.token}")
    if creds.signing_key:
        print(f"signing key:    {creds.signing_key}")
    print(f"hub public key: {creds.hub_public_key}")
    print(f"hub transfer key: {creds.hub_transfer_key}")
    print(
        "These secrets are shown once and not kept by the hub. Enter them at the station with "
        "`counterapp sync-setup`."
    )


def _verify_slip(args: argparse.Namespace, db: Database) -> int:
    check = slips.verify(db, *slips.parse_request(args.case_no, args.code, args.qr))
    print(f"{check.case_no}: {check.verdict} — {check.message}")
    for label, value in slips.content_lines(check.content):
        print(f"  {label}: {value}")
    return 0 if check.verdict is slips.Verdict.VALID else 1


def _print_store_keys(keys: list[store_keys.RecoveredKey]) -> None:
    if not keys:
        print(
            "no store key of that station has reached the hub (it hands its keys over with "
            "its sync once the hub announces store_key)"
        )
    for key in keys:
        print(
            f"station {key.station} store {key.source} (version {key.version}, received "
            f"{key.received_at}, last sync {key.last_sync_at or 'never'}):\n  {key.key_hex}"
        )
    if keys:
        print(
            "At the station: copy the old station.db, then `counterapp store-key --restore` "
            "and type the key. This taking is recorded at the hub."
        )


def ask_password(login: str) -> str:
    """A new password, typed twice at the terminal (never an argument: it would be in the
    shell's history and the process list); refused with the rule it breaks."""
    first = getpass.getpass(f"{login} 的新密码：")
    problems = staff.password_problems(first, login)
    if problems:
        raise staff.StaffProblem("；".join(problems))
    if getpass.getpass("再次输入：") != first:
        raise staff.StaffProblem("两次输入的密码不一致")
    return first


def _staff_list(db: Database, now: datetime) -> None:
    print("login\tname\trole\tstate\tpassword\ttoken\tlast login")
    for a in staff.accounts(db):
        print(
            f"{a.login}\t{a.name}\t{a.role}\t{a.state_text(now)}\t"
            f"{'set' if a.has_password else 'none'}\t{'yes' if a.has_token else 'no'}\t"
            f"{a.last_login_at or '-'}"
        )


def _staff(args: argparse.Namespace, db: Database, now: str) -> None:
    by = "admin-cli"
    if args.command == "staff-add":
        account = staff.add(db, args.login, args.name, args.role, ask_password(args.login), now, by)
        print(
            f"staff {account.login} ({account.role_name}) added; the workbench is at "
            "https://<this hub>/county/"
        )
    elif args.command == "staff-password":
        staff.set_password(db, args.login, ask_password(args.login), now, by)
        print(f"password of {args.login} set")
    elif args.command == "staff-list":
        _staff_list(db, Clock().now())
    elif args.command == "staff-unlock":
        staff.unlock(db, args.login, now, by)
        print(f"{args.login} unlocked")
    elif args.command in ("staff-deactivate", "staff-reactivate"):
        staff.set_active(db, args.login, args.command == "staff-reactivate", now, by)
        print(f"{args.login} {args.command.removeprefix('staff-')}d")
    elif args.command == "staff-token":
        print(f"staff token for {args.login}: {staff.issue(db, args.login, now, by)}")
        print("Shown once and not kept by the hub: give it to that person or desk only.")
    elif args.command == "staff-revoke":
        staff.revoke(db, args.login, now, by)
        print(f"staff token of {args.login} revoked")


def run(args: argparse.Namespace, db: Database) -> int:
    """Carry out one command; returns the exit status."""
    now = stamp(Clock().now())
    if args.command == "verify-slip":
        return _verify_slip(args, db)
    if args.command.startswith("staff-"):
        _staff(args, db, now)
        return 0
    if args.command == "register":
        _print_credentials(stations.register(db, args.code, args.name, args.level, now))
    elif args.command == "enrol-code":
        from hub import enrolment

        made = enrolment.issue(db, args.code, args.hub_url, Clock().now(), "hub.admin")
        print(f"enrolment code for {args.code} (once; valid 72 hours, single use):\n{made.text}")
    elif args.command == "rotate":
        _print_credentials(stations.rotate(db, args.code, now, signing_key=args.signing_key))
    elif args.command == "revoke":
        stations.revoke(db, args.code, now)
        print(f"station {args.code}: token and signing key revoked")
    elif args.command == "status":
        print("code\tname\tlevel\tstate\tlast sync\tvia\tpending\trecords\tPCs")
        for s in stations.status(db):
            print(
                f"{s.code}\t{s.name}\t{s.level}\t{'revoked' if s.revoked else 'active'}\t"
                f"{s.last_sync_at or 'never'}\t{s.last_via or '-'}\t{s.pending}\t{s.records}\t"
                f"{s.sources}"
            )
    elif args.command == "catalogue-import":
        catalogue = read_source(Path(args.path))
        version = feeds.import_catalogue(db, catalogue.to_document(), str(args.path), now)
        print(f"catalogue {version} imported and active; stations get it at their next sync")
    elif args.command == "decide":
        number = feeds.decide(db, args.case, args.status, args.note or "", args.by, now)
        print(f"decision {number} recorded: {args.case} → {args.status}")
    elif args.command == "import-file":
        ack = files.import_file(db, Path(args.file).read_bytes(), "file", now)
        Path(args.ack_out).write_bytes(ack)
        print(f"stored; acknowledgement written to {args.ack_out}")
    elif args.command == "hub-key":
        print(identity.public_key(db, now))
        print(identity.transfer_key(db, now))
    elif args.command == "store-key":
        _print_store_keys(store_keys.recover(db, args.code, args.by, args.reason, now, args.source))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hub.admin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", help="sqlite:///path or postgresql://… (or COUNTERAPP_HUB_DB)")
    add_sealing_key_option(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    register = commands.add_parser("register", help="register a station")
    register.add_argument("code")
    register.add_argument("--name", required=True)
    register.add_argument("--level", required=True, choices=stations.LEVELS)
    code = commands.add_parser("enrol-code", help="a one-time enrolment code for a station")
    code.add_argument("code")
    code.add_argument("--hub-url", required=True, help="the address the stations reach the hub at")
    rotate = commands.add_parser("rotate", help="issue a new token")
    rotate.add_argument("code")
    rotate.add_argument("--signing-key", action="store_true", help="also a new signing key")
    commands.add_parser("revoke", help="revoke a station's token").add_argument("code")
    commands.add_parser("status", help="every station's sync state")
    commands.add_parser("catalogue-import", help="import the official catalogue").add_argument(
        "path"
    )
    decide = commands.add_parser("decide", help="post a decision on a forwarded case")
    decide.add_argument("case", help="case number (办件编号) or UUID")
    decide.add_argument("--status", required=True, choices=DECISION_STATUSES)
    decide.add_argument("--note", help="the reason (required for returned)")
    decide.add_argument("--by", default="county", help="who decided")
    import_file = commands.add_parser("import-file", help="import a station's transfer file")
    import_file.add_argument("file")
    import_file.add_argument("--ack-out", required=True)
    commands.add_parser("hub-key", help="print the hub's public key")
    add = commands.add_parser("staff-add", help="add a staff account of the workbench")
    add.add_argument("login", help="工号")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", required=True, choices=tuple(staff.ROLES))
    commands.add_parser("staff-list", help="list the staff accounts")
    for name, what in (
        ("staff-password", "set a staff member's password"),
        ("staff-unlock", "end a staff member's lockout"),
        ("staff-deactivate", "deactivate a staff account"),
        ("staff-reactivate", "reactivate a staff account"),
        ("staff-token", "issue an API token (slip checks)"),
        ("staff-revoke", "revoke an API token"),
    ):
        commands.add_parser(name, help=what).add_argument(
            "login", help="工号 (or the desk's name of a token)"
        )
    store_key = commands.add_parser("store-key", help="recover a station store's key")
    store_key.add_argument("code", help="the station's code")
    store_key.add_argument("--source", help="only this store (PC); default: every store")
    store_key.add_argument("--by", required=True, help="who takes the key")
    store_key.add_argument("--reason", required=True, help="why (e.g. 窗口2电脑主板损坏)")
    verify = commands.add_parser("verify-slip", help="check a slip's verification code")
    verify.add_argument("case_no", nargs="?", help="the case number (办件编号) on the slip")
    verify.add_argument("code", nargs="?", help="the 8-character 验证码 on the slip")
    verify.add_argument(
        "--qr", help="or the text of the slip's QR code (YBGZ2|…|…, or YBGZ|…|… before)"
    )
    return parser


def add_sealing_key_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sealing-key",
        type=Path,
        metavar="FILE",
        help="the key file that seals the stations' secrets and the hub's own keys "
        "(or COUNTERAPP_HUB_SEALING_KEY)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        db = Database(database_url(args.db), sealing_key=args.sealing_key)
    except SealingProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return run(args, db)
    except CatalogueInvalid as exc:
        print(f"catalogue rejected, nothing changed:\n{exc}", file=sys.stderr)
        return 2
    except (
        stations.StationProblem,
        feeds.FeedProblem,
        TransferError,
        WireError,
        Forbidden,
        json.JSONDecodeError,
        SealingProblem,
        slips.SlipInputError,
        ValueError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file named on the command line cannot be read or written
        print(f"error: {exc.filename or 'file'}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
