"""The wire format: canonical, hashed, gzip; strict parsing; ≤ 500 bytes per case."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from counterapp.clock import FixedClock
from counterapp.demo import seed_demo
from counterapp.store_key import open_store
from counterapp.sync import outbox, wire
from tests.conftest import MORNING


def test_round_trip_and_ranges(town):
    from tests.sync.stations import add_visits

    add_visits(town, 3)
    batch = outbox.new_batch(town.store, outbox.identity(town.store), town.clock)
    encoded = wire.encode_batch(batch)
    assert encoded == wire.encode_batch(batch)  # deterministic bytes
    back = wire.decode_batch(encoded.body, encoded.sha256)
    assert back == batch
    assert wire.to_ranges([5, 1, 2, 3, 7, 8]) == [[1, 3], [5, 5], [7, 8]]
    assert wire.from_ranges([[1, 3], [7, 8]]) == (1, 2, 3, 7, 8)
    names = {r.data.get("applicant_name") for r in batch.records if r.type == "case"}
    assert names and None not in names  # personal data travels


@pytest.mark.parametrize(
    "document, problem",
    [
        ({"format": 2}, "unsupported format"),
        ({"format": 1, "station": "x"}, "station"),
        ({"format": 1, "station": "370883101", "source": "0" * 36}, "source"),
    ],
)
def test_bad_documents_are_named(document, problem):
    with pytest.raises(wire.WireError, match=problem):
        wire.parse_batch(document)


def test_hash_truncation_and_bombs_are_refused(monkeypatch):
    encoded = wire.encode({"format": 1})
    with pytest.raises(wire.WireError, match="hash"):
        wire.decode_document(encoded.body, "f" * 64)
    with pytest.raises(wire.WireError, match=r"truncated|gzip"):
        wire.decode_document(encoded.body[:-5], None)
    monkeypatch.setattr(wire, "MAX_DOCUMENT_BYTES", 1 << 20)
    bomb = gzip.compress(b"[" + b" " * (wire.MAX_DOCUMENT_BYTES + 10) + b"]")
    with pytest.raises(wire.WireError, match="size limit"):
        wire.decode_document(bomb, None)


def test_bytes_per_case_on_the_wire_are_under_500(tmp_path):
    seed_demo(tmp_path / "demo.db", days=5, today=date(2026, 11, 20))
    with open_store(tmp_path / "demo.db") as store:
        cases = store.scalar("SELECT count(*) FROM cases")
        ident = outbox.identity(store)
        total = 0
        clock = FixedClock(MORNING)
        while (batch := outbox.new_batch(store, ident, clock)) is not None:
            total += len(wire.encode_batch(batch).body)
    # every record of the station (tickets and ratings too) divided by its cases
    assert total / cases <= 500, f"{total / cases:.0f} bytes per case"
