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

# path → outcome ("accepted", "refused", …) → inputs
TRIED: dict[str, Counter[str]] = {}


def doors(examples: int) -> settings:
    """Hypothesis settings for a door: `examples` inputs, the same on every run."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def tried(path: str, outcome: str) -> None:
    """Count one input given to `path` and how it was answered."""
    TRIED.setdefault(path, Counter())[outcome] += 1


def dump(path: Path | str) -> list[str]:
    """Everything an SQLite store holds, as SQL (compared before and after a refused input)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def is_chinese(message: str) -> bool:
    """Whether a message is worded for the clerk (holds Chinese)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def summary() -> list[str]:
    """One line per path: inputs tried, by outcome (printed at the end of the run by
    tests/conftest.py)."""
    return [f"{path}: {sum(outcomes.values())} (" + ", ".join(
        f"{outcome} {count}" for outcome, count in sorted(outcomes.items())) + ")"
        for path, outcomes in sorted(TRIED.items())]
