"""A whole day of a station, its logs captured at DEBUG, then searched for what must never be
logged (issue 13): any citizen's full ID number or phone, a hub or staff token, a station's
signing key, the queue key, a clerk's PIN, a store's slip secret.

The day runs through the real code paths: the demo's visits on the queue host PC, whose
queue is served on 127.0.0.1 to a second window PC working through it; logins (one with a
wrong PIN), look-ups by ID number and name, notices and receipts rendered and recorded (a
补打, a slip kept unprinted and dropped), both PCs syncing with a real hub, one upload with a
wrong token, a county staff slip check, a village's USB file through the hub and back, and a
sync that fails with the hub down.
Every log record of every logger (the hub's, uvicorn's, httpx's, the core's) goes to one file,
exception tracebacks included.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from datetime import date, datetime

import httpx
import pytest

from counterapp import accounts, lookups, sessions
from counterapp.app import Counter
from counterapp.case_model import CaseError, Person
from counterapp.clock import CST, FixedClock
from counterapp.demo import DEMO_PIN, DEMO_STATION, seed_demo
from counterapp.idnumber import check_char
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.roles import QueueLink, Role
from counterapp.lan_queue.server import QueueServer
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.slips import Layout, prepare_notice, prepare_receipt, record_print, unprinted
from counterapp.sync import offline, service
from counterapp.sync.handed_keys import SECRET_SETTING
from hub import admin, staff
from hub.db import Database
from tests.conftest import make_id
from tests.sync.conftest import FAST_RETRY, connect_station, now
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import add_visits, new_station

DAY = date(2026, 11, 25)
ID_SHAPED = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])")
PHONE_SHAPED = re.compile(r"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")
LOGGERS = ("", "uvicorn", "uvicorn.access")  # uvicorn's two do not propagate to the root


def leaks(lines: list[str], secrets: dict[str, set[str]]) -> list[str]:
    """Each line that holds a secret, or anything shaped like a valid ID number."""
    found = []
    for number, line in enumerate(lines, start=1):
        for kind, values in secrets.items():
            found += [f"line {number}: {kind} {value[:4]}…" for value in values if value in line]
        found += [
            f"line {number}: an ID number {text[:6]}…"
            for text in ID_SHAPED.findall(line)
            if check_char(text[:17]) == text[17].upper()
        ]
    return found


def test_the_leak_search_finds_what_it_looks_for():
    secrets = {"token": {"tok-123456"}}
    lines = ["all well", "Bearer tok-123456", f"申请人 {make_id()} 已受理"]
    assert leaks(lines, secrets) == ["line 2: token tok-…", "line 3: an ID number 370883…"]


class DayLog:
    """Every log record at DEBUG into one file, from every logger."""

    def __init__(self, path) -> None:
        self.path = path
        self.handler = logging.FileHandler(path, encoding="utf-8")
        self.handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        )
        self.saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in LOGGERS]
        self.attach()

    def attach(self) -> None:
        """(Again, once a uvicorn server has started: its logging set-up replaces the handlers
        of its own loggers.)"""
        for logger, _ in self.saved:
            if self.handler not in logger.handlers:
                logger.addHandler(self.handler)
            logger.setLevel(logging.DEBUG)

    def close(self) -> list[str]:
        for logger, level in self.saved:
            logger.removeHandler(self.handler)
            logger.setLevel(level)
        self.handler.close()
        return self.path.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def day_log(tmp_path):
    log = DayLog(tmp_path / "day.log")
    yield log
    log.close()


def window_visits(client: Counter, clerk: int, count: int) -> list[int]:
    """Visits at window 2 through the host's queue; citizens from the demo's Faker."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(25)
    cases = []
    for _ in range(count):
        client.clock.advance(minutes=7)
        client.queue.issue(Lane.NORMAL)
        ticket = client.queue.call_next(2, clerk)
        person = Person(fake.name(), fake.ssn(min_age=18, max_age=80), fake.phone_number())
        try:
            case = client.cases.open_case(person, ["YB0302"], clerk, ticket_id=ticket.id)
        except CaseError:
            client.queue.skip(ticket.id, clerk)
            continue
        for material in case.missing_materials:
            case = client.cases.mark_material(case.id, material.key, True, clerk)
        case = client.cases.complete(client.cases.accept(case.id, clerk).id, clerk)
        client.queue.finish(ticket.id, clerk)
        client.ratings.rate(case, RatingLevel.DISSATISFIED, "等候时间较长")
        cases.append(case.id)
    return cases


def prints(counter: Counter, clerk: int, case_ids: list[int]) -> list[tuple[str, str]]:
    """Notices and receipts as the printing path makes them; (case number, code) of each."""
    codes = []
    for case_id in case_ids:
        case = counter.cases.get(case_id)
        slip = (prepare_receipt if case.accepted_at else prepare_notice)(
            counter, case_id, Layout.ROLL_80, clerk_id=clerk
        )
        record_print(counter, slip.pending)
        codes.append((case.case_no, slip.pending.verification_code))
    again = prepare_notice(
        counter, case_ids[0], Layout.A4, clerk_id=clerk, reprint_reason="办事人遗失"
    )
    record_print(counter, again.pending)
    kept = prepare_notice(counter, case_ids[1], Layout.A4, clerk_id=clerk, reprint_reason="污损")
    slip = unprinted.keep(counter, kept.pdf, kept.pending, "打印机缺纸")
    unprinted.drop(counter, slip.id, "办事人已取得电子版", clerk)
    return codes


def citizens(counter: Counter) -> tuple[set[str], set[str]]:
    """The full ID numbers and phones a store holds."""
    rows = counter.store.all(
        "SELECT applicant_id_number, agent_id_number, applicant_phone, agent_phone FROM cases"
    )
    ids = {value for row in rows for value in row[:2] if value}
    return ids, {value for row in rows for value in row[2:] if value}


@pytest.fixture
def hub_db(tmp_path, sealing_key):
    """One hub is enough here: over SQLite."""
    db = Database(f"sqlite:///{tmp_path / 'hub.db'}", sealing_key=sealing_key)
    yield db
    db.close()


def test_a_day_logs_no_id_number_phone_token_key_pin_or_secret(
    tmp_path, hub_db, day_log, capsys, memory_keyring
):
    clock = FixedClock(datetime.combine(DAY, datetime.min.time(), CST).replace(hour=14))
    seed_demo(tmp_path / "host.db", days=1, visits_per_day=16, today=DAY)
    host = Counter.open(tmp_path / "host.db", clock)
    client = Counter.open(tmp_path / "window2.db", FixedClock(clock.now()))
    server = None
    hub = ThreadHub(hub_db).start()
    try:
        # the morning: the host serves its queue, the window PC joins it, clerks log in
        host.configure_queue(QueueLink(Role.HOST))
        server = QueueServer(host.store.path, clock, port=0, bind="127.0.0.1").start()
        client.configure_station(DEMO_STATION)
        client.set_window_no(2)
        window_key = access.issue(host.store, Access.WINDOW, "2号窗口", clock)[1]
        client.configure_queue(
            QueueLink(
                Role.CLIENT,
                host_url=server.url,
                key=window_key,
                access=Access.WINDOW,
                pin=tls.key_pin(tls.host_key()),
            )
        )
        day_log.attach()
        client.queue.take_station_clerks(client.clock)  # the window PC lists the host's clerks
        admin_login = accounts.authenticate(host.store, "1001", DEMO_PIN, clock)
        with pytest.raises(accounts.LoginRefused):  # a wrong PIN, judged by the host
            sessions.log_in(client, "1002", DEMO_PIN + "x", 2)
        clerk = sessions.log_in(client, "1002", DEMO_PIN, 2).login.clerk.id
        host_clerk = admin_login.clerk.id

        # the day's work
        window_cases = window_visits(client, clerk, 4)
        host_cases = [
            row["id"]
            for row in host.store.all(
                "SELECT id FROM cases WHERE day = ? ORDER BY id LIMIT 4", (DAY.isoformat(),)
            )
        ]
        codes = prints(host, host_clerk, host_cases) + prints(client, clerk, window_cases)
        someone = host.cases.get(host_cases[0]).applicant
        lookups.id_history(host, host_clerk, someone.id_number)
        lookups.find_cases(host, host_clerk, someone.id_number)
        lookups.search_cases(host, host_clerk, someone.name)

        # the evening: both PCs sync; a stolen copy of a token is refused; county staff check
        creds = connect_station(host, hub_db, hub.url)
        service.setup(
            client.store,
            hub.url,
            creds.token,
            creds.signing_key,
            creds.hub_public_key,
            insecure_loopback=True,
        )
        for counter in (host, client):
            report = service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)
            assert report.ok, report.error
        assert (
            httpx.post(
                f"{hub.url}/v1/batches",
                content=b"x",
                headers={"Authorization": "Bearer stolen-" + creds.token[:8]},
            ).status_code
            == 401
        )
        staff_token = staff.issue(hub_db, "县中心一号窗口", now())
        for case_no, code in codes[:3]:
            assert (
                httpx.post(
                    f"{hub.url}/v1/staff/slip-checks",
                    json={"case_no": case_no, "code": code},
                    headers={"Authorization": f"Bearer {staff_token}"},
                ).status_code
                == 200
            )

        # a village without network: its USB file through the county and the ack back
        village = new_station(tmp_path / "village.db", "370883101201", "village")
        village_creds = connect_station(village, hub_db, "http://127.0.0.1:9", "village")
        add_visits(village, 3)
        offline.export_batches(village.store, village.clock, tmp_path / "v.ctr")
        with contextlib.redirect_stdout(io.StringIO()):
            assert (
                admin.main(
                    [
                        "--db",
                        f"sqlite:///{tmp_path / 'hub.db'}",
                        "import-file",
                        str(tmp_path / "v.ctr"),
                        "--ack-out",
                        str(tmp_path / "v.ack"),
                    ]
                )
                == 0
            )
        offline.import_ack(village.store, village.clock, tmp_path / "v.ack")
        # late at night the hub is down: the window PC's sync fails, its errors logged
        hub.stop()
        client.clock.advance(hours=1)
        window_visits(client, clerk, 1)
        assert not service.sync_now(client.store, client.clock, retry=FAST_RETRY, timeout=2).ok
    finally:
        if server is not None:
            server.stop()
        hub.stop()

    secrets: dict[str, set[str]] = {"ID number": set(), "phone": set()}
    for counter in (host, client, village):
        ids, phones = citizens(counter)
        secrets["ID number"] |= ids
        secrets["phone"] |= phones
        if (secret := counter.settings.get(SECRET_SETTING)) is not None:  # printed a slip
            secrets.setdefault("slip secret", set()).add(secret)
    secrets |= {
        "hub token": {creds.token, village_creds.token, staff_token},
        "signing key": {creds.signing_key, village_creds.signing_key},
        "queue key": {window_key},
        "PIN": {DEMO_PIN},
    }
    for counter in (host, client, village):
        counter.close()
    lines = day_log.close()
    assert leaks(lines, secrets) == []
    # the log is the day's: each part of it spoke
    for sign in (
        "queue host serving on port",
        "HTTP Request: POST http://127.0.0.1",
        "401 POST /v1/batches",
        "slip check by 县中心一号窗口",
        "records, ",
        "sync failed (network)",
    ):
        assert any(sign in line for line in lines), sign
    assert len(secrets["ID number"]) >= 20 and all(secrets.values())
    with capsys.disabled():
        print(
            f"\nday log: {len(lines)} lines scanned for {sum(map(len, secrets.values()))} "
            f"secrets ({len(secrets['ID number'])} ID numbers); no leak"
        )
