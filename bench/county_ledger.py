"""统计台账 at scale (printed, not a test): `python -m bench.county_ledger`.

The county of `bench.county` (400 stations, a year of cases, default 1,000,000, on embedded
PostgreSQL, loaded with COPY, the recent weeks with every case's ticket, a tenth more tickets
that ended without a case, and a rating for seven cases in ten). `python -m hub serve` runs
on it; a clerk signs in and asks, `--rounds` times each after a warm-up, in the same run:

- the inbox page (the baseline: its own target is p95 ≤ 300 ms);
- the county month page of 统计台账 (every station's, level's and the county's figures, the
  month's cards and ranking, each day's figures; target ≤ 1 s);
- the month's XLSX with every table of that page (target ≤ 5 s);
- one station's month page.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

import httpx

from bench.county_inbox import _sign_in, _time, county_on_postgres
from bench.sync import _free_port, hub_process
from counterapp.clock import Clock
from counterapp.ledger.figures import Period


def last_month(today: date) -> Period:
    previous = today.replace(day=1) - timedelta(days=1)
    return Period.month(previous.year, previous.month)


def run(cases: int, rounds: int) -> None:
    month = last_month(Clock().today())
    with county_on_postgres(cases) as (db, url, counts, seconds):
        span = (month.first.isoformat(), month.last.isoformat())
        with db.transaction(write=False) as tx:
            month_counts = [
                tx.scalar(f"SELECT count(*) FROM {table} WHERE day BETWEEN ? AND ?", span)
                for table in ("ledger_cases", "ledger_tickets", "ledger_items")
            ]
            code = tx.scalar("SELECT code FROM stations ORDER BY code LIMIT 1")
        print(
            f"loaded {counts['cases']:,} cases of 400 stations in {seconds:.0f} s; "
            f"{month.label}: {month_counts[0]:,} cases, {month_counts[1]:,} tickets, "
            f"{month_counts[2]:,} items"
        )
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.county_ledger")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    run(args.cases, args.rounds)


if __name__ == "__main__":
    main()
