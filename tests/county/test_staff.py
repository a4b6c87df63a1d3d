"""Staff accounts of the county hub: roles, passwords (argon2id), the lockout's back-off, API
tokens (the staff tokens of before became accounts' tokens), the admin command line."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from counterapp.clock import stamp
from hub import admin, staff
from hub.db import PLACEHOLDERS, Database, _statements, migration_scripts
from hub.stations import token_hash
from tests.conftest import MORNING
from tests.county.county import STAFF

AT = stamp(MORNING)


def test_roles_grant_what_the_issue_says(county):
    accounts = {a.login: a for a in staff.accounts(county)}
    clerk, supervisor, boss = accounts["0101"], accounts["0201"], accounts["0001"]
    assert clerk.may("read_cases") and clerk.may("decide") and clerk.may("check_slips")
    assert not clerk.may("read_journal") and not clerk.may("manage_staff")
    assert supervisor.may("read_cases") and supervisor.may("read_journal")
    assert not supervisor.may("decide")  # reads everything, decides nothing
    assert boss.may("manage_staff") and not boss.may("read_cases")  # no citizen's data


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-1", "10-128"),
        ("aaaaaaaaaaaa", "过于简单"),
        ("0123456789", "过于简单"),
        ("x0101-password", "不能包含工号"),
        (" spaced-out-pass", "首尾"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule(county, password, problem):
    with pytest.raises(staff.StaffProblem, match=problem):
        staff.set_password(county, "0101", password, AT, "0001")
    assert staff.password_problems("Quanqiu-2026-ok", "0101") == []


def test_only_the_argon2id_hash_is_kept(county):
    with county.transaction() as tx:
        stored = tx.scalar("SELECT password_hash FROM staff WHERE login = '0101'")
    assert stored.startswith("$argon2id$") and STAFF["0101"][2] not in stored


def test_wrong_passwords_lock_with_back_off_and_the_right_one_resets(county):
    now = MORNING
    for _ in range(4):
        with pytest.raises(staff.LoginRefused, match="工号或密码不正确"):
            staff.sign_in(county, "0101", "wrong-password!", now, "10.0.0.9")
    with pytest.raises(staff.LoginRefused, match="已锁定1分钟"):
        staff.sign_in(county, "0101", "wrong-password!", now, "10.0.0.9")
    with pytest.raises(staff.LoginRefused, match="已锁定"):  # even the right one
        staff.sign_in(county, "0101", STAFF["0101"][2], now + timedelta(seconds=59), "x")
    later = now + timedelta(minutes=1, seconds=1)
    with pytest.raises(staff.LoginRefused, match="已锁定2分钟"):
        staff.sign_in(county, "0101", "wrong-password!", later, "10.0.0.9")
    account = staff.sign_in(
        county, "0101", STAFF["0101"][2], later + timedelta(minutes=3), "10.0.0.9"
    )
    assert account.failed_logins == 0 and account.locked_until is None
    with county.transaction() as tx:
        kinds = [
            r[0]
            for r in tx.all(
                "SELECT kind FROM staff_journal WHERE login = '0101' "
                "AND kind IN ('login', 'login_failed', 'locked') ORDER BY id"
            )
        ]
    assert kinds.count("login_failed") == 7 and kinds.count("locked") == 2
    assert kinds[-1] == "login"


def test_an_unknown_login_reads_like_a_wrong_password(county):
    with pytest.raises(staff.LoginRefused) as unknown:
        staff.sign_in(county, "9999", "whatever-pass", MORNING, "10.0.0.9")
    with pytest.raises(staff.LoginRefused) as wrong:
        staff.sign_in(county, "0001", "whatever-pass", MORNING, "10.0.0.9")
    assert str(unknown.value) == str(wrong.value) == "工号或密码不正确"


def test_deactivated_accounts_cannot_sign_in_nor_use_their_token(county):
    token = staff.issue(county, "0101", AT, "0001")
    assert staff.authenticate(county, token) == "0101"
    staff.set_active(county, "0101", False, AT, "0001")
    assert staff.authenticate(county, token) is None
    with pytest.raises(staff.LoginRefused, match="已停用"):
        staff.sign_in(county, "0101", STAFF["0101"][2], MORNING, "x")
    staff.set_active(county, "0101", True, AT, "0001")
    assert staff.authenticate(county, token) == "0101"


def test_an_admins_token_does_not_check_slips(county):
    assert staff.authenticate(county, staff.issue(county, "0001", AT, "0001")) is None
    assert staff.authenticate(county, staff.issue(county, "0201", AT, "0001")) == "0201"


def test_the_hub_keeps_an_active_admin(county):
    with pytest.raises(staff.StaffProblem, match="始终有一名在岗的管理员"):
        staff.set_active(county, "0001", False, AT, "0001")
    with pytest.raises(staff.StaffProblem, match="始终有一名在岗的管理员"):
        staff.set_role(county, "0001", "clerk", AT, "0001")
    staff.set_role(county, "0201", "admin", AT, "0001")
    staff.set_role(county, "0001", "clerk", AT, "0201")


def test_staff_tokens_of_before_became_accounts_tokens(tmp_path, sealing_key, hub_url):
    """A hub at schema 3 with two staff tokens (one revoked) is upgraded: each became an
    account of its name, the live token still checks slips, the revoked one is no token."""
    conn, mark = _hub_of_schema(hub_url, 3)
    for name, token, revoked in (("县中心一号窗口", "cas_live", None), ("信息科", "cas_gone", AT)):
        conn.execute(
            f"INSERT INTO staff_tokens (name, token_hash, created_at, revoked_at) "
            f"VALUES ({mark}, {mark}, {mark}, {mark})",
            (name, token_hash(token), AT, revoked),
        )
    conn.close()
    db = Database(hub_url, sealing_key=sealing_key)
    try:
        accounts = {a.login: a for a in staff.accounts(db)}
        assert accounts["县中心一号窗口"].has_token and not accounts["信息科"].has_token
        assert accounts["县中心一号窗口"].role == "clerk"
        assert not accounts["县中心一号窗口"].has_password
        assert staff.authenticate(db, "cas_live") == "县中心一号窗口"
        assert staff.authenticate(db, "cas_gone") is None
        assert db.schema_version() == len(migration_scripts())
    finally:
        db.close()


def _hub_of_schema(url: str, upto: int):
    """A hub database made by the first `upto` migrations, as an older hub left it: a raw
    connection to it and its placeholder."""
    if url.startswith("sqlite"):
        import sqlite3

        conn, dialect, mark = (
            sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None),
            "sqlite",
            "?",
        )
    else:
        import psycopg

        conn, dialect, mark = psycopg.connect(url, autocommit=True), "postgres", "%s"
    conn.execute(
        "CREATE TABLE hub_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    for number, name, sql in migration_scripts()[:upto]:
        for key, value in PLACEHOLDERS[dialect].items():
            sql = sql.replace(key, value)
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"INSERT INTO hub_migrations VALUES ({mark}, {mark}, 'then')", (number, name))
    return conn, mark


def test_the_first_admin_from_the_command_line(hub_url, monkeypatch, capsys):
    typed = iter(["Diyige-admin-26", "Diyige-admin-26"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert (
        admin.main(["--db", hub_url, "staff-add", "0001", "--name", "张管理", "--role", "admin"])
        == 0
    )
    assert "/county/" in capsys.readouterr().out
    typed = iter(["too-short", "too-short"])
    assert admin.main(["--db", hub_url, "staff-password", "0001"]) == 2
    assert "10-128" in capsys.readouterr().err
    typed = iter(["Another-pass-99", "Another-pass-98"])
    assert admin.main(["--db", hub_url, "staff-password", "0001"]) == 2
    assert "不一致" in capsys.readouterr().err
    assert admin.main(["--db", hub_url, "staff-list"]) == 0
    listing = capsys.readouterr().out
    assert "0001\t张管理\tadmin\t在岗\tset" in listing
    assert "Diyige" not in listing


def test_a_staff_token_checks_slips_through_the_api(hub, hub_db):
    token = staff.issue(hub_db, "县中心一号窗口", AT)
    answer = httpx.post(
        f"{hub.url}/v1/staff/slip-checks",
        headers={"Authorization": f"Bearer {token}"},
        json={"qr": "YBGZ2|370883101-20261125-01-0007|ABCDEFGH"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["result"] == "unknown"
    with hub_db.transaction() as tx:
        assert tx.one(
            "SELECT login, kind, case_no FROM staff_journal WHERE kind = 'slip_check'"
        ) == ("县中心一号窗口", "slip_check", "370883101-20261125-01-0007")
