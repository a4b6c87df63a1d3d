"""A month's ledger (台账) on a large station store, next to a baseline from the same store.

    .venv/bin/python -m bench.ledger [--cases 1000000] [--dir DIR]

The store is bench.core's synthetic one (1,000 cases a day, so a month is ~31,000 cases).
Measured: the whole ledger the window shows and the exports write (`report.station_ledger`:
each day's tally counted in SQL, every figure of the period and of each day, the handling
time per item); then the same figures the other way, the facts read into Python and
`figures.compute` (the definition the SQL is tested against).
Baseline: one aggregate query over the same month's cases and items (what the old daily
report did, over a month), the least any ledger can cost. Target (issue 15): ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.core import fill_cases, line, timed
from counterapp.app import Counter
from counterapp.clock import CST, FixedClock
from counterapp.ledger import station_facts
from counterapp.ledger.figures import Period, compute
from counterapp.ledger.report import station_ledger
from counterapp.memory_keyring import in_memory_keyring

MONTHS = [(2026, 10), (2026, 9), (2026, 8), (2026, 7), (2026, 6), (2026, 5)]
AGGREGATE = (
    "SELECT count(DISTINCT c.id), count(*), sum(i.mode = 'handle' "
    "AND substr(i.completed_at, 1, 10) = c.day), sum(i.mode != 'handle') "
    "FROM cases AS c JOIN case_items AS i ON i.case_id = c.id WHERE c.day BETWEEN ? AND ?"
)


def bench_ledger(path: Path, total: int) -> None:
    with Counter.open(path, FixedClock(datetime(2026, 11, 25, 18, tzinfo=CST))) as counter:
        store, calendar, now = counter.store, counter.calendar, counter.clock.now()
        periods = [Period.month(year, month) for year, month in MONTHS]
        month = periods[0]
        cases = store.scalar(
            "SELECT count(*) FROM cases WHERE day BETWEEN ? AND ?",
            (month.first.isoformat(), month.last.isoformat()),
        )
        print(f"a month of this store: {cases:,} cases")

        def cycle(action: object) -> list[float]:
            it = iter(periods * 3)
            return timed(lambda: action(next(it)), len(periods) * 3)  # type: ignore[operator]

        baseline = cycle(lambda p: store.row(AGGREGATE, (p.first.isoformat(), p.last.isoformat())))
        line(f"month aggregate query, {total:,} cases", baseline, target="baseline")
        line(
            f"a month's ledger on {total:,} cases",
            cycle(lambda p: station_ledger(store, "bench", p, calendar, now)),
            baseline,
            target="≤ 200 ms",
        )
        line(
            "the same, facts read + figures.compute",
            cycle(lambda p: compute(p, station_facts.read(store, p), calendar, now)),
            baseline,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", help="scratch folder (default: the system temp folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        path = Path(scratch) / "ledger.db"
        started = time.perf_counter()
        fill_cases(path, args.cases)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
        bench_ledger(path, args.cases)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
