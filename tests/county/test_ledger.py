"""统计台账 on SQLite and PostgreSQL hubs fed by a real station's sync: the hub's figures from
the synced records equal the station's own (`counterapp.ledger.station_facts`) for every
period — one definition — and match the hand-computed values of a fixture period around
the National Day holiday; the roles; the month's cards; every table as XLSX read back."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from counterapp.case_model import Person
from counterapp.clock import CST, FixedClock
from counterapp.complaints import Channel, Feedback, NewComplaint
from counterapp.ledger import figures, station_facts
from counterapp.ledger.figures import Period
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from counterapp.workdays import WorkCalendar
from hub import ledger, ledger_cards, ledger_rows
from tests.conftest import make_id
from tests.county.county import STAFF, sync
from tests.sync.conftest import connect_station
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import new_station

TOWN = "370883101"
PERIODS = [
    Period.month(2026, 9),
    Period.month(2026, 10),
    Period.day(datetime(2026, 9, 30).date()),
    Period.day(datetime(2026, 10, 10).date()),
]


@pytest.fixture
def county_hub(county, hub_clock):
    server = ThreadHub(county, clock=hub_clock).start()
    yield server
    server.stop()


def _visit(counter, items, name, sequence, minutes, forward_days=None):
    """A called ticket's case of `items`: finished after `minutes`, or forwarded
    `forward_days` later."""
    clock = counter.clock
    ticket = counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=4)
    counter.queue.call_next(1, counter.clerk_id)
    person = Person(name, make_id(sequence=sequence), "13800001111")
    case = counter.cases.open_case(person, items, counter.clerk_id, ticket_id=ticket.id)
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, counter.clerk_id)
    case = counter.cases.accept(case.id, counter.clerk_id)
    if forward_days is None:
        clock.advance(minutes=minutes)
        case = counter.cases.complete(case.id, counter.clerk_id)
    counter.queue.finish(ticket.id, counter.clerk_id)
    if forward_days is not None:
        clock.advance(days=forward_days)
        case = counter.cases.forward(case.id, counter.clerk_id, "报县中心")
        clock.advance(days=-forward_days)
    return case


@pytest.fixture
def town(county, county_hub, tmp_path):
    """Wednesday 2026-09-30, before the National Day holiday (10-01…10-07; Saturday 10-10 a
    make-up working day):
    - A001 waits 4 min, YB0101 (instant) finished in 6 min; rated 不满意, called back only
      on 11-20 (due 15 working days later: 10-28);
    - A002 called, did not come (no-show);
    - A003 called at window 1, transferred to window 2, only asked about a policy;
    - A004 waits 4 min, YB0501 collected and forwarded 10-12 (due 3 working days: 10-10).
    - a complaint by phone, closed on 10-12 (on time).
    Saturday 2026-10-10: A001 waits 4 min, YB0101 finished in 16 min; rated 非常满意.
    Synced on 2026-11-25."""
    start = FixedClock(datetime(2026, 9, 30, 9, 0, tzinfo=CST))
    counter = new_station(tmp_path / "town.db", TOWN, clock=start)
    connect_station(counter, county, county_hub.url)
    clock = counter.clock
    clock.set(datetime(2026, 9, 30, 9, 0, tzinfo=CST))
    first = _visit(counter, ["YB0101"], "赵敏敏", "101", 6)
    bad = counter.ratings.rate(first, RatingLevel.DISSATISFIED, "等候时间太长")
    absent = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_id)
    counter.queue.skip(absent.id, counter.clerk_id)
    asking = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_id)
    counter.queue.transfer(asking.id, 2, counter.clerk_id, "咨询医疗救助")
    counter.queue.call_next(2, counter.clerk_id)
    counter.queue.end_without_case(asking.id, counter.clerk_id, "仅咨询政策")
    _visit(counter, ["YB0501"], "钱多多", "102", 0, forward_days=12)
    complaint = counter.complaints.register(  # due 15 working days on: 10-28; closed 10-12
        NewComplaint(Channel.PHONE, "周小川", "13900002222", "窗口午休无人"), None
    )
    clock.set(datetime(2026, 10, 10, 10, 0, tzinfo=CST))
    second = _visit(counter, ["YB0101"], "孙悟空", "103", 16)
    counter.ratings.rate(second, RatingLevel.VERY_SATISFIED, "")
    clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=CST))
    counter.complaints.close(complaint.id, "已调整午间值班", Feedback.SATISFIED, None)
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=CST))
    counter.ratings.follow_up_done(bad.case_id, counter.clerk_id, "已电话回访并致歉")
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CST))
    sync(counter)  # its ack announces complaints; the complaint goes with the next run
    sync(counter)
    yield counter
    counter.close()


def test_the_hub_computes_the_stations_own_figures_for_every_period(county, town):
    calendar, now = WorkCalendar(), datetime(2026, 11, 25, 9, 0, tzinfo=CST)
    for period in PERIODS:
        kind = "day" if period.first == period.last else "month"
        choice = ledger.Choice(kind, period)
        at_hub = ledger.station(county, TOWN, choice, now)
        assert at_hub is not None
        facts = station_facts.read(town.store, period)
        at_station = figures.compute(period, facts, calendar, now)
        assert at_hub.station.figures == at_station, period
        assert at_hub.items == figures.item_rows(period, facts.items, now), period
        each_day = figures.by_day(period, facts, calendar, now).items()
        if kind == "month":
            assert at_hub.days == [(day, figures.figures_of(t)) for day, t in each_day]
        whole = ledger.county(county, choice, now)  # the county has this one station
        assert whole.county == at_station and whole.days == at_hub.days


def test_the_fixture_period_by_hand(county, town):
    now = datetime(2026, 11, 25, 9, 0, tzinfo=CST)
    september = ledger.station(county, TOWN, ledger.Choice("month", Period.month(2026, 9)), now)
    assert september is not None
    got = {f.key: f for f in september.station.figures}
    assert got["tickets_issued"].value == 4
    assert got["tickets_served"].value == 2
    assert got["tickets_no_show"].value == 1
    assert got["tickets_consulted"].value == 1 and got["tickets_transferred"].value == 1
    # A001 and A004 waited 4 minutes, A002 and A003 were called as they took their ticket
    assert got["wait_mean"].value == 2 and got["wait_p90"].value == 4
    assert got["cases_opened"].value == 2 and got["items_total"].value == 2
    assert got["instant_mean"].value == pytest.approx(6) and got["instant_mean"].met is True
    assert got["on_the_spot_rate"].value == 50 and got["on_the_spot_rate"].met is False
    assert got["forwarded_on_time"].value == 0 and got["forwarded_on_time"].met is False
    assert got["ratings_2"].value == 1
    assert got["follow_up_on_time"].value == 0 and got["follow_up_on_time"].met is False
    assert got["complaints_received"].value == 1 and got["complaints_on_time"].value == 100
    card = ledger_cards.judge(september.station.figures)
    assert card.light == "red" and card.met < card.judged
    assert any("差评按时回访率" in reason for reason in card.reasons)
    october = ledger.station(county, TOWN, ledger.Choice("month", Period.month(2026, 10)), now)
    assert october is not None
    got = {f.key: f for f in october.station.figures}
    assert got["tickets_issued"].value == 1 and got["cases_opened"].value == 1
    assert got["instant_mean"].value == pytest.approx(16) and got["instant_mean"].met is False
    assert got["ratings_5"].value == 1 and got["follow_up_on_time"].value is None
    assert ledger_cards.judge(october.station.figures).light == "yellow"


def test_every_role_reads_the_ledger_and_nobody_unsigned(web, town):
    assert web.get("/county/ledger").status_code == 303
    for login in ("0101", "0201", "0001"):
        web.client.cookies.clear()
        web.sign_in(login)
        page = web.get("/county/ledger?period=month&month=2026-09")
        assert page.status_code == 200 and "统计台账" in page.text, login
        assert "2026年9月" in page.text and "红牌" in page.text and "测试站101" in page.text
    assert "统计台账" in web.get("/county/supervision").text  # in the menu


def test_a_station_page_and_a_day(web, town):
    web.sign_in("0201")
    page = web.get(f"/county/ledger/station/{TOWN}?period=day&day=2026-09-30")
    assert page.status_code == 200 and "测试站101" in page.text and "YB0501" in page.text
    assert "过号未到" in page.text and "差评15个工作日内整改回访" in page.text
    assert "赵敏敏" not in page.text  # nothing personal
    missing = web.get("/county/ledger/station/999999999?period=month&month=2026-09")
    assert missing.status_code == 404


def test_every_table_reads_back_from_its_xlsx(web, town):
    web.sign_in("0101")
    query = "period=month&month=2026-09"
    answer = web.get(f"/county/ledger/export?{query}&table=all")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["全县及各层级", "红黄牌及排名", "各站点", "逐日"]
    cards = list(book["红黄牌及排名"].iter_rows(values_only=True))
    assert cards[0][:5] == ("名次", "站点编码", "站点", "层级", "红黄牌")
    assert cards[1][1:5] == (TOWN, "测试站101", "镇(街道)医保服务站", "红牌")
    county = {row[1]: row for row in book["全县及各层级"].iter_rows(values_only=True)}
    assert county["当场办结率"][2] == 50 and county["取号"][2] == 4
    assert book["全县及各层级"].cell(row=2, column=1).value == "取号"
    days = list(book["逐日"].iter_rows(values_only=True))
    assert len(days) == 1 + 30 and days[30][0] == "2026-09-30" and days[30][1] == 4
    one = web.get(f"/county/ledger/station/{TOWN}/export?{query}&table=items")
    items = list(openpyxl.load_workbook(io.BytesIO(one.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in items[1:]] == ["YB0101", "YB0501"]
    assert web.get(f"/county/ledger/export?{query}&table=nothing").status_code == 404


@pytest.fixture(scope="module")
def driver():
    from tests.county.browser import chromium

    browser = chromium()
    yield browser
    browser.quit()


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_the_month_page_in_a_real_browser(driver, county_hub, town, tmp_path):
    from tests.county.browser import Page

    driver.delete_all_cookies()
    page = Page(driver, county_hub.url)
    page.open("/county/ledger")
    page.sign_in("0201", STAFF["0201"][2])
    page.see("红黄牌及排名")
    page.open("/county/ledger?period=month&month=2026-09")
    page.see("红黄牌及排名")
    assert "2026年9月" in page.find("h1").text
    page.wait(lambda d: len(page.all("[data-chart] canvas")) == 2)  # ECharts drew both
    assert "红牌" in page.find("table.t-cards").text
    red = page.all("table.t-county td.short")
    assert any(cell.text == "50.0%" for cell in red)  # 当场办结率 below 90%: in red
    page.shot(tmp_path / "ledger.png")
    page.find("select[name=period] option[value=day]").click()
    # a Saturday worked for the holiday (a date field is typed in the browser's locale)
    page.js("document.querySelector('input[name=day]').value = '2026-10-10'")
    page.find("form.filters button").click()
    page.wait(lambda d: "2026-10-10" in page.find("h1").text)
    assert "红黄牌及排名" not in page.text()  # a month's cards only
    page.find("table.t-stations a").click()
    page.see("各事项办理时间（对照时限）")
    assert "YB0101" in page.text()


def test_a_hub_upgraded_to_the_ledger_projects_the_records_it_held(county, town):
    now, choice = datetime(2026, 11, 25, 9, 0, tzinfo=CST), ledger.Choice("month", PERIODS[0])
    before = ledger.county(county, choice, now)
    with county.transaction() as tx:
        for table in ("ledger_tickets", "ledger_cases", "ledger_items", "ledger_ratings"):
            tx.execute(f"DELETE FROM {table}")
    assert ledger.county(county, choice, now).county != before.county
    assert ledger_rows.backfill(county) == 5 + 3 + 2  # tickets, cases, ratings
    assert ledger.county(county, choice, now) == before


def _case_record(version, items, data=None):
    case = {
        "day": "2026-11-20",
        "opened_at": "2026-11-20T09:00:00+08:00",
        "accepted_at": "2026-11-20T09:01:00+08:00",
        "items": [
            {"item_code": f"YB{n:04d}", "title": "事项", "kind": "instant", "mode": "handle"}
            | {"limit_minutes": 10, "due_at": "2026-11-20T09:11:00+08:00"}
            | {"completed_at": "2026-11-20T09:05:30+08:00"}
            for n in range(items)
        ],
    }
    return ("case-1", "case", TOWN, "pc", version, "2026-11-20", data or case)


def _held(county):
    with county.transaction(write=False) as tx:
        version = tx.scalar("SELECT version FROM ledger_cases WHERE uuid = 'case-1'")
        items = tx.all(
            "SELECT position, version, handling_seconds, on_the_spot FROM ledger_items "
            "ORDER BY position"
        )
    return version, items


def test_a_case_s_ledger_rows_follow_its_newest_version(county):
    def arrive(*records):
        with county.transaction() as tx:
            ledger_rows.store(tx, ledger_rows.from_rows(records))

    arrive(_case_record(2, 2))
    assert _held(county) == (2, [(0, 2, 330, 1), (1, 2, 330, 1)])
    arrive(_case_record(1, 3))  # an older version, late (a USB file after the online sync)
    assert _held(county) == (2, [(0, 2, 330, 1), (1, 2, 330, 1)])
    arrive(_case_record(3, 1))  # an item taken off
    assert _held(county) == (3, [(0, 3, 330, 1)])
    # a record whose moments cannot be read gives no row and fails nothing
    arrive(
        ("t-1", "ticket", TOWN, "pc", 1, "2026-11-20", {"day": "2026-11-20", "issued_at": 5}),
        ("t-2", "ticket", TOWN, "pc", 1, "2026-11-20", "not json"),
        _case_record(4, 0, {"day": "2026-11-20", "opened_at": "9 点"}),
    )
    assert _held(county)[0] == 3
    with county.transaction(write=False) as tx:
        assert tx.scalar("SELECT count(*) FROM ledger_tickets") == 0
