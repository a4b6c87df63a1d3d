"""Benchmarks of the core, each figure printed next to its baseline from the same run.

    .venv/bin/python -m bench.core [--cases 1000000] [--repeat 300] [--dir DIR]

Not a test: it prints figures and never fails on them. Targets (issue 2): ticket issue and
call-next ≤ 2 ms median; a durable case save ≤ 1.5× a raw durable single-row commit; catalogue
load ≤ 50 ms; a day's ledger on 1,000,000 cases ≤ 100 ms; a month's ≤ 200 ms (bench/ledger.py).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from counterapp import store_key
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.catalogue import default_catalogue_dir, load_directory, parse_document
from counterapp.clock import CST, FixedClock, stamp
from counterapp.demo import DEMO_STATION
from counterapp.idnumber import check_char
from counterapp.ledger.figures import Period
from counterapp.ledger.report import station_ledger
from counterapp.memory_keyring import in_memory_keyring
from counterapp.queue import Lane
from counterapp.station import add_clerk
from db.store import connect


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def paired(
    baseline: Callable[[], object], action: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Time `baseline` and `action` alternately, so disk-flush noise hits both alike."""
    base_samples, samples = [], []
    for _ in range(repeat):
        base_samples += timed(baseline, 1)
        samples += timed(action, 1)
    return base_samples, samples


def line(
    name: str, samples: list[float], baseline: list[float] | None = None, target: str = ""
) -> None:
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1] if len(samples) > 1 else median
    text = f"{name:<40} median {median:8.3f} ms   p95 {p95:8.3f} ms"
    if baseline is not None:
        base = statistics.median(baseline)
        text += f"   baseline {base:6.3f} ms = {median / base:4.2f}×"
    print(text + (f"   (target {target})" if target else ""))


def _applicant(n: int) -> Person:
    first17 = f"370883{1950 + n % 60}0{1 + n % 9}1{n % 10}{n % 1000:03d}"
    return Person(f"测试{n}", first17 + check_char(first17), "13800000000")


def bench_counter(folder: Path, repeat: int) -> None:
    """Queue and case operations, each paired with a raw durable single-row commit."""
    clock = FixedClock(datetime(2026, 11, 25, 8, 30, tzinfo=CST))
    with Counter.open(folder / "counter.db", clock) as counter:
        counter.configure_station(DEMO_STATION)
        clerk = add_clerk(counter.store, "9001", "测试", clock).id
        raw = connect(folder / "raw.db")
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")

        def raw_commit() -> None:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 200,))
            raw.execute("COMMIT")

        print(
            "baseline: a raw sqlite3 single-row INSERT + COMMIT, same pragmas "
            "(WAL, synchronous=FULL), timed alternately with each operation"
        )
        base, issued = paired(raw_commit, lambda: counter.queue.issue(Lane.NORMAL), repeat)
        line("ticket issue", issued, base, "≤ 2 ms")
        called: list[float] = []
        base = []
        for _ in range(repeat):
            base += timed(raw_commit, 1)
            started = time.perf_counter()
            ticket = counter.queue.call_next(1, clerk)
            called.append((time.perf_counter() - started) * 1000)
            assert ticket is not None
            counter.queue.skip(ticket.id, clerk)  # frees the window, untimed
        line("call next", called, base, "≤ 2 ms")
        cases = iter(
            [
                counter.cases.open_case(_applicant(n), ["YB0301", "YB0302"], clerk)
                for n in range(repeat)
            ]
        )
        base, saved = paired(
            raw_commit,
            lambda: counter.cases.mark_material(next(cases).id, "identity", True, clerk),
            repeat,
        )
        line("durable case save (tick a material)", saved, base, "≤ 1.5× baseline")
        raw.close()


def bench_catalogue() -> None:
    directory = default_catalogue_dir()
    line(
        "catalogue load from TOML files",
        timed(lambda: load_directory(directory), 30),
        target="≤ 50 ms",
    )
    document = json.dumps(load_directory(directory).to_document(), ensure_ascii=False)
    line(
        "catalogue load from the store (JSON)",
        timed(lambda: parse_document(json.loads(document), "store"), 30),
        target="≤ 50 ms",
    )


def fill_cases(path: Path, total: int, per_day: int = 1000) -> None:
    """Bulk-write `total` synthetic cases (with items and ratings) for the report benchmark."""
    with Counter.open(path, FixedClock(datetime(2026, 11, 25, 8, 0, tzinfo=CST))) as counter:
        counter.configure_station(DEMO_STATION)
        add_clerk(counter.store, "9001", "测试", counter.clock)
    conn = connect(path, store_key.load(path))  # sealed, as the program opens it
    conn.execute("PRAGMA synchronous = OFF")  # generation speed only; not what is measured
    rng = random.Random(7)
    codes = ["YB0101", "YB0202", "YB0301", "YB0302", "YB0401", "YB0501", "YB0801", "YB1202"]
    states = ["completed"] * 8 + ["forwarded", "accepted", "materials_incomplete", "closed"]
    first_day = date(2026, 11, 25) - timedelta(days=total // per_day)
    conn.execute("BEGIN")
    batch_cases, batch_items, batch_ratings = [], [], []
    for n in range(1, total + 1):
        day = first_day + timedelta(days=n // per_day)
        opened = datetime(day.year, day.month, day.day, 9, tzinfo=CST) + timedelta(
            seconds=(n % per_day) * 25
        )
        state = rng.choice(states)
        person = _applicant(n)
        batch_cases.append(
            (
                n,
                f"u{n}",
                f"370883101-{day:%Y%m%d}-{n % per_day:04d}",
                day.isoformat(),
                "default",
                state,
                person.name,
                person.id_number,
                person.phone,
                1,
                1,
                stamp(opened),
                stamp(opened),
            )
        )
        for code in rng.sample(codes, k=rng.choice((1, 1, 2))):
            done = stamp(opened + timedelta(minutes=8)) if state == "completed" else None
            batch_items.append(
                (
                    n,
                    code,
                    code,
                    "assist" if code == "YB1202" else "handle",
                    "instant",
                    10,
                    None,
                    done,
                )
            )
        if state == "completed" and rng.random() < 0.7:
            batch_ratings.append((f"r{n}", n, rng.choice((5, 5, 5, 4, 3, 1)), stamp(opened)))
        if len(batch_cases) >= 20000 or n == total:
            conn.executemany(
                "INSERT INTO cases (id, uuid, case_no, day, catalogue_version, state, "
                "applicant_name, applicant_id_number, applicant_phone, owner_clerk_id, "
                "handler_clerk_id, opened_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                batch_cases,
            )
            conn.executemany(
                "INSERT INTO case_items (case_id, item_code, title, mode, kind, limit_minutes, "
                "limit_working_days, completed_at) VALUES (?,?,?,?,?,?,?,?)",
                batch_items,
            )
            conn.executemany(
                "INSERT INTO ratings (uuid, case_id, level, rated_at) VALUES (?,?,?,?)",
                batch_ratings,
            )
            batch_cases, batch_items, batch_ratings = [], [], []
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()


NOW = datetime(2026, 11, 25, 18, tzinfo=CST)


def bench_report(folder: Path, total: int) -> None:
    path = folder / "ledger.db"
    started = time.perf_counter()
    fill_cases(path, total)
    print(
        f"generated {total:,} cases in {time.perf_counter() - started:.1f} s "
        f"(store file {path.stat().st_size / 1e6:.1f} MB, "
        f"{path.stat().st_size / total:.0f} bytes per case)"
    )
    with Counter.open(path, FixedClock(datetime(2026, 11, 25, 18, tzinfo=CST))) as counter:
        days = [date(2026, 11, 24) - timedelta(days=n * 37) for n in range(20)]
        it = iter(days)
        line(
            f"a day's ledger on {total:,} cases",
            timed(
                lambda: station_ledger(
                    counter.store, "bench", Period.day(next(it)), counter.calendar, NOW
                ),
                len(days),
            ),
            target="≤ 100 ms",
        )
    from bench.ledger import bench_ledger  # it builds on this module's store and timers

    bench_ledger(path, total)


def run(total_cases: int, folder: Path | None = None, repeat: int = 300) -> None:
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        work = Path(scratch)
        print(f"benchmark folder: {work} (figures in milliseconds)")
        bench_counter(work, repeat)
        bench_catalogue()
        bench_report(work, total_cases)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.core",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--dir", help="scratch folder (default: the system temp folder)")
    args = parser.parse_args(argv)
    run(args.cases, Path(args.dir) if args.dir else None, args.repeat)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
