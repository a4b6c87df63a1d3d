"""Fixtures for sync tests: stations on real SQLite stores, an in-memory keyring; the real hub
on 127.0.0.1 over SQLite and over a real PostgreSQL comes from `tests/hub_fixtures.py`."""

from __future__ import annotations

import os

import pytest

from counterapp.clock import stamp
from counterapp.sync import service
from counterapp.sync.engine import RetryPolicy
from hub import stations as hub_stations
from hub.db import Database
from hub.sealing import KEY_ENV
from tests.conftest import MORNING
from tests.sync.stations import new_station

FAST_RETRY = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture(autouse=True)
def _keyring_in_memory(memory_keyring):
    """Every test here uses the in-memory keyring (tests/conftest.py)."""
    return memory_keyring


@pytest.fixture(autouse=True)
def _sealing_key_in_environment(sealing_key, monkeypatch):
    """Admin commands and hub processes started by a test find the same key (as a county
    sets COUNTERAPP_HUB_SEALING_KEY once for the hub's service and its admin shell)."""
    monkeypatch.setenv(KEY_ENV, str(sealing_key))


def now() -> str:
    """When the county registers a station in a test: the tests' morning."""
    return stamp(MORNING)


def register(db: Database, code: str, level: str = "town") -> hub_stations.Credentials:
    return hub_stations.register(db, code, f"测试站{code[-3:]}", level, now())


def connect_station(counter, db: Database, url: str, level: str = "town"):
    """Register the counter's station at the hub and set it up (token into the keyring)."""
    code = counter.station.code
    creds = register(db, code, level)
    service.setup(
        counter.store,
        url,
        creds.token,
        creds.signing_key,
        creds.hub_public_key,
        hub_transfer_key=creds.hub_transfer_key,
        insecure_loopback=True,
    )
    return creds


@pytest.fixture
def qtbot_or_skip(request):
    """pytest-qt's qtbot for the few widget tests here (skipped when it is not loaded); runs
    offscreen when no platform is set."""
    if request.config.pluginmanager.get_plugin("pytest-qt") is None:
        pytest.skip("pytest-qt is not loaded")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # `-p no:qt` runs have no display
    return request.getfixturevalue("qtbot")


@pytest.fixture
def town(tmp_path):
    counter = new_station(tmp_path / "town.db", "370883101")
    yield counter
    counter.close()


@pytest.fixture
def village(tmp_path):
    counter = new_station(tmp_path / "village.db", "370883101201", "village")
    yield counter
    counter.close()
