"""A station enrols with the county's one-time code through `counterapp sync-setup --enrol`,
against a real hub on 127.0.0.1 (SQLite and PostgreSQL), and then syncs; a wrong, used or
foreign code stores nothing."""

from __future__ import annotations

import time

import pytest

from counterapp import cli
from counterapp.app import Counter
from counterapp.clock import FixedClock
from counterapp.station import Station, add_clerk
from counterapp.sync import enrol_code, outbox, service
from db.settings import Settings
from hub import enrolment, stations
from tests.conftest import MORNING
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import add_visits, check_hub_matches, new_station

pytestmark = pytest.mark.usefixtures("frozen_clock")
STATION = Station(
    "370883101",
    "千泉街道医保服务站",
    "town",
    "370883",
    "邹城市",
    "千泉街道文化路1号",
    "0537-5211234",
)
ENROL_SECONDS: list[float] = []


@pytest.fixture
def county_hub(hub_db):
    """The hub on the county's clock (the tests' morning), so codes expire on its time."""
    server = ThreadHub(hub_db, clock=FixedClock(MORNING)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if ENROL_SECONDS:
        print(
            "\nenrolment to first sync (CLI, hub on 127.0.0.1): "
            + ", ".join(f"{s:.2f} s" for s in ENROL_SECONDS)
        )


def run(capsys, data_dir, *args):
    code = cli.main(["--data-dir", str(data_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def issue(db, url: str) -> str:
    return enrolment.register(db, STATION, url, MORNING, "0001").text


def test_a_fresh_station_enrols_by_code_and_syncs(
    county_hub, hub_db, tmp_path, capsys, memory_keyring
):
    data = tmp_path / "data"
    code = issue(hub_db, county_hub.url)
    started = time.perf_counter()
    status, out, err = run(capsys, data, "sync-setup", "--enrol", code)
    assert status == 0, err
    assert "enrolled as 370883101" in out
    status, out, err = run(capsys, data, "sync")
    ENROL_SECONDS.append(time.perf_counter() - started)
    assert status == 0 and "synced:" in out, err

    token = memory_keyring.secrets[("counterapp-hub", "370883101")]
    assert stations.authenticate(hub_db, token) == "370883101"
    assert memory_keyring.secrets[("counterapp-hub-signing", "370883101")]
    with Counter.open(data / "station.db") as counter:
        assert counter.station == STATION
        settings = Settings(counter.store)
        assert settings.get(service.HUB_URL_KEY) == county_hub.url
        pinned = settings.get(service.HUB_PUBLIC_KEY)
        assert enrol_code.fingerprint(pinned) == enrol_code.parse(code).hub_fingerprint
        assert settings.get(service.HUB_TRANSFER_KEY)
        counter.clerk_id = add_clerk(counter.store, "1001", "王丽", counter.clock).id
        counter.clock = FixedClock(MORNING)
        add_visits(counter, 2)
    status, out, err = run(capsys, data, "sync")
    assert status == 0 and "0 pending" in out, err
    with Counter.open(data / "station.db") as counter:
        assert outbox.pending_count(counter.store) == 0
        check_hub_matches(hub_db, counter)
    assert token not in (data / "station.db").read_bytes().decode("latin-1")


def _nothing_stored(data, memory_keyring):
    assert not any(service == "counterapp-hub" for service, _ in memory_keyring.secrets)
    with Counter.open(data / "station.db") as counter:
        assert counter.station is None
        assert Settings(counter.store).get(service.HUB_URL_KEY) is None


def test_a_typo_is_caught_before_anything_is_sent(
    county_hub, hub_db, tmp_path, capsys, memory_keyring
):
    data = tmp_path / "data"
    code = issue(hub_db, county_hub.url)
    last = code[-1]
    typo = code[:-1] + ("0" if last != "0" else "1")
    status, _, err = run(capsys, data, "sync-setup", "--enrol", typo)
    assert status == 2 and "校验不符" in err and "未保存任何内容" in err
    _nothing_stored(data, memory_keyring)
    # the code itself was not spent: typed right (lower case, O for 0), it still enrols
    prefix, url, groups = code.split(" ")
    retyped = f"{prefix.lower()} {url} {groups.lower().replace('0', 'o')}"
    status, _, err = run(capsys, data, "sync-setup", "--enrol", retyped)
    assert status == 0, err


def test_a_used_code_is_refused_and_stores_nothing(
    county_hub, hub_db, tmp_path, capsys, memory_keyring
):
    code = issue(hub_db, county_hub.url)
    assert run(capsys, tmp_path / "first", "sync-setup", "--enrol", code)[0] == 0
    first_token = memory_keyring.secrets[("counterapp-hub", "370883101")]
    del memory_keyring.secrets[("counterapp-hub", "370883101")]
    status, _, err = run(capsys, tmp_path / "second", "sync-setup", "--enrol", code)
    assert status == 2 and "已经使用过" in err
    _nothing_stored(tmp_path / "second", memory_keyring)
    assert stations.authenticate(hub_db, first_token) == "370883101"


def test_a_store_of_another_station_refuses_the_code(
    county_hub, hub_db, tmp_path, capsys, memory_keyring
):
    other = new_station(tmp_path / "data" / "station.db", "370883102")
    other.close()
    status, _, err = run(
        capsys, tmp_path / "data", "sync-setup", "--enrol", issue(hub_db, county_hub.url)
    )
    assert status == 2 and "370883102" in err and "370883101" in err
    assert not any(service == "counterapp-hub" for service, _ in memory_keyring.secrets)
