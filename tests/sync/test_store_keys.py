"""The store key handed to the hub, sealed there, and recovered for a dead PC (issue 13)."""

from __future__ import annotations

import shutil

import keyring
from keyring.backends import fail

from counterapp import store_key
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.memory_keyring import MemoryKeyring
from counterapp.sync import outbox, service
from hub import admin, keys_in
from tests.conftest import make_id
from tests.sync.conftest import FAST_RETRY, connect_station
from tests.sync.stations import add_visits, new_station

CITIZEN = Person("赵𠮷", make_id(sequence="913"), "13600001111")


def sync(counter):
    return service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)


def held(hub_db, station):
    with hub_db.transaction(write=False) as tx:
        return tx.all(
            "SELECT source, version, sealed, key_id FROM store_keys WHERE station = ?", (station,)
        )


def test_a_dead_pcs_store_opens_with_the_key_the_county_recovers(
    hub, hub_url, hub_db, town, tmp_path, capsys
):
    connect_station(town, hub_db, hub.url)
    add_visits(town, 3)
    assert sync(town).ok  # the first ack announces store_key …
    assert outbox.pending_count(town.store) == 0  # … and the key went up in the same run
    key = store_key.load(town.store.path)
    (row,) = held(hub_db, town.station.code)
    source = outbox.identity(town.store).source
    assert row[0] == source and key.hex() not in str(row)  # sealed, not plain
    opened = hub_db.sealer.open(row[2], row[3], keys_in.STORE_KEYS.context("370883101", source))
    assert opened == key
    assert sync(town).batches == 0  # handed over once, not at every sync
    pending_case = town.cases.open_case(CITIZEN, ["YB0302"], town.clerk_id)  # never synced
    town.close()

    # The PC dies; its disk is read on another PC, whose keyring never held the key.
    rescued = tmp_path / "rescue" / "station.db"
    rescued.parent.mkdir()
    shutil.copy(town.store.path, rescued)
    for side in ("-wal", "-shm"):
        if town.store.path.with_name(town.store.path.name + side).exists():
            shutil.copy(
                town.store.path.with_name(town.store.path.name + side),
                rescued.with_name(rescued.name + side),
            )
    cli = ["--db", hub_url]
    assert (
        admin.main(
            [*cli, "store-key", "370883101", "--by", "信息科张工", "--reason", "窗口1电脑主板损坏"]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert key.hex() in printed and source in printed
    with hub_db.transaction(write=False) as tx:
        assert tx.all("SELECT station, source, recovered_by, reason FROM store_key_recoveries") == [
            ("370883101", source, "信息科张工", "窗口1电脑主板损坏")
        ]
    store_key.restore(rescued, key.hex())
    with Counter.open(rescued) as recovered:
        assert recovered.cases.get(pending_case.id).applicant.name == CITIZEN.name
        assert outbox.pending_count(recovered.store) > 0  # its unsynced case, to upload


def test_an_unsealed_store_hands_over_no_key(hub, hub_db, tmp_path, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(store_key.UNSEALED_ENV, "1")
    counter = new_station(tmp_path / "plain.db", "370883105")
    try:
        assert not counter.store.sealed
        keyring.set_keyring(MemoryKeyring())  # a keyring for the token only
        connect_station(counter, hub_db, hub.url)
        add_visits(counter, 1)
        assert sync(counter).ok
        assert held(hub_db, "370883105") == []
    finally:
        counter.close()
