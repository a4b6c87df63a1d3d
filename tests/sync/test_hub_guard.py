"""The hub's guard and its keys (issue 13): rate limits with logged refusals and no token in the
logs, a client gone mid-body logged quietly, decisions only for the case number's own station,
the signing key sealed (an older hub's plaintext key sealed at start, and erased)."""

from __future__ import annotations

import base64
import gzip
import logging
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest

from counterapp.sync import transfer
from counterapp.sync.wire import HASH_HEADER, MEDIA_TYPE, canonical, sha256_hex
from hub import feeds, identity
from hub.db import Database
from hub.limits import Limits, Rate, RateLimiter, Refused
from hub.sealing import KEY_ENV
from tests.sync.conftest import now, register
from tests.sync.hubctl import ThreadHub


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(f"{r.levelname} {r.getMessage()} {r.exc_text or ''}" for r in self.records)


@pytest.fixture
def logs():
    """What the hub and uvicorn log (uvicorn's loggers do not reach pytest's caplog)."""
    handler = Captured()
    loggers = [logging.getLogger(name) for name in ("hub", "uvicorn.error", "uvicorn")]
    for logger in loggers:
        logger.addHandler(handler)
    logging.getLogger("hub").setLevel(logging.DEBUG)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    logging.getLogger("hub").setLevel(logging.NOTSET)


# --- rate limits ----------------------------------------------------------------------------------
def test_a_bucket_refills_at_its_rate_and_says_when():
    clock = [100.0]
    limiter = RateLimiter(Rate(per_second=0.5, burst=2), clock=lambda: clock[0])
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(Refused) as first:
        limiter.take("a")
    assert first.value.retry_after == 2 and first.value.first
    with pytest.raises(Refused) as again:
        limiter.take("a")
    assert not again.value.first  # a flood is logged once
    limiter.take("b")  # another key has its own bucket
    clock[0] += 2.0
    limiter.take("a")
    with pytest.raises(Refused) as later:
        limiter.take("a")
    assert later.value.first  # a request passed since


def test_buckets_stay_bounded_in_number():
    clock = [0.0]
    limiter = RateLimiter(Rate(per_second=1.0, burst=5), clock=lambda: clock[0], max_keys=100)
    for n in range(1000):
        limiter.spend(f"10.0.{n // 256}.{n % 256}")
        clock[0] += 0.001
    assert len(limiter._buckets) <= 100


def test_limits_refuse_with_429_and_log_without_the_token(hub_db, logs):
    token = register(hub_db, "370883101").token
    tight = Limits(holder=Rate(per_second=0.01, burst=3), failed_auth=Rate(0.01, burst=2))
    hub = ThreadHub(hub_db, limits=tight).start()
    try:
        url = f"{hub.url}/v1/whoami"
        good = {"Authorization": f"Bearer {token}"}
        assert [httpx.get(url, headers=good).status_code for _ in range(3)] == [200] * 3
        refused = httpx.get(url, headers=good)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert httpx.get(url, headers=good).status_code == 429

        guessed = {"Authorization": "Bearer cah_guessed-token-1234"}
        assert [httpx.get(url, headers=guessed).status_code for _ in range(2)] == [401, 401]
        assert httpx.get(url).status_code == 429  # this address failed too often
    finally:
        hub.stop()
    warnings = [r.getMessage() for r in logs.records if r.levelno == logging.WARNING]
    assert sum("429" in w and "station 370883101" in w for w in warnings) == 1  # once
    assert sum(w.startswith("401 GET /v1/whoami from 127.0.0.1") for w in warnings) == 2
    assert sum("failed authentications from 127.0.0.1" in w for w in warnings) == 1
    assert token not in logs.text() and "guessed-token" not in logs.text()


def test_a_client_gone_mid_body_is_logged_quietly(hub, hub_db, logs):
    token = register(hub_db, "370883101").token
    with socket.create_connection(("127.0.0.1", hub.port), timeout=10) as conn:
        conn.sendall(
            f"POST /v1/batches HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}"
            f"\r\n{HASH_HEADER}: {'0' * 64}\r\nContent-Length: 100000\r\n\r\n".encode()
            + b"\x1f\x8b" * 10
        )
        time.sleep(0.2)  # the hub is reading the body
    deadline = time.monotonic() + 10
    while "disconnected" not in logs.text() and time.monotonic() < deadline:
        time.sleep(0.02)
    gone = [r for r in logs.records if "disconnected" in r.getMessage()]
    assert gone and all(r.levelno == logging.INFO and r.exc_info is None for r in gone)
    assert not [r for r in logs.records if r.levelno >= logging.ERROR], logs.text()


# --- decisions go to the case number's own station ------------------------------------------------
def _case_batch(station: str, case_no: str) -> tuple[bytes, str]:
    record = {
        "data": {"case_no": case_no, "forwarded_at": "2026-11-25T10:00:00+08:00"},
        "day": "2026-11-25",
        "id": str(uuid.uuid4()),
        "t": "case",
        "v": 1,
    }
    head = {
        "format": 1,
        "station": station,
        "source": str(uuid.uuid4()),
        "batch": str(uuid.uuid4()),
        "created_at": "2026-11-25T10:00:00+08:00",
        "pending_after": 0,
        "records": 1,
        "seqs": [[1, 1]],
    }
    raw = canonical(head) + b"\n" + canonical(record) + b"\n"
    return raw, str(record["id"])


def test_a_decision_reaches_only_the_station_the_case_number_names(hub, hub_db):
    """Station 370883102 uploads a case under 370883101's number first; the county's decision
    on that number is still the real owner's, never the squatter's."""
    tokens = {code: register(hub_db, code).token for code in ("370883101", "370883102")}
    number = "370883101-20261125-01-0007"
    uuids = {}
    for station in ("370883102", "370883101"):  # the squatter first
        raw, uuids[station] = _case_batch(station, number)
        answer = httpx.post(
            f"{hub.url}/v1/batches",
            content=gzip.compress(raw),
            headers={
                "Authorization": f"Bearer {tokens[station]}",
                "Content-Type": MEDIA_TYPE,
                HASH_HEADER: sha256_hex(raw),
            },
        )
        assert answer.status_code == 200, answer.text
    feeds.decide(hub_db, number, "processing", "", "county", now())
    assert [d["case"] for d in feeds.decisions_after(hub_db, "370883101", 0)] == [
        uuids["370883101"]
    ]
    assert feeds.decisions_after(hub_db, "370883102", 0) == []
    with pytest.raises(feeds.FeedProblem, match="neither a case UUID nor a case number"):
        feeds.decide(hub_db, "0007", "done", "已认定", "county", now())
    with pytest.raises(feeds.FeedProblem, match="of station 370883109"):
        feeds.decide(hub_db, "370883109-20261125-01-0007", "done", "已认定", "county", now())
    feeds.decide(hub_db, uuids["370883102"], "done", "已认定", "county", now())  # by UUID
    assert [d["case"] for d in feeds.decisions_after(hub_db, "370883102", 0)] == [
        uuids["370883102"]
    ]


# --- the hub's signing key, sealed ----------------------------------------------------------------
def _dump(db: Database) -> str:
    with db.transaction(write=False) as tx:
        return repr(tx.all("SELECT * FROM hub_identity"))


def _ack_opens(db: Database, private: str) -> bool:
    ack = transfer.seal("acks", "370883101", now(), [transfer.acks_part([])], private)
    transfer.open_sealed(ack, identity.public_key(db, now()))
    return True


def test_the_signing_key_is_sealed_and_useless_without_the_key_file(
    hub_url, sealing_key, tmp_path, monkeypatch
):
    monkeypatch.delenv(KEY_ENV)
    db = Database(hub_url, sealing_key=sealing_key)
    public = identity.public_key(db, now())
    private = identity.private_key(db, now())
    assert transfer.public_of(private) == public and _ack_opens(db, private)
    assert private not in _dump(db) and base64.b64decode(private).hex() not in _dump(db)
    db.close()
    if hub_url.startswith("sqlite"):
        monkeypatch.setenv(KEY_ENV, str(tmp_path / "another.key"))
    wrong = Database(hub_url)  # moved without its key file
    try:
        assert identity.public_key(wrong, now()) == public  # stations still pin it
        with pytest.raises(identity.SealingProblem):
            identity.private_key(wrong, now())
    finally:
        wrong.close()


def test_an_older_hubs_plaintext_key_is_sealed_at_start_and_erased(
    hub_url, sealing_key, monkeypatch, caplog
):
    monkeypatch.delenv(KEY_ENV)
    private, public = transfer.new_key_pair()
    if hub_url.startswith("sqlite"):
        monkeypatch.setenv(KEY_ENV, str(sealing_key.with_suffix(".unused")))
    old = Database(hub_url)
    with old.transaction() as tx:  # as a hub before migration 0003 kept it
        tx.execute(
            "INSERT INTO hub_identity (id, private_key, public_key, created_at) "
            "VALUES (1, ?, ?, ?)",
            (private, public, now()),
        )
    old.close()
    if hub_url.startswith("postgres"):  # no key file: kept, used, warned about
        with caplog.at_level(logging.WARNING, logger="hub"):
            keyless = Database(hub_url)
        assert "kept in plaintext" in caplog.text and "--sealing-key" in caplog.text
        assert identity.private_key(keyless, now()) == private
        keyless.close()
    monkeypatch.delenv(KEY_ENV, raising=False)
    mended = Database(hub_url, sealing_key=sealing_key)
    try:
        assert private not in _dump(mended)
        assert identity.private_key(mended, now()) == private and _ack_opens(mended, private)
        if hub_url.startswith("sqlite"):  # not left in the file's free pages
            path = Path(hub_url.removeprefix("sqlite:///"))
            stored = (
                path.read_bytes() + Path(f"{path}-wal").read_bytes()
                if Path(f"{path}-wal").exists()
                else path.read_bytes()
            )
            assert private.encode() not in stored
    finally:
        mended.close()


def test_without_a_sealing_key_no_signing_key_is_made(hub_url, monkeypatch):
    if hub_url.startswith("sqlite"):
        pytest.skip("a SQLite trial hub makes its key file beside the database")
    monkeypatch.delenv(KEY_ENV)
    db = Database(hub_url)
    try:
        with pytest.raises(identity.SealingProblem, match="--sealing-key"):
            identity.public_key(db, now())
        with pytest.raises(identity.SealingProblem):
            register(db, "370883101")
        assert _dump(db) == "[]"
    finally:
        db.close()
