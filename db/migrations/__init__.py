"""Numbered schema migrations, applied in order at start-up.

Each migration is a file `NNNN_name.sql` beside this module. sqlite-utils' `Migrations` runs
each one in a transaction together with the row recording it, so a failed step leaves no
trace. `PRAGMA user_version` holds the number of the last step; a store whose number is
higher than the newest step this program knows was written by a newer program and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


# The schema version this program writes: the number of the newest migration file. A constant,
# so that opening a store does not list the package's files (importlib.resources and what it
# imports cost ~10 ms of the window's start); a test checks it against the files.
LATEST = 13


@cache
def scripts() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migration file, in order."""
    from importlib import resources

    found = []
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".sql"):
            stem = entry.name.removesuffix(".sql")
            found.append((int(stem.split("_", 1)[0]), stem, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, found {numbers}")
    return found


class StoreTooNew(RuntimeError):
    """The store was written by a newer program; opening it could damage it."""


def statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies contain semicolons)."""
    result: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            result.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending!r}")
    return result


def _step(number: int, sql: str) -> Callable[[sqlite_utils.Database], None]:
    def apply(db: sqlite_utils.Database) -> None:
        for statement in statements(sql):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")

    return apply


@cache
def steps() -> sqlite_utils.Migrations:
    """The migration set. sqlite-utils is imported only when a store needs upgrading: it
    costs ~0.1 s (it loads its plugins), too much for every start of the window."""
    from sqlite_utils import Migrations

    migration_set = Migrations("counterapp-station")
    for number, name, sql in scripts():
        migration_set(name=name)(_step(number, sql))
    return migration_set


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def upgrade(
    conn: sqlite3.Connection, before: Callable[[int], object] = lambda _: None
) -> list[str]:
    """Apply pending steps; return their names. Refuses a store newer than this program.

    `before(found_version)` runs first when there is anything to apply (the store takes a
    backup there).
    """
    found = schema_version(conn)
    if found > LATEST:
        raise StoreTooNew(
            f"此数据库由更新版本的程序创建（数据结构版本 {found}，本程序最高支持 {LATEST}），"
            "请升级程序后再打开。"
        )
    if found == LATEST:
        return []
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    migration_set = steps()
    pending = [migration.name for migration in migration_set.pending(db)]
    if pending:
        before(found)
        migration_set.apply(db)
    return pending
