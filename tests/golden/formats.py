"""The golden station and the format artefacts made from it, byte for byte the same each time.

A station store is filled through the real services with a fixed clock, counting UUIDs and
the published test keys of `tests/data/golden/keys.json`: a completed instant case with its
rating, a case forwarded upward (帮办代办) after a missing material came back, a ticket ended
without a case (`consulted`), a follow-up contact of the watch list (监测台账, `watch_contact`),
the store's slip secret and its store key (put in the keyring
for the store's path before it is made, so the store is sealed under it). From it come the
sync batch (what the hub receives), the hub's ack, the USB files both ways and the slip
codes; the tests compare each with its file in `tests/data/golden/`, and
`python -m tests.golden formats` rewrites those files on purpose (see tests/golden/__main__.py).

The station's USB file (format 2) is encrypted to the hub's transfer key with a new ephemeral
key and nonce each time, so no two are the same bytes: it is compared by what it says (its
header apart from those per-file fields, and its decrypted parts), and rewritten only when
that changes. The hub's transfer key pair is fixed in keys.json, so its acks, which carry
that key certified, are the same bytes each time.
"""

from __future__ import annotations

import gzip
import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from counterapp import store_key, watch_list
from counterapp.app import Counter
from counterapp.case_model import Agent, Person
from counterapp.clock import CST, FixedClock, stamp
from counterapp.complaints import Channel, NewComplaint
from counterapp.memory_keyring import in_memory_keyring
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.slips import Layout, prepare_notice
from counterapp.slips.records import record_print
from counterapp.station import Station, add_clerk
from counterapp.sync import credentials, handed_keys, offline, outbox, transfer, wire
from counterapp.sync.service import HUB_PUBLIC_KEY, note_transfer_key
from counterapp.sync.slip_codes import compute_code, compute_code_v2, qr_payload
from db.settings import Settings
from hub import identity, stations
from hub.db import Database
from hub.files import import_file
from hub.ingest import ingest

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
KEYS: dict[str, str] = json.loads((GOLDEN / "keys.json").read_text(encoding="utf-8"))
CATALOGUE = GOLDEN / "catalogue.json"
# The files made from the golden station (name → what it holds).
BATCH_LINES = GOLDEN / "batch.jsonl"  # the batch's canonical lines (what is hashed)
BATCH_BODY = GOLDEN / "batch.jsonl.gz"  # the bytes on the wire (gzip of the lines)
BATCH_SHA256 = GOLDEN / "batch.sha256"  # the content hash (X-Content-SHA256)
ACK = GOLDEN / "ack.json"  # the hub's ack for the batch (canonical JSON)
TRANSFER_BATCHES = GOLDEN / "transfer-batches.bin"  # the station's USB file (format 2)
TRANSFER_BATCHES_V1 = GOLDEN / "transfer-batches-v1.bin"  # one of before issue 13 (format 1)
TRANSFER_ACKS = GOLDEN / "transfer-acks.bin"  # the hub's signed ack file for it
SLIP_CODES = GOLDEN / "slip-codes.json"  # verification codes and QR texts

STATION = Station(
    code="370883101",
    name="千泉街道医保服务站",
    level="town",
    county_code="370883",
    county_name="邹城市",
    address="千泉街道为民服务中心一楼",
    supervision_phone="0537-5211234",
)
START = datetime(2026, 11, 25, 9, 0, tzinfo=CST)  # a Wednesday, a normal working day
BATCHED_AT = datetime(2026, 11, 26, 10, 30, tzinfo=CST)
HUB_NOW = stamp(datetime(2026, 11, 26, 10, 31, tzinfo=CST))


@contextmanager
def counting_uuids() -> Iterator[None]:
    """uuid.uuid4() gives 10000000-0000-4000-8000-000000000001, …0002, … inside the block.

    They grow in the order records are made, so rows read back by uuid or by rowid come in
    the same order whatever plan SQLite picks."""
    numbers = itertools.count(1)
    real = uuid.uuid4
    uuid.uuid4 = lambda: uuid.UUID(int=(1 << 124) | next(numbers), version=4)
    try:
        yield
    finally:
        uuid.uuid4 = real


def _person_id(birth: str, sequence: str) -> str:
    from counterapp.idnumber import check_char

    first17 = "370883" + birth + sequence
    return first17 + check_char(first17)


def _fill(counter: Counter, clock: FixedClock) -> None:
    """Three visits of one morning, and the forwarded case finished the next day."""
    clerk = add_clerk(counter.store, "1001", "王丽", clock).id
    counter.import_catalogue(CATALOGUE)
    settings = Settings(counter.store)
    settings.set(handed_keys.SECRET_SETTING, KEYS["slip_secret"])
    handed_keys.note_accepts(counter.store, {"accepts": list(wire.RECORD_TYPES)})

    # 1. priority lane, an instant item finished on the spot, rated
    ticket = counter.queue.issue(Lane.PRIORITY, "70岁以上老人")
    clock.advance(minutes=1)
    counter.queue.call_next(1, clerk)
    case = counter.cases.open_case(
        Person("𠮷春燕", _person_id("19560312", "123"), "13800000000"),
        ["YB0101"],
        clerk,
        ticket_id=ticket.id,
    )
    clock.advance(minutes=2)
    case = counter.cases.mark_material(case.id, "id-card", True, clerk)
    case = counter.cases.accept(case.id, clerk)
    clock.advance(minutes=3)
    case = counter.cases.complete(case.id, clerk)
    counter.queue.finish(ticket.id, clerk)
    counter.ratings.rate(case, RatingLevel.VERY_SATISFIED)

    # 2. an agent, an item collected and forwarded: a material missing, told once
    clock.advance(minutes=4)
    ticket = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, clerk)
    forwarded = counter.cases.open_case(
        Person("张三", _person_id("19480107", "214"), "13900000000"),
        ["YB0501"],
        clerk,
        ticket_id=ticket.id,
        agent=Agent("张小三", _person_id("19780521", "315"), "13700000000", "子女", "授权委托书"),
    )
    for key in ("identity", "agent-id", "principal-id", "power-of-attorney"):
        forwarded = counter.cases.mark_material(forwarded.id, key, True, clerk)
    clock.advance(minutes=5)
    forwarded = counter.cases.notify_missing(forwarded.id, clerk)
    notice = prepare_notice(counter, forwarded.id, Layout.A4, clerk_id=clerk)
    record_print(counter, notice.pending)  # its content travels with the case (code v2)
    counter.queue.finish(ticket.id, clerk)

    # 3. a citizen who only asked (仅咨询): the ticket ends without a case
    clock.advance(minutes=2)
    ticket = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, clerk)
    clock.advance(minutes=1)
    counter.queue.end_without_case(ticket.id, clerk, "仅咨询政策")

    # 4. the county's watch list (监测台账) came down; the clerk phoned the person on it
    person = {"name": "李大山", "category": "脱贫人口", "cost_fen": 1_256_000, "area": "东村"}
    person["id_number"] = _person_id("19600815", "417")
    published = {"id": 1, "published_at": "2026-11-24T16:00:00+08:00", "people": [person]}
    watch_list.apply_published(counter.store, published, clock)
    clock.advance(minutes=3)
    watch_list.record_contact(
        counter.store,
        person["id_number"],
        clock.now(),
        "电话",
        "医疗救助已转报",
        "本人同意申请医疗救助，材料由村医代收",
        clerk,
        clock,
    )

    # the next morning the agent brings the records; accepted and forwarded upward
    clock.set(BATCHED_AT.replace(hour=9, minute=40))
    forwarded = counter.cases.mark_material(forwarded.id, "medical-records", True, clerk)
    forwarded = counter.cases.accept(forwarded.id, clerk)
    counter.cases.forward(forwarded.id, clerk, "报县中心认定")

    # a complaint by phone about the first case, noted (投诉登记)
    clock.set(BATCHED_AT.replace(hour=10, minute=5))
    complaint = counter.complaints.register(
        NewComplaint(
            Channel.PHONE, "𠮷春燕", "13800000000", "取号后等候过久", case_no=case.case_no
        ),
        clerk,
    )
    counter.complaints.add_note(complaint.id, "已电话回访说明", clerk)
    clock.set(BATCHED_AT)


@contextmanager
def golden_station(folder: Path) -> Iterator[Counter]:
    """The golden station, open, with counting UUIDs, its store key and signing key in an
    in-memory keyring, the hub's public key pinned and its transfer key taken, until the block
    ends. chinese_calendar's years must be pinned as the tests pin them (tests/conftest.py,
    `LIBRARY_YEARS`)."""
    clock = FixedClock(START)
    path = folder / "golden-station.db"
    # the keyring first: loading the backend the tests configure imports the hub's web
    # framework, whose telemetry draws UUIDs when imported
    with in_memory_keyring(), counting_uuids():
        store_key.save(path, bytes.fromhex(KEYS["store_key"]))  # the store is made under it
        with Counter.open(path, clock) as counter:
            assert counter.store.sealed
            counter.configure_station(STATION)
            _fill(counter, clock)
            credentials.save(STATION.code, "golden-token", KEYS["station_signing_key"])
            Settings(counter.store).set(HUB_PUBLIC_KEY, KEYS["hub_public_key"])
            note_transfer_key(counter.store, transfer_certificate())
            yield counter


def transfer_certificate() -> str:
    """The hub's transfer key as stations take it, certified by the hub's signing key."""
    return transfer.certify(KEYS["hub_transfer_public_key"], KEYS["hub_signing_key"])


def golden_batch(counter: Counter) -> wire.Batch:
    """The station's first batch, as a sync run makes it (its secrets queued first)."""
    ident = outbox.identity(counter.store)
    handed_keys.queue_if_changed(counter.store, ident.source, counter.clock)
    batch = outbox.new_batch(counter.store, ident, counter.clock)
    assert batch is not None
    return batch


class Artefacts(NamedTuple):
    lines: bytes  # the batch's canonical lines
    body: bytes  # gzip of them, as uploaded
    sha256: str
    ack: bytes  # the hub's ack, canonical JSON
    transfer_batches: bytes  # encrypted afresh each time: compare `what_it_says`
    transfer_acks: bytes
    slip_codes: bytes


def hub_at(folder: Path) -> Database:
    """A county hub on SQLite with the golden station registered under the golden keys
    (its signing key and transfer key sealed as the hub seals them)."""
    db = Database(
        f"sqlite:///{folder / 'golden-hub.db'}", sealing_key=folder / "golden-hub.sealing-key"
    )
    stations.register(db, STATION.code, STATION.name, STATION.level, HUB_NOW)
    with db.transaction() as tx:
        tx.execute(
            "UPDATE stations SET public_key = ? WHERE code = ?",
            (KEYS["station_public_key"], STATION.code),
        )
        assert db.sealer is not None
        tx.execute(
            "UPDATE hub_identity SET private_key = '', public_key = ?, sealed_key = ?, "
            "key_id = ? WHERE id = 1",
            (
                KEYS["hub_public_key"],
                db.sealer.seal(KEYS["hub_signing_key"].encode(), identity.CONTEXT),
                db.sealer.key_id,
            ),
        )
        tx.execute(
            "UPDATE hub_identity SET transfer_public = ?, transfer_sealed = ? WHERE id = 1",
            (
                KEYS["hub_transfer_public_key"],
                db.sealer.seal(
                    KEYS["hub_transfer_private_key"].encode(), identity.TRANSFER_CONTEXT
                ),
            ),
        )
    return db


def hub_ack(folder: Path, body: bytes, sha256: str) -> bytes:
    """What the hub's ingest answers to the batch (its first arrival)."""
    db = hub_at(folder)
    try:
        ack = ingest(db, STATION.code, wire.scan_batch(body, sha256), sha256, "online", HUB_NOW)
        return wire.canonical(ack.to_dict())
    finally:
        db.close()


def hub_ack_file(folder: Path, transfer_file: bytes) -> bytes:
    """What the hub answers to the station's USB file."""
    db = hub_at(folder)
    try:
        return import_file(db, transfer_file, "file", HUB_NOW)
    finally:
        db.close()


# Slip codes: the golden station's two cases, and two made-up ones (a village's longer code).
SLIP_CASES = [
    ("370883101", "370883101-20261125-01-0001", "10000000-0000-4000-8000-000000000003"),
    ("370883101", "370883101-20261125-01-0002", "10000000-0000-4000-8000-000000000006"),
    ("370883101201", "370883101201-20270208-01-0042", "0b6f3a52-8d0c-4c1e-9a57-3f1d2c4b5a69"),
    ("370883101", "370883101-20261231-03-0999", "ffffffff-ffff-4fff-bfff-ffffffffffff"),
]


# What one print of a slip says, as version-2 codes cover it (counterapp.slips.content).
SLIP_CONTENT: dict[str, object] = {
    "kind": "notice",
    "print": 1,
    "issued_at": "2026-11-25T09:05:00+08:00",
    "applicant": "欧阳秀英",
    "id_number": "3708**********226X",
    "state": "materials_incomplete",
    "items": [["YB0501", "门诊慢性病病种待遇认定", "2026-12-16"]],
    "materials": [
        ["identity", "居民身份证或社会保障卡", "received"],
        ["records", "近两年病历资料", "missing"],
    ],
}


def printed_slip(counter: Counter) -> dict[str, str]:
    """The golden station's printed notice: its case number, code and QR text."""
    row = counter.store.row(
        "SELECT c.case_no, p.verification_code FROM slip_prints AS p "
        "JOIN cases AS c ON c.id = p.case_id WHERE p.kind = 'notice'"
    )
    return {
        "case_no": row["case_no"],
        "code": row["verification_code"],
        "qr": qr_payload(row["case_no"], row["verification_code"]),
    }


def slip_codes(printed: dict[str, str]) -> bytes:
    """Version 1 (slips printed before issue 13: station, case number, UUID) and version 2
    (the same bound to one print's content) for each case; both must keep checking. And the
    code of the notice the golden station printed, which the hub recomputes from the print's
    content in the batch."""
    secret = bytes.fromhex(KEYS["slip_secret"])
    rows = []
    for station, case_no, case_uuid in SLIP_CASES:
        code = compute_code(secret, station, case_no, case_uuid)
        code_v2 = compute_code_v2(secret, station, case_no, case_uuid, SLIP_CONTENT)
        rows.append(
            {
                "station": station,
                "case_no": case_no,
                "case_uuid": case_uuid,
                "code": code,
                "qr": qr_payload(case_no, code, version=1),
                "code_v2": code_v2,
                "qr_v2": qr_payload(case_no, code_v2),
            }
        )
    return (
        json.dumps(
            {
                "secret": KEYS["slip_secret"],
                "content": SLIP_CONTENT,
                "slips": rows,
                "printed": printed,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    ).encode()


def make_all(folder: Path) -> Artefacts:
    """Every golden artefact as today's code makes it (in a scratch `folder`)."""
    with golden_station(folder / "online") as counter:
        encoded = wire.encode_batch(golden_batch(counter))
        printed = printed_slip(counter)
    lines = gzip.decompress(encoded.body)
    ack = hub_ack(folder / "online", encoded.body, encoded.sha256)
    with golden_station(folder / "usb") as counter:
        exported = offline.export_batches(counter.store, counter.clock, folder / "out.bin")
        transfer_batches = exported.path.read_bytes()
    transfer_acks = hub_ack_file(folder / "usb", transfer_batches)
    return Artefacts(
        lines,
        encoded.body,
        encoded.sha256,
        ack,
        transfer_batches,
        transfer_acks,
        slip_codes(printed),
    )


# What differs between two encryptions of the same USB file: the header's ephemeral key and
# nonce (in "sealed_to"), so the payload's hash and the signature too.
PER_FILE = ("payload_sha256", "signature")
PER_FILE_SEALED_TO = ("ephemeral", "nonce")


def what_it_says(data: bytes) -> tuple[dict[str, object], list[transfer.Part]]:
    """A station's USB file (format 2) as the hub reads it, after checking its signature and
    decrypting it with the golden transfer key: its header without the per-file encryption
    fields, and its parts."""
    opened = transfer.open_sealed(
        data, KEYS["station_public_key"], KEYS["hub_transfer_private_key"]
    )
    header = {
        key: value for key, value in transfer.read_header(data).items() if key not in PER_FILE
    }
    header["sealed_to"] = {
        key: value for key, value in header["sealed_to"].items() if key not in PER_FILE_SEALED_TO
    }
    return header, opened.parts


def _unchanged(path: Path, data: bytes) -> bool:
    if not path.exists():
        return False
    if path == TRANSFER_BATCHES:
        return what_it_says(path.read_bytes()) == what_it_says(data)
    return path.read_bytes() == data


def write_all(artefacts: Artefacts) -> list[Path]:
    """Rewrite the golden files (a deliberate act: a format change, see the README); the USB
    file only if what it says changed."""
    files = {
        BATCH_LINES: artefacts.lines,
        BATCH_BODY: artefacts.body,
        BATCH_SHA256: (artefacts.sha256 + "\n").encode(),
        ACK: artefacts.ack + b"\n",
        TRANSFER_BATCHES: artefacts.transfer_batches,
        TRANSFER_ACKS: artefacts.transfer_acks,
        SLIP_CODES: artefacts.slip_codes,
    }
    changed = [path for path, data in files.items() if not _unchanged(path, data)]
    for path in changed:
        path.write_bytes(files[path])
    return changed
