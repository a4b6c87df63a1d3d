"""Screenshots of the county workbench for docs/screenshots/county-*.png.

    .venv/bin/python packaging/county_screenshots.py [OUT_DIR]

A county hub on a fixed day (Wednesday 2026-11-25, 10:30) is made in a temporary folder: 400
stations and a year of their cases (`bench.county`, sample data), plus one real town station
store that forwards a case, prints its one-time notice and syncs through the hub's API, so the
slip check has a real slip to check. The hub runs on 127.0.0.1; Chromium headless (the same
flags as the tests, `tests/county/browser.py`) signs in as each role and saves each page.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402

from bench.county import fill  # noqa: E402
from bench.county import stations as sample_stations  # noqa: E402
from counterapp.app import Counter  # noqa: E402
from counterapp.case_model import Person  # noqa: E402
from counterapp.catalogue import default_catalogue_dir, load_directory  # noqa: E402
from counterapp.clock import CST, FixedClock, stamp  # noqa: E402
from counterapp.idnumber import check_char  # noqa: E402
from counterapp.memory_keyring import in_memory_keyring  # noqa: E402
from counterapp.slips.layout import Layout  # noqa: E402
from counterapp.slips.records import record_print  # noqa: E402
from counterapp.slips.service import prepare_notice  # noqa: E402
from counterapp.station import Station, add_clerk  # noqa: E402
from counterapp.sync import service  # noqa: E402
from counterapp.workdays import WorkCalendar  # noqa: E402
from hub import feeds, inbox, staff, stations  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.db import Database  # noqa: E402
from tests.county.browser import Page, chromium  # noqa: E402  (the tests' browser and its flags)

DAY = date(2026, 11, 25)
HUB_TIME = datetime(2026, 11, 25, 10, 30, tzinfo=CST)
PASSWORD = "Shili-mima-2026"
PEOPLE = (("0101", "王芳", "clerk"), ("0201", "李敏", "supervisor"), ("0001", "张建国", "admin"))


def serve(app: Any, port: int) -> uvicorn.Server:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def real_station(folder: Path, db: Database, url: str) -> tuple[Counter, str]:
    """千泉街道's store: a case of 门诊慢性病病种待遇认定 forwarded, its notice printed, synced.
    Returns the store and the notice's QR text."""
    clock = FixedClock(datetime(2026, 11, 25, 9, 12, tzinfo=CST))
    counter = Counter.open(folder / "town.db", clock)
    counter.configure_station(
        Station(
            code="370883101",
            name="千泉街道医保服务站",
            level="town",
            county_code="370883",
            county_name="邹城市",
        )
    )
    clerk = add_clerk(counter.store, "1001", "赵敏", clock).id
    first17 = "37088319560312123"
    person = Person("欧阳娜娜", first17 + check_char(first17), "13905371234")
    case = counter.cases.open_case(person, ["YB0501"], clerk)
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, clerk)
    case = counter.cases.accept(case.id, clerk)
    case = counter.cases.forward(case.id, clerk, "报县中心")
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=clerk)
    record_print(counter, slip.pending)
    creds = stations.rotate(db, "370883101", stamp(HUB_TIME), signing_key=True)
    service.setup(
        counter.store,
        url,
        creds.token,
        creds.signing_key,
        creds.hub_public_key,
        insecure_loopback=True,
    )
    report = service.sync_now(counter.store, clock, timeout=30)
    assert report.ok, report
    return counter, f"YBGZ2|{case.case_no}|{slip.pending.verification_code}"


def admin_pages(page: Page, db: Database, folder: Path, out: Path) -> None:
    """站点管理 with a fresh enrolment code, a catalogue's diff before 发布, a calendar's preview
    (the admin, signed in)."""
    page.open("/county/stations")
    for name, value in {
        "code": "370883150",  # not among the sample county's stations
        "name": "香城镇第二医保服务站",
        "county_code": "370883",
        "county_name": "邹城市",
        "address": "香城镇政府路8号",
        "supervision_phone": "0537-5211234",
    }.items():
        page.type(f"form[action$='/stations/register'] input[name={name}]", value)
    page.find("form[action$='/stations/register'] button.primary").click()
    page.see("县中心登记码（仅显示这一次")
    page.shot(out / "county-10-enrol-code.png", most=1200)
    document = load_directory(default_catalogue_dir()).to_document()
    feeds.import_catalogue(db, document, "cli", stamp(HUB_TIME))
    document["catalogue"]["version"] = "county-2027.1"
    document["items"][0]["time_limit"] = {"minutes": 20}
    del document["items"][-1]
    upload = folder / "county-2027.1.json"
    upload.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    page.open("/county/catalogue")
    page.find("input[type=file]").send_keys(str(upload))
    page.find("form[enctype] button").click()
    page.see("办理时限 10分钟 → 20分钟")
    page.shot(out / "county-11-catalogue-diff.png", most=1400)
    page.open("/county/calendar")
    page.type("input[name=year]", "2027")
    page.type("textarea[name=holidays]", "2027-01-01 元旦\n2027-02-06至2027-02-12 春节")
    page.type("textarea[name=workdays]", "2027-02-13 春节")
    page.find("form[action$='/calendar/preview'] button").click()
    page.see("预览：2027年")
    page.shot(out / "county-12-calendar-preview.png", most=1400)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"

    folder = Path(tempfile.mkdtemp(prefix="county-shots-"))
    db = Database(f"sqlite:///{folder / 'hub.db'}", sealing_key=folder / "sealing.key")
    print("sample county:", fill(db, 400, 40000, date(2026, 11, 24)))
    for login, name, role in PEOPLE:
        staff.add(db, login, name, role, PASSWORD, stamp(HUB_TIME), "screenshots")
    clock = FixedClock(HUB_TIME)
    server = serve(create_app(db, clock), 8479)
    url = "http://127.0.0.1:8479"
    driver = chromium()
    try:
        with in_memory_keyring():
            counter, qr = real_station(folder, db, url)
        page = Page(driver, url)
        page.open("/county/login")
        page.shot(out / "county-01-login.png")
        page.sign_in("0101", PASSWORD)
        page.see("转报办件（帮办代办）")
        page.wait(lambda d: len(page.all("[data-chart] canvas")) == 2)
        page.shot(out / "county-02-inbox.png", most=1500)
        page.open("/county/inbox?overdue=1&sort=station")
        page.wait(lambda d: len(page.all("[data-chart] canvas")) == 2)
        page.shot(out / "county-03-inbox-overdue.png", most=1100)
        case = inbox.listing(
            db, inbox.Filters(case_no="370883101-20261125"), DAY, WorkCalendar()
        ).rows[0]
        page.open(f"/county/inbox?case_no={case.case_no}")
        page.find(f"input[name=case][value='{case.case_uuid}']").click()
        page.find("button[name=status][value=received]").click()
        page.wait(lambda d: "已接收 1 件" in page.find("#inbox-list").text)
        page.open(f"/county/cases/{case.case_uuid}")
        page.see("县中心决定")
        page.type(".d-returned textarea", "缺少二级以上医院出具的诊断证明原件，请补交后重新转报")
        page.shot(out / "county-04-case.png")
        page.open("/county/slips")
        page.type("input[name=qr]", qr, enter=True)
        page.wait(lambda d: "核验通过" in page.find("#slip-result").text)
        page.shot(out / "county-05-slip-check.png")
        driver.delete_all_cookies()
        page.open("/county/login")
        page.sign_in("0201", PASSWORD)
        page.see("转报办件")
        page.open("/county/journal")
        page.shot(out / "county-06-journal.png")
        page.open("/county/supervision")
        page.see("亮牌规则")
        page.shot(out / "county-08-stations.png", most=1400)
        red = page.find("#stations-list tr.row-red a").get_attribute("href")
        page.open(red.removeprefix(url))
        page.see("亮牌原因")
        page.shot(out / "county-09-station.png")
        page.open("/county/ledger?period=month&month=2026-10")
        page.see("红黄牌及排名")
        page.wait(lambda d: len(page.all("[data-chart] canvas")) == 2)
        page.shot(out / "county-13-ledger.png", most=1600)
        town = next(s for s in sample_stations(400) if s.level == "town")  # a busy one
        page.open(f"/county/ledger/station/{town.code}?period=month&month=2026-10")
        page.see("各事项办理时间（对照时限）")
        page.wait(lambda d: len(page.all("[data-chart] canvas")) == 1)
        page.shot(out / "county-14-ledger-station.png", most=1600)
        driver.delete_all_cookies()
        page.open("/county/login")
        page.sign_in("0001", PASSWORD)
        page.open("/county/staff")
        page.js("document.querySelector('details').open = true")
        page.shot(out / "county-07-staff.png")
        admin_pages(page, db, folder, out)
        counter.close()
    finally:
        driver.quit()
        server.should_exit = True
        db.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("saved to", out)


if __name__ == "__main__":
    main()
