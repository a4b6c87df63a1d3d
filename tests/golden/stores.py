"""Stores of earlier schema versions for the upgrade test (tests/data/stores/schema-NNNN.db).

`schema-0001`, `0003` and `0004` were written by the program of their time (demo stations).
No released program ever wrote schema 2 (0002 and 0003 arrived in one commit), and 0005 to
0011 came after the last fixture; those are made here from the fixture one version
below: a copy, then migration N applied exactly as sqlite-utils applies it in the program
(the migration set cut at N, so the `_sqlite_migrations` row and `user_version` are the
real ones), then a few rows in what migration N added, written as the program of schema N
writes them (the columns and values of that version, which never change once released):

- 2: slip prints — a notice, its reprint (补打) with a reason, a receipt and a ticket;
- 5: a ticket ended without a case (`consulted`, with its reason, events and outbox rows);
- 6: slips that did not print — one still kept, one printed later, one dropped with a reason;
- 7: a notice printed with the content its version-2 code covers (and its kept slip);
- 8: clerk accounts — an admin with a PIN hash, a clerk locked out, one deactivated;
- 9: the queue host's access keys (one revoked) and clerk sessions (one ended, one open);
- 10: the first day's rows sent by USB file and acknowledged, then a start-up three years on
  (the default retention period): the day left open closed, and the finished cases among the
  acknowledged ones erased by retention (names and ID numbers masked, phones removed,
  `personal_erased_at` set, their events' and slips' copies scrubbed), journalled. The cases
  still waiting for upload keep their personal fields, as the program keeps them;
- 11: complaints — one about a case and its clerk, noted and closed with feedback, one from
  the 12345 hotline still open, journalled and queued;
- 12: the watch list (监测台账) — two people, one dropped by a later list; a contact queued
  for the hub and one recorded before the hub took contacts;
- 13: a contact queued as it is recorded (migration 13 queued the one left unqueued and
  dropped `queued_at`); the complaints' and watch-list people's new `personal_erased_at` stay
  empty, none of them being three years old yet.

`python -m tests.golden store 2 5 6 7 8 9 10 11 12 13` rebuilds them (a deliberate act; the file
changes).

The stores stay **plain** (unsealed SQLite), though the program of schema 10 seals every
store it makes: a store of schema 1 to 9 on a station's PC is plain, and the program seals it
once on opening (`counterapp.store_key`), so plain fixtures are what an upgrade meets; both
upgrade tests (tests/test_store.py, tests/test_sealed_store.py) open each fixture through the
program and check it comes out sealed with every row kept. A sealed fixture would need its key
in the tests' keyring and could not be read or rebuilt with sqlite3 here; the sealing itself
changes no row, which those tests check. (A schema-10 store made by the program is sealed;
this one stands for a PC allowed to run unsealed, and for the rows it holds.)
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from db import migrations
from tests.golden.store_fills import (
    fill_2,
    fill_5,
    fill_6,
    fill_7,
    fill_8,
    fill_9,
)
from tests.golden.store_fills_registers import fill_11, fill_12, fill_13
from tests.golden.store_fills_retention import fill_10

FILLS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: fill_2,
    5: fill_5,
    6: fill_6,
    7: fill_7,
    8: fill_8,
    9: fill_9,
    10: fill_10,
    11: fill_11,
    12: fill_12,
    13: fill_13,
}


def make_store(version: int) -> Path:
    """Rebuild schema-`version`.db from the fixture one version below (see the module)."""
    if version not in FILLS:
        raise SystemExit(
            f"schema {version} is a store written by the program of its time; "
            f"only {sorted(FILLS)} are made here"
        )
    source = path_of(version - 1)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / source.name
        shutil.copy(source, work)
        _apply_up_to(work, version)
        conn = sqlite3.connect(work, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN")
            FILLS[version](conn)
            conn.execute("COMMIT")
            assert not conn.execute("PRAGMA foreign_key_check").fetchall()
            conn.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            conn.execute("VACUUM")
        finally:
            conn.close()
        shutil.copy(work, path_of(version))
    return path_of(version)


STORES = Path(__file__).resolve().parent.parent / "data" / "stores"


def path_of(version: int) -> Path:
    return STORES / f"schema-{version:04d}.db"


def _apply_up_to(path: Path, version: int) -> None:
    """Migrations 1..version, as the program that had `version` as its newest applied them."""
    import sqlite_utils
    from sqlite_utils import Migrations

    cut = Migrations("counterapp-station")
    for number, name, sql in migrations.scripts()[:version]:
        cut(name=name)(migrations._step(number, sql))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        cut.apply(sqlite_utils.Database(conn))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        conn.close()
