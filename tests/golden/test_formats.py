"""Golden files: the formats that outlive a release, checked byte for byte.

Printed slips stay in citizens' hands for years, USB files wait on a stick, and a county's hub
is upgraded on its own schedule: so each format is compared with a file made once
(tests/data/golden, see its README) and read back by today's code on both sides. A change
to both the writer and the reader passes a round trip but fails here. Regenerating the files
is deliberate: `python -m tests.golden formats`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import zlib

import httpx
import pytest

from counterapp.clock import FixedClock, parse_stamp
from counterapp.slips import verification
from counterapp.sync import offline, outbox, transfer, wire
from counterapp.sync.slip_codes import compute_code, compute_code_v2, parse_payload, qr_payload
from tests.golden import formats
from tests.golden.formats import (
    ACK,
    BATCH_BODY,
    BATCH_LINES,
    BATCH_SHA256,
    KEYS,
    SLIP_CODES,
    STATION,
    TRANSFER_ACKS,
    TRANSFER_BATCHES,
    TRANSFER_BATCHES_V1,
)

# gzip output is the same on every machine with zlib itself; zlib-ng (e.g. CPython 3.14 on
# Windows) compresses differently. Where it does, the compressed bytes of today's code are not
# compared, but the golden compressed files are still read and checked.
CLASSIC_ZLIB = not hasattr(zlib, "ZLIBNG_VERSION")
REGENERATE = "a format changed: if on purpose, see tests/data/golden/README.md"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> formats.Artefacts:
    """Every artefact as today's code makes it from the golden station."""
    return formats.make_all(tmp_path_factory.mktemp("golden"))


def test_the_batch_lines_and_their_hash_are_the_golden_ones(made):
    golden = BATCH_LINES.read_bytes()
    assert made.lines == golden, REGENERATE
    assert made.sha256 == BATCH_SHA256.read_text().strip() == hashlib.sha256(golden).hexdigest()
    # what the golden batch holds: every record type, a ticket of each end
    records = [json.loads(line) for line in golden.splitlines()[1:]]
    assert {r["t"] for r in records} == set(wire.RECORD_TYPES)
    assert {r["data"]["status"] for r in records if r["t"] == "ticket"} == {"done", "consulted"}
    assert {r["data"]["state"] for r in records if r["t"] == "case"} == {"completed", "forwarded"}


def test_the_golden_batch_on_the_wire_reads_back(made):
    body, sha256 = BATCH_BODY.read_bytes(), BATCH_SHA256.read_text().strip()
    assert gzip.decompress(body) == BATCH_LINES.read_bytes()
    batch = wire.decode_batch(body, sha256)
    assert wire.encode_batch(batch).sha256 == sha256  # re-encoded: the same lines
    assert wire.scan_batch(body, sha256).batch_id == batch.batch_id
    if CLASSIC_ZLIB:
        assert made.body == body, REGENERATE


def test_the_hub_takes_the_golden_batch_over_http_and_answers_the_golden_ack(tmp_path):
    from hub import stations, store_keys
    from hub.slips import Verdict, verify
    from tests.sync.hubctl import ThreadHub

    db = formats.hub_at(tmp_path)
    hub = ThreadHub(db, clock=FixedClock(parse_stamp(formats.HUB_NOW))).start()
    try:
        token = stations.rotate(db, STATION.code, formats.HUB_NOW).token
        answer = httpx.post(
            f"{hub.url}/v1/batches",
            content=BATCH_BODY.read_bytes(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": wire.MEDIA_TYPE,
                wire.HASH_HEADER: BATCH_SHA256.read_text().strip(),
            },
        )
        assert answer.status_code == 200, answer.text
        assert wire.canonical(answer.json()) + b"\n" == ACK.read_bytes(), REGENERATE
        with db.transaction() as tx:
            assert (
                tx.scalar("SELECT count(*) FROM records WHERE station = ?", (STATION.code,)) == 8
            )  # the secrets are kept apart
            assert tx.scalar("SELECT complaint_no FROM complaints") == "TS20261126001"
            assert tx.scalar("SELECT method FROM watch_contacts") == "电话"  # projected
        # the store key arrived sealed: the county can give it back for a dead PC's store
        (recovered,) = store_keys.recover(db, STATION.code, "golden", "test", formats.HUB_NOW)
        assert recovered.key_hex == KEYS["store_key"]
        # the slip secret arrived sealed and the notice's content with its case: the county
        # recomputes the printed code; a version-1 code of a case printed since is refused
        golden = json.loads(SLIP_CODES.read_text(encoding="utf-8"))
        printed = golden["printed"]
        assert verify(db, printed["case_no"], printed["code"]).verdict == Verdict.VALID
        legacy = next(s for s in golden["slips"] if s["case_no"] == printed["case_no"])
        assert verify(db, legacy["case_no"], legacy["code"]).verdict == Verdict.INVALID
    finally:
        hub.stop()
        db.close()


def test_the_hubs_ingest_answers_the_golden_ack(made):
    assert made.ack + b"\n" == ACK.read_bytes(), REGENERATE


def test_todays_hub_decrypts_the_golden_usb_file_and_answers_the_golden_ack_file(tmp_path):
    golden = TRANSFER_BATCHES.read_bytes()
    assert transfer.is_encrypted(golden)
    with pytest.raises(transfer.TransferError, match="只有县中心能读取"):
        transfer.open_sealed(golden, KEYS["station_public_key"])  # not without the hub's key
    opened = transfer.open_sealed(
        golden, KEYS["station_public_key"], KEYS["hub_transfer_private_key"]
    )
    assert opened.kind == "batches" and opened.station == STATION.code
    (part,) = opened.parts
    assert part.body == BATCH_BODY.read_bytes()  # decrypted: the golden batch as uploaded
    assert part.sha256 == BATCH_SHA256.read_text().strip()
    ack_file = formats.hub_ack_file(tmp_path, golden)
    acks = transfer.open_sealed(ack_file, KEYS["hub_public_key"])
    assert acks.transfer_key == formats.transfer_certificate()  # the ack renews the key
    (ack,) = transfer.part_document(acks.parts[0])["acks"]
    assert wire.canonical(ack) + b"\n" == ACK.read_bytes()  # the same ack as online
    if CLASSIC_ZLIB:
        assert ack_file == TRANSFER_ACKS.read_bytes(), REGENERATE


def test_todays_station_exports_what_the_golden_usb_file_says(made):
    """Each export is encrypted afresh (an ephemeral key and nonce): decrypted with the golden
    transfer key, today's says what the golden file says, field for field and part for part."""
    golden_header, golden_parts = formats.what_it_says(TRANSFER_BATCHES.read_bytes())
    header, parts = formats.what_it_says(made.transfer_batches)
    assert header == golden_header, REGENERATE
    assert set(transfer.read_header(made.transfer_batches)) == set(
        transfer.read_header(TRANSFER_BATCHES.read_bytes())
    )  # the same fields, no more
    assert [(p.name, p.sha256) for p in parts] == [(p.name, p.sha256) for p in golden_parts]
    if CLASSIC_ZLIB:
        assert parts == golden_parts, REGENERATE


def test_todays_hub_still_imports_a_usb_file_of_format_1_with_a_warning(tmp_path, caplog):
    """A station not yet upgraded writes signed, unencrypted files (before issue 13): the hub
    reads them this release, and says in its log which station must be upgraded."""
    golden = TRANSFER_BATCHES_V1.read_bytes()
    assert golden.startswith(transfer.MAGIC) and not transfer.is_encrypted(golden)
    opened = transfer.open_sealed(golden, KEYS["station_public_key"])
    assert opened.kind == "batches" and opened.station == STATION.code
    (part,) = opened.parts
    batch = wire.decode_batch(part.body, part.sha256)
    # re-signing the same parts gives the same bytes: format 1 is still written as it was
    assert (
        transfer.seal(
            "batches", STATION.code, opened.created_at, opened.parts, KEYS["station_signing_key"]
        )
        == golden
    )
    with caplog.at_level(logging.WARNING, logger="hub"):
        ack_file = formats.hub_ack_file(tmp_path, golden)
    assert any(
        STATION.code in r.getMessage() and "unencrypted" in r.getMessage() for r in caplog.records
    )
    acks = transfer.open_sealed(ack_file, KEYS["hub_public_key"])
    (ack,) = transfer.part_document(acks.parts[0])["acks"]
    assert ack["batch"] == batch.batch_id and ack["sha256"] == part.sha256
    assert wire.from_ranges(ack["seqs"]) == batch.seqs
    assert ack["stored"] == ack["records"] == len(batch.records)


def test_the_golden_ack_file_is_signed_as_today_and_the_station_imports_it(tmp_path):
    golden = TRANSFER_ACKS.read_bytes()
    opened = transfer.open_sealed(golden, KEYS["hub_public_key"])
    assert opened.kind == "acks" and opened.station == STATION.code
    assert opened.transfer_key == formats.transfer_certificate()
    assert (
        transfer.seal(
            "acks",
            STATION.code,
            opened.created_at,
            opened.parts,
            KEYS["hub_signing_key"],
            extra={"transfer_key": opened.transfer_key},
        )
        == golden
    ), REGENERATE
    with formats.golden_station(tmp_path) as counter:
        batch = formats.golden_batch(counter)
        rows = outbox.pending_count(counter.store)
        assert rows == len(batch.seqs)
        acked = offline.import_ack(counter.store, counter.clock, TRANSFER_ACKS)
        assert acked == rows and outbox.pending_count(counter.store) == 0
        assert outbox.unacked_batches(counter.store) == []


def test_slip_codes_and_qr_texts_are_the_golden_ones(made, tmp_path):
    assert made.slip_codes == SLIP_CODES.read_bytes(), REGENERATE
    golden = json.loads(SLIP_CODES.read_text(encoding="utf-8"))
    secret, content = bytes.fromhex(golden["secret"]), golden["content"]
    for slip in golden["slips"]:
        station, case_no, case_uuid = slip["station"], slip["case_no"], slip["case_uuid"]
        assert compute_code(secret, station, case_no, case_uuid) == slip["code"]
        assert qr_payload(case_no, slip["code"], version=1) == slip["qr"]
        assert parse_payload(slip["qr"]) == (case_no, slip["code"], 1)
        assert compute_code_v2(secret, station, case_no, case_uuid, content) == slip["code_v2"]
        assert qr_payload(case_no, slip["code_v2"]) == slip["qr_v2"]
        assert parse_payload(slip["qr_v2"]) == (case_no, slip["code_v2"], 2)
    # the station checks both: a slip printed before issue 13 (its print recorded without
    # content) by its version-1 code, and the notice it printed today by its version-2 code
    with formats.golden_station(tmp_path) as counter:
        first = golden["slips"][0]
        case = counter.cases.find(first["case_no"])[0]
        assert case.uuid == first["case_uuid"]
        assert not verification.verify_payload(counter, first["qr"])  # no such print yet
        counter.store.insert(
            "slip_prints",
            {
                "kind": "notice",
                "case_id": case.id,
                "layout": "a4",
                "printed_at": "2026-11-25T09:05:00+08:00",
                "slip_content": None,
            },
        )
        assert verification.verify_payload(counter, first["qr"])
        assert verification.verify_payload(counter, golden["printed"]["qr"])
        assert not verification.verify_payload(counter, first["qr_v2"])  # no print said that
