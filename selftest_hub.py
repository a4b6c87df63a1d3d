"""The self-test's sync round: the station syncs with a real county hub on 127.0.0.1.

It needs both the station's sync client and the hub, so it lives above both; `main.py
--self-test` plugs it in where the hub is installed (a source checkout). The desktop bundle
does not carry the hub: there the core's transfer-file check covers what a sync signs and
sends, and the queue-host check the HTTP client and server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

from counterapp.app import Counter
from counterapp.memory_keyring import in_memory_keyring
from counterapp.station import Station
from counterapp.sync import service
from hub import stations
from hub.app import create_app
from hub.db import Database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def loopback_hub(path: Path, station: Station) -> Iterator[tuple[str, stations.Credentials]]:
    """(hub url, the station's credentials) while a hub on a throw-away SQLite database, with
    `station` registered, serves on 127.0.0.1 (the real ASGI app under uvicorn, in a thread)."""
    db = Database(f"sqlite:///{path}")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    credentials = stations.register(db, station.code, station.name, station.level, now)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(db),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the self-test hub did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", credentials
    finally:
        server.should_exit = True
        thread.join(10)
        db.close()


def check(counter: Counter, clerk: int) -> str:
    """One sync round against the loopback hub, the secrets in an in-memory keyring."""
    assert counter.station is not None
    with (
        in_memory_keyring(),
        loopback_hub(counter.store.path.parent / "hub.db", counter.station) as (url, credentials),
    ):
        service.setup(
            counter.store,
            url,
            credentials.token,
            credentials.signing_key,
            credentials.hub_public_key,
            hub_transfer_key=credentials.hub_transfer_key,
            insecure_loopback=True,
        )
        report = service.sync_now(counter.store, counter.clock)
    assert report.ok and report.pending == 0, report
    return (
        f"sync with a hub on {url}: {report.records} records in {report.batches} "
        "batch(es), all acknowledged"
    )
