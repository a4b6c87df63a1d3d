"""The sync wire format, version 1: batches of records from a station to the county hub.

A batch is canonical JSON lines (UTF-8, keys sorted, no spaces): a header line, then one line
per record, gzip-compressed on the wire. Its content hash is the SHA-256 of the lines before
compression; it travels in the `X-Content-SHA256` header (online) or in the signed header of a
transfer file (USB). A record line is `{"data":{…},"day":…,"id":…,"t":…,"v":…}`, so the hub can
take each record's data as text without parsing it (`scan_batch`); the database checks it is
JSON. See docs/sync-wire-format.md. Shared by the station and the hub; no Qt, no database.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from typing import Any, NamedTuple

FORMAT = 1
MEDIA_TYPE = "application/vnd.counterapp.batch+json"
HASH_HEADER = "X-Content-SHA256"
RECORD_TYPES = ("case", "ticket", "rating", "slip_key")
DECISION_STATUSES = ("received", "processing", "done", "returned")
MAX_BODY_BYTES = 16 * 1024 * 1024          # compressed
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024     # after decompression (no zip bombs)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE = re.compile(r"[0-9A-Za-z-]{4,32}")


class WireError(ValueError):
    """A document that is not a valid format-1 batch; str() says what is wrong."""


class Record(NamedTuple):
    """One record's current state at send time: `version` is its version then."""

    type: str
    uuid: str
    version: int
    day: str                      # the service day it belongs to (reconciliation key)
    data: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"t": self.type, "id": self.uuid, "v": self.version, "day": self.day,
                "data": self.data}


class Batch(NamedTuple):
    station: str                  # the station code
    source: str                   # the store (one PC) that wrote it: seqs are per source
    batch_id: str
    created_at: str
    seqs: tuple[int, ...]         # the outbox sequence numbers this batch acknowledges
    records: tuple[Record, ...]
    pending_after: int = 0        # outbox rows still waiting at the station after this one

    def header(self) -> dict[str, Any]:
        return {"format": FORMAT, "station": self.station, "source": self.source,
                "batch": self.batch_id, "created_at": self.created_at,
                "seqs": to_ranges(self.seqs), "pending_after": self.pending_after,
                "records": len(self.records)}


class RawRecord(NamedTuple):
    """A record as the hub stores it: its data still as JSON text."""

    type: str
    uuid: str
    version: int
    day: str
    data: str


class ScannedBatch(NamedTuple):
    station: str
    source: str
    batch_id: str
    seqs: tuple[int, ...]
    pending_after: int
    records: tuple[RawRecord, ...]


class Encoded(NamedTuple):
    body: bytes                   # gzip of the canonical JSON
    sha256: str                   # of the canonical JSON (uncompressed)
    raw_size: int = 0


def canonical(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode(document: Any, level: int = 6) -> Encoded:
    raw = canonical(document)
    return Encoded(gzip.compress(raw, compresslevel=level, mtime=0), sha256_hex(raw), len(raw))


def encode_batch(batch: Batch, level: int = 6) -> Encoded:
    lines = [canonical(batch.header())]
    lines += [canonical(record.to_wire()) for record in batch.records]
    raw = b"\n".join(lines) + b"\n"
    return Encoded(gzip.compress(raw, compresslevel=level, mtime=0), sha256_hex(raw), len(raw))


def decompress(body: bytes) -> bytes:
    """Gunzip with a ceiling on the output size."""
    if len(body) > MAX_BODY_BYTES:
        raise WireError(f"body of {len(body)} bytes is over the limit of {MAX_BODY_BYTES}")
    inflater = zlib.decompressobj(wbits=31)
    try:
        raw = inflater.decompress(body, MAX_DOCUMENT_BYTES)
    except zlib.error as exc:
        raise WireError(f"not gzip data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise WireError("document is over the size limit after decompression")
    if not inflater.eof:
        raise WireError("gzip data is truncated")
    return raw


def _checked(body: bytes, sha256: str | None) -> bytes:
    raw = decompress(body)
    if sha256 is not None and sha256_hex(raw) != sha256.lower():
        raise WireError("content hash does not match: the batch was altered or cut in transit")
    return raw


def _json(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"not JSON: {exc}") from exc


def decode_document(body: bytes, sha256: str | None) -> dict[str, Any]:
    """Gunzip, check the content hash (when given) and parse one JSON object."""
    document = _json(_checked(body, sha256))
    if not isinstance(document, dict):
        raise WireError("the document must be a JSON object")
    return document


def _lines(raw: bytes) -> tuple[dict[str, Any], list[bytes]]:
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise WireError("empty batch")
    header = _json(lines[0])
    if not isinstance(header, dict):
        raise WireError("the header must be a JSON object")
    if header.get("records") != len(lines) - 1:
        raise WireError("the header's record count does not match the lines")
    return header, lines[1:]


def decode_batch(body: bytes, sha256: str | None) -> Batch:
    """The whole batch, every record parsed (station side, tests, tools)."""
    header, lines = _lines(_checked(body, sha256))
    return parse_batch({**header, "records": [_json(line) for line in lines]})


_TAIL = re.compile(rb',"day":"(\d{4}-\d{2}-\d{2})","id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   rb'[0-9a-f]{4}-[0-9a-f]{12})","t":"(case|ticket|rating|slip_key)","v":([1-9][0-9]{0,9})\}')
_HEAD = b'{"data":'


def scan_batch(body: bytes, sha256: str | None) -> ScannedBatch:
    """The hub's fast path: header checked, each record's data kept as JSON text.

    Canonical record lines are split at their fixed tail without parsing the data; any other
    line is parsed in full. The database then checks that each data text is JSON."""
    header, lines = _lines(_checked(body, sha256))
    batch = parse_batch({**header, "records": []})
    records = []
    for index, line in enumerate(lines):
        tail = _TAIL.search(line, max(0, len(line) - 140))
        if line.startswith(_HEAD) and tail is not None and tail.end() == len(line):
            data = line[len(_HEAD):tail.start()]
            if not (data.startswith(b"{") and data.endswith(b"}")):
                raise WireError(f"records[{index}]: data must be an object")
            kind, uuid, version, day = (tail.group(n).decode() for n in (3, 2, 4, 1))
            records.append(RawRecord(kind, uuid, int(version), day, data.decode("utf-8")))
        else:
            record = _parse_record(index, _json(line))
            records.append(RawRecord(record.type, record.uuid, record.version, record.day,
                                     json.dumps(record.data, ensure_ascii=False,
                                                separators=(",", ":"))))
    return ScannedBatch(batch.station, batch.source, batch.batch_id, batch.seqs,
                        batch.pending_after, tuple(records))


def parse_batch(doc: dict[str, Any]) -> Batch:
    if doc.get("format") != FORMAT:
        raise WireError(f"unsupported format {doc.get('format')!r}; this side knows {FORMAT}")
    station, source, batch_id = doc.get("station"), doc.get("source"), doc.get("batch")
    if not isinstance(station, str) or not _CODE.fullmatch(station):
        raise WireError("station must be a station code")
    if not isinstance(source, str) or not _UUID.fullmatch(source):
        raise WireError("source must be a UUID")
    if not isinstance(batch_id, str) or not _UUID.fullmatch(batch_id):
        raise WireError("batch must be a UUID")
    records_in = doc.get("records")
    if not isinstance(records_in, list):
        raise WireError("records must be a list")
    records = tuple(_parse_record(index, item) for index, item in enumerate(records_in))
    pending = doc.get("pending_after", 0)
    if not isinstance(pending, int) or pending < 0:
        raise WireError("pending_after must be a count")
    return Batch(station=station, source=source, batch_id=batch_id,
                 created_at=str(doc.get("created_at", "")), seqs=from_ranges(doc.get("seqs")),
                 records=records, pending_after=pending)


def _parse_record(index: int, item: Any) -> Record:
    where = f"records[{index}]"
    if not isinstance(item, dict):
        raise WireError(f"{where} must be an object")
    kind, uuid, version, day, data = (item.get(k) for k in ("t", "id", "v", "day", "data"))
    if kind not in RECORD_TYPES:
        raise WireError(f"{where}: type {kind!r} is not one of {', '.join(RECORD_TYPES)}")
    if not isinstance(uuid, str) or not _UUID.fullmatch(uuid):
        raise WireError(f"{where}: id must be a lower-case UUID")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise WireError(f"{where}: version must be a positive integer")
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise WireError(f"{where}: day must be YYYY-MM-DD")
    if not isinstance(data, dict):
        raise WireError(f"{where}: data must be an object")
    return Record(kind, uuid, version, day, data)


def to_ranges(seqs: tuple[int, ...] | list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 3], [7, 8]]: a batch's sequence numbers, compactly."""
    ranges: list[list[int]] = []
    for seq in sorted(seqs):
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def from_ranges(ranges: Any) -> tuple[int, ...]:
    if not isinstance(ranges, list):
        raise WireError("seqs must be a list of [first, last] ranges")
    seqs: list[int] = []
    for pair in ranges:
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(n, int) and n > 0 for n in pair) or pair[0] > pair[1]):
            raise WireError("seqs must be a list of [first, last] ranges")
        if pair[1] - pair[0] > 1_000_000:
            raise WireError("a seqs range is too long")
        seqs.extend(range(pair[0], pair[1] + 1))
    return tuple(seqs)


def day_digest(pairs: list[tuple[str, int]] | list[tuple[str, str, int]]) -> str:
    """The digest of one day's records: SHA-256 over sorted `type:uuid:version` lines."""
    lines = sorted(":".join(str(part) for part in pair) for pair in pairs)
    return sha256_hex("\n".join(lines).encode())
