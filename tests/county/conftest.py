"""Fixtures for the county workbench: a hub (SQLite and PostgreSQL) with its staff, a town
station that forwarded cases and synced them through a real hub, an HTTP client of the
workbench on the hub's own clock."""

from __future__ import annotations

import pytest

from counterapp.clock import FixedClock
from hub.sealing import KEY_ENV
from tests.conftest import MORNING
from tests.county.county import STAFF, Browser, add_staff


@pytest.fixture(autouse=True)
def _keyring_in_memory(memory_keyring):
    return memory_keyring


@pytest.fixture(autouse=True)
def _sealing_key_in_environment(sealing_key, monkeypatch):
    monkeypatch.setenv(KEY_ENV, str(sealing_key))


@pytest.fixture
def county(hub_db):
    """The hub's database with a clerk, a supervisor and an admin (STAFF)."""
    add_staff(hub_db)
    return hub_db


@pytest.fixture
def hub_clock() -> FixedClock:
    """The county's clock: the tests' morning (Wednesday 2026-11-25, 09:00)."""
    return FixedClock(MORNING)


@pytest.fixture
def web(county, hub_clock):
    """The workbench over HTTPS (as behind nginx), nobody signed in yet."""
    client = Browser(county, hub_clock)
    yield client
    client.close()


__all__ = ["STAFF"]
