"""One set of clerks per station, kept on the queue host (real host on 127.0.0.1 over TLS):
window PCs mirror its accounts, the host judges every PIN typed at a window and counts the
failures, the PIN is sent once and kept nowhere, a window PC logs in on the last list while the
host is away, and a session the host has ended asks for the PIN again."""

from __future__ import annotations

import pytest

from counterapp import accounts, pins, sessions
from counterapp.accounts import LoginRefused
from counterapp.app import Counter
from counterapp.cli import main as cli
from counterapp.journal import events_of
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import SIGNED_OUT, SignedOut, unreachable
from counterapp.lan_queue.roles import clerks_on_host
from counterapp.queue import Lane, QueueError
from counterapp.station import ADMIN, add_clerk, clerk_by_login
from tests.conftest import PIN
from tests.lan_queue.conftest import issue_key, restart
from tests.lan_queue.test_host_security import send

NEW_PIN = "739164"


def clerk_row(counter: Counter, login: str) -> dict:
    return dict(
        counter.store.one(
            "SELECT role, pin_hash, active, failed_logins, locked_until "
            "FROM clerks WHERE login = ?",
            (login,),
        )
    )


def admin(host: Counter) -> accounts.Login:
    return accounts.authenticate(host.store, "1001", PIN, host.clock)


def host_events(host: Counter, login: str, kind: str) -> list[dict]:
    clerk = clerk_by_login(host.store, login)
    return [e["data"] for e in events_of(host.store, clerk.uuid) if e["kind"] == kind]


# --- the accounts travel to window PCs, and only to them -------------------------------------
def test_a_window_pc_mirrors_the_hosts_accounts_and_none_of_their_lockout(host, new_client):
    li = add_clerk(host.store, "1002", "李强", host.clock, pin_hash=pins.hash_pin(PIN))
    add_clerk(host.store, "1003", "赵敏", host.clock, pin_hash=pins.hash_pin(PIN))
    accounts.deactivate(host.store, admin(host), clerk_by_login(host.store, "1003").id, host.clock)
    accounts.set_idle_lock(host.store, admin(host), 5, host.clock)
    host.store.execute("UPDATE clerks SET failed_logins = 3 WHERE login = '1002'")
    answer = send(host, issue_key(host), "GET", "/v1/clerks")
    assert answer.json()["idle_lock_minutes"] == 5
    assert [set(c) for c in answer.json()["clerks"]] == [
        {"uuid", "login", "name", "role", "pin_hash"}
    ] * 2  # never a lockout count
    for kind in (Access.KIOSK, Access.HALL):
        assert send(host, issue_key(host, kind), "GET", "/v1/clerks").status_code == 403
    window2 = new_client("window2")
    add_clerk(window2.store, "7777", "路人", window2.clock, role=ADMIN)  # this PC's own
    window2.queue.take_station_clerks(window2.clock)
    assert clerk_row(window2, "1001") == {**clerk_row(host, "1001"), "failed_logins": 0}
    assert clerk_row(window2, "1002")["failed_logins"] == 0
    assert clerk_by_login(window2.store, "1002").uuid == li.uuid
    assert clerk_by_login(window2.store, "1003") is None  # deactivated on the host
    assert not clerk_row(window2, "7777")["active"]  # the station's are the host's
    assert [c.login for c in accounts.can_log_in(window2.store)] == ["1001", "1002"]
    assert accounts.has_admin(window2.store)  # the host's admin
    assert accounts.idle_lock_minutes(window2.settings) == 5
    # a wrong PIN typed here while the host is away counts here; a PIN reset on the host
    # (it also ends the lockout there) reaches this PC at its next reading, and ends it here
    window2.store.execute("UPDATE clerks SET failed_logins = 4 WHERE login = '1002'")
    accounts.reset_pin(host.store, admin(host), li.id, NEW_PIN, host.clock)
    accounts.deactivate(host.store, admin(host), li.id, host.clock)
    accounts.reactivate(host.store, admin(host), li.id, host.clock)
    window2.queue.take_station_clerks(window2.clock)
    mirrored = clerk_row(window2, "1002")
    assert mirrored["pin_hash"] == clerk_row(host, "1002")["pin_hash"]
    assert mirrored["failed_logins"] == 0 and pins.verify(mirrored["pin_hash"], NEW_PIN)


# --- the host judges the PIN ------------------------------------------------------------------
def test_the_host_judges_a_pin_typed_at_a_window_and_counts_the_failures(host, new_client):
    li = add_clerk(host.store, "1002", "李强", host.clock, pin_hash=pins.hash_pin(PIN))
    window2 = new_client("window2", window_no=2)
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginRefused, match=f"PIN不正确（再错{left}次将暂时锁定）"):
            sessions.log_in(window2, "1002", "999888", 2)
    with pytest.raises(LoginRefused, match="李强已锁定1分钟"):
        sessions.log_in(window2, "1002", "999888", 2)
    with pytest.raises(LoginRefused, match="因PIN连续错误已锁定"):  # the right PIN too
        sessions.log_in(window2, "1002", PIN, 2)
    assert clerk_row(host, "1002")["failed_logins"] == 5  # counted on the host
    assert clerk_row(window2, "1002")["failed_logins"] == 0  # not here
    failed = host_events(host, "1002", "login_failed")
    assert [(e["for"], e["pc"]) for e in failed] == [(accounts.QUEUE_SIGNED_IN, "window2")] * 6
    assert host_events(host, "1002", "locked_out")[0]["failures"] == 5
    accounts.unlock(host.store, admin(host), li.id, host.clock)  # the host's admin
    done = sessions.log_in(window2, "1002", PIN, 2)
    assert done.host_problem == "" and done.login.clerk.login == "1002"
    assert host_events(host, "1002", accounts.QUEUE_SIGNED_IN)[-1] == {"pc": "window2"}
    (here,) = [
        e["data"]
        for e in events_of(window2.store, done.login.clerk.uuid)
        if e["kind"] == "logged_in"
    ]
    assert here == {"window": 2, "checked_by": "queue_host"}
    host.queue.issue(Lane.NORMAL)
    called = window2.queue.call_next(2, done.login.clerk.id)
    (event,) = [e for e in events_of(host.store, called.uuid) if e["kind"] == "called"]
    assert event["clerk_id"] == li.id


def test_a_sign_in_without_the_pin_is_refused(host):
    key = issue_key(host)
    for body, detail in (
        ({"login": "1001"}, "缺少登录凭据（proof）"),
        ({"login": "1001", "proof": ""}, "登录凭据（proof）不能为空"),
        ({"login": "1001", "proof": "9" * 65}, "登录凭据（proof）最多 64 个字"),
    ):
        answer = send(host, key, "POST", "/v1/clerk-sessions", json=body)
        assert answer.status_code == 422 and answer.json()["detail"].startswith(detail)
    assert host.store.scalar("SELECT count(*) FROM queue_sessions") == 0


def test_the_pin_travels_once_to_the_host_and_stays_nowhere(host, new_client, lossy_link):
    window2 = new_client("window2", "1002", "李强", window_no=2, url=lossy_link.url)
    host.queue.issue(Lane.NORMAL)
    window2.queue.call_next(2, window2.clerk.id)
    carrying = [r.split(b"\r\n")[0] for r in lossy_link.requests if PIN.encode() in r]
    assert carrying == [b"POST /v1/clerk-sessions HTTP/1.1"]
    assert PIN not in repr(vars(window2.queue))


# --- the host away, and back ------------------------------------------------------------------
def test_a_window_pc_logs_in_on_the_last_list_while_the_host_is_away(host, new_client):
    window2 = new_client("window2", "1002", "李强", window_no=2)  # read the list once
    host.queue.issue(Lane.NORMAL)
    host.server.stop()
    with pytest.raises(LoginRefused, match="再错4次"):  # counted here, meanwhile
        sessions.log_in(window2, "1002", "999888", 2)
    done = sessions.log_in(window2, "1002", PIN, 2)
    assert done.host_problem == unreachable(host.server.url)
    assert clerk_row(window2, "1002")["failed_logins"] == 0
    clerk = done.login.clerk
    with pytest.raises(QueueError) as away:  # no PIN helps: it says so
        window2.queue.call_next(2, clerk.id)
    assert str(away.value) == unreachable(host.server.url)
    server = restart(host)
    try:
        with pytest.raises(SignedOut):  # back: the PIN, please
            window2.queue.call_next(2, clerk.id)
        unlocked = sessions.unlock(window2, clerk, "1002", PIN, 2, None)
        assert unlocked.host_problem == "" and not unlocked.switched
        assert window2.queue.call_next(2, clerk.id).code == "A001"
    finally:
        server.stop()


def test_a_new_day_on_the_host_asks_for_the_pin_again(host, new_client, clock):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    clock.advance(days=1)
    host.queue.issue(Lane.NORMAL)
    with pytest.raises(SignedOut) as ended:
        window2.queue.call_next(2, window2.clerk.id)
    assert str(ended.value) == SIGNED_OUT
    sessions.unlock(window2, window2.clerk, "1002", PIN, 2, None)
    assert window2.queue.call_next(2, window2.clerk.id).code == "A001"


def test_a_switch_at_the_lock_screen_signs_the_new_clerk_in_on_the_host(host, new_client):
    add_clerk(host.store, "1003", "赵敏", host.clock, pin_hash=pins.hash_pin(PIN))
    window2 = new_client("window2", "1002", "李强", window_no=2)
    host.queue.issue(Lane.NORMAL)
    switched = sessions.unlock(window2, window2.clerk, "1003", PIN, 2, None)
    assert switched.switched and switched.login.clerk.login == "1003"
    with pytest.raises(SignedOut):  # 李强's session ended with the switch
        window2.queue.call_next(2, window2.clerk.id)
    called = window2.queue.call_next(2, switched.login.clerk.id)
    (event,) = [e for e in events_of(host.store, called.uuid) if e["kind"] == "called"]
    assert (
        host.store.scalar("SELECT login FROM clerks WHERE id = ?", (event["clerk_id"],)) == "1003"
    )
    assert host.store.scalar("SELECT count(*) FROM queue_sessions WHERE ended_at IS NULL") == 1
    assert host_events(host, "1003", accounts.QUEUE_SIGNED_IN) == [{"pc": "window2"}]


# --- no accounts of its own ------------------------------------------------------------------
def test_the_command_line_on_a_window_pc_says_clerks_are_managed_on_the_host(
    host, new_client, capsys, monkeypatch
):
    window2 = new_client("window2", "1002", "李强", window_no=2)
    window2.close()
    monkeypatch.setattr("counterapp.paths.store_path", lambda *_a, **_k: window2.store.path)
    for change in (
        ["--add", "1004", "--name", "钱多"],
        ["--set-up-admin", "1004", "--name", "钱多"],
        ["--reset-pin", "1002"],
        ["--idle-lock", "5"],
    ):
        assert cli(["clerk", *change]) != 0
        assert clerks_on_host(host.server.url) in capsys.readouterr().err
    assert cli(["clerk"]) == 0
    shown = capsys.readouterr().out
    assert clerks_on_host(host.server.url) in shown and "1002\t李强\t经办人员\t在岗" in shown
