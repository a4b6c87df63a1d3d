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
from datetime import date
from typing import Any, NamedTuple

FORMAT = 1
MEDIA_TYPE = "application/vnd.counterapp.batch+json"
HASH_HEADER = "X-Content-SHA256"
RECORD_TYPES = (
    "case",
    "ticket",
    "rating",
    "slip_key",
    "store_key",
    "complaint",
    "watch_contact",
)
# Secrets a station store hands to the hub, which keeps them sealed apart from the records:
# the slip verification secret and the key that seals the store itself (issue 13).
KEY_RECORD_TYPES = ("slip_key", "store_key")
# Types an older hub does not know (it refuses a batch holding one): a station sends them only
# once the hub has announced them in an acknowledgement's `accepts` (counterapp.sync.outbox).
ANNOUNCED_RECORD_TYPES = ("complaint", "watch_contact")
DECISION_STATUSES = ("received", "processing", "done", "returned")
MAX_BODY_BYTES = 16 * 1024 * 1024  # compressed
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024  # after decompression (no zip bombs)
# Bounds on the integers a batch carries, so that a hostile or broken document is refused
# (400) instead of reaching the database: a record changes a few dozen times in its life
# (each change is one version), and a station's outbox sequence never comes near 2**53.
MAX_VERSION = 1_000_000
MAX_SEQ = 2**53
MAX_SEQ_RANGES = 100_000  # [first, last] ranges in one batch header
MAX_SEQS = 1_000_000  # outbox rows one batch acknowledges
MAX_PENDING = 100_000_000

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"[0-9A-Za-z-]{4,32}")


class WireError(ValueError):
    """A document that is not a valid format-1 batch; str() says what is wrong."""


class Record(NamedTuple):
    """One record's current state at send time: `version` is its version then."""

    type: str
    uuid: str
    version: int
    day: str  # the service day it belongs to (reconciliation key)
    data: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {
            "t": self.type,
            "id": self.uuid,
            "v": self.version,
            "day": self.day,
            "data": self.data,
        }


class Batch(NamedTuple):
    station: str  # the station code
    source: str  # the store (one PC) that wrote it: seqs are per source
    batch_id: str
    created_at: str
    seqs: tuple[int, ...]  # the outbox sequence numbers this batch acknowledges
    records: tuple[Record, ...]
    pending_after: int = 0  # outbox rows still waiting at the station after this one

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "station": self.station,
            "source": self.source,
            "batch": self.batch_id,
            "created_at": self.created_at,
            "seqs": to_ranges(self.seqs),
            "pending_after": self.pending_after,
            "records": len(self.records),
        }


class RawRecord(NamedTuple):
    """A record as the hub stores it: its data still as JSON text."""

    type: str
    uuid: str
    version: int
    day: str
    data: str


Ranges = tuple[tuple[int, int], ...]


class ScannedBatch(NamedTuple):
    station: str
    source: str
    batch_id: str
    seq_ranges: Ranges  # checked, never expanded: [first, last] each
    pending_after: int
    records: tuple[RawRecord, ...]


class Encoded(NamedTuple):
    body: bytes  # gzip of the canonical JSON
    sha256: str  # of the canonical JSON (uncompressed)
    raw_size: int = 0


def canonical(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


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
    if inflater.unused_data:
        raise WireError(
            f"{len(inflater.unused_data)} bytes after the end of the gzip data "
            "(one gzip member, nothing after it)"
        )
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
    except RecursionError as exc:
        raise WireError("not JSON this hub takes: nested too deeply") from exc


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


_TAIL = re.compile(
    rb',"day":"(\d{4}-\d{2}-\d{2})","id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
    rb'[0-9a-f]{4}-[0-9a-f]{12})","t":"('
    + "|".join(RECORD_TYPES).encode()  # every type, from the one list
    + rb')","v":([1-9][0-9]{0,6})\}'
)
_HEAD = b'{"data":'


def scan_batch(body: bytes, sha256: str | None) -> ScannedBatch:
    """The hub's fast path: header checked, each record's data kept as JSON text.

    Canonical record lines are split at their fixed tail without parsing the data; any other
    line is parsed in full. The database then checks that each data text is JSON."""
    header, lines = _lines(_checked(body, sha256))
    batch_id, station, source, seq_ranges, pending = _parse_header(header)
    records = []
    for index, line in enumerate(lines):
        tail = _TAIL.search(line, max(0, len(line) - 140))
        if line.startswith(_HEAD) and tail is not None and tail.end() == len(line):
            data = line[len(_HEAD) : tail.start()]
            if not (data.startswith(b"{") and data.endswith(b"}")):
                raise WireError(f"records[{index}]: data must be an object")
            kind, uuid, version, day = (tail.group(n).decode() for n in (3, 2, 4, 1))
            where = f"records[{index}]"
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise WireError(f"{where}: data is not UTF-8 (byte {exc.start})") from exc
            records.append(
                RawRecord(kind, uuid, _version(where, int(version)), _day(where, day), text)
            )
        else:
            record = _parse_record(index, _json(line))
            records.append(
                RawRecord(
                    record.type,
                    record.uuid,
                    record.version,
                    record.day,
                    json.dumps(record.data, ensure_ascii=False, separators=(",", ":")),
                )
            )
    return ScannedBatch(station, source, batch_id, seq_ranges, pending, tuple(records))


def parse_batch(doc: dict[str, Any]) -> Batch:
    batch_id, station, source, seq_ranges, pending = _parse_header(doc)
    records_in = doc.get("records")
    if not isinstance(records_in, list):
        raise WireError("records must be a list")
    records = tuple(_parse_record(index, item) for index, item in enumerate(records_in))
    return Batch(
        station=station,
        source=source,
        batch_id=batch_id,
        created_at=str(doc.get("created_at", "")),
        seqs=expand(seq_ranges),
        records=records,
        pending_after=pending,
    )


def _parse_header(doc: dict[str, Any]) -> tuple[str, str, str, Ranges, int]:
    """(batch id, station, source, seq ranges, pending_after) of a batch header."""
    if doc.get("format") != FORMAT:
        raise WireError(f"unsupported format {doc.get('format')!r}; this side knows {FORMAT}")
    station, source, batch_id = doc.get("station"), doc.get("source"), doc.get("batch")
    if not isinstance(station, str) or not _CODE.fullmatch(station):
        raise WireError("station must be a station code")
    if not isinstance(source, str) or not _UUID.fullmatch(source):
        raise WireError("source must be a UUID")
    if not isinstance(batch_id, str) or not _UUID.fullmatch(batch_id):
        raise WireError("batch must be a UUID")
    pending = doc.get("pending_after", 0)
    if not _is_int(pending) or not 0 <= pending <= MAX_PENDING:
        raise WireError(f"pending_after must be a count from 0 to {MAX_PENDING}")
    return batch_id, station, source, parse_ranges(doc.get("seqs")), pending


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _version(where: str, version: Any) -> int:
    if not _is_int(version) or not 1 <= version <= MAX_VERSION:
        raise WireError(f"{where}: version must be an integer from 1 to {MAX_VERSION}")
    return int(version)


def _day(where: str, day: Any) -> str:
    """A service day: YYYY-MM-DD naming a real date."""
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise WireError(f"{where}: day must be YYYY-MM-DD")
    try:
        date.fromisoformat(day)
    except ValueError as exc:
        raise WireError(f"{where}: day {day} is not a date ({exc})") from exc
    return day


def _parse_record(index: int, item: Any) -> Record:
    where = f"records[{index}]"
    if not isinstance(item, dict):
        raise WireError(f"{where} must be an object")
    kind, uuid, version, day, data = (item.get(k) for k in ("t", "id", "v", "day", "data"))
    if kind not in RECORD_TYPES:
        raise WireError(f"{where}: type {kind!r} is not one of {', '.join(RECORD_TYPES)}")
    if not isinstance(uuid, str) or not _UUID.fullmatch(uuid):
        raise WireError(f"{where}: id must be a lower-case UUID")
    if not isinstance(data, dict):
        raise WireError(f"{where}: data must be an object")
    return Record(kind, uuid, _version(where, version), _day(where, day), data)


def to_ranges(seqs: tuple[int, ...] | list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 3], [7, 8]]: a batch's sequence numbers, compactly."""
    ranges: list[list[int]] = []
    for seq in sorted(seqs):
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def parse_ranges(ranges: Any) -> Ranges:
    """Checked `seqs` ranges, not expanded: at most MAX_SEQ_RANGES of them, ascending and
    apart (as `to_ranges` writes them), each number from 1 to MAX_SEQ, MAX_SEQS in all."""
    shape = "seqs must be a list of [first, last] ranges, ascending, of integers ≥ 1"
    if not isinstance(ranges, list):
        raise WireError(shape)
    if len(ranges) > MAX_SEQ_RANGES:
        raise WireError(f"seqs has {len(ranges)} ranges; at most {MAX_SEQ_RANGES}")
    checked: list[tuple[int, int]] = []
    covered = 0
    for index, pair in enumerate(ranges):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(map(_is_int, pair))
            or not 1 <= pair[0] <= pair[1]
        ):
            raise WireError(f"{shape} (seqs[{index}])")
        if pair[1] > MAX_SEQ:
            raise WireError(f"seqs[{index}]: a sequence number is over {MAX_SEQ}")
        if checked and pair[0] <= checked[-1][1]:
            raise WireError(f"seqs[{index}] overlaps or precedes the range before it")
        covered += pair[1] - pair[0] + 1
        if covered > MAX_SEQS:
            raise WireError(f"seqs cover more than {MAX_SEQS} sequence numbers")
        checked.append((pair[0], pair[1]))
    return tuple(checked)


def expand(ranges: Ranges) -> tuple[int, ...]:
    """Every sequence number of checked ranges (at most MAX_SEQS): the station's side."""
    return tuple(seq for first, last in ranges for seq in range(first, last + 1))


def from_ranges(ranges: Any) -> tuple[int, ...]:
    """Checked and expanded `seqs` (a station reading an ack)."""
    return expand(parse_ranges(ranges))


def top_seq(ranges: Ranges) -> int:
    """The highest sequence number of checked ranges (0 for none)."""
    return ranges[-1][1] if ranges else 0


def day_digest(pairs: list[tuple[str, int]] | list[tuple[str, str, int]]) -> str:
    """The digest of one day's records: SHA-256 over sorted `type:uuid:version` lines."""
    lines = sorted(":".join(str(part) for part in pair) for pair in pairs)
    return sha256_hex("\n".join(lines).encode())
