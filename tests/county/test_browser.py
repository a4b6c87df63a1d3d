"""The workbench in a real browser (Chromium headless): a clerk signs in, works the inbox with
htmx, decides a case, and the decision arrives at a real station store after its sync; a
form without its CSRF token is refused; wrong passwords lock the account; a scanned slip is
checked; and the pages work without JavaScript. On SQLite and PostgreSQL hubs."""

from __future__ import annotations

import pytest

from counterapp.sync import downsync
from tests.county.browser import Page, chromium
from tests.county.county import OTHER_FORWARDED, STAFF, forward_case, sync
from tests.sync.conftest import connect_station, register
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import new_station
from tests.sync.test_slip_checks import printed_qr

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def driver():
    browser = chromium()
    yield browser
    browser.quit()


@pytest.fixture
def site(county, hub_clock):
    """The hub (API and workbench) on 127.0.0.1, on the county's clock."""
    server = ThreadHub(county, clock=hub_clock).start()
    yield server
    server.stop()


@pytest.fixture
def town(site, county, tmp_path):
    counter = new_station(tmp_path / "town.db", "370883101")
    connect_station(counter, county, site.url)
    cases = [
        forward_case(counter, name="欧阳娜娜", sequence="101"),
        forward_case(counter, OTHER_FORWARDED, name="张三丰", sequence="102"),
        forward_case(counter, name="王𠮷", sequence="103", late_days=7),
    ]
    sync(counter)
    yield counter, cases
    counter.close()


@pytest.fixture
def page(driver, site):
    driver.delete_all_cookies()
    return Page(driver, site.url)


def test_a_clerk_works_the_inbox_and_the_station_gets_the_decision(page, town, county, tmp_path):
    counter, cases = town
    page.open("/county/inbox")
    page.sign_in("0101", STAFF["0101"][2])
    page.see("转报办件（帮办代办）")
    assert "共 3 件" in page.text() and "欧**娜" in page.text()
    page.wait(lambda d: len(page.all("[data-chart] canvas")) == 2)  # ECharts drew both
    page.shot(tmp_path / "inbox.png")

    page.js("window.kept = 'the same page'")
    page.find("input[name=late]").click()  # htmx: the list only
    page.wait(lambda d: "共 1 件" in page.find("#inbox-list").text)
    assert "late=1" in page.driver.current_url
    assert page.js("return window.kept") == "the same page"
    page.find("input[name=late]").click()
    page.wait(lambda d: "共 3 件" in page.find("#inbox-list").text)

    page.find("[data-check-all]").click()
    assert len([box for box in page.all("input[name=case]") if box.is_selected()]) == 3
    page.find("button[name=status][value=received]").click()
    page.wait(lambda d: "已接收 3 件" in page.find("#inbox-list").text)
    assert page.js("return window.kept") == "the same page"

    late = cases[2]
    page.find(f"a[href='/county/cases/{late.uuid}']").click()
    page.see("王𠮷")
    assert late.applicant.id_number in page.text()
    page.type(".d-returned textarea", "缺少二级以上医院出具的诊断证明原件")
    page.find(".d-returned button").click()
    page.see("已退回：站点下次同步时收到此决定")
    page.shot(tmp_path / "case.png")
    with county.transaction() as tx:
        seen = tx.all("SELECT login, case_no FROM staff_journal WHERE kind = 'view_case'")
    assert ("0101", late.case_no) in seen

    assert sync(counter).decisions == 4  # 3 接收 and the 退回
    f9 = {row.case_no: row for row in downsync.forwarded_cases(counter.store)}
    assert f9[late.case_no].county_label == "县中心已退回"
    assert f9[late.case_no].county_note == "缺少二级以上医院出具的诊断证明原件"
    assert f9[cases[0].case_no].county_label == "县中心已接收"
    sync(counter)  # its copy with the decision comes up
    page.open("/county/inbox?state=returned")
    page.see("站点已收到")


def test_a_form_without_its_csrf_token_is_refused(page, town, county):
    _, cases = town
    page.open(f"/county/cases/{cases[0].uuid}")
    page.sign_in("0101", STAFF["0101"][2])
    page.see("县中心决定")
    page.js("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.find(".d-received button").click()
    page.see("未作任何更改")
    page.open("/county/inbox")
    page.js(
        "document.body.removeAttribute('hx-headers:inherited');"
        "document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())"
    )
    page.find("[data-check-all]").click()
    page.find("button[name=status][value=received]").click()
    page.wait(lambda d: "未作任何更改" in page.find("#inbox-list").text)
    with county.transaction() as tx:
        assert tx.scalar("SELECT count(*) FROM decisions") == 0


def test_wrong_passwords_lock_the_account(page, site):
    page.open("/county/login")
    for _ in range(4):
        page.sign_in("0101", "not-my-password")
        page.see("工号或密码不正确")
    page.sign_in("0101", "not-my-password")
    page.see("账号已锁定1分钟")
    page.sign_in("0101", STAFF["0101"][2])
    page.see("该账号已锁定")


def test_a_scanned_slip_is_checked_and_the_field_is_ready_for_the_next(page, town):
    counter, cases = town
    qr = printed_qr(counter, cases[0].id)
    sync(counter)
    page.open("/county/slips")
    page.sign_in("0101", STAFF["0101"][2])
    page.see("单据核验")
    assert page.js("return document.activeElement.name") == "qr"
    page.type("input[name=qr]", qr, enter=True)  # what a USB scanner does
    page.wait(lambda d: "核验通过" in page.find("#slip-result").text)
    assert "一次性告知单（首次打印）" in page.find("#slip-result").text
    assert page.find("input[name=qr]").get_attribute("value") == ""
    assert page.js("return document.activeElement.name") == "qr"


def test_without_javascript_the_forms_still_work(site, town, county):
    _, cases = town
    driver = chromium(javascript=False)
    try:
        page = Page(driver, site.url)
        page.open("/county/inbox")
        page.sign_in("0101", STAFF["0101"][2])
        page.see("共 3 件")
        page.find("input[name=late]").click()
        page.find(".filters button[type=submit]").click()  # a plain GET
        page.see("共 1 件")
        page.find("input[name=case]").click()
        page.find("button[name=status][value=processing]").click()  # a POST, then back
        page.see("已办理中 1 件")
        assert "late=1" in driver.current_url
    finally:
        driver.quit()
    with county.transaction() as tx:
        assert tx.one(
            "SELECT status FROM forwarded_cases WHERE case_uuid = ?", (cases[2].uuid,)
        ) == ("processing",)


def test_a_supervisor_reads_the_stations_and_filters_them(page, town, county, tmp_path):
    register(county, "370883101201", "village")  # registered, never synced
    page.open("/county/supervision")
    page.sign_in("0201", STAFF["0201"][2])
    page.see("亮牌规则")
    table = page.find("#stations-list").text
    assert "测试站101" in table and "黄牌" in table and "近30天逾期转报1件" in table
    assert "测试站201" in table and "从未同步" in table
    page.shot(tmp_path / "stations.png")
    page.js("window.kept = 'the same page'")
    page.find("select[name=level] option[value=village]").click()  # htmx: the table only
    page.wait(lambda d: "测试站101" not in page.find("#stations-list").text)
    assert "level=village" in page.driver.current_url
    assert page.js("return window.kept") == "the same page"
    page.find("a[href='/county/supervision/370883101201']").click()
    page.see("没有超期未办结的转报办件")
    assert "村(社区)医保服务点" in page.text()
