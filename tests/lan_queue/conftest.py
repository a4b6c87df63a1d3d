"""A station's queue host on 127.0.0.1 (a real uvicorn server over TLS and a real SQLite
store) and client PCs on their own stores, each with a key the host issued for it (kept under
its store's account in one in-memory keyring for the process); a lossy link between them. The
station's clerks are the host's, each with the PIN `PIN`; a window PC's clerk logs in as at
its login screen (the host checks the PIN and signs them in)."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import BinaryIO

import pytest

from counterapp import pins, sessions
from counterapp.app import Counter
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.lan_queue.server import QueueServer
from counterapp.station import ADMIN, add_clerk
from tests.conftest import PIN, TOWN


@pytest.fixture(autouse=True)
def _keyring_in_memory(memory_keyring):
    """Every test here uses the in-memory keyring (tests/conftest.py)."""
    return memory_keyring


@pytest.fixture
def host(tmp_path, clock):
    """The queue host PC (window 1) with its server on a free port; `pin` is the fingerprint
    of its key. 王丽 (1001) is the station admin."""
    with Counter.open(tmp_path / "host.db", clock) as counter:
        counter.configure_station(TOWN)
        counter.clerk = add_clerk(
            counter.store, "1001", "王丽", clock, role=ADMIN, pin_hash=pins.hash_pin(PIN)
        )
        counter.configure_queue(QueueLink(Role.HOST))
        server = QueueServer(counter.store.path, clock, port=0, bind="127.0.0.1").start()
        counter.server = server
        counter.pin = tls.key_pin(tls.host_key())
        yield counter
        server.stop()


def restart(host: Counter) -> QueueServer:
    """The queue host's program started again on the same port (stop it when done)."""
    port = int(host.server.url.rsplit(":", 1)[1])
    return QueueServer(host.store.path, host.clock, port=port, bind="127.0.0.1").start()


def issue_key(host: Counter, kind: Access = Access.WINDOW, name: str = "2号窗口") -> str:
    """A key the host issues for one PC."""
    return access.issue(host.store, kind, name, host.clock)[1]


@pytest.fixture
def new_client(tmp_path, clock, host):
    """Make a client PC: its own store and station, with a key of its kind issued by the host;
    a window PC also has a clerk, one of the host's (the station's) clerks, logged in there."""
    opened: list[Counter] = []

    def make(
        name: str,
        login: str | None = None,
        clerk_name: str = "",
        window_no: int = 1,
        url: str | None = None,
        kind: Access = Access.WINDOW,
    ) -> Counter:
        """`url`: the host's address as this PC sees it (by default the host's own)."""
        counter = Counter.open(tmp_path / f"{name}.db", clock)
        counter.configure_station(TOWN)
        counter.set_window_no(window_no)
        counter.configure_queue(
            QueueLink(
                Role.CLIENT,
                host_url=url or host.server.url,
                key=issue_key(host, kind, name),
                access=kind,
                pin=host.pin,
            )
        )
        if login is not None:
            if not host.store.scalar("SELECT 1 FROM clerks WHERE login = ?", (login,)):
                add_clerk(host.store, login, clerk_name, clock, pin_hash=pins.hash_pin(PIN))
            counter.clerk = sessions.log_in(counter, login, PIN, window_no).login.clerk
        opened.append(counter)
        return counter

    yield make
    for counter in opened:
        counter.close()


def read_message(reader: BinaryIO) -> bytes | None:
    """One HTTP/1.1 request or answer with its body (Content-Length), or None at the end."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline()
        if not line:
            return None
        head += line
    length = next(
        (
            int(value)
            for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
            if name.strip().lower() == b"content-length"
        ),
        0,
    )
    return head + reader.read(length)


class LossyLink:
    """A relay on 127.0.0.1 between client PCs and the host that loses what it is told to:
    each request takes the next of `fates` ("request": lost before the host sees it;
    "answer": the host acts and its answer is lost, the connection dropped), then passes.
    It ends TLS with the host's own key (so the clients' pin holds) and opens TLS to the
    host with the pin, as a client does."""

    def __init__(self, host_port: int, pin: str) -> None:
        self.host_port = host_port
        self._serving = tls.server_context(tls.host_key())
        self._upstream = tls.client_context(pin)
        self.fates: list[str] = []
        self.requests: list[bytes] = []  # every request that came, as it came
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, plain: socket.socket) -> None:
        try:
            conn = self._serving.wrap_socket(plain, server_side=True)
        except OSError:
            plain.close()
            return
        with conn, conn.makefile("rb") as reader:
            while (request := read_message(reader)) is not None:
                self.requests.append(request)
                fate = self.fates.pop(0) if self.fates else "pass"
                if fate == "request":
                    break
                upstream = socket.create_connection(("127.0.0.1", self.host_port))
                with self._upstream.wrap_socket(upstream) as host, host.makefile("rb") as answers:
                    host.sendall(request)
                    answer = read_message(answers)
                if fate == "answer" or answer is None:
                    break
                conn.sendall(answer)
            with contextlib.suppress(OSError):  # gone already
                conn.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def lossy_link(host):
    link = LossyLink(int(host.server.url.rsplit(":", 1)[1]), host.pin)
    yield link
    link.close()
