"""The workbench over HTTP, as a browser meets it (the real ASGI app, cookies, forms with the
page's CSRF token): signing in and out, roles, CSRF, the session's idle time-out, secure
cookies and headers, the inbox and a case in full (journalled), decisions, slip checks,
people management."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from counterapp.workdays import WorkCalendar
from hub import inbox, staff
from hub.limits import Limits, Rate
from hub.web import Settings
from tests.county.county import STAFF, Browser, forward_case, sync
from tests.sync.conftest import connect_station
from tests.sync.stations import new_station
from tests.sync.test_slip_checks import printed_qr


@pytest.fixture
def town(hub, county, tmp_path):
    counter = new_station(tmp_path / "town.db", "370883101")
    connect_station(counter, county, hub.url)
    yield counter
    counter.close()


@pytest.fixture
def forwarded(town):
    """Two forwarded cases of the town, synced."""
    cases = [
        forward_case(town, name="欧阳娜娜", sequence="101"),
        forward_case(town, name="张三丰", sequence="102"),
    ]
    sync(town)
    return cases


def journal(db, kind: str) -> list[tuple]:
    with db.transaction() as tx:
        return tx.all(
            "SELECT login, case_uuid, case_no, detail FROM staff_journal "
            "WHERE kind = ? ORDER BY id",
            (kind,),
        )


def test_pages_ask_for_a_sign_in_and_come_back_after_it(web):
    answer = web.get("/county/inbox")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/county/login?next=%2Fcounty%2Finbox"
    web.get(answer.headers["location"])
    signed = web.post(
        "/county/login", {"login": "0101", "password": STAFF["0101"][2], "next": "/county/inbox"}
    )
    assert signed.headers["location"] == "/county/inbox"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("__Host-county_session=")  # over HTTPS: Secure, __Host-
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag in cookie
    page = web.follow(signed)
    assert page.status_code == 200 and "转报办件（帮办代办）" in page.text
    assert "王芳（经办）" in page.text


def test_a_page_asked_with_its_query_comes_back_with_it(web):
    asked = "/county/ledger?period=month&month=2026-10&level=village"
    answer = web.get(asked)
    assert answer.headers["location"] == "/county/login?" + urlencode({"next": asked})
    form = web.get(answer.headers["location"]).text
    assert (
        'name="next" value="/county/ledger?period=month&amp;month=2026-10&amp;level=village"'
        in form
    )
    signed = web.post(
        "/county/login", {"login": "0101", "password": STAFF["0101"][2], "next": asked}
    )
    assert signed.headers["location"] == asked
    assert "2026年10月" in web.follow(signed).text


def test_over_plain_http_the_cookie_is_not_secure(county, hub_clock):
    plain = Browser(county, hub_clock)
    plain.client.base_url = "http://hub.test"
    plain.get("/county/login")
    answer = plain.post("/county/login", {"login": "0101", "password": STAFF["0101"][2]})
    assert answer.headers["set-cookie"].startswith("county_session=")
    assert "Secure" not in answer.headers["set-cookie"]
    plain.close()


def test_an_open_redirect_is_never_followed(web):
    web.get("/county/login")
    answer = web.post(
        "/county/login",
        {"login": "0101", "password": STAFF["0101"][2], "next": "https://evil.example/"},
    )
    assert answer.headers["location"] == "/county/inbox"


def test_the_menu_and_the_pages_follow_the_role(web):
    clerk = web.sign_in("0101")
    assert "人员管理" not in clerk.text and "日志" not in clerk.text
    assert web.get("/county/staff").status_code == 403
    assert web.get("/county/journal").status_code == 403
    web.client.cookies.clear()
    boss = web.sign_in("0001")  # the admin lands on 站点监管 (no inbox for them)
    assert boss.url.path == "/county/supervision" and "转报办件" not in boss.text
    assert web.get("/county/inbox").status_code == 403
    assert web.get("/county/staff").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(web, forwarded):
    web.sign_in("0101")
    case = forwarded[0]
    refused = web.post(f"/county/cases/{case.uuid}/decide", {"status": "received"}, csrf=False)
    assert refused.status_code == 403 and "未作任何更改" in refused.text
    forged = web.post(
        f"/county/cases/{case.uuid}/decide", {"status": "received", "csrf": "forged"}, csrf=False
    )
    assert forged.status_code == 403
    assert web.post("/county/logout", csrf=False).status_code == 403
    with web.db.transaction() as tx:
        assert tx.scalar("SELECT count(*) FROM decisions") == 0
    header = web.client.post(
        f"/county/cases/{case.uuid}/decide",
        data={"status": "received"},
        headers={"X-CSRF-Token": web.csrf},
    )  # as htmx sends it
    assert header.status_code == 303


def test_the_sign_in_form_has_its_own_csrf_token(web):
    web.get("/county/login")
    web.client.cookies.delete("county_login_csrf", path="/county/login")
    answer = web.post("/county/login", {"login": "0101", "password": STAFF["0101"][2]})
    assert answer.status_code == 403 and "登录页已失效" in answer.text


def test_wrong_passwords_lock_the_account_and_the_page_says_so(web):
    for _ in range(4):
        answer = web.sign_in("0101", "not-the-password")
        assert answer.status_code == 401 and "工号或密码不正确" in answer.text
    answer = web.sign_in("0101", "not-the-password")
    assert "账号已锁定1分钟" in answer.text
    assert "已锁定" in web.sign_in("0101").text  # the right one waits too
    web.clock.advance(minutes=1, seconds=1)
    assert web.sign_in("0101").status_code == 200


def test_failed_sign_ins_from_one_address_are_slowed(county, hub_clock):
    limited = Browser(county, hub_clock, limits=Limits(failed_auth=Rate(0.001, 3)))
    for login in ("a1", "a2", "a3"):
        assert limited.sign_in(login, "whatever-pass").status_code == 401
    answer = limited.sign_in("0101")
    assert answer.status_code == 429 and "失败次数过多" in answer.text
    limited.close()


def test_an_idle_session_ends_and_says_why(county, hub_clock):
    web = Browser(county, hub_clock, settings=Settings(idle_minutes=15))
    web.sign_in("0101")
    hub_clock.advance(minutes=14)
    assert web.get("/county/inbox").status_code == 200  # a request keeps it alive
    hub_clock.advance(minutes=15, seconds=1)
    answer = web.get("/county/inbox")
    assert answer.headers["location"] == "/county/login?next=%2Fcounty%2Finbox&reason=idle"
    assert "长时间未操作" in web.get(answer.headers["location"]).text
    assert journal(county, "timed_out")[0][0] == "0101"
    htmx = web.client.get("/county/inbox", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/county/login")
    web.close()


def test_signing_out_ends_the_session(web):
    web.sign_in("0101")
    answer = web.post("/county/logout")
    assert answer.headers["location"] == "/county/login?reason=logout"
    assert web.get("/county/inbox").status_code == 303
    assert [row[0] for row in journal(web.db, "logout")] == ["0101"]


def test_deactivating_an_account_ends_its_sessions(web):
    web.sign_in("0101")
    staff.set_active(web.db, "0101", False, "2026-11-25T09:00:00+08:00", "0001")
    assert web.get("/county/inbox").status_code == 303


def test_pages_carry_headers_that_keep_them_private(web):
    page = web.sign_in("0101")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script([^>]*)>", page.text)  # none inline: CSP allows none
    assert scripts and all(
        " src=" in attributes or 'type="application/json"' in attributes for attributes in scripts
    )


def test_a_body_too_large_is_refused_before_it_is_read(web):
    web.sign_in("0101")
    answer = web.client.post(
        "/county/inbox/decide",
        content=b"x" * (65 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413


def test_static_files_are_the_hubs_own_and_cached_by_their_digest(web):
    page = web.sign_in("0101")
    for name in ("app.css", "app.js", "htmx.min.js", "echarts.min.js"):
        url = re.search(rf'"(/county/(?:static|vendor)/{re.escape(name)}\?v=[0-9a-f]+)"', page.text)
        assert url, f"{name} is not linked with its digest"
        answer = web.client.get(url.group(1))
        assert answer.status_code == 200 and len(answer.content) > 1000, name
        assert "immutable" in answer.headers["cache-control"]
    assert web.client.get("/county/vendor/htmx.min.js").headers["cache-control"] == "no-cache"
    assert web.client.get("/county/vendor/../../hub.db").status_code == 404
    assert web.client.get("/county/static/.hidden").status_code == 404


def test_the_inbox_lists_masked_and_the_case_page_shows_all_journalled(web, forwarded):
    page = web.sign_in("0101")
    assert "欧**娜" in page.text and "欧阳娜娜" not in page.text
    assert "张*丰" in page.text and "剩18个工作日" in page.text
    assert forwarded[0].applicant.id_number not in page.text
    case = web.get(f"/county/cases/{forwarded[0].uuid}")
    assert case.status_code == 200
    assert "欧阳娜娜" in case.text and forwarded[0].applicant.id_number in case.text
    assert "13912345678" in case.text
    assert journal(web.db, "view_case") == [("0101", forwarded[0].uuid, forwarded[0].case_no, None)]
    assert web.get("/county/cases/nonexistent").status_code == 404


def test_htmx_gets_the_list_alone_and_the_filters_apply(web, forwarded):
    web.sign_in("0101")
    fragment = web.client.get(
        "/county/inbox?case_no=" + forwarded[1].case_no,
        headers={"HX-Request": "true", "HX-Target": "div#inbox-list"},
    )
    assert "<html" not in fragment.text and "共 1 件" in fragment.text
    assert forwarded[1].case_no in fragment.text and forwarded[0].case_no not in fragment.text


def test_bulk_receive_then_decide_a_case_on_its_page(web, forwarded):
    web.sign_in("0101")
    answer = web.post(
        "/county/inbox/decide",
        [
            ("status", "received"),
            ("case", forwarded[0].uuid),
            ("case", forwarded[1].uuid),
            ("back", "sort=newest"),
        ],
    )
    assert answer.headers["location"] == "/county/inbox?sort=newest"
    page = web.follow(answer)
    assert "已接收 2 件" in page.text
    fragment = web.client.post(
        "/county/inbox/decide",
        headers={"HX-Request": "true", "X-CSRF-Token": web.csrf},
        data={"status": "received", "case": forwarded[0].uuid},
    )
    assert "<html" not in fragment.text and "已处于此状态" in fragment.text
    empty = web.post("/county/inbox/decide", {"status": "done", "case": forwarded[0].uuid})
    assert "逐件办理" in web.follow(empty).text
    case_url = f"/county/cases/{forwarded[0].uuid}"
    page = web.get(case_url)
    assert "办理中" in page.text and "办结" in page.text and "退回" in page.text
    refused = web.follow(web.post(case_url + "/decide", {"status": "returned", "note": ""}))
    assert "退回须注明原因" in refused.text
    done = web.follow(
        web.post(case_url + "/decide", {"status": "returned", "note": "缺少诊断证明原件"})
    )
    assert "已退回" in done.text and "缺少诊断证明原件" in done.text
    assert 'name="status" value="done"' not in done.text  # final: no more forms
    by = [row[3] for row in journal(web.db, "decide")]
    assert by == ["接收", "接收", "退回 缺少诊断证明原件"]
    row = inbox.listing(
        web.db, inbox.Filters(state="returned"), web.clock.today(), WorkCalendar()
    ).rows[0]
    assert row.case_no == forwarded[0].case_no


def test_a_supervisor_reads_but_cannot_decide(web, forwarded):
    web.sign_in("0201")
    page = web.get(f"/county/cases/{forwarded[0].uuid}")
    assert page.status_code == 200 and 'name="status"' not in page.text
    refused = web.post(f"/county/cases/{forwarded[0].uuid}/decide", {"status": "received"})
    assert refused.status_code == 403
    assert 'type="checkbox" name="case"' not in web.get("/county/inbox").text
    log = web.get("/county/journal?kind=view_case")
    assert "0201" in log.text and forwarded[0].case_no in log.text


def test_the_slip_check_page_answers_as_the_api(web, town, forwarded):
    qr = printed_qr(town, forwarded[0].id)  # the notice printed, its print synced
    sync(town)
    web.sign_in("0101")
    page = web.get("/county/slips")
    assert 'name="qr"' in page.text and "autofocus" in page.text
    valid = web.post("/county/slips", {"qr": qr})  # as a USB scanner types it, then Enter
    assert "核验通过" in valid.text and "一次性告知单（首次打印）" in valid.text
    assert "门诊慢性病病种待遇认定" in valid.text
    full_id = forwarded[0].applicant.id_number
    assert full_id not in valid.text and full_id[:4] + "**********" + full_id[-4:] in valid.text
    case_no, code = qr.split("|")[1:]
    typed = web.post("/county/slips", {"case_no": case_no, "code": code.lower()})
    assert "核验通过" in typed.text
    tampered = web.post("/county/slips", {"case_no": case_no, "code": "AAAAAAAA"})
    assert "核验未通过" in tampered.text
    unknown = web.client.post(
        "/county/slips",
        headers={"HX-Request": "true", "X-CSRF-Token": web.csrf},
        data={"qr": "YBGZ2|370883101-20261125-01-0999|ABCDEFGH"},
    )
    assert "暂无法核验" in unknown.text and "<html" not in unknown.text
    bad = web.post("/county/slips", {"case_no": "0999", "code": "x"})
    assert "请扫描单据上的二维码" in bad.text and 'value="0999"' in bad.text
    assert [row[3] for row in journal(web.db, "slip_check")] == [
        "核验通过",
        "核验通过",
        "核验未通过",
        "暂无法核验",
    ]


def test_people_management_by_the_admin(web):
    web.sign_in("0001")
    added = web.post(
        "/county/staff/add",
        {
            "login": "0102",
            "name": "赵经办",
            "role": "clerk",
            "password": "Zhao-jingban-1",
            "password2": "Zhao-jingban-1",
        },
    )
    assert "已新增人员：0102" in web.follow(added).text
    mismatch = web.post(
        "/county/staff/password",
        {"login": "0102", "password": "Zhao-new-pass1", "password2": "Zhao-new-pass2"},
    )
    assert mismatch.status_code == 422 and "不一致" in mismatch.text
    token_page = web.post("/county/staff/token", {"login": "0102"})
    token = re.search(r"<code class=\"mono\">(cas_[^<]+)</code>", token_page.text).group(1)
    assert staff.authenticate(web.db, token) == "0102"
    with web.db.transaction() as tx:  # shown once: nowhere in the database
        assert tx.scalar("SELECT count(*) FROM staff_sessions WHERE flash LIKE ?", ("%cas_%",)) == 0
    web.follow(web.post("/county/staff/deactivate", {"login": "0102"}))
    assert staff.authenticate(web.db, token) is None
    itself = web.post("/county/staff/deactivate", {"login": "0001"})
    assert itself.status_code == 422 and "不能停用自己的账号" in itself.text
    assert web.post("/county/staff/explode", {"login": "0102"}).status_code == 404
    kinds = [row[3] for row in journal(web.db, "staff_added")]
    assert kinds[-1] == "0102 赵经办 经办"


def test_changing_ones_own_password(web):
    web.sign_in("0101")
    web.get("/county/account")
    wrong = web.post(
        "/county/account/password",
        {"old": "nope", "password": "Wangfang-new-26", "password2": "Wangfang-new-26"},
    )
    assert wrong.status_code == 422 and "原密码不正确" in wrong.text
    done = web.post(
        "/county/account/password",
        {"old": STAFF["0101"][2], "password": "Wangfang-new-26", "password2": "Wangfang-new-26"},
    )
    assert "密码已修改" in web.follow(done).text
    web.client.cookies.clear()
    assert web.sign_in("0101", "Wangfang-new-26").status_code == 200


def test_the_page_reloads_itself_when_the_server_would_time_it_out(county, hub_clock):
    web = Browser(county, hub_clock, settings=Settings(idle_minutes=7))
    page = web.sign_in("0101")
    assert 'data-idle-seconds="420"' in page.text  # static/app.js reloads after it
    web.client.cookies.clear()
    signed_out = web.get("/county/login")
    assert signed_out.status_code == 200 and "data-idle-seconds" not in signed_out.text
    web.close()
