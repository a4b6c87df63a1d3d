"""The benchmarks still run, as `python -m bench.X` from a checkout, on a small scale: a bench
nobody runs breaks unnoticed (bench.sync did, when stores were sealed). Their figures are
read by people, never asserted here; only that each prints its lines and ends well."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHES = [
    (["bench.sync", "--cases", "300"], ["wire:", "ingest, PostgreSQL hub", "ingest, SQLite"]),
    (["bench.ledger", "--cases", "3000"], ["a month's ledger on 3,000 cases"]),
    (
        ["bench.county_inbox", "--cases", "3000", "--rounds", "1"],
        ["inbox page (counts, charts", "supervision page", "inbox page weight"],
    ),
    (
        ["bench.county_ledger", "--cases", "3000", "--rounds", "1"],
        ["统计台账: county month page", "统计台账: one station's month"],
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "lines"), BENCHES, ids=[b[0][0] for b in BENCHES])
def test_a_benchmark_runs_small(command, lines):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # each bench cleans up after itself
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for line in lines:
        assert line in done.stdout, done.stdout
