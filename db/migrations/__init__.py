"""Numbered schema migrations, applied in order at start-up.

Each migration is a file `NNNN_name.sql` beside this module. sqlite-utils' `Migrations` runs
each one in a transaction together with the row recording it, so a failed step leaves no
trace. `PRAGMA user_version` holds the number of the last step; a store whose number is
higher than the newest step this program knows was written by a newer program and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

import sqlite_utils
from sqlite_utils import Migrations


def _scripts() -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migration file, in order."""
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


def _step(number: int, sql: str):
    def apply(db: sqlite_utils.Database) -> None:
        for statement in statements(sql):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")

    return apply


MIGRATION_SCRIPTS = _scripts()
LATEST = len(MIGRATION_SCRIPTS)
STEPS = Migrations("counterapp-station")
for _number, _name, _sql in MIGRATION_SCRIPTS:
    STEPS(name=_name)(_step(_number, _sql))


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def upgrade(db: sqlite_utils.Database, before: Callable[[int], object] = lambda _: None
            ) -> list[str]:
    """Apply pending steps; return their names. Refuses a store newer than this program.

    `before(found_version)` runs first when there is anything to apply (the store takes a
    backup there).
    """
    found = schema_version(db)
    if found > LATEST:
        raise StoreTooNew(
            f"此数据库由更新版本的程序创建（数据结构版本 {found}，本程序最高支持 {LATEST}），"
            "请升级程序后再打开。"
        )
    pending = [migration.name for migration in STEPS.pending(db)]
    if pending:
        before(found)
        STEPS.apply(db)
    return pending
