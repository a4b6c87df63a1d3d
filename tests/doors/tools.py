"""Every door tried (issue 13): what each input path of the station and the hub was given, and
how it answered, counted per path and printed at the end of the run (the report's figures).

The hypothesis examples are derandomized (the same inputs on every run and machine) and few
per path, so that all the doors together stay well under a minute.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings

from counterapp import store_key
from db import files

# path → outcome ("accepted", "refused", …) → inputs
TRIED: dict[str, Counter[str]] = {}


def doors(examples: int) -> settings:
    """Hypothesis settings for a door: `examples` inputs, the same on every run."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def tried(path: str, outcome: str) -> None:
    """Count one input given to `path` and how it was answered."""
    TRIED.setdefault(path, Counter())[outcome] += 1


def raw_connection(path: Path | str, read_only: bool = False) -> sqlite3.Connection:
    """A bare connection to a store the program made, with its key from the keyring (the
    tests' shared key file, so a child process's store opens here too)."""
    return files.keyed(Path(path), store_key.load(Path(path)), read_only=read_only)


def dump(path: Path | str) -> list[str]:
    """Everything an SQLite store holds, as SQL (compared before and after a refused input)."""
    conn = raw_connection(path, read_only=True)  # sqlcipher3 has no iterdump()
    try:
        found = [
            sql
            for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
            )
        ]
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall():
            found += [
                f"{table}: {row!r}"
                for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            ]
        return found
    finally:
        conn.close()


def is_chinese(message: str) -> bool:
    """Whether a message is worded for the clerk (holds Chinese)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def summary() -> list[str]:
    """One line per path: inputs tried, by outcome (printed at the end of the run by
    tests/conftest.py)."""
    return [
        f"{path}: {sum(outcomes.values())} ("
        + ", ".join(f"{outcome} {count}" for outcome, count in sorted(outcomes.items()))
        + ")"
        for path, outcomes in sorted(TRIED.items())
    ]
