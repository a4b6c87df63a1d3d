"""Personal data sealed at rest: a copy of station.db, its WAL or its backups, taken without the
PC user's keyring, yields no name, ID number or phone (issue 13)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from counterapp import store_key
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.demo import seed_demo
from counterapp.slips import Layout, prepare_notice, record_print
from db import files, migrations
from db.store import DatabaseError, Store
from tests.conftest import TOWN, make_id

STORES = Path(__file__).parent / "data" / "stores"
KNOWN = Person("欧阳𠮷祥", make_id(birth="19720815", sequence="517"), "13907654321")


def raw_files(folder: Path) -> dict[str, bytes]:
    """Every file a copy of the data folder would take: the store, its WAL, the backups."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def personal_values(counter: Counter) -> set[str]:
    values = {KNOWN.name, KNOWN.id_number, KNOWN.phone}
    for row in counter.store.all(
        "SELECT applicant_name, applicant_id_number, applicant_phone, "
        "agent_name, agent_id_number, agent_phone FROM cases"
    ):
        values |= {value for value in row if value}
    return values


def demo_day_with_a_known_case(folder: Path, clock) -> Counter:
    """The demo station after its days of visits, then the known citizen's case with its
    notice printed (the slip's content holds the name); the store left open, WAL and all."""
    seed_demo(folder / "station.db", days=2, visits_per_day=12, today=date(2026, 11, 24))
    counter = Counter.open(folder / "station.db", clock)
    clerk = counter.store.scalar("SELECT id FROM clerks ORDER BY id LIMIT 1")
    case = counter.cases.open_case(KNOWN, ["YB0101", "YB0501"], clerk)
    case = counter.cases.notify_missing(case.id, clerk)
    record_print(counter, prepare_notice(counter, case.id, Layout.A4, clerk_id=clerk).pending)
    counter.store.backup_now("test")
    return counter


def hits(folder: Path, values: set[str]) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, data in raw_files(folder).items()
        for value in values
        if value.encode() in data
    ]


def test_a_copy_of_the_data_folder_yields_no_name_id_number_or_phone(tmp_path, clock):
    counter = demo_day_with_a_known_case(tmp_path, clock)
    try:
        values = personal_values(counter)
        assert len(values) > 30  # the demo's citizens and the known one
        found = raw_files(tmp_path)
        assert "station.db-wal" in found and any(n.startswith("backups") for n in found)
        assert hits(tmp_path, values) == []
        assert not files.is_plain(tmp_path / "station.db")
    finally:
        counter.close()
    assert hits(tmp_path, values) == []  # after the last checkpoint too


def test_the_same_day_on_an_unsealed_store_shows_them(tmp_path, clock, monkeypatch):
    """The check above can fail: without a keyring (allowed here) the store is plain."""
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(store_key.UNSEALED_ENV, "1")
    counter = demo_day_with_a_known_case(tmp_path, clock)
    counter.close()
    assert {value for _, value in hits(tmp_path, {KNOWN.name, KNOWN.id_number, KNOWN.phone})} == {
        KNOWN.name,
        KNOWN.id_number,
        KNOWN.phone,
    }


def test_the_key_lives_in_the_keyring_only(tmp_path, clock, memory_keyring):
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.configure_station(TOWN)
    key = store_key.load(tmp_path / "station.db")
    assert key is not None and len(key) == 32
    assert (store_key.SERVICE, store_key.account(tmp_path / "station.db")) in {
        (service, user) for service, user in _entries(memory_keyring)
    }
    everything = b"".join(raw_files(tmp_path).values())
    assert key not in everything and key.hex().encode() not in everything
    with pytest.raises(DatabaseError, match="not a database"):
        Store(tmp_path / "station.db").close()  # without it: unreadable


def _entries(backend) -> list[tuple[str, str]]:
    outer = getattr(backend, "_outer", None)
    names = list(backend.secrets)
    if outer is not None:
        names += [tuple(key.split("|", 1)) for key in outer._load()]
    return names


def test_a_copied_store_needs_its_key_which_the_county_can_give_back(tmp_path, clock):
    with Counter.open(tmp_path / "pc1" / "station.db", clock) as counter:
        counter.configure_station(TOWN)
    key = store_key.load(tmp_path / "pc1" / "station.db")
    copy = tmp_path / "pc2" / "station.db"
    copy.parent.mkdir()
    shutil.copy(tmp_path / "pc1" / "station.db", copy)
    with pytest.raises(store_key.StoreKeyError, match="没有此数据文件的加密密钥"):
        Counter.open(copy, clock)
    with pytest.raises(store_key.StoreKeyError, match="打不开"):
        store_key.restore(copy, "ab" * 32)
    with pytest.raises(store_key.StoreKeyError, match="格式不正确"):
        store_key.restore(copy, "not a key")
    assert store_key.load(copy) is None
    store_key.restore(copy, key.hex().upper())
    with Counter.open(copy, clock) as counter:
        assert counter.station == TOWN


def test_without_a_keyring_a_station_store_is_refused_and_nothing_is_made(
    tmp_path, clock, monkeypatch
):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(store_key.UNSEALED_ENV, raising=False)
    with pytest.raises(store_key.StoreKeyError, match="没有可用的系统密钥库"):
        Counter.open(tmp_path / "station.db", clock)
    assert not (tmp_path / "station.db").exists()
    with Counter.open(tmp_path / "demo" / "station.db", clock, demo=True) as demo:
        assert not demo.store.sealed  # invented citizens only
    monkeypatch.setenv(store_key.UNSEALED_ENV, "1")
    with Counter.open(tmp_path / "station.db", clock) as counter:
        assert not counter.store.sealed


def test_without_a_keyring_a_sealed_store_does_not_open(tmp_path, clock, monkeypatch):
    Counter.open(tmp_path / "station.db", clock).close()
    monkeypatch.setattr(store_key, "_opened", {})  # the program started again
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(store_key.UNSEALED_ENV, "1")
    with pytest.raises(store_key.StoreKeyError, match="没有可用的系统密钥库"):
        Counter.open(tmp_path / "station.db", clock)


@pytest.mark.parametrize("fixture", sorted(p.name for p in STORES.glob("schema-*.db")))
def test_a_plain_store_of_every_schema_is_sealed_once_with_nothing_lost(tmp_path, fixture):
    path = tmp_path / "station.db"
    shutil.copy(STORES / fixture, path)
    (tmp_path / "backups").mkdir()
    shutil.copy(STORES / fixture, tmp_path / "backups" / "station-schema1-20260101-000000.db")
    conn = files.keyed(path, None)  # the rows as they were, read plain
    cases = conn.execute(
        "SELECT uuid, state, version, applicant_id_number FROM cases ORDER BY id"
    ).fetchall()
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    assert cases
    with Counter.open(path) as counter:
        assert counter.store.sealed and counter.store.schema_version == migrations.LATEST
        after = counter.store.all(
            "SELECT uuid, state, version, applicant_id_number FROM cases ORDER BY id"
        )
        assert [tuple(row) for row in after] == [tuple(row) for row in cases]
        assert counter.store.scalar("SELECT count(*) FROM events") >= events
    backups = files.backups(tmp_path / "backups", "station")
    # the old plain one, the one before sealing, and the migration's (a store not yet newest)
    assert len(backups) >= (3 if fixture != f"schema-{migrations.LATEST:04d}.db" else 2)
    assert not any(files.is_plain(p) for p in [path, *backups])
    ids = {row[3] for row in cases}
    assert hits(tmp_path, ids) == []
    assert not path.with_name("station.db.sealing").exists()
    with Counter.open(path) as again:  # once: nothing more to do
        assert len(files.backups(tmp_path / "backups", "station")) == len(backups)
        assert again.store.scalar("SELECT count(*) FROM cases") == len(cases)


def test_sealing_that_fails_leaves_the_plain_store_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "station.db"
    shutil.copy(STORES / "schema-0004.db", path)
    before = path.read_bytes()
    monkeypatch.setattr(files, "same_rows", lambda *args: False)
    with pytest.raises(RuntimeError, match="nothing changed"):
        Counter.open(path)
    assert path.read_bytes() == before and files.is_plain(path)
    assert not path.with_name("station.db.sealing").exists()
    monkeypatch.undo()
    with Counter.open(path) as counter:  # the next start seals it
        assert counter.store.sealed


def test_backups_are_sealed_private_and_pruned(tmp_path, clock):
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.settings.set("store.backups_kept", 3)
        made = [counter.store.backup_now(f"b{n}") for n in range(5)]
        kept = files.backups(tmp_path / "backups", "station")
        assert kept == made[-3:]
        for backup in kept:
            assert not files.is_plain(backup)
            assert files.opens_with(backup, store_key.load(tmp_path / "station.db"))
            if sys.platform != "win32":
                assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    if sys.platform != "win32":
        for name in ("station.db", "station.db-wal"):
            if (tmp_path / name).exists():
                assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert os.access(tmp_path / "station.db", os.R_OK)


def test_another_connection_opens_a_store_as_the_program_first_did(tmp_path, clock, monkeypatch):
    """The sync's thread and the queue host's server open the window's store again: a demo
    store left plain for want of a keyring stays plain there too, without asking again."""
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(store_key.UNSEALED_ENV, raising=False)
    with (
        Counter.open(tmp_path / "demo" / "station.db", clock, demo=True),
        store_key.open_store(tmp_path / "demo" / "station.db") as again,
    ):
        assert not again.sealed


def test_a_folder_the_store_did_not_make_keeps_its_mode(tmp_path, clock):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with Counter.open(shared / "station.db", clock):
        pass
    if sys.platform != "win32":
        assert stat.S_IMODE(shared.stat().st_mode) == 0o755
        assert stat.S_IMODE((shared / "station.db").stat().st_mode) == 0o600
    with Store(":memory:") as memory:  # no file, no folder touched
        assert memory.schema_version == migrations.LATEST
    assert not Path(":memory:").exists()
