"""A hub on 127.0.0.1 for the station program's `--self-test` (and nothing else).

It runs the real ASGI app under uvicorn in a thread, on a throw-away SQLite database, with one
registered station, and stops when the `with` block ends.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from keyring.backend import KeyringBackend

from hub import stations
from hub.app import create_app
from hub.db import Database


class MemoryKeyring(KeyringBackend):
    """Secrets in memory: the self-test must not write to the station's real keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def loopback_hub(path: Path, station: Any) -> Iterator[tuple[str, stations.Credentials]]:
    """(hub url, the station's credentials) while a hub serves on 127.0.0.1."""
    db = Database(f"sqlite:///{path}")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    credentials = stations.register(db, station.code, station.name, station.level, now)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           lifespan="off"))
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
