"""The store's subcommands of `counterapp` (registered by `counterapp.cli`): its key, the
retention period of personal data and the number of backups kept (issue 13)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from counterapp import paths, retention, store_key
from counterapp.app import Counter
from db import files
from db.store import BACKUPS_KEPT_SETTING

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]


def cmd_store_key(args: argparse.Namespace) -> None:
    path = paths.store_path(args.data_dir, demo=args.demo)
    if args.restore:
        prompt = "县医保中心取回的数据密钥（64位十六进制）："
        text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
        store_key.restore(path, text)
        print(f"store key restored into the system keyring for {path}")
        return
    state = (
        "sealed"
        if not files.is_plain(path) and not files.is_new(path)
        else "new"
        if files.is_new(path)
        else "NOT sealed"
    )
    try:
        held = "in this PC's keyring" if store_key.load(path) else "NOT in this PC's keyring"
    except store_key.StoreKeyError as exc:
        held = f"unknown ({exc})"
    print(f"store {path}: {state}; its key is {held}")


def cmd_retention(args: argparse.Namespace) -> None:
    with Counter.open(paths.store_path(args.data_dir, demo=args.demo), demo=args.demo) as counter:
        if args.years is not None:
            retention.set_years(counter.settings, args.years)
            erased = retention.erase_expired(counter.store, counter.clock)
            print(f"personal data of {erased.summary} erased")
        print(
            f"personal data of finished cases, closed complaints and people off the watch list "
            f"kept {retention.years(counter.settings)} years; "
            f"{counter.erased.summary} erased at this start"
        )


def cmd_backups(args: argparse.Namespace) -> None:
    with Counter.open(paths.store_path(args.data_dir, demo=args.demo), demo=args.demo) as counter:
        store = counter.store
        if args.keep is not None:
            if args.keep < 1:
                raise ValueError("至少保留1份备份")
            counter.settings.set(BACKUPS_KEPT_SETTING, args.keep)
            files.prune_backups(store.backups_dir, store.path.stem, args.keep)
        if args.now:
            print(f"backup written: {store.backup_now('manual')}")
        found = files.backups(store.backups_dir, store.path.stem)
        print(f"{len(found)} backups kept (at most {store.backups_kept()}) in {store.backups_dir}")


def register(command: Command) -> None:
    key = command(
        "store-key",
        cmd_store_key,
        "whether the store is sealed and this PC's "
        "keyring holds its key; --restore puts a key recovered from the county back",
    )
    key.add_argument(
        "--restore",
        action="store_true",
        help="read the key (64 hex digits) from the terminal into the keyring",
    )
    kept = command(
        "retention",
        cmd_retention,
        "show or set how many years personal data is kept (finished cases, closed complaints, "
        "people off the watch list)",
    )
    kept.add_argument("--years", type=int, help="at least 1 (default 3)")
    backups = command("backups", cmd_backups, "show or set how many backups are kept")
    backups.add_argument("--keep", type=int, help="backups kept (default 5)")
    backups.add_argument("--now", action="store_true", help="write a backup now")
