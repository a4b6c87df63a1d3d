"""Clerk accounts on a real store: the admin, PIN rules and hashing, the lockout with back-off,
what only the admin may do, deactivation, and the journal of it all (never a PIN)."""

from __future__ import annotations

import json
import time

import pytest

from counterapp import accounts, pins
from counterapp.accounts import AccountError, Login, LoginRefused
from counterapp.app import Counter
from counterapp.station import ADMIN, StationError, add_clerk, get_clerk
from tests.conftest import PIN, TOWN

NEW_PIN = "390721"


def clerk_events(counter, clerk=None, kind=None) -> list[dict]:
    sql = "SELECT e.kind, e.clerk_id, e.data, e.subject_uuid FROM events e WHERE subject = 'clerk'"
    params: list = []
    if clerk is not None:
        sql += " AND subject_uuid = ?"
        params.append(clerk.uuid)
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return [
        {"kind": r["kind"], "by": r["clerk_id"], "data": json.loads(r["data"])}
        for r in counter.store.all(sql + " ORDER BY e.id", tuple(params))
    ]


def admin_login(counter) -> Login:
    return accounts.authenticate(
        counter.store, "1001", PIN, counter.clock, kind=accounts.ADMIN_VERIFIED
    )


# --- PINs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pin, problem",
    [
        ("12345", "6-64位"),
        ("000000", "同一个字符"),
        ("123456", "连续"),
        ("987654", "连续"),
        ("abcdef", "连续"),
        ("121212", "过于简单"),
        ("123123", "过于简单"),
        ("520520", "过于简单"),
        ("20 5817", "空格"),
        ("２０５８１７", "数字、字母"),
        ("1001abc", ""),
    ],
)
def test_the_pin_rule_refuses_the_guessable(pin, problem):
    found = pins.problems(pin, login="1001")
    assert (problem in "；".join(found)) if problem else not found


def test_a_pin_equal_to_the_login_is_refused():
    assert "PIN不能与工号相同" in pins.problems("900712", login="900712")


def test_only_an_argon2id_hash_is_stored_and_it_verifies(counter):
    stored = counter.store.scalar("SELECT pin_hash FROM clerks WHERE login = '1001'")
    assert stored.startswith("$argon2id$") and PIN not in stored
    assert pins.verify(stored, PIN) and not pins.verify(stored, NEW_PIN)
    assert not pins.verify("not a hash", PIN)


def test_the_real_parameters_are_memory_hard_and_take_a_tenth_of_a_second_or_more():
    pins.use_hasher(None)  # the program's own hasher, not the tests' cheap one
    started = time.perf_counter()
    stored = pins.hash_pin(PIN)
    elapsed = time.perf_counter() - started
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    print(f"argon2id hash of a PIN: {elapsed:.3f} s")


# --- the first admin -------------------------------------------------------------------------
def test_the_first_admin_is_set_up_once(tmp_path, clock):
    with Counter.open(tmp_path / "s.db", clock) as counter:
        counter.configure_station(TOWN)
        assert not accounts.has_admin(counter.store)
        admin = accounts.set_up_admin(counter.store, "2001", "周敏", PIN, clock)
        assert admin.role == ADMIN and accounts.has_admin(counter.store)
        with pytest.raises(AccountError, match="已有站长"):
            accounts.set_up_admin(counter.store, "2002", "孙悦", NEW_PIN, clock)
        assert [e["kind"] for e in clerk_events(counter)] == ["created"]
        assert clerk_events(counter)[0]["data"] == {
            "login": "2001",
            "name": "周敏",
            "role": "admin",
            "pin_set": True,
        }


def test_an_upgraded_store_promotes_an_existing_clerk_to_admin(tmp_path, clock):
    with Counter.open(tmp_path / "s.db", clock) as counter:
        counter.configure_station(TOWN)
        old = add_clerk(counter.store, "1001", "王丽", clock)  # from before accounts: no PIN
        with pytest.raises(LoginRefused, match="尚未设置PIN"):
            accounts.authenticate(counter.store, "1001", PIN, clock)
        with pytest.raises(AccountError, match="已属于王丽"):
            accounts.set_up_admin(counter.store, "1001", "李强", PIN, clock)
        admin = accounts.set_up_admin(counter.store, "1001", "王丽", PIN, clock)
        assert admin.id == old.id and admin.is_admin
        assert accounts.authenticate(counter.store, "1001", PIN, clock).clerk.id == old.id


def test_a_weak_admin_pin_changes_nothing(tmp_path, clock):
    with Counter.open(tmp_path / "s.db", clock) as counter:
        with pytest.raises(AccountError, match="连续"):
            accounts.set_up_admin(counter.store, "2001", "周敏", "123456", clock)
        assert counter.store.scalar("SELECT count(*) FROM clerks") == 0


# --- logging in and the lockout ----------------------------------------------------------------
def test_a_right_pin_logs_in_and_is_journalled_with_the_window(counter):
    login = accounts.authenticate(counter.store, "1002", PIN, counter.clock, data={"window": 3})
    assert login.clerk == counter.clerk_b and login.at == counter.clock.now()
    assert clerk_events(counter, counter.clerk_b, "logged_in") == [
        {"kind": "logged_in", "by": counter.clerk_b.id, "data": {"window": 3}}
    ]


def test_wrong_pins_lock_the_clerk_with_a_growing_back_off(counter):
    store, clock = counter.store, counter.clock
    for failures in range(1, 5):
        with pytest.raises(LoginRefused, match=f"再错{5 - failures}次"):
            accounts.authenticate(store, "1002", NEW_PIN, clock)
    with pytest.raises(LoginRefused, match="已锁定1分钟（至 09:01）"):
        accounts.authenticate(store, "1002", NEW_PIN, clock)
    # locked: even the right PIN is not checked until the lock runs out
    with pytest.raises(LoginRefused, match="请于 09:01 后再试"):
        accounts.authenticate(store, "1002", PIN, clock)
    clock.advance(minutes=1)
    with pytest.raises(LoginRefused, match="已锁定2分钟"):
        accounts.authenticate(store, "1002", NEW_PIN, clock)
    clock.advance(minutes=2)
    with pytest.raises(LoginRefused, match="已锁定4分钟"):
        accounts.authenticate(store, "1002", NEW_PIN, clock)
    assert [accounts.lock_minutes(n) for n in range(4, 13)] == [0, 1, 2, 4, 8, 16, 30, 30, 30]
    clock.advance(minutes=4)
    accounts.authenticate(store, "1002", PIN, clock)  # a right PIN clears the count
    with pytest.raises(LoginRefused, match="再错4次"):
        accounts.authenticate(store, "1002", NEW_PIN, clock)


def test_the_lockout_survives_a_restart(counter, clock):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate(counter.store, "1002", NEW_PIN, clock)
    path = counter.store.path
    counter.close()
    with Counter.open(path, clock) as again, pytest.raises(LoginRefused, match="已锁定"):
        accounts.authenticate(again.store, "1002", PIN, clock)


def test_every_failure_is_journalled_without_the_pin(counter):
    store, clock = counter.store, counter.clock
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate(store, "1002", NEW_PIN, clock)
    with pytest.raises(LoginRefused):
        accounts.authenticate(store, "1002", PIN, clock)
    with pytest.raises(LoginRefused, match="工号或PIN不正确"):
        accounts.authenticate(store, "9999", PIN, clock)
    kinds = [
        (e["kind"], e["data"].get("reason"))
        for e in clerk_events(counter)
        if e["kind"] in ("login_failed", "locked_out")
    ]
    assert kinds == [("login_failed", "wrong_pin")] * 5 + [
        ("locked_out", None),
        ("login_failed", "locked"),
        ("login_failed", "unknown_login"),
    ]
    journal = " ".join(row[0] for row in store.all("SELECT data FROM events"))
    stored = " ".join(row[0] for row in store.all("SELECT pin_hash FROM clerks"))
    assert PIN not in journal and NEW_PIN not in journal and "$argon2" not in journal
    assert stored.count("$argon2id$") == 2


def test_a_deactivated_clerk_cannot_log_in_but_keeps_their_cases(counter):
    case = counter.cases.open_case(_person(), ["YB0202"], counter.clerk_b.id)
    admin = admin_login(counter)
    accounts.deactivate(counter.store, admin, counter.clerk_b.id, counter.clock)
    with pytest.raises(LoginRefused, match="李强已停用"):
        accounts.authenticate(counter.store, "1002", PIN, counter.clock)
    assert counter.store.scalar("SELECT count(*) FROM clerks") == 2  # never deleted
    from counterapp.case_search import search

    assert search(counter.store, case.case_no)[0].owner_name == "李强"
    accounts.reactivate(counter.store, admin, counter.clerk_b.id, counter.clock)
    accounts.authenticate(counter.store, "1002", PIN, counter.clock)
    assert [e["kind"] for e in clerk_events(counter, counter.clerk_b)][-4:] == [
        "deactivated",
        "login_failed",
        "reactivated",
        "logged_in",
    ]


# --- what only the admin may do --------------------------------------------------------------
def test_only_a_recent_admin_login_manages_clerks(counter):
    clerk = accounts.authenticate(counter.store, "1002", PIN, counter.clock)
    with pytest.raises(AccountError, match="只有站长"):
        accounts.add(counter.store, clerk, "1003", "赵敏", NEW_PIN, counter.clock)
    admin = admin_login(counter)
    counter.clock.advance(minutes=accounts.ADMIN_PROOF_MINUTES + 1)
    with pytest.raises(AccountError, match="已超时"):
        accounts.add(counter.store, admin, "1003", "赵敏", NEW_PIN, counter.clock)
    assert counter.store.scalar("SELECT count(*) FROM clerks") == 2


def test_the_admin_adds_resets_unlocks_and_each_is_journalled(counter):
    store, clock = counter.store, counter.clock
    admin = admin_login(counter)
    new = accounts.add(store, admin, "1003", "赵敏", NEW_PIN, clock)
    accounts.authenticate(store, "1003", NEW_PIN, clock)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate(store, "1003", PIN, clock)
    accounts.unlock(store, admin, new.id, clock)
    accounts.authenticate(store, "1003", NEW_PIN, clock)
    accounts.reset_pin(store, admin, new.id, "864209", clock)
    with pytest.raises(LoginRefused):
        accounts.authenticate(store, "1003", NEW_PIN, clock)
    accounts.authenticate(store, "1003", "864209", clock)
    events = clerk_events(counter, new)
    by_admin = [(e["kind"], e["data"]) for e in events if e["by"] == counter.clerk_a.id]
    assert by_admin == [
        ("created", {"login": "1003", "name": "赵敏", "role": "clerk", "pin_set": True}),
        ("unlocked", {"failures": 5}),
        ("pin_set", {"reset": True}),
    ]


def test_the_last_active_admin_cannot_be_deactivated(counter):
    admin = admin_login(counter)
    with pytest.raises(AccountError, match="至少要有一位在岗的站长"):
        accounts.deactivate(counter.store, admin, counter.clerk_a.id, counter.clock)
    second = accounts.add(counter.store, admin, "1003", "赵敏", NEW_PIN, counter.clock, role=ADMIN)
    accounts.deactivate(counter.store, admin, counter.clerk_a.id, counter.clock)
    assert not get_clerk(counter.store, counter.clerk_a.id).active
    # the deactivated admin's proof no longer opens anything
    with pytest.raises(AccountError, match="只有站长"):
        accounts.unlock(counter.store, admin, second.id, counter.clock)


def test_a_bad_new_clerk_changes_nothing(counter):
    admin = admin_login(counter)
    for login, name, pin, message in [
        ("1002", "重名", NEW_PIN, "已存在"),
        ("1003", "赵敏", "111111", "同一个字符"),
        ("1", "赵敏", NEW_PIN, "工号"),
        ("1003", " ", NEW_PIN, "姓名不能为空"),
    ]:
        with pytest.raises(StationError, match=message):
            accounts.add(counter.store, admin, login, name, pin, counter.clock)
    assert counter.store.scalar("SELECT count(*) FROM clerks") == 2
    assert len(clerk_events(counter, kind="created")) == 2  # the fixture's two


def test_the_accounts_list_tells_each_clerks_state(counter):
    admin = admin_login(counter)
    accounts.add(counter.store, admin, "1003", "赵敏", NEW_PIN, counter.clock)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate(counter.store, "1003", PIN, counter.clock)
    accounts.deactivate(counter.store, admin, counter.clerk_b.id, counter.clock)
    add_clerk(counter.store, "1004", "钱多", counter.clock)
    now = counter.clock.now()
    states = {a.clerk.login: a.state_text(now) for a in accounts.accounts(counter.store)}
    assert states == {
        "1001": "在岗",
        "1002": "已停用",
        "1003": "已锁定至 09:01",
        "1004": "未设置PIN",
    }


def _person():
    from counterapp.case_model import Person
    from tests.conftest import make_id

    return Person("孙秀英", make_id(), "13812345678")


# --- the demo --------------------------------------------------------------------------------
def test_a_demo_store_from_before_accounts_gets_the_demo_pin_and_no_real_store_does(
    tmp_path, clock
):
    from counterapp.demo import DEMO_CLERKS, DEMO_PIN, DEMO_STATION, ensure_demo_accounts

    with (
        Counter.open(tmp_path / "demo.db", clock) as demo,
        Counter.open(tmp_path / "real.db", clock) as real,
    ):
        for counter, station in ((demo, DEMO_STATION), (real, TOWN._replace(code="370883999"))):
            counter.configure_station(station)
            for login, name in DEMO_CLERKS:  # as an older program made them: no PIN
                add_clerk(counter.store, login, name, clock)
            ensure_demo_accounts(counter)
        assert accounts.authenticate(demo.store, "1001", DEMO_PIN, clock).clerk.is_admin
        assert accounts.authenticate(demo.store, "1003", DEMO_PIN, clock).clerk.name == "赵敏"
        assert not accounts.has_admin(real.store)
        with pytest.raises(LoginRefused, match="尚未设置PIN"):
            accounts.authenticate(real.store, "1001", DEMO_PIN, clock)
