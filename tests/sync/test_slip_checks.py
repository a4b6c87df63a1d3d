"""Slips checked at the county: a station prints a notice, syncs to a real hub (SQLite and
PostgreSQL) and county staff check the slip's code there (API and admin command line)."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import stat
import uuid
from pathlib import Path

import httpx
import pytest

from counterapp.slips import Layout, notice_printed, prepare_notice, record_print
from counterapp.slips.verification import SECRET_SETTING
from counterapp.sync import handed_keys, offline, outbox, service, wire
from hub import admin, sealing, slips, staff
from hub.db import Database
from hub.keys_in import SLIP_KEYS
from hub.sealing import KEY_ENV
from tests.sync.conftest import FAST_RETRY, connect_station, now, register
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import add_visits, later, new_station
from tests.test_slips import qr_texts

UNKNOWN = slips.MESSAGES[slips.Verdict.UNKNOWN]


def sync(counter):
    report = service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)
    assert report.ok, report.error
    return report


def printed_qr(counter, case_id: int) -> str:
    """The QR text read back from the notice the station prints for a case (a 补打 if it was
    printed before); the print is recorded, so its content goes up with the case."""
    reason = "遗失" if notice_printed(counter, case_id) else None
    slip = prepare_notice(
        counter, case_id, Layout.A4, clerk_id=counter.clerk_id, reprint_reason=reason
    )
    record_print(counter, slip.pending)
    (text,) = qr_texts(slip.pdf)
    return text


def case_of(counter, case_id: int):
    return counter.cases.get(case_id)


class Desk:
    """County staff at their desk: the hub's slip-check endpoint with a staff token."""

    def __init__(self, hub, db) -> None:
        self.url = f"{hub.url}/v1/staff/slip-checks"
        self.headers = {"Authorization": f"Bearer {staff.issue(db, '县中心一号窗口', now())}"}

    def post(self, **body: str) -> httpx.Response:
        return httpx.post(self.url, json=body, headers=self.headers)

    def check(self, **body: str) -> str:
        answer = self.post(**body)
        assert answer.status_code == 200, answer.text
        return answer.json()["result"]


@pytest.fixture
def other(tmp_path):
    counter = new_station(tmp_path / "other.db", "370883102")
    yield counter
    counter.close()


def test_a_printed_slip_is_checked_at_the_county(hub, hub_db, town, other, caplog):
    caplog.set_level(logging.DEBUG)
    connect_station(town, hub_db, hub.url)
    connect_station(other, hub_db, hub.url)
    first, pending = add_visits(town, 2)
    (elsewhere,) = add_visits(other, 1)
    qr = printed_qr(town, first)
    _, case_no, code = qr.split("|")
    other_case_no = printed_qr(other, elsewhere).split("|")[1]
    unsynced_qr = printed_qr(town, pending)
    sync(other)
    desk = Desk(hub, hub_db)
    assert desk.check(qr=unsynced_qr) == "unknown"  # nothing of the town has arrived yet
    sync(town)

    assert desk.check(qr=qr) == "valid"
    assert desk.check(case_no=case_no, code=f" {code[:4].lower()}-{code[4:]} ") == "valid"
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert desk.check(case_no=case_no, code=tampered) == "invalid"
    assert desk.check(case_no=other_case_no, code=code) == "invalid"
    never = desk.post(case_no="370883101-20261123-01-9999", code=code).json()
    assert never == {
        "case_no": "370883101-20261123-01-9999",
        "result": "unknown",
        "message": UNKNOWN,
    }

    later(town)
    (late,) = add_visits(town, 1)
    late_qr = printed_qr(town, late)
    assert desk.check(qr=late_qr) == "unknown"  # a case not yet synced
    sync(town)
    assert desk.check(qr=late_qr) == "valid"
    assert town.store.scalar("SELECT count(*) FROM outbox WHERE record_type = 'slip_key'") == 1

    secret = town.settings.get(SECRET_SETTING)
    assert secret not in caplog.text
    with hub_db.transaction() as tx:
        stored = repr(tx.all("SELECT * FROM slip_keys")) + repr(tx.all("SELECT * FROM records"))
    assert secret not in stored and "slip_key" not in stored
    for path in ("/health", "/openapi.json", "/v1/hub-key"):
        assert secret not in httpx.get(f"{hub.url}{path}").text


def test_only_staff_tokens_check_slips_and_bad_input_is_named(hub, hub_db, town):
    creds = connect_station(town, hub_db, hub.url)
    url = f"{hub.url}/v1/staff/slip-checks"
    body = {"qr": "YBGZ|370883101-20261123-01-0001|ABCDEFGH"}
    assert httpx.post(url, json=body).status_code == 401
    station_token = {"Authorization": f"Bearer {creds.token}"}
    assert httpx.post(url, json=body, headers=station_token).status_code == 401
    desk = Desk(hub, hub_db)
    for bad, words in [
        ({"case_no": "370883101-20261123-01-0001", "code": "ABC0EFGH"}, "A-Z and 2-7"),
        ({"case_no": "370883101-20261123-01-0001", "code": "ABCDEFG"}, "8 characters"),
        ({"case_no": "办件一号", "code": "ABCDEFGH"}, "case_no is not a case number"),
        ({"qr": "https://example.com/x"}, "qr is not a slip's QR text"),
        ({"qr": body["qr"], "code": "ABCDEFGH"}, "not both"),
        ({"case_no": "370883101-20261123-01-0001"}, "give case_no and code, or qr"),
    ]:
        answer = desk.post(**bad)
        assert answer.status_code == 422 and words in answer.json()["detail"], answer.text
    name = "县中心一号窗口"
    staff.revoke(hub_db, name, now())
    assert desk.post(**body).status_code == 401


def test_a_station_cannot_vouch_for_another_stations_case_number(hub, hub_db, town, other):
    connect_station(town, hub_db, hub.url)
    connect_station(other, hub_db, hub.url)
    (genuine,) = add_visits(town, 1)
    case_no, code = printed_qr(town, genuine).split("|")[1:]
    (fake,) = add_visits(other, 1)
    other.store.execute("UPDATE cases SET case_no = ? WHERE id = ?", (case_no, fake))
    forged = printed_qr(other, fake).split("|")[2]  # other's secret, the town's case number
    sync(other)
    desk = Desk(hub, hub_db)
    assert desk.check(case_no=case_no, code=forged) == "unknown"
    sync(town)
    assert desk.check(case_no=case_no, code=forged) == "invalid"
    assert desk.check(case_no=case_no, code=code) == "valid"


def test_a_slip_check_body_is_read_only_for_staff_and_only_a_little(hub, hub_db):
    url = f"{hub.url}/v1/staff/slip-checks"
    as_json = {"Content-Type": "application/json"}
    assert httpx.post(url, content=b"{not json", headers=as_json).status_code == 401
    desk = Desk(hub, hub_db)
    assert desk.post(qr="YBGZ|" + "7" * 100_000).status_code == 413

    def chunked():  # no Content-Length: the limit holds while reading
        yield b'{"qr": "'
        for _ in range(64):
            yield b"7" * 1024
        yield b'"}'

    assert (
        httpx.post(url, content=chunked(), headers={**desk.headers, **as_json}).status_code == 413
    )
    malformed = httpx.post(url, content=b'{"code": 12345678}', headers=desk.headers)
    assert malformed.status_code == 422 and "12345678" not in malformed.text
    assert desk.check(case_no="370883101-20261123-01-0001", code="ABCDEFGH") == "unknown"


def test_the_sealing_key_file_is_private_whatever_lay_beside_it(tmp_path):
    key_file = tmp_path / "hub-sealing.key"
    left_over = tmp_path / f"{key_file.name}.{os.getpid()}.new"  # e.g. by a hub that died
    left_over.write_text("")
    left_over.chmod(0o644)
    made = sealing.load(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sealing.load(key_file).key_id == made.key_id


def test_many_copies_of_a_secret_in_one_batch_cost_one_seal(hub, hub_db, monkeypatch):
    creds = register(hub_db, "370883109")
    source = str(uuid.uuid4())
    copies = [
        wire.Record("slip_key", source, version, "2026-11-23", {"secret": secrets.token_hex(32)})
        for version in range(1, 501)
    ]

    def upload(records) -> httpx.Response:
        encoded = wire.encode_batch(
            wire.Batch("370883109", source, str(uuid.uuid4()), now(), (), tuple(records))
        )
        return httpx.post(
            f"{hub.url}/v1/batches",
            content=encoded.body,
            headers={
                "Authorization": f"Bearer {creds.token}",
                "Content-Type": wire.MEDIA_TYPE,
                wire.HASH_HEADER: encoded.sha256,
            },
        )

    seal, seals = hub_db.sealer.seal, []
    monkeypatch.setattr(hub_db.sealer, "seal", lambda *a: seals.append(1) or seal(*a))
    ack = upload(copies).json()
    assert len(seals) == 1 and (ack["records"], ack["stored"]) == (500, 1)
    (sealed,) = secrets_held(hub_db, "370883109")
    assert sealed[0] == 500
    opened = hub_db.sealer.open(sealed[1], sealed[2], SLIP_KEYS.context("370883109", source))
    assert opened.hex() == copies[-1].data["secret"]
    secret = copies[0].data["secret"]
    refused = upload([copies[0]._replace(version=501, data={"secret": secret.upper()})])
    assert refused.status_code == 400 and "64 lower-case hex" in refused.json()["detail"]
    assert secret not in refused.text.lower()


def test_a_changed_secret_is_handed_over_again(hub, hub_db, town):
    connect_station(town, hub_db, hub.url)
    (case_id,) = add_visits(town, 1)
    old = printed_qr(town, case_id)
    sync(town)
    assert sync(town).batches == 0
    town.settings.set(SECRET_SETTING, "ab" * 32)
    new = printed_qr(town, case_id).split("|")[2]  # a 补打 under the new secret
    assert sync(town).records == 2  # the case (its print) and the secret
    desk = Desk(hub, hub_db)
    assert desk.check(qr=old) == "invalid"
    assert desk.check(case_no=old.split("|")[1], code=new) == "valid"


def test_the_admin_command_line_checks_a_slip(hub, hub_db, hub_url, sealing_key, town, capsys):
    connect_station(town, hub_db, hub.url)
    (case_id,) = add_visits(town, 1)
    qr = printed_qr(town, case_id)
    _, case_no, code = qr.split("|")
    sync(town)
    cli = ["--db", hub_url, "--sealing-key", str(sealing_key), "verify-slip"]
    assert admin.main([*cli, case_no, code]) == 0
    assert "valid" in capsys.readouterr().out
    assert admin.main([*cli, "--qr", qr.replace(code, "AAAAAAAA")]) == 1
    assert "invalid" in capsys.readouterr().out
    assert admin.main([*cli, case_no, "0000"]) == 2
    assert "A-Z and 2-7" in capsys.readouterr().err
    assert admin.main(["--db", hub_url, "staff-token", "信息科"]) == 0
    assert "cas_" in capsys.readouterr().out


def test_a_village_hands_its_secret_over_by_usb(hub_url, hub_db, sealing_key, village, tmp_path):
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")  # never online
    (case_id,) = add_visits(village, 1)
    case_no, code = printed_qr(village, case_id).split("|")[1:]
    stick, ack = tmp_path / "village.ctr", tmp_path / "village.ack"
    cli = ["--db", hub_url, "--sealing-key", str(sealing_key)]
    for _ in range(2):  # the first ack announces slip_key; the second file carries it
        offline.export_batches(village.store, village.clock, stick)
        assert admin.main([*cli, "import-file", str(stick), "--ack-out", str(ack)]) == 0
        offline.import_ack(village.store, village.clock, ack)
    assert slips.verify(hub_db, case_no, code).verdict is slips.Verdict.VALID
    assert outbox.pending_count(village.store) == 0


def hub_cases(db, station: str) -> int:
    with db.transaction(write=False) as tx:
        return tx.one(
            "SELECT count(*) FROM records WHERE station = ? AND type = 'case'", (station,)
        )[0]


def secrets_held(db, station: str) -> list:
    with db.transaction(write=False) as tx:
        return tx.all("SELECT version, sealed, key_id FROM slip_keys WHERE station = ?", (station,))


def key_rows(counter) -> int:
    return counter.store.scalar("SELECT count(*) FROM outbox WHERE record_type = 'slip_key'")


@pytest.fixture
def restart(hub, hub_url, monkeypatch):
    """Restart the hub on its port over the same database, with the sealing key file given
    (None: started without one, so a SQLite hub makes a new key beside its database)."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    running = [hub]

    def again(key_file: Path | None) -> ThreadHub:
        running[-1].stop()
        running.append(ThreadHub(Database(hub_url, sealing_key=key_file), hub.port).start())
        return running[-1]

    yield again
    for server in running[1:]:
        server.stop()
        server.db.close()


@pytest.mark.parametrize("fault", ["missing", "replaced"])
def test_case_uploads_go_on_while_the_hub_cannot_seal_a_secret(
    fault, hub, hub_db, sealing_key, restart, town, other, tmp_path, caplog
):
    connect_station(town, hub_db, hub.url)
    connect_station(other, hub_db, hub.url)
    (elsewhere,) = add_visits(other, 1)
    other_qr = printed_qr(other, elsewhere)
    sync(other)  # its secret is sealed under the hub's key
    held = secrets_held(hub_db, "370883102")
    add_visits(town, 1)
    sync(town)  # the hub announces slip_key; no secret yet
    (case_id,) = add_visits(town, 1)
    qr = printed_qr(town, case_id)
    assert handed_keys.queue_if_changed(town.store, outbox.identity(town.store).source, town.clock)

    kept = tmp_path / "kept.key"
    shutil.copy(sealing_key, kept)
    if fault == "replaced":
        sealing_key.write_text(secrets.token_hex(32) + "\n")
    broken = restart(None if fault == "missing" else sealing_key)
    add_visits(town, 1)
    sync(town)  # the cases go in, the secret stays out
    assert outbox.pending_count(town.store) == 0
    assert hub_cases(broken.db, "370883101") == 3 and secrets_held(broken.db, "370883101") == []
    refusal = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(refusal) == 1 and "station 370883101" in refusal[0]
    assert "--sealing-key" in refusal[0] and "restart the hub" in refusal[0]
    assert town.settings.get(SECRET_SETTING) not in caplog.text

    add_visits(town, 1)
    sync(town)  # later cases arrive; no secret to this hub
    assert hub_cases(broken.db, "370883101") == 4 and key_rows(town) == 1

    shutil.copy(kept, sealing_key)
    mended = restart(sealing_key)
    add_visits(town, 1)
    sync(town)  # a case, whose ack announces slip_key again; then the secret
    assert key_rows(town) == 2 and hub_cases(mended.db, "370883101") == 5
    desk = Desk(mended, mended.db)
    assert desk.check(qr=qr) == "valid" and desk.check(qr=other_qr) == "valid"
    assert secrets_held(mended.db, "370883102") == held  # nothing stored was changed


def test_a_hub_without_its_key_refuses_village_files_whole(
    hub_url, hub_db, sealing_key, village, tmp_path, capsys
):
    """The hub's signing key is sealed under the sealing key too: a hub moved without its key
    file cannot sign an acknowledgement, so it refuses the file before storing anything (the
    administrator sees why at once); with the key back the same file goes in, secret too."""
    connect_station(village, hub_db, "http://127.0.0.1:9", "village")  # never online
    (case_id,) = add_visits(village, 1)
    case_no, old_code = printed_qr(village, case_id).split("|")[1:]
    stick, ack = tmp_path / "village.ctr", tmp_path / "village.ack"

    def carry(key_file: Path) -> int:
        offline.export_batches(village.store, village.clock, stick)
        cli = ["--db", hub_url, "--sealing-key", str(key_file)]
        status = admin.main([*cli, "import-file", str(stick), "--ack-out", str(ack)])
        if status == 0:
            offline.import_ack(village.store, village.clock, ack)
        return status

    assert carry(sealing_key) == 0
    assert carry(sealing_key) == 0  # the first secret, sealed under the hub's key
    held = secrets_held(hub_db, "370883101201")
    village.settings.set(SECRET_SETTING, "ab" * 32)
    new_code = printed_qr(village, case_id).split("|")[2]
    moved = tmp_path / "moved.key"  # the hub moved without its key file
    add_visits(village, 1)
    capsys.readouterr()
    assert carry(moved) == 2
    assert "sealed under sealing key" in capsys.readouterr().err
    assert hub_cases(hub_db, "370883101201") == 1
    assert secrets_held(hub_db, "370883101201") == held
    assert outbox.pending_count(village.store) > 0  # nothing lost: still to carry

    assert carry(sealing_key) == 0  # the key is back: the cases and the secret
    assert carry(sealing_key) == 0
    assert hub_cases(hub_db, "370883101201") == 2 and key_rows(village) == 2
    assert outbox.pending_count(village.store) == 0
    assert slips.verify(hub_db, case_no, new_code).verdict is slips.Verdict.VALID
    assert slips.verify(hub_db, case_no, old_code).verdict is slips.Verdict.INVALID
