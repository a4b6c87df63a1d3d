"""Batches at the hub's door (issue 13): a real station's gzipped batch, mutated at random —
its JSON documents changed, its lines' bytes spoiled (with a matching content hash, so the
parsing behind the hash is tried), or its gzip bytes spoiled — given to `hub/ingest.py`
directly and POSTed to a real hub over HTTP, on SQLite and PostgreSQL.

Each is either refused (`WireError` or `Forbidden` directly; 4xx with a message over HTTP,
never 5xx) with nothing stored changed, or accepted with every record held exactly as the
batch carries it (in its newest version), and nothing else changed.
"""

from __future__ import annotations

import gzip
import json
import uuid
from decimal import Decimal

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterapp.sync import outbox
from counterapp.sync.wire import (
    HASH_HEADER,
    MEDIA_TYPE,
    WireError,
    canonical,
    encode_batch,
    scan_batch,
    sha256_hex,
)
from hub.db import Database
from hub.ingest import Forbidden, ingest
from tests.doors.strategies import mutated, spoiled_bytes
from tests.doors.tools import doors, tried
from tests.sync.conftest import now, register
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import add_visits, new_station
from tests.sync.test_hub_doors import CASE, STATION, document, line

TABLES = (
    "stations",
    "sources",
    "batches",
    "records",
    "slip_keys",
    "store_keys",
    "catalogues",
    "decisions",
    "hub_identity",
    "staff",
    "forwarded_cases",
    "forwarded_items",
    "follow_ups",
)


@pytest.fixture(scope="module")
def real_batch(tmp_path_factory):
    """The raw (uncompressed) document of a real station's batch: visits with cases,
    tickets, ratings."""
    station = new_station(tmp_path_factory.mktemp("batch") / "station.db", "370883101")
    add_visits(station, 6)
    batch = outbox.new_batch(station.store, outbox.identity(station.store), station.clock)
    station.close()
    return gzip.decompress(encode_batch(batch).body)


def hub_dump(db: Database) -> dict[str, list[tuple]]:
    with db.transaction(write=False) as tx:
        return {table: sorted(map(repr, tx.all(f"SELECT * FROM {table}"))) for table in TABLES}


def as_json(text: str) -> object:
    """JSON with every number exact (PostgreSQL's jsonb keeps 1e+308 as a 309-digit number)."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def held(db: Database) -> dict[str, tuple[int, str, object]]:
    with db.transaction(write=False) as tx:
        text = "data::text" if tx.dialect == "postgres" else "data"
        rows = tx.all(f"SELECT uuid, version, day, {text} FROM records")
    return {uuid: (int(version), str(day), as_json(data)) for uuid, version, day, data in rows}


@st.composite
def spoiled_batches(draw: st.DrawFn, raw: bytes) -> tuple[bytes, str]:
    """(gzip body, the content hash to send with it)."""
    lines = raw.split(b"\n")[:-1]
    how = draw(st.sampled_from(["header", "record", "record", "lines", "gzip"]))
    if how in ("header", "record"):
        at = 0 if how == "header" else draw(st.integers(1, len(lines) - 1))
        changed = draw(mutated(json.loads(lines[at])))
        canonical_form = draw(st.booleans())  # the hub's fast path, or its full parse
        lines[at] = canonical(changed) if canonical_form else json.dumps(changed).encode()
        raw = b"\n".join(lines) + b"\n"
    elif how == "lines":
        raw = draw(spoiled_bytes(raw))
    body = gzip.compress(raw, mtime=0)
    if how == "gzip":
        return draw(spoiled_bytes(body)), sha256_hex(raw)
    return body, sha256_hex(raw)


def check_outcome(
    db: Database, before: dict, held_before: dict, body: bytes, accepted: bool, path: str
) -> None:
    """Refused: nothing changed. Accepted: each record in its newest version, as sent."""
    if not accepted:
        assert hub_dump(db) == before
        tried(path, "refused")
        return
    batch = scan_batch(body, None)
    sent: dict[str, tuple[int, str, object]] = {}
    for record in batch.records:
        if record.type != "slip_key" and (
            record.uuid not in sent or record.version > sent[record.uuid][0]
        ):
            sent[record.uuid] = (record.version, record.day, as_json(record.data))
    after = held(db)
    for key, (version, day, data) in sent.items():
        if key in held_before and held_before[key][0] >= version:
            assert after[key] == held_before[key]  # an older version changes nothing
        else:
            assert after[key] == (version, day, data)
    assert {u: r for u, r in after.items() if u not in sent} == {
        u: r for u, r in held_before.items() if u not in sent
    }
    tried(path, "accepted")


def ack_records(body: bytes) -> set[str]:
    """The records a batch carries, each counted once (as the hub's ack counts them)."""
    return {record.uuid for record in scan_batch(body, None).records}


def examples(hub_url: str) -> int:
    return 40 if hub_url.startswith("sqlite") else 20


def test_a_spoiled_batch_is_refused_or_stored_exactly(hub_url, hub_db, real_batch):
    register(hub_db, "370883101")

    @doors(examples(hub_url))
    @given(spoiled_batches(real_batch))
    def one(spoiled: tuple[bytes, str]) -> None:
        body, sha = spoiled
        before, held_before = hub_dump(hub_db), held(hub_db)
        try:
            ack = ingest(hub_db, "370883101", scan_batch(body, sha), sha, "online", now())
        except (WireError, Forbidden) as refused:
            assert str(refused)
            check_outcome(hub_db, before, held_before, body, False, "batch at the hub (ingest)")
            return
        assert ack.batch and ack.records == len(ack_records(body))
        check_outcome(hub_db, before, held_before, body, True, "batch at the hub (ingest)")

    one()


def test_a_spoiled_batch_over_http_is_a_4xx_or_stored_exactly(hub_url, hub_db, real_batch):
    token = register(hub_db, "370883101").token
    server = ThreadHub(hub_db).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:

            @doors(examples(hub_url))
            @given(spoiled_batches(real_batch), st.booleans())
            def one(spoiled: tuple[bytes, str], with_hash: bool) -> None:
                body, sha = spoiled
                headers = {"Authorization": f"Bearer {token}", "Content-Type": MEDIA_TYPE}
                if with_hash:
                    headers[HASH_HEADER] = sha
                before, held_before = hub_dump(hub_db), held(hub_db)
                answer = client.post("/v1/batches", content=body, headers=headers)
                assert answer.status_code < 500, answer.text
                if answer.status_code != 200:
                    assert 400 <= answer.status_code < 500 and answer.json()["detail"]
                check_outcome(
                    hub_db,
                    before,
                    held_before,
                    body,
                    answer.status_code == 200,
                    "batch at the hub (POST /v1/batches)",
                )

            one()
    finally:
        server.stop()


def test_a_held_record_resent_with_broken_data_is_refused_on_either_database(hub_db):
    """PostgreSQL never saw the data of a record it held in that version already, so it took
    a batch that SQLite refused (found by the property above)."""
    register(hub_db, STATION)
    record = str(uuid.uuid4())

    def send(data: bytes) -> None:
        raw = document([line(record_id=record)]).replace(canonical(CASE), data)
        ingest(
            hub_db, STATION, scan_batch(gzip.compress(raw), None), sha256_hex(raw), "online", now()
        )

    send(canonical(CASE))
    before = hub_dump(hub_db)
    with pytest.raises(WireError, match="not JSON"):
        send(b'{"case_no" 1}')
    assert hub_dump(hub_db) == before
