"""The sync subcommands of `counterapp` (registered by `counterapp.cli` through `register`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from counterapp import paths
from counterapp.app import Counter
from counterapp.sync.schedule import INTERVAL_KEY, WINDOW_KEY, SyncPolicy, parse_window

# httpx and cryptography load only when a sync command runs (the CLI starts fast).

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]


class SyncFailed(ValueError):
    """A run that did not finish; str() is the clerk's message (exit code 2)."""


# The messages name no command (the window shows them too); at the terminal, the technician
# is told which one sets the station up.
SETUP_HINT = (
    "set up with: counterapp sync-setup --hub-url URL "
    "(reads the token from the terminal into the system keyring)"
)


def _open(args: argparse.Namespace) -> Counter:
    return Counter.open(paths.store_path(args.data_dir, demo=args.demo), demo=args.demo)


def cmd_sync(args: argparse.Namespace) -> None:
    from counterapp.sync import service

    with _open(args) as counter:
        if args.status:
            state = service.status(counter.store)
            policy = SyncPolicy.from_settings(counter.settings)
            print(f"县中心地址：{counter.settings.get(service.HUB_URL_KEY) or '未设置'}")
            print(
                f"上次成功：{state.last_success or '从未'}；"
                f"上次尝试：{state.last_attempt or '从未'}"
            )
            print(f"待上传：{state.pending} 条；上次错误：{state.last_error or '无'}")
            interval = policy.interval.seconds // 60 if policy.interval else 0
            print(
                f"同步计划：每 {interval} 分钟；夜间时段 "
                f"{policy.night_start:%H:%M}-{policy.night_end:%H:%M}"
            )
            return
        if args.if_due and not service.is_due(counter.store, counter.clock):
            print("not due yet")
            return
        report = service.sync_now(counter.store, counter.clock, full=args.full or None)
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        if not report.ok:
            hint = f"\n{SETUP_HINT}" if report.error_kind == "setup" else ""
            raise SyncFailed(f"{report.message}（{report.error_kind}）{hint}")
        print(
            f"synced: {report.batches} batches, {report.records} records, "
            f"{report.resent} re-sent after reconciliation, {report.decisions} decisions, "
            f"catalogue {report.catalogue or 'unchanged'}"
            + (
                f", official calendar {', '.join(map(str, report.calendars))}"
                if report.calendars
                else ""
            )
            + f"; {report.pending} pending"
        )


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def cmd_sync_setup(args: argparse.Namespace) -> None:
    from counterapp.sync import service

    if args.enrol:
        _enrol(args)
        return
    if not args.hub_url:
        raise SyncFailed("give --enrol CODE (the county's enrolment code) or --hub-url URL")
    with _open(args) as counter:
        token = _secret("县中心发放的同步令牌（token）：")
        key = _secret("站点签名密钥（signing key，可留空）：") or None
        service.setup(
            counter.store,
            args.hub_url,
            token,
            key,
            args.hub_key,
            hub_transfer_key=args.hub_transfer_key,
            ca_bundle=args.ca_bundle,
            insecure_loopback=args.insecure_loopback,
        )
        print("sync set up: the token is in the system keyring, the hub address in settings")


def _enrol(args: argparse.Namespace) -> None:
    """The county's one-time code: station data, secrets and hub key in one step."""
    from counterapp.sync import enrol

    with _open(args) as counter:
        done = enrol.fetch(
            args.enrol, ca_bundle=args.ca_bundle, insecure_loopback=args.insecure_loopback
        )
        enrol.apply(
            counter.store,
            done,
            counter.clock,
            ca_bundle=args.ca_bundle,
            insecure_loopback=args.insecure_loopback,
        )
        print(
            f"enrolled as {done.station.code} {done.station.name} with {done.code.hub_url}: "
            "the token and signing key are in the system keyring, the hub key pinned"
        )


def cmd_sync_schedule(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        if args.interval is not None:
            counter.settings.set(INTERVAL_KEY, max(0, args.interval))
        if args.nightly_window:
            parse_window(args.nightly_window)
            counter.settings.set(WINDOW_KEY, args.nightly_window)
        policy = SyncPolicy.from_settings(counter.settings)
        minutes = int(policy.interval.total_seconds() // 60) if policy.interval else 0
        print(f"every {minutes} min; nightly {policy.night_start:%H:%M}-{policy.night_end:%H:%M}")


def cmd_export_batches(args: argparse.Namespace) -> None:
    from counterapp.sync import offline

    with _open(args) as counter:
        result = offline.export_batches(counter.store, counter.clock, Path(args.file))
        print(f"exported {result.batches} batches ({result.records} records) to {result.path}")


def cmd_import_ack(args: argparse.Namespace) -> None:
    from counterapp.sync import offline

    with _open(args) as counter:
        rows = offline.import_ack(counter.store, counter.clock, Path(args.file))
        print(f"acknowledged {rows} outbox rows")


def cmd_forward_file(args: argparse.Namespace) -> None:
    from counterapp.sync import offline

    with _open(args) as counter:
        ack = offline.forward_file(
            counter.store, counter.clock, Path(args.file), Path(args.ack_out)
        )
        print(f"forwarded to the county hub; acknowledgement for the village: {ack}")


def register(command: Command) -> None:
    sync = command(
        "sync", cmd_sync, "sync with the county hub now (headless, for a scheduled task)"
    )
    sync.add_argument("--if-due", action="store_true", help="only if the schedule says so")
    sync.add_argument("--status", action="store_true", help="show the sync state, do nothing")
    sync.add_argument(
        "--full",
        action="store_true",
        help="reconcile 400 days, not 14 (done anyway in the nightly window)",
    )
    setup = command(
        "sync-setup",
        cmd_sync_setup,
        "enrol with the county's one-time code (--enrol), or set the hub address and read "
        "the token and signing key from the terminal; secrets go into the system keyring",
    )
    setup.add_argument(
        "--enrol",
        metavar="CODE",
        help="the county's enrolment code (县中心登记码, in quotes): station data, token, "
        "signing key and hub key in one step",
    )
    setup.add_argument("--hub-url")
    setup.add_argument("--hub-key", help="the hub's public key (checks ack files)")
    setup.add_argument(
        "--hub-transfer-key", help="the hub's transfer key (USB files are encrypted to it)"
    )
    setup.add_argument("--ca-bundle", help="the county's CA certificate file, if it has one")
    setup.add_argument(
        "--insecure-loopback",
        action="store_true",
        help="tests only: a hub on 127.0.0.1 without TLS verification",
    )
    schedule = command("sync-schedule", cmd_sync_schedule, "show or set the sync schedule")
    schedule.add_argument("--interval", type=int, help="minutes between syncs (0: nightly only)")
    schedule.add_argument("--nightly-window", help="HH:MM-HH:MM")
    export = command(
        "export-batches", cmd_export_batches, "write pending batches to a signed file (USB stick)"
    )
    export.add_argument("file")
    ack = command("import-ack", cmd_import_ack, "apply the hub's signed acknowledgement file")
    ack.add_argument("file")
    forward = command(
        "forward-file",
        cmd_forward_file,
        "town station: send a village's file to the hub, save its ack file",
    )
    forward.add_argument("file")
    forward.add_argument("--ack-out", required=True)
