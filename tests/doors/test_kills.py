"""A counter PC killed with SIGKILL sixty times while it writes (tests/doors/kill_child.py):
after every kill the store passes SQLite's integrity check and holds nothing half-done, and at
the end every change a worker reported committed is there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.doors.kill_child import store_problems
from tests.doors.tools import raw_connection, tried

ROOT = Path(__file__).parent.parent.parent
KILLS = 60
pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="forks each writer and kills it with SIGKILL (POSIX)"
)


def lost(path: Path, commits: list[dict]) -> list[dict]:
    """The reported commits the store does not hold."""
    conn = raw_connection(path)
    try:

        def held(commit: dict) -> bool:
            table = commit["table"]
            if table in ("cases", "tickets", "ratings"):
                version = conn.execute(
                    f"SELECT version FROM {table} WHERE uuid = ?", (commit["uuid"],)
                ).fetchone()
                queued = conn.execute(
                    "SELECT 1 FROM outbox WHERE record_uuid = ? AND record_version = ?",
                    (commit["uuid"], commit["version"]),
                ).fetchone()
                return (
                    version is not None and version[0] >= commit["version"] and queued is not None
                )
            if table == "slip_prints":
                return (
                    conn.execute(
                        "SELECT 1 FROM slip_prints WHERE id = ?", (commit["id"],)
                    ).fetchone()
                    is not None
                )
            if table == "sync_batches":
                return conn.execute(
                    "SELECT rows FROM sync_batches WHERE batch_id = ?", (commit["id"],)
                ).fetchone() == (commit["rows"],)
            assert table == "acked"
            return conn.execute(
                "SELECT acked_at FROM sync_batches WHERE batch_id = ?", (commit["id"],)
            ).fetchone() not in (None, (None,))

        return [commit for commit in commits if not held(commit)]
    finally:
        conn.close()


def test_sixty_kills_during_writes_lose_nothing(tmp_path):
    path = tmp_path / "station.db"
    done = subprocess.run(
        [sys.executable, "-m", "tests.doors.kill_child", str(path), "2026", str(KILLS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    said = [json.loads(line) for line in done.stdout.splitlines()]
    kills = [entry for entry in said if entry["op"] == "kill"]
    commits = [entry for entry in said if entry["op"] == "commit"]
    assert len(kills) == KILLS
    assert {kill["signal"] for kill in kills} == {signal.SIGKILL}
    assert [kill["problems"] for kill in kills if kill["problems"]] == []
    assert lost(path, commits) == []
    assert store_problems(path) == []
    kinds = {commit["table"] for commit in commits}
    assert kinds == {"cases", "tickets", "ratings", "slip_prints", "sync_batches", "acked"}
    in_action = sum(kill["inside_action"] for kill in kills)
    in_transaction = sum(kill["inside_transaction"] for kill in kills)
    assert in_action > KILLS // 2  # the kills land among the writes, not between lives
    for kill in kills:
        tried(
            "SIGKILL during writes",
            "killed inside a transaction"
            if kill["inside_transaction"]
            else "killed inside an action"
            if kill["inside_action"]
            else "killed between actions",
        )
    print(
        f"\n{KILLS} kills ({in_action} inside an action, {in_transaction} inside an open "
        f"transaction), {len(commits)} commits reported, 0 lost"
    )


def test_the_check_finds_half_done_changes(tmp_path):
    """The checks above can fail: a change without its outbox row, a batch whose rows went
    missing, a print without its event, and a commit the store does not hold."""
    path = tmp_path / "station.db"
    subprocess.run(
        [sys.executable, "-m", "tests.doors.kill_child", str(path), "7", "10"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert store_problems(path) == []
    conn = raw_connection(path)
    with conn:
        conn.execute("UPDATE tickets SET version = version + 1 WHERE id = 1")
        conn.execute(
            "INSERT INTO slip_prints (kind, case_id, layout, printed_at, is_reprint, "
            "reason) VALUES ('notice', (SELECT min(id) FROM cases), 'a4', "
            "'2026-11-25T09:00:00+08:00', 1, '污损')"
        )
    conn.close()
    problems = store_problems(path)
    assert any(problem.startswith("tickets ") for problem in problems)
    assert any("case prints recorded" in problem for problem in problems)
    assert lost(path, [{"table": "cases", "uuid": "nowhere", "version": 1}]) != []
