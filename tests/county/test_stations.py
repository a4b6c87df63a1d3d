"""站点管理 and `POST /v1/enrol` (issue 14): the admin registers a station and gets a one-time
enrolment code (text and QR); the code works once, within 72 hours, only its hash is kept;
a new code voids the old; a revoked station's code and token stop working; every action is
journalled, every change needs the CSRF token, and bad input gets a Chinese message with
nothing stored."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from counterapp.sync import enrol_code
from hub import audit, stations
from tests.county.county import Browser

FORM = {
    "code": "370883101",
    "name": "千泉街道医保服务站",
    "level": "town",
    "county_code": "370883",
    "county_name": "邹城市",
    "address": "千泉街道文化路1号",
    "supervision_phone": "0537-5211234",
}


def shown_code(page) -> str:
    found = re.search(r'<code class="mono" id="enrol-code">([^<]+)</code>', page.text)
    assert found, page.text
    return html.unescape(found.group(1))


def register(web: Browser, **changes: str):
    web.sign_in("0001")
    web.get("/county/stations")
    return web.post("/county/stations/register", {**FORM, **changes})


def enrol(web: Browser, code: str):
    return web.client.post("/v1/enrol", json={"secret": enrol_code.parse(code).secret})


def journal(db) -> list[str]:
    entries, _ = audit.entries(db, audit.Query(), 100, 0)
    return [entry.kind for entry in entries]


def test_register_shows_the_code_once_and_it_enrols_once(web, county):
    page = register(web)
    assert page.status_code == 200
    code = shown_code(page)
    assert code.startswith("YBDJ1 https://hub.test ")
    assert "<svg" in page.text and "千泉街道医保服务站" in page.text
    parsed = enrol_code.parse(code)
    with county.transaction(write=False) as tx:
        held = tx.all("SELECT secret_hash FROM enrolments")
        dumped = " ".join(str(row) for row in tx.all("SELECT * FROM enrolments"))
    assert held == [(enrol_code.secret_hash(parsed.secret),)]
    assert parsed.secret not in dumped
    assert code not in web.get("/county/stations").text  # shown once only

    answer = enrol(web, code)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["station"] == {**FORM}
    assert stations.authenticate(county, body["token"]) == "370883101"
    assert enrol_code.fingerprint(body["hub_public_key"]) == parsed.hub_fingerprint
    again = enrol(web, code)
    assert again.status_code == 410 and "used" in again.json()["detail"]
    assert stations.authenticate(county, body["token"]) == "370883101"  # not rotated again
    assert "已登记" in web.get("/county/stations").text
    assert {"station_registered", "enrol_code_issued", "station_enrolled"} <= set(journal(county))


def test_a_station_set_up_by_hand_that_syncs_is_in_use_not_waiting(web, county):
    """One registered with `hub.admin register` and set up with `sync-setup` (no code) syncs."""
    stations.register(county, "370883102", "香城镇医保服务站", "town", "2026-11-20T09:00:00+08:00")
    with county.transaction() as tx:
        tx.execute(
            "UPDATE stations SET last_sync_at = ? WHERE code = ?",
            ("2026-11-24T17:00:00+08:00", "370883102"),
        )
    web.sign_in("0001")
    row = re.search(r"370883102.*?</tr>", web.get("/county/stations").text, re.S)
    assert row is not None and "在用（手工设置同步）" in row.group(0)
    assert "待登记" not in row.group(0)


def test_a_code_expires_after_72_hours(web, county, hub_clock):
    code = shown_code(register(web))
    hub_clock.set(hub_clock.now() + timedelta(hours=72))
    answer = enrol(web, code)
    assert answer.status_code == 410 and "expired" in answer.json()["detail"]
    hub_clock.set(hub_clock.now() - timedelta(seconds=1))
    assert enrol(web, code).status_code == 200


def test_a_new_code_voids_the_old_and_an_unknown_one_is_404(web, county):
    first = shown_code(register(web))
    second = shown_code(web.post("/county/stations/code", {"code": "370883101"}))
    assert first != second
    assert enrol(web, first).status_code == 410
    assert enrol(web, second).status_code == 200
    unknown = enrol_code.new("https://hub.test", "x")
    assert enrol(web, unknown.text).status_code == 404


def test_revoke_needs_confirmation_and_stops_token_and_code(web, county):
    code = shown_code(register(web))
    token = enrol(web, code).json()["token"]
    pending = shown_code(web.post("/county/stations/code", {"code": "370883101"}))
    refused = web.post("/county/stations/revoke", {"code": "370883101"})
    assert refused.status_code == 422 and "确认吊销" in refused.text
    assert stations.authenticate(county, token) == "370883101"
    done = web.follow(web.post("/county/stations/revoke", {"code": "370883101", "confirm": "yes"}))
    assert "已吊销站点：370883101" in done.text and "已吊销" in done.text
    assert stations.authenticate(county, token) is None
    assert enrol(web, pending).status_code == 410
    # a code issued after the revocation brings the station back
    again = shown_code(web.post("/county/stations/code", {"code": "370883101"}))
    assert stations.authenticate(county, enrol(web, again).json()["token"]) == "370883101"
    assert "station_revoked" in journal(county)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "37 08", "站点编码应为4-32位"),
        ("supervision_phone", "123", "监督电话应为"),
        ("address", "", "地址不能为空"),
        ("name", "千泉\u200b服务站", "站点名称"),
        ("level", "city", "站点层级须为"),
    ],
)
def test_bad_input_is_named_in_chinese_and_nothing_stored(web, county, field, value, message):
    page = register(web, **{field: value})
    assert page.status_code == 422 and message in page.text
    assert 'id="enrol-code"' not in page.text
    assert stations.status(county) == []


def test_a_second_registration_of_a_code_is_refused(web, county):
    register(web)
    page = web.post("/county/stations/register", FORM)
    assert page.status_code == 422 and "已登记" in page.text


def test_without_csrf_or_as_a_clerk_nothing_changes(web, county):
    web.sign_in("0001")
    web.get("/county/stations")
    answer = web.post("/county/stations/register", FORM, csrf=False)
    assert answer.status_code == 403
    assert stations.status(county) == []
    clerk = Browser(county, web.clock)
    try:
        clerk.sign_in("0101")
        assert clerk.get("/county/stations").status_code == 403
    finally:
        clerk.close()


def test_enrolment_is_rate_limited_per_address(county, hub_clock):
    from hub.limits import Limits, Rate

    web = Browser(county, hub_clock, limits=Limits(enrolments=Rate(0.001, 3)))
    try:
        unknown = enrol_code.new("https://hub.test", "x").secret
        statuses = [
            web.client.post("/v1/enrol", json={"secret": unknown}).status_code for _ in range(5)
        ]
        assert statuses == [404, 404, 404, 429, 429]
    finally:
        web.close()


def test_hub_admin_prints_a_code_for_a_registered_station(county, capsys, hub_url, web):
    from hub import admin

    register(web)
    assert admin.main(["--db", hub_url, "enrol-code", "370883101", "--hub-url", "https://h"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert enrol_code.parse(printed).hub_url == "https://h"
