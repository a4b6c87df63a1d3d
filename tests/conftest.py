"""Shared fixtures: real SQLite files in a temporary folder, a clock the test controls."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from counterapp import pins, workdays
from counterapp.app import Counter
from counterapp.clock import CST, Clock, FixedClock
from counterapp.idnumber import check_char
from counterapp.station import ADMIN, Station, add_clerk
from counterapp.store_key import SERVICE as STORE_SERVICE

# Qt's offscreen platform shows an 800×800 screen unless told otherwise: the GUI tests run on
# the screen of most county PCs, 1366×768 (windows size themselves from their screen).
SCREEN_CONFIG = Path(__file__).parent / "data" / "screen_1366x768.json"
# the county hub over SQLite and PostgreSQL, for tests/sync and tests/county
pytest_plugins = ["tests.hub_fixtures"]
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    # Qt splits the platform's arguments at ":", so a drive letter must not reach it
    config = os.path.relpath(SCREEN_CONFIG) if ":" in str(SCREEN_CONFIG) else SCREEN_CONFIG
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"

TOWN = Station(
    code="370883101",
    name="千泉街道医保服务站",
    level="town",
    county_code="370883",
    county_name="邹城市",
    address="千泉街道为民服务中心一楼",
    supervision_phone="0537-5211234",
)


def make_id(region: str = "370883", birth: str = "19560312", sequence: str = "123") -> str:
    """A valid resident ID number (check digit computed)."""
    first17 = region + birth + sequence
    return first17 + check_char(first17)


def pytest_addoption(parser):
    parser.addoption(
        "--program",
        default=os.environ.get("COUNTERAPP_E2E_PROGRAM", ""),
        help="the counter program the walk in tests/e2e starts (default: "
        "python main.py), e.g. dist/counterapp/counterapp",
    )


# The years of chinese_calendar the tests were written against (release 1.11: 2004-2026). A
# later release that knows 2027 must not change what a test means.
LIBRARY_YEARS = range(2004, 2027)


@pytest.fixture(autouse=True)
def library_calendar_years():
    """Every test sees chinese_calendar's data of 2004-2026 only, whatever release is installed."""
    workdays.pin_library_years(LIBRARY_YEARS)
    yield
    workdays.pin_library_years(None)


# Every test hashes PINs with argon2id at the lowest cost (the same kind and code, not its
# 0.2 s and 64 MiB a hash); tests/test_accounts.py checks the real parameters once.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
PIN = "205817"  # the PIN of the clerks the tests make with a PIN


@pytest.fixture(autouse=True)
def cheap_pin_hashing():
    from argon2 import PasswordHasher

    from counterapp import pins

    pins.use_hasher(PasswordHasher(**CHEAP_ARGON2))
    yield
    pins.use_hasher(None)


# Store keys (counterapp.store_key) live in one file for the whole session, shared with the
# program run as a child process (which uses tests.sync.hubctl.FileKeyring on that file): a
# store made by a test opens in its child and the other way round, and a module's store
# fixture outlives one test. Every other secret lives in memory for one test.
# (A child that imports this module keeps its parent's file.)
if "TEST_KEYRING_FILE" not in os.environ:
    os.environ["TEST_KEYRING_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="counterapp-test-keyring-")) / "keyring.json"
    )
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.sync.hubctl.FileKeyring"


@pytest.fixture(autouse=True)
def memory_keyring():
    """The system keyring replaced by one in memory: no test reads or writes the real one, and
    every store a test opens through the program is sealed under a key kept in the session's
    file."""
    from counterapp.memory_keyring import in_memory_keyring

    with in_memory_keyring(shared=STORE_SERVICE) as backend:
        yield backend


# The tests' "now": a Wednesday morning, a normal working day in a year chinese_calendar knows.
MORNING = datetime(2026, 11, 25, 9, 0, tzinfo=CST)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def frozen_clock(monkeypatch) -> datetime:
    """The program's own clock (`Clock`) stopped at MORNING, for code a test cannot hand a
    FixedClock: the command line, `main.main()`, demo data seeded for "today", a hub's
    admin command. FixedClocks are not affected. (A program started as a process runs on the
    machine's clock: such tests must hold on any date, which a run under libfaketime shows;
    see README, Tests.)"""
    monkeypatch.setattr(Clock, "now", lambda self: MORNING)
    return MORNING


@pytest.fixture
def counter(tmp_path, clock):
    """A configured town station with two clerks, on a real SQLite file: 王丽 (1001) the
    station admin and 李强 (1002), both with the PIN `PIN`."""
    with Counter.open(tmp_path / "station.db", clock) as opened:
        opened.configure_station(TOWN)
        opened.clerk_a = add_clerk(
            opened.store, "1001", "王丽", clock, role=ADMIN, pin_hash=pins.hash_pin(PIN)
        )
        opened.clerk_b = add_clerk(opened.store, "1002", "李强", clock, pin_hash=pins.hash_pin(PIN))
        yield opened


def pytest_terminal_summary(terminalreporter):
    """The inputs each door was given and how it answered (tests/doors/tools.py)."""
    from tests.doors.tools import summary

    lines = summary()
    if lines:
        terminalreporter.write_sep("-", "doors tried (inputs per path)")
        for line in lines:
            terminalreporter.write_line(line)
