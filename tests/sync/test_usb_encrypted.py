"""USB batch files encrypted to the hub (issue 13): a lost stick, or the town station that
forwards it, shows no citizen's data; still signed; the hub's key reaches even a village that
is never online; a file of a station not yet upgraded is still read, for one release."""

from __future__ import annotations

import logging

import pytest

from counterapp.sync import credentials, offline, outbox, service, transfer
from counterapp.sync.wire import encode_batch
from hub import admin
from tests.sync.conftest import connect_station
from tests.sync.stations import add_visits, check_hub_matches


def admin_import(hub_url: str, file, ack) -> int:
    return admin.main(["--db", hub_url, "import-file", str(file), "--ack-out", str(ack)])


def personal(counter) -> set[str]:
    values = set()
    for row in counter.store.all(
        "SELECT applicant_name, applicant_id_number, applicant_phone FROM cases"
    ):
        values |= {value for value in row if value}
    return values


def test_a_stick_holds_no_name_id_number_or_phone(hub_url, hub_db, village, tmp_path, capsys):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 6)
    stick = tmp_path / "village.ctr"
    offline.export_batches(village.store, village.clock, stick)
    data = stick.read_bytes()
    assert data.startswith(transfer.MAGIC_SEALED)
    values = personal(village)
    assert len(values) >= 6 and not [v for v in values if v.encode() in data]
    header = transfer.read_header(data)
    assert header["sealed_to"]["alg"] == transfer.ENCRYPTION
    with pytest.raises(transfer.TransferError, match="只有县中心能读取"):
        transfer.open_sealed(data, credentials_public(village))  # the town cannot
    ack = tmp_path / "village.ack"
    assert admin_import(hub_url, stick, ack) == 0
    assert offline.import_ack(village.store, village.clock, ack) > 0
    check_hub_matches(hub_db, village)
    ack_data = ack.read_bytes()
    assert ack_data.startswith(transfer.MAGIC)  # signed, plain
    assert not [v for v in values if v.encode() in ack_data]  # and nothing personal


def credentials_public(counter) -> str:
    return transfer.public_of(credentials.signing_key(counter.station.code))


def test_without_the_hubs_transfer_key_nothing_is_exported(hub_db, village, tmp_path):
    creds = connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    village.settings.delete(service.HUB_TRANSFER_KEY)
    add_visits(village, 1)
    with pytest.raises(transfer.TransferError, match="尚未取得县中心的加密公钥"):
        offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
    assert not (tmp_path / "v.ctr").exists()
    assert outbox.unacked_batches(village.store) == []
    forger_signing, _ = transfer.new_key_pair()
    _, forged_key = transfer.new_transfer_pair()
    with pytest.raises(transfer.TransferError, match="不是本站登记的县中心签发的"):
        service.note_transfer_key(village.store, transfer.certify(forged_key, forger_signing))
    assert village.settings.get(service.HUB_TRANSFER_KEY) is None
    service.note_transfer_key(village.store, creds.hub_transfer_key)
    assert offline.export_batches(village.store, village.clock, tmp_path / "v.ctr").batches == 1


def test_an_always_offline_village_gets_a_new_transfer_key_with_its_ack(
    hub_url, hub_db, village, tmp_path
):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 2)
    offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
    assert admin_import(hub_url, tmp_path / "v.ctr", tmp_path / "v.ack") == 0
    village.settings.set(service.HUB_TRANSFER_KEY, "stale")
    offline.import_ack(village.store, village.clock, tmp_path / "v.ack")
    certified = village.settings.get(service.HUB_TRANSFER_KEY)
    assert transfer.certified_key(certified, village.settings.get(service.HUB_PUBLIC_KEY))


def test_a_file_from_a_station_not_yet_upgraded_is_read_once_more(
    hub_url, hub_db, village, tmp_path, caplog
):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 2)
    ident = outbox.identity(village.store)
    batch = outbox.new_batch(village.store, ident, village.clock)
    encoded = encode_batch(batch)
    old = transfer.seal(
        "batches",
        ident.station,
        "2026-11-23T10:00:00+08:00",
        [transfer.Part(batch.batch_id, encoded.body, encoded.sha256)],
        credentials.signing_key(ident.station),
    )
    (tmp_path / "old.ctr").write_bytes(old)
    with caplog.at_level(logging.WARNING, logger="hub"):
        assert admin_import(hub_url, tmp_path / "old.ctr", tmp_path / "old.ack") == 0
    assert "unencrypted transfer file" in caplog.text and ident.station in caplog.text
    assert offline.import_ack(village.store, village.clock, tmp_path / "old.ack") > 0


def test_a_file_encrypted_to_another_hub_or_altered_is_refused(
    hub_url, hub_db, village, tmp_path, capsys
):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")
    add_visits(village, 2)
    pinned_signing, pinned_public = transfer.new_key_pair()
    _, other_hub = transfer.new_transfer_pair()
    village.settings.set(service.HUB_PUBLIC_KEY, pinned_public)  # pinned to another hub …
    service.note_transfer_key(village.store, transfer.certify(other_hub, pinned_signing))
    offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
    assert admin_import(hub_url, tmp_path / "v.ctr", tmp_path / "v.ack") == 2
    assert "无法解密" in capsys.readouterr().err
    data = bytearray((tmp_path / "v.ctr").read_bytes())
    data[-5] ^= 1  # … and a byte altered
    (tmp_path / "bad.ctr").write_bytes(bytes(data))
    assert admin_import(hub_url, tmp_path / "bad.ctr", tmp_path / "bad.ack") == 2
    assert "篡改" in capsys.readouterr().err and not (tmp_path / "bad.ack").exists()
