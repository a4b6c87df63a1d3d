"""USB transfer for villages: signed export, import at the county or via a town station, the
signed acknowledgement back; tampering detected; a batch sent both ways is stored once."""

from __future__ import annotations

import json

import pytest

from counterapp.sync import offline, outbox, service, transfer
from hub import admin
from tests.sync.conftest import FAST_RETRY, connect_station
from tests.sync.stations import add_visits, check_hub_matches, hub_rows


def admin_import(hub_url: str, file, ack) -> int:
    return admin.main(["--db", hub_url, "import-file", str(file), "--ack-out", str(ack)])


def test_usb_round_trip_through_the_county(hub_url, hub_db, village, tmp_path, capsys):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")  # never online
    add_visits(village, 6)
    stick = tmp_path / "village.ctr"
    result = offline.export_batches(village.store, village.clock, stick)
    assert result.batches == 1 and stick.exists()
    assert "370883" not in stick.read_bytes().split(b"\n", 2)[2].decode("latin-1")  # gzip
    ack = tmp_path / "village.ack"
    assert admin_import(hub_url, stick, ack) == 0
    assert "acknowledgement written" in capsys.readouterr().out
    assert outbox.pending_count(village.store) > 0
    assert offline.import_ack(village.store, village.clock, ack) > 0
    assert outbox.pending_count(village.store) == 0
    check_hub_matches(hub_db, village)
    assert offline.import_ack(village.store, village.clock, ack) == 0  # twice: no change


def test_tampered_files_are_refused(hub_url, hub_db, village, tmp_path, capsys):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 3)
    stick = tmp_path / "village.ctr"
    offline.export_batches(village.store, village.clock, stick)
    data = stick.read_bytes()
    header_end = data.index(b"\n", len(transfer.MAGIC))
    flipped = bytearray(data)
    flipped[-20] ^= 0x01  # one bit of the payload
    header = json.loads(data[len(transfer.MAGIC) : header_end])
    header["station"] = "370883101"  # or claims another station
    renamed = transfer.MAGIC + json.dumps(header).encode() + data[header_end:]
    for bad in (bytes(flipped), renamed, data[:-100]):
        (tmp_path / "bad.ctr").write_bytes(bad)
        assert admin_import(hub_url, tmp_path / "bad.ctr", tmp_path / "bad.ack") == 2
        assert "error" in capsys.readouterr().err
    assert hub_rows(hub_db, village.station.code) == {}
    assert not (tmp_path / "bad.ack").exists()


def test_forged_ack_file_is_refused(hub_db, village, tmp_path):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 2)
    offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
    batch_id = outbox.unacked_batches(village.store)[0]
    forger, _ = transfer.new_key_pair()
    forged = transfer.seal(
        "acks",
        village.station.code,
        "2026-11-23T10:00:00+08:00",
        [transfer.acks_part([{"batch": batch_id, "seqs": [[1, 10_000]]}])],
        forger,
    )
    (tmp_path / "forged.ack").write_bytes(forged)
    with pytest.raises(transfer.TransferError, match="签名"):
        offline.import_ack(village.store, village.clock, tmp_path / "forged.ack")
    assert outbox.unacked_batches(village.store) == [batch_id]


def test_sent_by_file_and_online_is_stored_once(hub, hub_url, hub_db, village, tmp_path):
    connect_station(village, hub_db, hub.url, "village")
    add_visits(village, 5)
    stick = tmp_path / "village.ctr"
    offline.export_batches(village.store, village.clock, stick)
    report = service.sync_now(village.store, village.clock, retry=FAST_RETRY, timeout=5)
    # the same batch, online, then the store's key (its ack announced that the hub takes it)
    assert report.ok and report.batches == 2
    ack = tmp_path / "village.ack"
    assert admin_import(hub_url, stick, ack) == 0  # then the stick arrives
    with hub_db.transaction() as tx:
        assert tx.one("SELECT count(*), max(times) FROM batches") == (2, 2)
    assert offline.import_ack(village.store, village.clock, ack) == 0
    check_hub_matches(hub_db, village)


def test_town_station_forwards_a_village_file(hub, hub_db, town, village, tmp_path, capsys):
    connect_station(town, hub_db, hub.url)
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 4)
    stick = tmp_path / "village.ctr"
    offline.export_batches(village.store, village.clock, stick)
    ack = tmp_path / "village.ack"
    offline.forward_file(town.store, town.clock, stick, ack)
    assert offline.import_ack(village.store, village.clock, ack) > 0
    check_hub_matches(hub_db, village)
    assert hub_rows(hub_db, town.station.code) == {}  # stored as the village's
    data = bytearray(stick.read_bytes())
    data[-30] ^= 0x40
    stick.write_bytes(bytes(data))
    with pytest.raises(Exception, match="400"):
        offline.forward_file(town.store, town.clock, stick, ack)
