"""USB transfer files at their doors (issue 13), through the public entry points only (the
files' format may change; these do not): a village's real batch file, mutated at random,
given to the hub's `import-file` and to a town station's forward (`POST /v1/transfer`); the
hub's real acknowledgement file, mutated, given to the village's `counterapp import-ack`.

A mutated file is refused with a clear message (Chinese at the station) and nothing stored
changes, at the hub or the station, and no acknowledgement is written; only the file as
written is taken, with every record stored.
"""

from __future__ import annotations

import contextlib
import io
import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterapp import cli
from counterapp.sync import offline, outbox
from hub import admin
from tests.doors.strategies import mutated, spoiled_bytes
from tests.doors.tools import doors, dump, is_chinese, tried
from tests.sync.conftest import connect_station, register
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import add_visits, check_hub_matches, new_station
from tests.sync.test_batch_doors import hub_dump

VILLAGE = "370883101201"


@st.composite
def spoiled_files(draw: st.DrawFn, data: bytes) -> bytes:
    """The file with its bytes spoiled, or, where a line of it is JSON (a header), that JSON
    changed; now and then the file as it was."""
    how = draw(st.sampled_from(["bytes", "bytes", "json", "as written"]))
    if how == "as written":
        return data
    lines = data.split(b"\n")
    headers = [index for index, line in enumerate(lines[:3]) if _json_object(line)]
    if how == "json" and headers:
        at = draw(st.sampled_from(headers))
        lines[at] = json.dumps(draw(mutated(json.loads(lines[at]))), separators=(",", ":")).encode()
        return b"\n".join(lines)
    return draw(spoiled_bytes(data))


def _json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


@pytest.fixture
def village_file(hub_db, tmp_path):
    """A village station (set up, never online) and the batch file it exported."""
    village = new_station(tmp_path / "village" / "station.db", VILLAGE, "village")
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 4)
    stick = tmp_path / "village.ctr"
    offline.export_batches(village.store, village.clock, stick)
    yield village, stick.read_bytes()
    village.close()


def import_at_hub(hub_url: str, path, ack) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = admin.main(["--db", hub_url, "import-file", str(path), "--ack-out", str(ack)])
    return code, err.getvalue()


def examples(hub_url: str, sqlite: int) -> int:
    return sqlite if hub_url.startswith("sqlite") else sqlite // 2


def test_a_spoiled_batch_file_is_refused_at_the_hub(hub_url, hub_db, village_file, tmp_path):
    village, data = village_file

    @doors(examples(hub_url, 40))
    @given(spoiled_files(data))
    def one(spoiled: bytes) -> None:
        path, ack = tmp_path / "in.ctr", tmp_path / "out.ack"
        path.write_bytes(spoiled)
        ack.unlink(missing_ok=True)
        before = hub_dump(hub_db)
        code, err = import_at_hub(hub_url, path, ack)
        if spoiled != data:
            assert code == 2 and err.startswith("error: ") and len(err) > 10, err
            assert hub_dump(hub_db) == before and not ack.exists()
            tried("USB batch file at the hub (hub.admin import-file)", "refused")
            return
        assert code == 0 and ack.exists(), err
        check_hub_matches(hub_db, village)
        tried("USB batch file at the hub (hub.admin import-file)", "accepted")

    one()


def test_a_spoiled_batch_file_forwarded_by_a_town_is_a_4xx(hub_url, hub_db, village_file):
    village, data = village_file
    town_token = register(hub_db, "370883101").token
    server = ThreadHub(hub_db).start()
    try:
        with httpx.Client(
            base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {town_token}"}
        ) as client:

            @doors(examples(hub_url, 30))
            @given(spoiled_files(data))
            def one(spoiled: bytes) -> None:
                before = hub_dump(hub_db)
                answer = client.post(
                    "/v1/transfer",
                    content=spoiled,
                    headers={"Content-Type": "application/octet-stream"},
                )
                if spoiled != data:
                    assert 400 <= answer.status_code < 500, answer.text
                    assert answer.json()["detail"]
                    assert hub_dump(hub_db) == before
                    tried("USB batch file forwarded (POST /v1/transfer)", "refused")
                    return
                assert answer.status_code == 200, answer.text
                check_hub_matches(hub_db, village)
                tried("USB batch file forwarded (POST /v1/transfer)", "accepted")

            one()
    finally:
        server.stop()


def test_a_spoiled_ack_file_is_refused_at_the_station(hub_url, hub_db, village_file, tmp_path):
    village, data = village_file
    (tmp_path / "in.ctr").write_bytes(data)
    assert import_at_hub(hub_url, tmp_path / "in.ctr", tmp_path / "real.ack")[0] == 0
    real_ack = (tmp_path / "real.ack").read_bytes()
    data_dir = village.store.path.parent

    @doors(examples(hub_url, 40))
    @given(spoiled_files(real_ack))
    def one(spoiled: bytes) -> None:
        path = tmp_path / "in.ack"
        path.write_bytes(spoiled)
        before = dump(village.store.path)
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = cli.main(["--data-dir", str(data_dir), "import-ack", str(path)])
        if spoiled != real_ack:
            assert code == 2 and err.getvalue().startswith("错误："), err.getvalue()
            assert is_chinese(err.getvalue())
            assert dump(village.store.path) == before
            tried("USB ack file at the station (counterapp import-ack)", "refused")
            return
        assert code == 0, err.getvalue()
        assert outbox.pending_count(village.store) == 0
        tried("USB ack file at the station (counterapp import-ack)", "accepted")

    one()


def test_a_missing_or_unreadable_file_is_a_message(hub_url, village_file, tmp_path, capsys):
    """Once a traceback (FileNotFoundError, IsADirectoryError) at both ends."""
    village, _ = village_file
    data_dir = village.store.path.parent
    for path in (tmp_path / "nowhere.ack", tmp_path):
        assert cli.main(["--data-dir", str(data_dir), "import-ack", str(path)]) == 2
        assert "错误：无法读写文件" in capsys.readouterr().err
        assert import_at_hub(hub_url, path, tmp_path / "x.ack")[0] == 2
        assert not (tmp_path / "x.ack").exists()
