import shutil
import sqlite3
from pathlib import Path

import pytest

from counterapp import store_key
from counterapp.app import Counter
from counterapp.clock import FixedClock, parse_stamp
from db import files, migrations
from db.settings import Settings
from db.store import DatabaseError, MissingRow, Store, StoreTooNew, connect

STORES = Path(__file__).parent / "data" / "stores"


def test_new_store_gets_every_migration_and_the_pragmas(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version == migrations.LATEST
        applied = [
            row["name"] for row in store.all("SELECT name FROM _sqlite_migrations ORDER BY id")
        ]
        assert applied == [name for _, name, _ in migrations.scripts()]
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA synchronous") == 2  # FULL: commits survive power loss
        assert store.scalar("PRAGMA foreign_keys") == 1


def test_latest_names_the_newest_migration_file():
    numbers = [number for number, _, _ in migrations.scripts()]
    assert numbers == list(range(1, migrations.LATEST + 1)), "set LATEST to the newest file"


def test_every_connection_gets_the_durability_pragmas(tmp_path):
    Store(tmp_path / "s.db").close()
    conn = connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice(tmp_path):
    Store(tmp_path / "s.db").close()
    with Store(tmp_path / "s.db") as store:
        assert store.scalar("SELECT count(*) FROM _sqlite_migrations") == migrations.LATEST


# What opening an old store may change on purpose: a newer shipped default catalogue becomes
# the active one (the older version stays, inactive, with its document).
MAY_CHANGE_ON_OPEN = {"catalogue_versions": ("active",)}
# Columns a migration dropped, with what replaced them (checked by a test of their own below).
DROPPED = {"watch_contacts": ("queued_at",)}  # 0013: every contact queued in the outbox


def _contents(
    path: Path, columns: dict[str, list[str]] | None = None, key: bytes | None = None
) -> dict[str, tuple[list[str], set[tuple]]]:
    """Every table's columns and rows (those `columns` name, else all of them); `key`: a
    sealed store's."""
    conn = files.keyed(path, key)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = {}
        for table in tables:
            names = (columns or {}).get(table) or [
                row[1]
                for row in conn.execute(f"PRAGMA table_info({table})")
                if row[1] not in MAY_CHANGE_ON_OPEN.get(table, ()) + DROPPED.get(table, ())
            ]
            rows = conn.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            found[table] = (names, set(rows))
        return found
    finally:
        conn.close()


def test_there_is_a_store_of_every_earlier_schema():
    """Each schema keeps a store written in it, the newest too: a new migration comes with
    its store (a demo station's by the program, or made by `python -m tests.golden store N`
    with a fill in tests/golden/store_fills*.py)."""
    versions = []
    for path in sorted(STORES.glob("schema-*.db")):
        conn = sqlite3.connect(path)
        versions.append(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.close()
        assert path.name == f"schema-{versions[-1]:04d}.db"
    assert versions == list(range(1, migrations.LATEST + 1))


@pytest.mark.parametrize("fixture", sorted(p.name for p in STORES.glob("schema-*.db")))
def test_stores_of_every_earlier_schema_upgrade_and_keep_every_row(tmp_path, fixture):
    path = tmp_path / fixture
    shutil.copy(STORES / fixture, path)
    before = _contents(path)
    assert before["cases"][1], "the fixture store should hold cases"
    conn = sqlite3.connect(path)
    last = conn.execute("SELECT max(at) FROM events").fetchone()[0]
    conn.close()
    # opened the day it was last used: nothing is due to be closed, so nothing may change;
    # the plain store is sealed on the way (tests/test_sealed_store.py checks the backups)
    with Counter.open(path, FixedClock(parse_stamp(last))) as counter:
        assert counter.store.schema_version == migrations.LATEST
        assert counter.station is not None
        assert counter.store.sealed and not files.is_plain(path)
    key = store_key.load(path)
    after = _contents(path, {table: names for table, (names, _) in before.items()}, key)
    for table, (_, rows) in before.items():
        lost = rows - after[table][1]
        assert not lost, f"{fixture}: {len(lost)} rows of {table} changed or lost"


def test_contacts_left_unqueued_are_queued_by_the_upgrade(tmp_path):
    """Schema 12 queued a contact only once the hub took contacts; from 13 each is queued as
    it is recorded and the outbox holds it back, so the upgrade queues those left waiting."""
    path = tmp_path / "schema-0012.db"
    shutil.copy(STORES / path.name, path)
    conn = sqlite3.connect(path)
    waiting = conn.execute("SELECT uuid FROM watch_contacts WHERE queued_at IS NULL").fetchall()
    conn.close()
    assert waiting, "the fixture should hold a contact left unqueued"
    with Counter.open(path, FixedClock(parse_stamp("2029-12-03T10:00:00+08:00"))) as counter:
        queued = counter.store.all(
            "SELECT record_uuid, record_version FROM outbox WHERE record_type = 'watch_contact' "
            "AND acked_at IS NULL"
        )
        contacts = counter.store.all("SELECT uuid FROM watch_contacts")
    assert sorted(tuple(row) for row in queued) == sorted((row[0], 1) for row in contacts)


def test_a_newer_store_is_refused_untouched(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreTooNew, match="更新版本"):
        Store(path)
    assert path.read_bytes() == before


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    Store(path).close()
    from sqlite_utils import Migrations

    broken = Migrations("counterapp-station")
    for number, name, sql in migrations.scripts():
        broken(name=name)(migrations._step(number, sql))

    @broken(name=f"{migrations.LATEST + 1:04d}_broken")
    def step(db):
        db.execute("CREATE TABLE half_done (id INTEGER)")
        db.execute("PRAGMA user_version = 99")
        db.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(migrations, "steps", lambda: broken)
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    with pytest.raises(DatabaseError, match="no_such_table"):
        Store(path)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables


def test_statement_splitting_keeps_trigger_bodies_whole():
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (a);
    CREATE TRIGGER tr BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END;
    """
    parts = migrations.statements(script)
    assert len(parts) == 2 and parts[1].endswith("END;")
    with pytest.raises(ValueError, match="incomplete"):
        migrations.statements("CREATE TABLE t (a)")


def test_settings_are_durable(tmp_path):
    with Store(tmp_path / "s.db") as store:
        Settings(store).set("window", {"number": 2, "名称": "综合窗口"})
    with Store(tmp_path / "s.db") as store:
        assert Settings(store).get("window") == {"number": 2, "名称": "综合窗口"}
        assert Settings(store).get("missing", 7) == 7


def test_a_row_that_must_exist_says_which_query_found_none(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.execute("INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '2')")
        assert store.row("SELECT count(*) AS n FROM settings")["n"] == 2
        assert store.mapping("SELECT key, value FROM settings") == {"a": "1", "b": "2"}
        with pytest.raises(MissingRow, match=r"FROM settings WHERE key = \? \('c',\)"):
            store.row("SELECT value FROM settings\n WHERE key = ?", ("c",))


def test_transaction_rolls_back_everything(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            with store.transaction():
                store.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
            raise RuntimeError("power cut")
        assert store.scalar("SELECT count(*) FROM settings") == 0


def test_an_upgrade_takes_a_backup_first(tmp_path):
    fixture = sorted(STORES.glob("schema-*.db"))[0]
    path = tmp_path / "station.db"
    shutil.copy(fixture, path)
    with Store(path):
        pass
    backups = list((tmp_path / "backups").glob("station-schema*.db"))
    assert int(fixture.stem.split("-")[1]) < migrations.LATEST
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA user_version").fetchone()[0] == int(fixture.stem.split("-")[1])
    assert copy.execute("SELECT count(*) FROM cases").fetchone()[0] > 0


def test_a_new_store_takes_no_backup(tmp_path):
    Store(tmp_path / "station.db").close()
    assert not (tmp_path / "backups").exists()
