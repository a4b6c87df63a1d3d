"""The queue host under attack on loopback (issue 13): each finding of the review, and what
the host must answer now — a body nobody may send is never read, nothing travels in clear, a
key does only what its PC does, an action is done only as the clerk signed in at that PC,
every text is bounded, and no change goes without a request id."""

from __future__ import annotations

import socket
import ssl
import threading
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from counterapp import pins, sessions
from counterapp.accounts import LoginRefused
from counterapp.journal import events_of
from counterapp.lan_queue import access, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import KEY_REVOKED, SIGNED_OUT, SignedOut
from counterapp.lan_queue.gate import MAX_BODY, REVOKED_KEY, TOO_LARGE
from counterapp.lan_queue.wire import CLERK_SESSION, REQUEST_ID
from counterapp.queue import REASON_MAX, Lane, QueueError, TicketQueue
from counterapp.station import add_clerk
from tests.conftest import PIN
from tests.lan_queue.conftest import issue_key

HUGE = 256 * 1024 * 1024


def send(
    host,
    key: str | None,
    method: str,
    path: str,
    *,
    json=None,
    content=None,
    session: str | None = None,
    request_id: str | None = "r" * 32,
) -> httpx.Response:
    """One request as any program on the LAN could send it (TLS, the pin not checked)."""
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    if request_id is not None and method != "GET":
        headers[REQUEST_ID] = request_id
    if session is not None:
        headers[CLERK_SESSION] = session
    return httpx.request(
        method, host.server.url + path, json=json, content=content, headers=headers, verify=False
    )


def sign_in(host, key: str, login: str) -> str:
    answer = send(
        host,
        key,
        "POST",
        "/v1/clerk-sessions",
        json={"login": login, "proof": PIN},
        request_id=f"sign-in-{login}-{key}"[:64],
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["session"]


def head_only(host, head: str, wait: float = 5.0) -> bytes:
    """Send a request's head announcing a body that never comes; the host's first answer
    line (b"" when it waits for the body instead)."""
    port = int(host.server.url.rsplit(":", 1)[1])
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port)) as plain, context.wrap_socket(plain) as conn:
        conn.settimeout(wait)
        conn.sendall(head.encode())
        try:
            return conn.recv(200).split(b"\r\n")[0]
        except TimeoutError:
            return b""


# --- bodies: the key first, then at most MAX_BODY bytes ------------------------------------
def test_a_huge_body_without_a_key_is_refused_before_it_is_read(host):
    line = head_only(
        host,
        f"POST /v1/tickets HTTP/1.1\r\nHost: q\r\nContent-Type: "
        f"application/json\r\nContent-Length: {HUGE}\r\n\r\n",
    )
    assert line == b"HTTP/1.1 401 Unauthorized"  # was: read all 256 MiB, then 422
    assert host.store.scalar("SELECT count(*) FROM tickets") == 0


def test_a_huge_body_with_a_key_is_refused_before_it_is_read(host):
    key = issue_key(host)
    line = head_only(
        host,
        f"POST /v1/tickets HTTP/1.1\r\nHost: q\r\nAuthorization: Bearer "
        f"{key}\r\n{REQUEST_ID}: {'h' * 32}\r\nContent-Length: {HUGE}"
        "\r\n\r\n",
    )
    assert line == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_long_body_sent_without_its_length_is_cut_off(host):
    def chunks():
        yield b'{"lane": "normal", "reason": "'
        for _ in range(64):
            yield b"x" * 1024

    answer = send(host, issue_key(host), "POST", "/v1/tickets", content=chunks())
    assert answer.status_code == 413 and answer.json()["detail"] == TOO_LARGE
    assert "4096" in TOO_LARGE and MAX_BODY == 4096
    assert host.store.scalar("SELECT count(*) FROM tickets") == 0


# --- TLS, pinned by the fingerprint of the host's key --------------------------------------
def test_the_host_speaks_tls_only(host):
    plain = host.server.url.replace("https://", "http://")
    with pytest.raises(httpx.HTTPError):
        httpx.get(plain + "/v1/ping", headers={"Authorization": f"Bearer {issue_key(host)}"})


def test_a_client_sends_nothing_to_a_host_with_another_key(host, new_client):
    """A program on the LAN poses as the host with a key of its own: the client ends the
    connection in the handshake, before its access key or anything else has left."""
    other = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode()
    )
    impostor = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []
    context = tls.server_context(other)

    def pose() -> None:
        while True:
            try:
                conn, _ = impostor.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as wrapped:
                    wrapped.settimeout(2)
                    received.append(wrapped.recv(65536))
            except OSError:
                pass

    threading.Thread(target=pose, daemon=True).start()
    with impostor:
        window2 = new_client("window2", url=f"127.0.0.1:{impostor.getsockname()[1]}")
        with pytest.raises(QueueError, match="证书指纹与本机录入的不符"):
            window2.queue.issue(Lane.NORMAL)
        # a PIN typed at the login never reaches it either (nor is it taken here: this PC
        # has never read the station's clerks from its host)
        with pytest.raises(LoginRefused, match="工号或PIN不正确"):
            sessions.log_in(window2, "1001", PIN, 2)
        time.sleep(0.2)  # the impostor's thread has seen whatever came
    assert not any(received)


# --- keys: one per PC, scoped, revocable ---------------------------------------------------
def test_a_kiosk_key_only_issues_and_a_hall_key_only_reads(host, new_client):
    kiosk = new_client("kiosk", kind=Access.KIOSK)
    hall = new_client("hall", kind=Access.HALL)
    ticket = kiosk.queue.issue(Lane.NORMAL)
    assert kiosk.queue.people_ahead(ticket) == 0
    kiosk_key = issue_key(host, Access.KIOSK)
    for path, body in (
        ("/v1/call-next", {"window": 1}),
        ("/v1/clerk-sessions", {"login": "1001", "proof": PIN}),
    ):
        refused = send(host, kiosk_key, "POST", path, json=body)
        assert refused.status_code == 403
        assert refused.json()["detail"].startswith("此排队密钥只用于取号机（只能取号）")
    with pytest.raises(QueueError, match="只用于取号机"):
        kiosk.queue.waiting()
    assert hall.queue.revision() and [t.code for t in hall.queue.waiting()] == ["A001"]
    with pytest.raises(QueueError, match=r"此排队密钥只用于叫号屏（只能读取叫号信息）"):
        hall.queue.issue(Lane.NORMAL)
    for key in (kiosk_key, issue_key(host, Access.HALL)):  # no clerk's name, login or PIN hash
        assert send(host, key, "GET", "/v1/clerks").status_code == 403
    assert host.store.scalar("SELECT count(*) FROM tickets") == 1


def test_a_revoked_key_is_refused_and_its_clerk_signed_out(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    window2.queue.issue(Lane.NORMAL)
    window2.queue.call_next(2, window2.clerk.id)
    (grant,) = [g for g in access.grants(host.store) if g.name == "window2"]
    access.revoke(host.store, grant.id, host.clock)
    with pytest.raises(QueueError) as refused:
        window2.queue.waiting(2)
    assert str(refused.value) == KEY_REVOKED
    assert host.store.scalar("SELECT count(*) FROM queue_sessions WHERE ended_at IS NULL") == 0
    assert access.grant_for(host.store, "not a key") is None
    again = send(host, "x" * 26, "GET", "/v1/ping")
    assert again.status_code == 401 and again.json()["detail"] != REVOKED_KEY


# --- clerks: only the host's, only the one signed in at that PC -----------------------------
def test_an_action_is_done_as_the_clerk_signed_in_at_that_pc(host, new_client, clock):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    window3 = new_client("window3", "1003", "赵敏", window_no=3)
    host.queue.issue(Lane.NORMAL)
    host.queue.issue(Lane.NORMAL)
    called = window2.queue.call_next(2, window2.clerk.id)
    (event,) = [e for e in events_of(host.store, called.uuid) if e["kind"] == "called"]
    assert (
        host.store.scalar("SELECT login FROM clerks WHERE id = ?", (event["clerk_id"],)) == "1002"
    )
    key = issue_key(host, name="4号窗口")
    # the body cannot name a clerk (the old way), and no session is no clerk
    impostor = {"window": 4, "clerk": {"login": "9999", "name": "冒名"}}
    old_way = send(host, key, "POST", "/v1/call-next", json=impostor)
    assert old_way.status_code == 401 and old_way.json()["error"] == "clerk_session"
    session = sign_in(host, key, "1003")
    named = send(
        host, key, "POST", "/v1/call-next", json=impostor, session=session, request_id="n" * 32
    )
    assert named.status_code == 422 and "不认识字段 clerk" in named.json()["detail"]
    # a session belongs to the key that opened it; the next sign-in at that PC ends it
    stolen = send(
        host,
        issue_key(host, name="5号窗口"),
        "POST",
        "/v1/call-next",
        json={"window": 5},
        session=session,
        request_id="s" * 32,
    )
    assert stolen.status_code == 401
    sign_in(host, key, "1001")
    ended = send(
        host, key, "POST", "/v1/call-next", json={"window": 4}, session=session, request_id="e" * 32
    )
    assert ended.status_code == 401
    assert host.store.scalar("SELECT count(*) FROM events WHERE kind = 'called'") == 1
    assert window3.queue.call_next(3, window3.clerk.id).code == "A002"


def test_a_clerk_the_host_does_not_know_is_refused_never_added(host, new_client):
    window2 = new_client("window2", window_no=2)
    stranger = add_clerk(
        window2.store,
        "7777",
        "路人",
        window2.clock,  # only on this PC
        pin_hash=pins.hash_pin(PIN),
    )
    host.queue.issue(Lane.NORMAL)
    clerks_before = host.store.scalar("SELECT count(*) FROM clerks")
    with pytest.raises(SignedOut):  # never signed in on the host: no action as them
        window2.queue.call_next(2, stranger.id)
    with pytest.raises(LoginRefused, match="工号或PIN不正确"):
        sessions.log_in(window2, "7777", PIN, 2)
    answer = send(
        host, issue_key(host), "POST", "/v1/clerk-sessions", json={"login": "7777", "proof": PIN}
    )
    assert answer.status_code == 409 and answer.json()["detail"] == "工号或PIN不正确"
    assert host.store.scalar("SELECT count(*) FROM clerks") == clerks_before
    assert host.store.scalar("SELECT count(*) FROM events WHERE kind = 'called'") == 0
    # the host's clerks are the station's: the one known only here can log in here no more
    assert not window2.store.scalar("SELECT active FROM clerks WHERE login = '7777'")


def test_a_clerk_deactivated_on_the_host_can_act_no_more(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    host.queue.issue(Lane.NORMAL)
    host.queue.issue(Lane.NORMAL)
    called = window2.queue.call_next(2, window2.clerk.id)
    host.store.execute("UPDATE clerks SET active = 0 WHERE login = '1002'")
    with pytest.raises(SignedOut) as ended:
        window2.queue.skip(called.id, window2.clerk.id)
    assert str(ended.value) == SIGNED_OUT
    with pytest.raises(LoginRefused, match="李强已停用，不能登录"):
        sessions.log_in(window2, "1002", PIN, 2)
    assert not window2.store.scalar("SELECT active FROM clerks WHERE login = '1002'")


# --- bounded text, precise 4xx --------------------------------------------------------------
def test_every_text_is_bounded_with_a_precise_message(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    with pytest.raises(QueueError, match=rf"原因（reason）最多 {REASON_MAX} 个字，收到 61 个"):
        window2.queue.issue(Lane.PRIORITY, "老" * 61)
    key = issue_key(host)
    long_reason = send(
        host, key, "POST", "/v1/tickets", json={"lane": "priority", "reason": "x" * 4000}
    )
    assert long_reason.status_code == 422
    assert long_reason.json() == {"detail": "原因（reason）最多 60 个字，收到 4000 个"}
    window = send(
        host,
        key,
        "POST",
        "/v1/tickets/00000000-0000-0000-0000-000000000000/resume",
        json={"window": 0},
        request_id="w" * 32,
        session=sign_in(host, key, "1002"),
    )
    assert window.status_code == 422
    assert window.json()["detail"] == "窗口号（window）至少为 1，收到 0"
    login = send(
        host, key, "POST", "/v1/clerk-sessions", json={"login": "1" * 33}, request_id="l" * 32
    )
    assert login.status_code == 422 and login.json()["detail"].startswith("工号（login）")
    uuid = send(host, key, "GET", "/v1/tickets/" + "a" * 300)
    assert uuid.status_code == 422 and "排队号编号（uuid）" in uuid.json()["detail"]
    assert host.store.scalar("SELECT count(*) FROM tickets") == 0


@pytest.mark.parametrize("act", ["issue", "hold", "transfer"])
def test_the_core_bounds_every_reason_too(counter, act):
    queue = TicketQueue(counter.store, counter.clock)
    too_long = "原" * (REASON_MAX + 1)
    ticket = queue.issue(Lane.NORMAL)
    clerk = counter.clerk_a.id
    called = queue.call_next(1, clerk)
    serving = queue.start_serving(called.id, clerk)
    with pytest.raises(QueueError, match=f"原因最多 {REASON_MAX} 个字"):
        {
            "issue": lambda: queue.issue(Lane.PRIORITY, too_long),
            "hold": lambda: queue.hold(serving.id, clerk, too_long),
            "transfer": lambda: queue.transfer(serving.id, 2, clerk, too_long),
        }[act]()
    assert queue.get(ticket.id).status == serving.status


# --- a change needs a request id -------------------------------------------------------------
def test_a_change_without_a_request_id_is_refused(host):
    answer = send(
        host, issue_key(host), "POST", "/v1/tickets", json={"lane": "normal"}, request_id=None
    )
    assert answer.status_code == 428 and "请求编号" in answer.json()["detail"]
    assert host.store.scalar("SELECT count(*) FROM tickets") == 0
