"""A station's queue host on 127.0.0.1 (a real uvicorn server over a real SQLite store) and
client PCs on their own stores, with one in-memory keyring for the process."""

from __future__ import annotations

import pytest

from counterapp.app import Counter
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.lan_queue.server import QueueServer
from counterapp.station import add_clerk
from tests.conftest import TOWN

KEY = "station-queue-key-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _keyring_in_memory(memory_keyring):
    """Every test here uses the in-memory keyring (tests/conftest.py)."""
    return memory_keyring


@pytest.fixture
def host(tmp_path, clock):
    """The queue host PC (window 1) with its server on a free port."""
    with Counter.open(tmp_path / "host.db", clock) as counter:
        counter.configure_station(TOWN)
        counter.clerk = add_clerk(counter.store, "1001", "王丽", clock)
        counter.configure_queue(QueueLink(Role.HOST, key=KEY))
        server = QueueServer(counter.store.path, clock, port=0, bind="127.0.0.1").start()
        counter.server = server
        yield counter
        server.stop()


@pytest.fixture
def new_client(tmp_path, clock, host):
    """Make a client PC: its own store, station, one clerk, connected to the host."""
    opened: list[Counter] = []

    def make(name: str, login: str, clerk_name: str, window_no: int = 1) -> Counter:
        counter = Counter.open(tmp_path / f"{name}.db", clock)
        counter.configure_station(TOWN)
        counter.set_window_no(window_no)
        counter.clerk = add_clerk(counter.store, login, clerk_name, clock)
        counter.configure_queue(QueueLink(Role.CLIENT, host_url=host.server.url, key=KEY))
        opened.append(counter)
        return counter

    yield make
    for counter in opened:
        counter.close()
