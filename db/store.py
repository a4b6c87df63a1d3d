"""The one place that opens the station's SQLite store.

Every connection gets the same pragmas: WAL so the window can read while the sync writes,
`synchronous=FULL` so a committed case survives a power cut (WAL with NORMAL may lose the last
commits), foreign keys on, and a busy timeout instead of immediate "database is locked".

The driver is SQLCipher (`sqlcipher3`, SQLite with page encryption; docs/architecture.md,
"Personal data sealed at rest"): given the store key, every page of the file, its WAL and its
backups is AES-256 encrypted and authenticated; without a key the file is plain SQLite (the
tests' own stores, a PC allowed to run unsealed). Which key, and whether a store may stay
plain, is the core's choice (`counterapp.store_key`); this layer only uses the key it is given.
Files are private to the PC's user (0600 on POSIX; SQLite gives the -wal and -shm files the
store's mode).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from db import files, migrations
from db.migrations import StoreTooNew

__all__ = ["PRAGMAS", "DatabaseError", "MissingRow", "Store", "StoreTooNew", "connect"]

# The driver's errors (sqlcipher3's own classes, not the standard library's sqlite3 ones).
DatabaseError: type[Exception] = sqlcipher3.DatabaseError
BACKUPS_KEPT_SETTING = "store.backups_kept"
BACKUPS_KEPT = 5

PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
)


class MissingRow(LookupError):
    """A query that always finds its row (an aggregate, a row read just before) found none."""


def connect(path: Path | str, key: bytes | None = None) -> sqlite3.Connection:
    """A raw connection with the store's pragmas (also used by the benchmark baseline);
    `key` (32 bytes) opens or makes a sealed store. A wrong key fails on the first read
    (`DatabaseError`: "file is not a database")."""
    conn: sqlite3.Connection = sqlcipher3.connect(
        str(path), isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlcipher3.Row
    files.apply_key(conn, key)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


class Store:
    """An open, migrated station store. Core services do their SQL through this object."""

    def __init__(self, path: Path | str, key: bytes | None = None) -> None:
        self.path = Path(path)
        self.sealed = key is not None
        self._key = key
        if str(path) != ":memory:":
            files.private_folder(self.path.parent)
            files.private_file(self.path)
        self.conn = connect(self.path, key)
        self._savepoints = itertools.count()
        try:
            migrations.upgrade(self.conn, before=self._backup_before_upgrade)
        except Exception:
            self.conn.close()
            raise

    def __repr__(self) -> str:  # never the key
        return f"Store({str(self.path)!r}, sealed={self.sealed})"

    @property
    def key(self) -> bytes | None:
        """The key it was opened with (None: a plain store); never logged or shown."""
        return self._key

    @property
    def backups_dir(self) -> Path:
        return self.path.parent / "backups"

    def _backup_before_upgrade(self, found_version: int) -> None:
        """An existing store is copied aside before its schema changes (never a new one)."""
        if found_version == 0:
            return
        self.backup_now(f"schema{found_version}")

    def backup_now(self, why: str) -> Path:
        """A backup in `backups/` named by store, reason and time, then the oldest pruned
        past the number kept (setting `store.backups_kept`, default 5)."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.backup(self.backups_dir / f"{self.path.stem}-{why}-{stamp}.db")
        files.prune_backups(self.backups_dir, self.path.stem, self.backups_kept())
        return target

    def backups_kept(self) -> int:
        raw = (
            self.scalar("SELECT value FROM settings WHERE key = ?", (BACKUPS_KEPT_SETTING,))
            if self._has_settings()
            else None
        )
        return max(1, int(raw)) if raw is not None else BACKUPS_KEPT

    def _has_settings(self) -> bool:
        return bool(self.scalar("SELECT 1 FROM sqlite_master WHERE name = 'settings'"))

    def backup(self, target: Path) -> Path:
        """A consistent copy of the open store (SQLite's online backup API), sealed under the
        store's own key when the store is sealed, private to the user."""
        files.private_folder(target.parent)
        files.private_file(target)
        copy = files.keyed(target, self._key)
        try:
            self.conn.backup(copy)
        finally:
            copy.close()
        return target

    @property
    def schema_version(self) -> int:
        return migrations.schema_version(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing: nested calls become savepoints.

        The outer level takes the write lock at once (BEGIN IMMEDIATE), so two writers never
        deadlock while upgrading a read lock.
        """
        if self.conn.in_transaction:
            name = f"nested_{next(self._savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:  # an error may already have ended it all
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def row(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row:
        """The row a query always returns; none is a bug, raised as `MissingRow`."""
        row = self.one(sql, params)
        if row is None:
            raise MissingRow(f"no row for {' '.join(sql.split())} {params!r}")
        return row

    def mapping(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> dict[Any, Any]:
        """A two-column query as a dict: first column to second."""
        return {key: value for key, value in self.conn.execute(sql, params)}

    def all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def tuples(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Plain tuples, not rows: for reads of many thousand rows (the ledger's), where
        building a Row for each costs more than the query."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        rows: list[tuple[Any, ...]] = cursor.execute(sql, params).fetchall()
        return rows

    def scalar(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row and return its integer primary key."""
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        cursor = self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = :_row_id", {**values, "_row_id": row_id}
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
