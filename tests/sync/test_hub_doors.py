"""The hub's doors, tried as an attacker on loopback would (issue 13): the token before any
body, bodies capped while read, hostile numbers, dates and bytes refused with a 4xx naming
them (never a 500, never stored), one gzip member and nothing after it, an OpenAPI that
declares what the hub answers. Over SQLite and PostgreSQL where the database is involved."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from counterapp.sync import wire
from counterapp.sync.wire import HASH_HEADER, MEDIA_TYPE, canonical, sha256_hex
from hub.app import RECONCILE_MAX_BYTES, SLIP_CHECK_MAX_BYTES, create_app
from hub.models import MAX_RECONCILE_DAYS
from tests.sync.conftest import register

STATION = "370883101"
CASE = {"case_no": f"{STATION}-20261125-01-0001", "state": "received"}


def header(records: int, **fields: object) -> dict[str, object]:
    return {
        "format": 1,
        "station": STATION,
        "source": str(uuid.uuid4()),
        "batch": str(uuid.uuid4()),
        "created_at": "2026-11-25T09:00:00+08:00",
        "pending_after": 0,
        "records": records,
        "seqs": [[1, max(records, 1)]],
        **fields,
    }


def line(
    version: object = 1,
    day: object = "2026-11-25",
    data: object = None,
    record_id: str | None = None,
) -> bytes:
    return canonical(
        {
            "data": CASE if data is None else data,
            "day": day,
            "id": record_id or str(uuid.uuid4()),
            "t": "case",
            "v": version,
        }
    )


def document(lines: list[bytes], **fields: object) -> bytes:
    return b"\n".join([canonical(header(len(lines), **fields)), *lines]) + b"\n"


class Upload:
    """POSTs raw batch documents to a real hub with a real station token."""

    def __init__(self, hub, hub_db) -> None:
        self.hub, self.db = hub, hub_db
        self.token = register(hub_db, STATION).token

    def post(self, raw: bytes, body: bytes | None = None) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": MEDIA_TYPE,
            HASH_HEADER: sha256_hex(raw),
        }
        return httpx.post(
            f"{self.hub.url}/v1/batches",
            headers=headers,
            timeout=60,
            content=gzip.compress(raw, mtime=0) if body is None else body,
        )

    def held(self) -> list[tuple[int, str]]:
        with self.db.transaction(write=False) as tx:
            return [(int(v), str(d)) for v, d in tx.all("SELECT version, day FROM records")]


@pytest.fixture
def upload(hub, hub_db) -> Upload:
    return Upload(hub, hub_db)


# --- numbers, dates and bytes -----------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, named",
    [
        (document([line(version=2**63 - 1)]), "version must be an integer from 1 to"),
        (document([line(version=2**63)]), "version must be an integer from 1 to"),
        (document([line(version=wire.MAX_VERSION + 1)]), "version must be an integer from 1 to"),
        (document([line(version=True)]), "version must be an integer"),
        (document([line(day="2026-13-45")]), "day 2026-13-45 is not a date"),
        (document([line(day="2026-02-30")]), "day 2026-02-30 is not a date"),
        (document([line(day="２０２６-11-25")]), "day must be YYYY-MM-DD"),
        (document([line()], seqs=[[1, 2**63]]), "over 9007199254740992"),
        (document([line()], seqs=[[2**64, 2**64 + 1]]), "over 9007199254740992"),
        (document([line()], seqs=[[0, 3]]), "integers ≥ 1"),
        (document([line()], seqs=[[5, 9], [1, 2]]), "overlaps or precedes"),
        (document([line()], pending_after=2**63), "pending_after must be a count"),
        (document([line()], pending_after=-1), "pending_after must be a count"),
        (document([line()]).replace(b'"state":"received"', b'"state":"\xff\xfe"'), "not UTF-8"),
        (
            document([line(data={"x": "[" * 100_000})]).replace(
                b'"' + b"[" * 100_000 + b'"', b"[" * 100_000
            ),
            "JSON",
        ),
    ],
    ids=[
        "v=2**63-1",
        "v=2**63",
        "v>max",
        "v=true",
        "month 13",
        "Feb 30",
        "wide digits",
        "seq 2**63",
        "seq 2**64",
        "seq 0",
        "seqs unordered",
        "pending 2**63",
        "pending<0",
        "raw 0xFF",
        "nested 100,000 deep",
    ],
)
def test_hostile_numbers_dates_and_bytes_are_refused_by_name(upload, raw, named):
    answer = upload.post(raw)
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["detail"]
    assert upload.held() == []


def test_the_highest_allowed_values_are_stored(upload):
    raw = document(
        [line(version=wire.MAX_VERSION, day="2028-02-29")],
        seqs=[[1, 3], [2**53 - 5, 2**53]],
        pending_after=wire.MAX_PENDING,
    )
    answer = upload.post(raw)
    assert answer.status_code == 200, answer.text
    assert answer.json()["seqs"] == [[1, 3], [2**53 - 5, 2**53]]
    assert upload.held() == [(wire.MAX_VERSION, "2028-02-29")]


def test_seqs_ranges_are_bounded_and_never_expanded(upload):
    """A 400-byte batch once asked the hub for 50 million sequence numbers (2.4 GiB, 15 s)."""
    bomb = document([], seqs=[[n * 2_000_000 + 1, n * 2_000_000 + 1_000_001] for n in range(50)])
    assert len(gzip.compress(bomb)) < 600
    answer = upload.post(bomb)
    assert answer.status_code == 400 and "more than 1000000" in answer.json()["detail"]
    many = document([], seqs=[[n * 3 + 1, n * 3 + 1] for n in range(wire.MAX_SEQ_RANGES + 1)])
    answer = upload.post(many)
    assert answer.status_code == 400 and "at most 100000" in answer.json()["detail"]
    # within bounds the ranges are checked and kept as ranges, not as a million numbers
    ranges = wire.parse_ranges([[1, 400_000], [500_001, 1_100_000]])
    assert ranges == ((1, 400_000), (500_001, 1_100_000)) and wire.top_seq(ranges) == 1_100_000


def test_trailing_bytes_after_the_gzip_member_are_refused(upload):
    raw = document([line()])
    for junk in (b"\x00", b"junk" * 100, gzip.compress(b"more")):
        answer = upload.post(raw, gzip.compress(raw, mtime=0) + junk)
        assert answer.status_code == 400, answer.text
        assert "after the end of the gzip data" in answer.json()["detail"]
    assert upload.held() == []
    assert upload.post(raw).status_code == 200


def test_query_integers_out_of_range_are_422_not_500(hub, hub_db):
    token = register(hub_db, STATION).token
    auth = {"Authorization": f"Bearer {token}"}
    for after in (2**63, 2**64, -1, "1e3", "0x10"):
        answer = httpx.get(f"{hub.url}/v1/decisions", params={"after": after}, headers=auth)
        assert answer.status_code == 422, (after, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["query", "after"]
    answer = httpx.get(f"{hub.url}/v1/decisions", params={"after": 2**63 - 1}, headers=auth)
    assert answer.status_code == 200 and answer.json() == {"decisions": []}


def test_reconcile_checks_what_it_is_asked(hub, hub_db):
    token = register(hub_db, STATION).token
    url, auth = f"{hub.url}/v1/reconcile", {"Authorization": f"Bearer {token}"}
    good = {"count": 1, "digest": "a" * 64}
    source = str(uuid.uuid4())
    for body, field in [
        ({"source": source, "days": {"2026-13-45": good}}, "days"),
        ({"source": source, "days": {"2026-11-25": {"count": 2**63, "digest": "a" * 64}}}, "count"),
        ({"source": source, "days": {"2026-11-25": {"count": 1, "digest": "x"}}}, "digest"),
        ({"source": "not-a-uuid", "days": {}}, "source"),
        (
            {
                "source": source,
                "days": {
                    f"{2000 + n // 365}-01-01": good
                    for n in range(0, 365 * (MAX_RECONCILE_DAYS + 1), 365)
                },
            },
            "days",
        ),
    ]:
        answer = httpx.post(url, json=body, headers=auth)
        assert answer.status_code == 422, answer.text
        assert field in json.dumps(answer.json()["detail"])
    answer = httpx.post(url, json={"source": source, "days": {"2026-11-25": good}}, headers=auth)
    assert answer.status_code == 200
    assert answer.json()["days"]["2026-11-25"]["count"] == 0


# --- the token before the body, bodies capped while read ---------------------------------------
class Pulled:
    """A streamed request body that counts how much of it the server asked for."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += self.chunk
            yield b"{" * self.chunk


POSTS = [
    ("/v1/batches", 16 * 1024 * 1024),
    ("/v1/reconcile", RECONCILE_MAX_BYTES),
    ("/v1/transfer", 16 * 1024 * 1024),
    ("/v1/staff/slip-checks", SLIP_CHECK_MAX_BYTES),
]


@pytest.mark.parametrize("path, limit", POSTS)
def test_no_byte_of_a_body_is_read_before_the_token(hub_db, path, limit):
    """Through the ASGI app itself: the body is pulled only as the hub asks for it."""
    station_token = register(hub_db, STATION).token
    from hub import staff

    staff_token = staff.issue(hub_db, "desk", "2026-11-25T09:00:00+08:00")
    token = staff_token if "staff" in path else station_token

    async def run() -> list[tuple[int | None, int, int]]:
        transport = httpx.ASGITransport(app=create_app(hub_db))
        seen = []
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            for given, size in [
                (None, 400 * 1024 * 1024),
                ("cah_nope", 400 * 1024 * 1024),
                (token, 400 * 1024 * 1024),
            ]:
                body = Pulled(size)
                headers = {HASH_HEADER: "0" * 64, "Content-Type": "application/json"}
                if given:
                    headers["Authorization"] = f"Bearer {given}"
                answer = await client.post(path, content=body, headers=headers)
                seen.append((answer.status_code, body.sent, size))
        return seen

    (anonymous, wrong, right) = asyncio.run(run())
    assert anonymous[:2] == (401, 0) and wrong[:2] == (401, 0)
    assert right[0] == 413 and right[1] <= limit + 64 * 1024  # stopped at the cap


def raw_request(hub, head: str, body: bytes = b"") -> bytes:
    """Send bytes as they are (no client to fix them) and read the start of the answer."""
    with socket.create_connection(("127.0.0.1", hub.port), timeout=10) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        return conn.recv(4096)


def test_a_declared_length_over_the_cap_is_refused_unread(hub, hub_db):
    token = register(hub_db, STATION).token
    answer = raw_request(
        hub,
        f"POST /v1/reconcile HTTP/1.1\nHost: hub\n"
        f"Authorization: Bearer {token}\n"
        f"Content-Length: {RECONCILE_MAX_BYTES + 1}\n",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")


# --- what the OpenAPI declares ------------------------------------------------------------------
# The hub's doors that take no bearer token: its public key, and enrolment by one-time code.
OPEN_DOORS = ("/v1/hub-key", "/v1/enrol")


def test_the_openapi_declares_what_the_hub_answers(hub):
    spec = httpx.get(f"{hub.url}/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            if path.startswith("/v1/") and path not in OPEN_DOORS:
                assert {"401", "429"} <= codes, (path, method)
                assert operation["security"] == [{"HTTPBearer": []}], (path, method)
                assert "Retry-After" in operation["responses"]["429"]["headers"]
            if path == "/v1/enrol":  # no token yet: the one-time code is the credential
                assert "security" not in operation and {"404", "410", "429"} <= codes
                assert "Retry-After" in operation["responses"]["429"]["headers"]
            if method == "post":
                assert "413" in codes, (path, codes)
    batches = spec["paths"]["/v1/batches"]["post"]
    assert {"400", "403"} <= set(batches["responses"])
    (sha,) = [p for p in batches["parameters"] if p["name"] == HASH_HEADER]
    assert sha["in"] == "header" and sha["required"] and sha["schema"]["pattern"]
    reconcile = spec["paths"]["/v1/reconcile"]["post"]["requestBody"]["content"]
    assert "$ref" not in json.dumps(reconcile)
    assert reconcile["application/json"]["schema"]["properties"]["days"]["maxProperties"] == (
        MAX_RECONCILE_DAYS
    )
