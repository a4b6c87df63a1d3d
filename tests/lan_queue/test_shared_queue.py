"""One station queue over real HTTPS: a host on 127.0.0.1, a kiosk, windows and a hall display
as clients, each with its own key."""

from __future__ import annotations

import contextlib
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from counterapp import sessions
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.clock import FixedClock
from counterapp.journal import events_of
from counterapp.lan_queue import client as queue_client
from counterapp.lan_queue import keys, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import HOST_ONLY, KEY_REFUSED, NO_ANSWER, unrecognised
from counterapp.lan_queue.gate import NO_KEY, WRONG_KEY
from counterapp.lan_queue.once import RESTARTED
from counterapp.lan_queue.roles import KEY_ACCOUNT_SETTING, QueueLink, Role, host_url
from counterapp.lan_queue.server import QueueServer
from counterapp.lan_queue.wire import FIRST_SENT_AGO, REQUEST_ID
from counterapp.ledger import station_facts
from counterapp.ledger.figures import Period
from counterapp.queue import Lane, QueueError, TicketQueue, TicketStatus
from counterapp.station import add_clerk, get_clerk
from counterapp.sync import outbox
from counterapp.sync.records import Snapshots
from tests.conftest import PIN, TOWN, make_id
from tests.lan_queue.conftest import issue_key
from ui.hall_display import load_hall
from ui.queue_model import load_queue

TABLES = ("tickets", "events", "outbox", "cases", "clerks", "settings")


def snapshot(counter: Counter) -> dict[str, list[tuple]]:
    return {
        table: [tuple(row) for row in counter.store.all(f"SELECT * FROM {table}")]
        for table in TABLES
    }


def test_a_ticket_from_the_kiosk_is_called_by_window_2(host, new_client, clock):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    window2 = new_client("window2", "1002", "李强", window_no=2)
    issued = kiosk.queue.issue(Lane.NORMAL)
    assert issued.code == "A001" and kiosk.queue.people_ahead(issued) == 0
    clock.advance(minutes=4)
    called = window2.queue.call_next(2, window2.clerk.id)
    assert (called.uuid, called.code, called.window_no) == (issued.uuid, "A001", 2)
    assert called.status == TicketStatus.CALLED and called.waiting_seconds == 240
    # the host's store is the truth: its journal names the client's clerk by the host's id
    on_host = host.store.one("SELECT * FROM tickets WHERE uuid = ?", (issued.uuid,))
    assert on_host["status"] == "called" and on_host["mirror"] == 0
    assert get_clerk(host.store, on_host["clerk_id"]).login == "1002"
    assert [e["kind"] for e in events_of(host.store, issued.uuid)] == ["issued", "called"]
    # the kiosk's and the window's own ids are their mirrors; both act on the one ticket
    served = window2.queue.start_serving(called.id, window2.clerk.id)
    assert window2.queue.finish(served.id, window2.clerk.id).status == TicketStatus.DONE
    assert kiosk.queue.get(issued.id).status == TicketStatus.DONE


def test_priority_is_called_first_across_pcs(host, new_client, clock):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    window1 = new_client("window1", "1002", "李强", window_no=1)
    kiosk.queue.issue(Lane.NORMAL)
    clock.advance(minutes=1)
    kiosk.queue.issue(Lane.PRIORITY, "70岁以上老人")
    assert [t.code for t in window1.queue.waiting(1)] == ["Y001", "A001"]
    assert window1.queue.call_next(1, window1.clerk.id).code == "Y001"


def test_a_transfer_from_window_1_is_served_by_window_3_first(host, new_client, clock):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    window1 = new_client("window1", "1002", "李强", window_no=1)
    window2 = new_client("window2", "1003", "赵敏", window_no=2)
    window3 = new_client("window3", "1004", "孙伟", window_no=3)
    for _ in range(3):
        kiosk.queue.issue(Lane.NORMAL)
        clock.advance(minutes=1)
    first = window1.queue.call_next(1, window1.clerk.id)
    window1.queue.start_serving(first.id, window1.clerk.id)
    window1.queue.transfer(first.id, 3, window1.clerk.id, "需办理异地就医备案")
    assert window2.queue.call_next(2, window2.clerk.id).code == "A002"
    taken = window3.queue.call_next(3, window3.clerk.id)
    assert (taken.uuid, taken.window_no, taken.target_window) == (first.uuid, 3, None)
    kinds = [e["kind"] for e in events_of(host.store, first.uuid)]
    assert kinds == ["issued", "called", "serving", "transferred", "called"]


def test_the_hall_display_on_a_client_shows_every_windows_calls(host, new_client, clock):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    window2 = new_client("window2", "1002", "李强", window_no=2)
    hall = new_client("hall", kind=Access.HALL)
    for _ in range(4):
        kiosk.queue.issue(Lane.NORMAL)
        clock.advance(minutes=1)
    host.queue.call_next(1, host.clerk.id)  # the host PC is window 1 itself
    clock.advance(minutes=1)
    window2.queue.call_next(2, window2.clerk.id)
    view = load_hall(hall)
    assert [(t.code, t.window_no) for t in view.calls] == [("A002", 2), ("A001", 1)]
    assert [t.code for t in view.upcoming] == ["A003", "A004"] and view.waiting == 2


def test_a_client_whose_clock_is_a_day_off_still_shows_the_hosts_day(host, clock, tmp_path):
    ahead = FixedClock(clock.now() + timedelta(days=1))
    with Counter.open(tmp_path / "skewed.db", ahead) as skewed:
        skewed.configure_station(TOWN)
        skewed.configure_queue(
            QueueLink(Role.CLIENT, host_url=host.server.url, key=issue_key(host), pin=host.pin)
        )
        clerk = sessions.log_in(skewed, "1001", PIN, 2).login.clerk
        first, second = host.queue.issue(Lane.NORMAL), host.queue.issue(Lane.NORMAL)
        host.queue.call_next(1, host.clerk.id)
        skewed.queue.call_next(2, clerk.id)
        assert load_queue(skewed, 2).current.code == second.code
        assert {t.code for t in load_hall(skewed).calls} == {first.code, second.code}


def test_queue_rules_refuse_with_the_hosts_message(host, new_client):
    window1 = new_client("window1", "1002", "李强", window_no=1)
    with pytest.raises(QueueError, match="须注明原因"):
        window1.queue.issue(Lane.PRIORITY, " ")
    window1.queue.issue(Lane.NORMAL)
    window1.queue.issue(Lane.NORMAL)
    ticket = window1.queue.call_next(1, window1.clerk.id)
    with pytest.raises(QueueError, match="尚未办结或过号"):
        window1.queue.call_next(1, window1.clerk.id)
    with pytest.raises(QueueError, match="当前为「已叫号」"):
        window1.queue.finish(ticket.id, window1.clerk.id)
    with pytest.raises(QueueError, match="不能转给本窗口"):
        window1.queue.transfer(ticket.id, 1, window1.clerk.id, "原因")


def retype_key(counter: Counter, key: str) -> None:
    """Someone enters `key` on this PC (its store's keyring account)."""
    keys.save(counter.settings.get(KEY_ACCOUNT_SETTING), key)


def test_a_missing_or_wrong_key_is_refused(host, new_client):
    window1 = new_client("window1")
    url = host.server.url
    missing = httpx.get(f"{url}/v1/waiting", verify=False)
    assert missing.status_code == 401 and missing.json()["detail"] == NO_KEY
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = httpx.post(
        f"{url}/v1/tickets",
        json={"lane": "normal"},
        verify=False,
        headers={"Authorization": "Bearer not-a-key-of-this-host"},
    )
    assert wrong.status_code == 401 and wrong.json()["detail"] == WRONG_KEY
    key = keys.load(window1.settings.get(KEY_ACCOUNT_SETTING))
    retype_key(window1, "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ")  # typed wrongly on this PC
    before = snapshot(window1)
    with pytest.raises(QueueError, match="拒绝了本机的排队密钥") as refused:
        window1.queue.issue(Lane.NORMAL)
    assert str(refused.value) == KEY_REFUSED
    assert snapshot(window1) == before
    assert host.store.scalar("SELECT count(*) FROM tickets") == 0
    retype_key(window1, key.lower().replace("-", " "))  # entered again, in any case: taken
    assert window1.queue.issue(Lane.NORMAL).code == "A001"  # up without a restart


def test_host_down_gives_a_clear_message_and_changes_nothing_here(host, new_client):
    window1 = new_client("window1", "1002", "李强")
    window1.queue.issue(Lane.NORMAL)
    ticket = window1.queue.call_next(1, window1.clerk.id)
    host.server.stop()
    before = snapshot(window1)
    for action in (
        lambda: window1.queue.issue(Lane.NORMAL),
        lambda: window1.queue.skip(ticket.id, window1.clerk.id),
        lambda: window1.queue.waiting(1),
    ):
        with pytest.raises(QueueError) as down:
            action()
        assert str(down.value) == (
            f"无法连接排队主机 {host.server.url}，请检查网络或联系站点管理员"
        )
    assert snapshot(window1) == before


def test_a_host_that_does_not_answer_in_time_is_reported_as_such(tmp_path, clock, monkeypatch):
    silent = socket.create_server(("127.0.0.1", 0))  # TLS, then never an answer
    context = tls.server_context(tls.host_key(create=True))

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = silent.accept()
                with contextlib.suppress(OSError):
                    held.append(context.wrap_socket(conn, server_side=True))

    held: list[socket.socket] = []
    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setattr(queue_client, "ANSWER_SECONDS", 0.3)
    with silent, Counter.open(tmp_path / "pc.db", clock) as counter:
        counter.configure_queue(
            QueueLink(
                Role.CLIENT,
                key="K" * 26,
                pin=tls.host_pin(),
                host_url=f"127.0.0.1:{silent.getsockname()[1]}",
            )
        )
        with pytest.raises(QueueError, match=NO_ANSWER):
            counter.queue.issue(Lane.NORMAL)


@pytest.mark.parametrize("lost", ["request", "answer"])
def test_a_read_that_got_no_answer_is_asked_again(host, new_client, lossy_link, lost):
    window1 = new_client("window1", "1002", "李强", url=lossy_link.url)
    lossy_link.requests.clear()  # the login's
    host.queue.issue(Lane.NORMAL)
    lossy_link.fates = [lost]
    assert [t.code for t in window1.queue.waiting(1)] == ["A001"]
    assert len(lossy_link.requests) == 2


def header(request: bytes, name: str) -> str | None:
    for line in request.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        found, _, value = line.decode().partition(":")
        if found.lower() == name.lower():
            return value.strip()
    return None


def test_a_change_whose_answer_was_lost_is_sent_again_and_done_once(
    host, new_client, lossy_link, clock
):
    window1 = new_client("window1", "1002", "李强", url=lossy_link.url)
    lossy_link.requests.clear()  # the login's
    lossy_link.fates = ["answer"]
    assert window1.queue.issue(Lane.NORMAL).code == "A001"
    first, repeat = lossy_link.requests
    assert header(first, REQUEST_ID) == header(repeat, REQUEST_ID) is not None
    assert header(first, FIRST_SENT_AGO) is None and float(header(repeat, FIRST_SENT_AGO)) >= 0
    clock.advance(minutes=1)
    assert window1.queue.issue(Lane.NORMAL).code == "A002"
    lossy_link.fates = ["answer"]
    assert window1.queue.call_next(1, window1.clerk.id).code == "A001"
    assert [t.status for t in host.queue.of_day(clock.today())] == [
        TicketStatus.CALLED,
        TicketStatus.WAITING,
    ]
    called = host.store.scalar("SELECT count(*) FROM events WHERE kind = 'called'")
    assert called == 1


def test_a_change_lost_twice_may_be_done_and_is_done_at_most_once(
    host, new_client, lossy_link, clock
):
    window1 = new_client("window1", "1002", "李强", url=lossy_link.url)
    lossy_link.fates = ["answer", "answer"]
    with pytest.raises(QueueError, match=NO_ANSWER):
        window1.queue.issue(Lane.NORMAL)
    assert [t.code for t in host.queue.of_day(clock.today())] == ["A001"]
    lossy_link.fates = ["request", "request"]  # this PC cannot tell; the host did nothing
    with pytest.raises(QueueError, match=NO_ANSWER):
        window1.queue.issue(Lane.NORMAL)
    assert [t.code for t in host.queue.of_day(clock.today())] == ["A001"]


def test_the_host_answers_a_repeated_request_id_once(host):
    key, other = issue_key(host), issue_key(host, name="3号窗口")

    def issue(with_key: str = key, **headers: str) -> httpx.Response:
        return httpx.post(
            f"{host.server.url}/v1/tickets",
            json={"lane": "normal"},
            verify=False,
            headers={"Authorization": f"Bearer {with_key}", **headers},
        )

    first = issue(**{REQUEST_ID: "a" * 32})
    assert issue(**{REQUEST_ID: "a" * 32, FIRST_SENT_AGO: "0.5"}).json() == first.json()
    # a repeat first sent before this host program started: it cannot tell, so does nothing
    late = issue(**{REQUEST_ID: "b" * 32, FIRST_SENT_AGO: "3600"})
    assert late.status_code == 409 and late.json()["detail"] == RESTARTED
    assert issue(**{REQUEST_ID: "c" * 32}).json()["code"] == "A002"
    # ids are kept per key: another PC's id is its own, never answered with this one's
    assert issue(other, **{REQUEST_ID: "a" * 32}).json()["code"] == "A003"
    assert host.store.scalar("SELECT count(*) FROM tickets") == 3


def test_two_windows_calling_at_once_never_get_the_same_ticket(host, new_client, clock):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    windows = [new_client(f"window{n}", f"10{n:02d}", f"经办{n}", window_no=n) for n in (2, 3)]
    issued = {kiosk.queue.issue(Lane.NORMAL).code for _ in range(30)}

    def serve_all(window: Counter) -> list[str]:
        codes = []
        while (ticket := window.queue.call_next(window.window_no, window.clerk.id)) is not None:
            codes.append(ticket.code)
            window.queue.skip(ticket.id, window.clerk.id)  # frees the window at once
        return codes

    with ThreadPoolExecutor(max_workers=2) as pool:
        served = list(pool.map(serve_all, windows))
    assert all(served)  # both windows took part
    assert sorted(served[0] + served[1]) == sorted(issued)
    assert not set(served[0]) & set(served[1])


def test_a_clients_case_links_to_a_mirror_and_the_ticket_is_uploaded_once(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    window2.queue.issue(Lane.NORMAL)
    ticket = window2.queue.call_next(2, window2.clerk.id)
    case = window2.cases.open_case(
        Person("张𠮷", make_id(), "13812345678"), ["YB0301"], window2.clerk.id, ticket_id=ticket.id
    )
    assert case.ticket_id == ticket.id
    assert window2.store.scalar("SELECT mirror FROM tickets WHERE id = ?", (ticket.id,)) == 1
    assert (
        host.queue.get(
            host.store.scalar("SELECT id FROM tickets WHERE uuid = ?", (ticket.uuid,))
        ).status
        == TicketStatus.SERVING
    )
    # the case travels with the host's ticket uuid; the ticket itself only from the host
    record = Snapshots(window2.store).read([("case", case.uuid)])[0]
    assert record.data["ticket"] == ticket.uuid
    assert not window2.store.scalar("SELECT count(*) FROM outbox WHERE record_type = 'ticket'")
    assert all(
        kind != "ticket" for day in outbox.inventory(window2.store).values() for kind, _, _ in day
    )
    assert (
        host.store.scalar("SELECT count(*) FROM outbox WHERE record_uuid = ?", (ticket.uuid,)) == 3
    )  # issued, called, serving
    assert "mirror" not in Snapshots(host.store).read([("ticket", ticket.uuid)])[0].data
    # the station's ledger is the host's; a client does not count the mirrors
    day = Period.day(ticket.day)
    assert len(station_facts.read(window2.store, day).tickets) == 0
    assert len(station_facts.read(host.store, day).tickets) == 1


def test_a_mirror_never_collides_with_this_pcs_own_tickets(host, tmp_path, clock):
    with Counter.open(tmp_path / "was-alone.db", clock) as counter:
        own = counter.queue.issue(Lane.NORMAL)  # A001 while still standalone
        counter.configure_queue(
            QueueLink(Role.CLIENT, host_url=host.server.url, key=issue_key(host), pin=host.pin)
        )
        remote = counter.queue.issue(Lane.NORMAL)  # the host's A001
        assert (remote.code, own.code) == ("A001", "A001") and remote.id != own.id
        counter.configure_queue(QueueLink(Role.STANDALONE))
        assert [t.uuid for t in counter.queue.of_day(clock.today())] == [own.uuid]


def test_days_are_closed_on_the_host_only(host, new_client, clock):
    window1 = new_client("window1", "1002", "李强")
    with pytest.raises(QueueError, match=HOST_ONLY):
        window1.queue.close_day(clock.today())


def test_a_pc_is_standalone_unless_configured(tmp_path, clock):
    with Counter.open(tmp_path / "village.db", clock) as counter:
        assert type(counter.queue) is TicketQueue


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("192.168.1.10", "https://192.168.1.10:8766"),
        ("https://192.168.1.10:9000/", "https://192.168.1.10:9000"),
        (" host-pc ", "https://host-pc:8766"),
    ],
)
def test_host_addresses_are_normalised(typed, expected):
    assert host_url(typed) == expected


@pytest.mark.parametrize(
    "typed", ["http://192.168.1.10", "https://:8766", "pc:99999", "192.168.1.10/queue"]
)
def test_bad_host_addresses_are_refused(typed):
    with pytest.raises(QueueError, match="排队主机地址不正确"):
        host_url(typed)


def test_a_former_client_numbers_its_own_tickets_from_a001(host, new_client, clock):
    window1 = new_client("window1", "1002", "李强")
    window1.queue.issue(Lane.NORMAL)
    window1.queue.issue(Lane.NORMAL)  # mirrors of the host's A001, A002
    window1.configure_queue(QueueLink(Role.STANDALONE))
    assert window1.queue.issue(Lane.NORMAL).code == "A001"


def test_a_new_host_during_the_day_does_not_break_a_clients_queue(
    host, new_client, tmp_path, clock
):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    first = window2.queue.issue(Lane.NORMAL)  # the old host's A001
    host.server.stop()
    with Counter.open(tmp_path / "new-host.db", clock) as new_host:  # another PC takes over
        new_host.configure_queue(QueueLink(Role.HOST))
        add_clerk(new_host.store, "1002", "李强", clock)
        server = QueueServer(new_host.store.path, clock, port=0, bind="127.0.0.1").start()
        try:
            window2.configure_queue(
                QueueLink(Role.CLIENT, host_url=server.url, key=issue_key(new_host), pin=host.pin)
            )
            again = window2.queue.issue(Lane.NORMAL)  # the new host's A001
            assert again.code == "A001" and again.id != first.id
            assert [t.uuid for t in window2.queue.waiting(2)] == [again.uuid]
        finally:
            server.stop()


def test_a_former_client_closes_its_own_old_tickets_at_start_up(host, tmp_path, clock):
    path = tmp_path / "was-alone.db"
    with Counter.open(path, clock) as counter:
        own = counter.queue.issue(Lane.NORMAL)  # left open while still standalone
        counter.configure_queue(
            QueueLink(Role.CLIENT, host_url=host.server.url, key=issue_key(host), pin=host.pin)
        )
    clock.advance(days=1)
    with Counter.open(path, clock) as counter:  # a client the next morning
        assert (
            counter.store.scalar("SELECT status FROM tickets WHERE uuid = ?", (own.uuid,))
            == TicketStatus.CLOSED_UNSERVED.value
        )
        assert (
            counter.store.scalar(
                "SELECT unserved FROM day_closings WHERE day = ?", (own.day.isoformat(),)
            )
            == 1
        )


@pytest.fixture
def odd_host():
    """A server on 127.0.0.1 answering every request with the (status, body) it is given:
    an older host without a route, or something else on the host's port."""
    answer = {"status": 200, "body": b""}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(answer["status"])
            self.send_header("Content-Length", str(len(answer["body"])))
            self.end_headers()
            self.wfile.write(answer["body"])

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = tls.server_context(tls.host_key(create=True)).wrap_socket(
        server.socket, server_side=True
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.answer = answer
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, b'{"detail": "Not Found"}'),  # an older host without this route
        (422, b'{"detail": [{"loc": ["body"], "msg": "Field required"}]}'),
        (200, b"<html>router login</html>"),  # not a queue host at all
        (200, b'{"unexpected": true}'),
        (409, b"conflict"),
    ],
)
def test_an_answer_the_client_cannot_read_is_reported_in_chinese(
    odd_host, tmp_path, clock, status, body
):
    odd_host.answer.update(status=status, body=body)
    with Counter.open(tmp_path / "pc.db", clock) as counter:
        counter.configure_queue(
            QueueLink(
                Role.CLIENT,
                key="K" * 26,
                pin=tls.host_pin(),
                host_url=f"127.0.0.1:{odd_host.server_port}",
            )
        )
        clerk = add_clerk(counter.store, "1002", "李强", clock)
        for action in (
            lambda: counter.queue.issue(Lane.NORMAL),
            lambda: counter.queue.waiting(1),
            lambda: counter.queue.call_next(1, clerk.id),
        ):
            with pytest.raises(QueueError) as odd:
                action()
            assert str(odd.value) == unrecognised(status)
        assert "排队主机的回答无法识别（HTTP" in unrecognised(status)
        assert counter.store.scalar("SELECT count(*) FROM tickets") == 0


def test_a_ticket_the_host_does_not_know_is_refused_in_chinese(host, new_client):
    window1 = new_client("window1", "1002", "李强")
    ticket = window1.queue.issue(Lane.NORMAL)
    host.store.execute("UPDATE tickets SET uuid = 'gone' WHERE uuid = ?", (ticket.uuid,))
    with pytest.raises(QueueError, match="排队主机上没有这个排队号"):
        window1.queue.get(ticket.id)


def test_a_refused_key_names_the_settings_dialog():
    assert "窗口 → 排队设置" in KEY_REFUSED


def test_a_client_set_up_before_tls_is_told_to_set_up_again(tmp_path, clock):
    """A client of the plain-HTTP version (its address only, no fingerprint, the old shared
    key) reaches nothing, and says what to enter."""
    with Counter.open(tmp_path / "old-client.db", clock) as counter:
        counter.settings.set("queue_host", "http://192.168.1.10:8766")
    with Counter.open(tmp_path / "old-client.db", clock) as counter:
        with pytest.raises(QueueError) as refused:
            counter.queue.issue(Lane.NORMAL)
        assert str(refused.value) == queue_client.SET_UP_AGAIN
        assert "证书指纹" in str(refused.value)
