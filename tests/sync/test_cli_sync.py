"""The sync commands of `counterapp`, run as a county IT person would."""

from __future__ import annotations

import io

import pytest

from counterapp import cli
from counterapp.app import Counter
from counterapp.sync import credentials, offline, outbox, service
from hub import admin
from tests.sync.conftest import register
from tests.sync.stations import add_visits, check_hub_matches, new_station

# The command line opens the store on the program's own clock: stopped at the tests' morning
# (the schedule's "due" depends on the time of day).
pytestmark = pytest.mark.usefixtures("frozen_clock")


def run(capsys, data_dir, *args):
    code = cli.main(["--data-dir", str(data_dir), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_set_up_sync_status_schedule_and_usb(
    hub, hub_db, hub_url, tmp_path, capsys, monkeypatch, memory_keyring
):
    data = tmp_path / "data"
    counter = new_station(data / "station.db", "370883101201", "village")
    add_visits(counter, 3)
    counter.close()
    creds = register(hub_db, "370883101201", "village")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{creds.token}\n{creds.signing_key}\n"))
    code, out, _ = run(
        capsys,
        data,
        "sync-setup",
        "--hub-url",
        hub.url,
        "--hub-key",
        creds.hub_public_key,
        "--hub-transfer-key",
        creds.hub_transfer_key,
        "--insecure-loopback",
    )
    assert code == 0 and "keyring" in out
    assert memory_keyring.secrets[("counterapp-hub", "370883101201")] == creds.token
    code, out, _ = run(
        capsys, data, "sync-schedule", "--interval", "30", "--nightly-window", "01:00-04:00"
    )
    assert code == 0 and "every 30 min; nightly 01:00-04:00" in out
    code, out, _ = run(capsys, data, "sync", "--status")
    assert code == 0 and "待上传" in out and "从未" in out

    stick, ack = tmp_path / "v.ctr", tmp_path / "v.ack"
    code, out, _ = run(capsys, data, "export-batches", str(stick))
    assert code == 0 and "exported 1 batches" in out
    assert admin.main(["--db", hub_url, "import-file", str(stick), "--ack-out", str(ack)]) == 0
    code, out, _ = run(capsys, data, "import-ack", str(ack))
    assert code == 0 and "acknowledged" in out

    code, out, _ = run(capsys, data, "sync")
    assert code == 0 and "synced:" in out and "0 pending" in out
    code, out, _ = run(capsys, data, "sync", "--if-due")
    assert code == 0 and "not due yet" in out
    with Counter.open(data / "station.db") as reopened:
        assert outbox.pending_count(reopened.store) == 0
        check_hub_matches(hub_db, reopened)

    admin.main(["--db", hub_url, "revoke", "370883101201"])
    capsys.readouterr()
    code, _, err = run(capsys, data, "sync")
    assert code == 2 and "令牌" in err and creds.token not in err


def test_forward_file_from_a_town(hub, hub_db, tmp_path, capsys, monkeypatch):
    village = new_station(tmp_path / "v" / "station.db", "370883101202", "village")
    add_visits(village, 2)
    village_creds = register(hub_db, "370883101202", "village")
    town = new_station(tmp_path / "t" / "station.db", "370883101")
    town_creds = register(hub_db, "370883101")
    town.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{town_creds.token}\n\n"))
    assert (
        run(capsys, tmp_path / "t", "sync-setup", "--hub-url", hub.url, "--insecure-loopback")[0]
        == 0
    )
    credentials.save("370883101202", village_creds.token, village_creds.signing_key)
    village.settings.set(service.HUB_PUBLIC_KEY, village_creds.hub_public_key)
    service.note_transfer_key(village.store, village_creds.hub_transfer_key)
    offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
    code, _, _ = run(
        capsys,
        tmp_path / "t",
        "forward-file",
        str(tmp_path / "v.ctr"),
        "--ack-out",
        str(tmp_path / "v.ack"),
    )
    assert code == 0 and (tmp_path / "v.ack").exists()
    village.close()
