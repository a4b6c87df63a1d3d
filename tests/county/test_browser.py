"""The workbench in a real browser (Chromium headless): a clerk signs in, works the inbox with
htmx, decides a case, and the decision arrives at a real station store after its sync; a
form without its CSRF token is refused; wrong passwords lock the account; a scanned slip is
checked; an admin uploads a catalogue, reads its diff and publishes it; a county clerk
uploads the watch list, reads its problems, fixes it and publishes it; and the pages work
without JavaScript. On SQLite and PostgreSQL hubs."""

from __future__ import annotations

import json

import pytest

from counterapp.catalogue import default_catalogue_dir, load_directory
from counterapp.sync import downsync
from hub import feeds
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


def test_an_admin_uploads_a_catalogue_and_publishes_it(page, county, tmp_path):
    document = load_directory(default_catalogue_dir()).to_document()
    feeds.import_catalogue(county, document, "cli", "2026-11-01T09:00:00+08:00")
    document["catalogue"]["version"] = "county-2027.1"
    document["items"][0]["time_limit"] = {"minutes": 20}
    upload = tmp_path / "county-2027.1.json"
    upload.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    page.open("/county/catalogue")
    page.sign_in("0001", STAFF["0001"][2])
    page.see("上传新目录")
    page.find("input[type=file]").send_keys(str(upload))
    page.find("form[enctype] button").click()
    page.see("办理时限 10分钟 → 20分钟")
    page.find("input[name=confirm]").click()
    page.find("#publish").click()
    page.see("已发布事项目录 county-2027.1")
    assert page.find("#active-version").text == "county-2027.1"
    assert feeds.active_catalogue(county)["version"] == "county-2027.1"


def test_a_county_clerk_uploads_the_watch_list_fixes_it_and_publishes_it(page, county, tmp_path):
    from tests.county.test_watch_list import BAD, GOOD, OTHER, TOWN, _csv, _xlsx

    register(county, TOWN)
    register(county, OTHER)
    wrong, right = tmp_path / "名单.csv", tmp_path / "名单.xlsx"
    wrong.write_bytes(_csv([GOOD[0], BAD[0]]))
    right.write_bytes(_xlsx(GOOD))
    page.open("/county/watch-list")
    page.sign_in("0101", STAFF["0101"][2])
    page.find("#watch-file").send_keys(str(wrong))
    page.find("#upload-watch-list").click()
    page.see("第3行：身份证号码校验位不符")
    page.find("#watch-file").send_keys(str(right))
    page.find("#upload-watch-list").click()
    page.see("待发布：第1版")
    page.find("input[name=confirm]").click()
    page.find("#publish-watch-list").click()
    page.see("已发布监测台账第1版（3人）")
    assert len(page.all("#watch-people tbody tr")) == 3
    assert GOOD[0][1] not in page.text()  # masked in the list


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
        page.wait(lambda d: "late=1" in d.current_url)
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


def test_an_admin_registers_a_station_and_it_enrols_with_the_code(page, site, county, tmp_path):
    import zxingcpp
    from PIL import Image

    from counterapp.app import Counter
    from counterapp.station import load_station
    from counterapp.sync import enrol, service

    page.open("/county/stations")
    page.sign_in("0001", STAFF["0001"][2])
    page.see("登记站点")
    for name, value in {
        "code": "370883105",
        "name": "香城镇医保服务站",
        "county_code": "370883",
        "county_name": "邹城市",
        "address": "香城镇政府路8号",
        "supervision_phone": "0537-5211234",
    }.items():
        page.type(f"input[name={name}]", value)
    page.find("button.primary").click()
    page.see("县中心登记码（仅显示这一次")
    code = page.find("#enrol-code").text
    assert code.startswith(f"YBDJ1 {site.url} ")
    page.shot(tmp_path / "stations.png")
    scanned = zxingcpp.read_barcodes(Image.open(tmp_path / "stations.png"))
    assert [found.text for found in scanned] == [code]  # the QR carries the same text

    with Counter.open(tmp_path / "station.db") as counter:
        enrol.apply(counter.store, enrol.fetch(code), counter.clock)
        assert load_station(counter.store).name == "香城镇医保服务站"
        assert service.sync_now(counter.store, counter.clock, timeout=5).ok
    page.open("/county/stations")
    assert "已登记" in page.text() and code not in page.text()

    page.find("tr:not(.inactive) details summary").click()
    page.find("form[action$='/stations/revoke'] button").click()  # the box not ticked
    assert "已吊销" not in page.find("table.stations").text  # the browser asks for the tick
    page.find("input[name=confirm]").click()
    page.find("form[action$='/stations/revoke'] button").click()
    page.see("已吊销站点：370883105")


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
