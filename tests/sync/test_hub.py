"""The hub on its own: health, OpenAPI, authentication, idempotent ingest, admin CLI."""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from counterapp.sync import outbox, transfer, wire
from counterapp.sync.wire import HASH_HEADER, MEDIA_TYPE, encode_batch
from hub import admin, stations
from tests.sync.conftest import now, register
from tests.sync.stations import add_visits


def test_health_and_openapi(hub):
    health = httpx.get(f"{hub.url}/health").json()
    assert health["status"] == "ok" and health["schema_version"] >= 1
    paths = httpx.get(f"{hub.url}/openapi.json").json()["paths"]
    for path in (
        "/v1/batches",
        "/v1/reconcile",
        "/v1/catalogue",
        "/v1/decisions",
        "/v1/transfer",
        "/health",
    ):
        assert path in paths


def test_uploads_need_a_valid_token_and_an_intact_body(hub, hub_db, town):
    creds = register(hub_db, town.station.code)
    add_visits(town, 2)
    encoded = encode_batch(outbox.new_batch(town.store, outbox.identity(town.store), town.clock))
    headers = {"Content-Type": MEDIA_TYPE, HASH_HEADER: encoded.sha256}
    url = f"{hub.url}/v1/batches"
    assert httpx.post(url, content=encoded.body, headers=headers).status_code == 401
    bad = {**headers, "Authorization": "Bearer cah_nope"}
    assert httpx.post(url, content=encoded.body, headers=bad).status_code == 401
    good = {**headers, "Authorization": f"Bearer {creds.token}"}
    altered = {**good, HASH_HEADER: "0" * 64}
    answer = httpx.post(url, content=encoded.body, headers=altered)
    assert answer.status_code == 400 and "hash" in answer.json()["detail"]
    assert httpx.post(url, content=encoded.body[:-9], headers=good).status_code == 400
    ack = httpx.post(url, content=encoded.body, headers=good).json()
    assert ack["stored"] == ack["records"] > 0


def test_tokens_are_kept_only_as_hashes(hub_db, hub_url, tmp_path):
    creds = register(hub_db, "370883105")
    assert stations.authenticate(hub_db, creds.token) == "370883105"
    with hub_db.transaction() as tx:
        dump = repr(tx.all("SELECT * FROM stations"))
    assert creds.token not in dump and creds.signing_key not in dump
    rotated = stations.rotate(hub_db, "370883105", now())
    assert stations.authenticate(hub_db, creds.token) is None
    assert stations.authenticate(hub_db, rotated.token) == "370883105"


def test_admin_command_line(hub_url, capsys, tmp_path):
    assert (
        admin.main(
            [
                "--db",
                hub_url,
                "register",
                "370883102",
                "--name",
                "太平镇医保服务站",
                "--level",
                "town",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    token = next(line.split()[-1] for line in out.splitlines() if line.startswith("token"))
    assert token.startswith("cah_") and "shown once" in out
    assert (
        admin.main(["--db", hub_url, "register", "370883102", "--name", "x", "--level", "town"])
        == 2
    )
    assert admin.main(["--db", hub_url, "status"]) == 0
    assert "370883102\t太平镇医保服务站\ttown\tactive\tnever" in capsys.readouterr().out
    assert admin.main(["--db", hub_url, "rotate", "370883102", "--signing-key"]) == 0
    assert "signing key:" in capsys.readouterr().out
    assert admin.main(["--db", hub_url, "revoke", "370883102"]) == 0
    assert admin.main(["--db", hub_url, "status"]) == 0
    assert "\trevoked\t" in capsys.readouterr().out
    assert admin.main(["--db", hub_url, "hub-key"]) == 0
    public, certified = capsys.readouterr().out.split()
    assert len(public) == 44 and transfer.certified_key(certified, public)
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert admin.main(["--db", hub_url, "catalogue-import", str(bad)]) == 2
    assert "nothing changed" in capsys.readouterr().err
    assert admin.main(["--db", hub_url, "decide", "nope", "--status", "done"]) == 2


@pytest.mark.parametrize("level", ["nowhere"])
def test_registration_checks_the_level(hub_db, level):
    with pytest.raises(stations.StationProblem):
        stations.register(hub_db, "370883109", "x", level, now())


def test_any_json_writer_is_accepted_and_bad_data_refused(hub, hub_db, town):
    creds = register(hub_db, town.station.code)
    add_visits(town, 2)
    batch = outbox.new_batch(town.store, outbox.identity(town.store), town.clock)
    header = json.dumps(batch.header())
    lines = [
        json.dumps(r.to_wire(), ensure_ascii=True, indent=None)  # not canonical
        for r in batch.records
    ]
    raw = ("\n".join([header, *lines]) + "\n").encode()
    headers = {"Authorization": f"Bearer {creds.token}", "Content-Type": MEDIA_TYPE}
    answer = httpx.post(
        f"{hub.url}/v1/batches",
        content=gzip.compress(raw),
        headers={**headers, HASH_HEADER: wire.sha256_hex(raw)},
    )
    assert answer.status_code == 200 and answer.json()["stored"] == len(batch.records)
    broken = raw.replace(b'"data": {', b'"data": {"x": nope, ', 1)
    assert broken != raw
    canonical_broken = (
        b"\n".join(
            [
                wire.canonical(batch.header()),
                b'{"data":{"oops":},"day":"2026-11-23","id":"'
                + batch.records[0].uuid.encode()
                + b'","t":"case","v":99}',
            ]
        )
        + b"\n"
    )
    canonical_broken = canonical_broken.replace(
        b'"records":' + str(len(batch.records)).encode(), b'"records":1'
    )
    for body in (broken, canonical_broken):
        answer = httpx.post(
            f"{hub.url}/v1/batches",
            content=gzip.compress(body),
            headers={**headers, HASH_HEADER: wire.sha256_hex(body)},
        )
        assert answer.status_code == 400, answer.text
    with hub_db.transaction() as tx:
        assert tx.scalar("SELECT max(version) FROM records") < 99


def test_the_same_batch_uploaded_concurrently_is_stored_once(hub, hub_db, town):
    creds = register(hub_db, town.station.code)
    add_visits(town, 30)
    encoded = encode_batch(outbox.new_batch(town.store, outbox.identity(town.store), town.clock))
    headers = {
        "Authorization": f"Bearer {creds.token}",
        "Content-Type": MEDIA_TYPE,
        HASH_HEADER: encoded.sha256,
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.post(
                    f"{hub.url}/v1/batches", content=encoded.body, headers=headers, timeout=60
                ),
                range(4),
            )
        )
    assert all(answer.status_code == 200 for answer in answers)
    assert sum(answer.json()["stored"] for answer in answers) == answers[0].json()["records"]
    with hub_db.transaction() as tx:
        assert (
            tx.one("SELECT count(*), count(DISTINCT uuid) FROM records")
            == (answers[0].json()["records"],) * 2
        )
        assert tx.scalar("SELECT times FROM batches") == 4
