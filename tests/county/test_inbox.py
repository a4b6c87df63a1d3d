"""The inbox of forwarded cases: what reaches it from a real station's sync, filters, sort and
paging, decisions that move forward only, and the loop closed — a decision reaches the
station's deadline list (F9) at its next sync, and the hub sees that it did."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from counterapp.clock import CST, FixedClock, stamp
from counterapp.sync import downsync
from counterapp.workdays import WorkCalendar
from hub import feeds, forwarded, inbox
from hub.db import Database
from tests.conftest import MORNING
from tests.county.county import FORWARDED_ITEM, OTHER_FORWARDED, forward_case, sync
from tests.sync.conftest import connect_station
from tests.sync.stations import new_station

TODAY = MORNING.date()  # Wednesday 2026-11-25
CALENDAR = WorkCalendar()
AT = stamp(MORNING)


@pytest.fixture
def stations(hub, county, tmp_path):
    """A town station with three forwarded cases (one forwarded late, one of another item)
    and a village point with one, all synced to the hub."""
    town = new_station(tmp_path / "town.db", "370883101")
    village = new_station(tmp_path / "village.db", "370883101201", "village")
    connect_station(town, county, hub.url)
    connect_station(village, county, hub.url, "village")
    cases = {
        "slow": forward_case(town, name="欧阳娜娜", sequence="101"),
        "other": forward_case(town, OTHER_FORWARDED, name="张三丰", sequence="102"),
        "village": forward_case(village, name="李四", sequence="103"),
        "late": forward_case(town, name="王𠮷", sequence="104", late_days=7),
    }
    sync(town)
    sync(village)
    yield town, village, cases
    town.close()
    village.close()


def listing(db: Database, today: date = TODAY, **filters) -> inbox.Listing:
    return inbox.listing(db, inbox.Filters(**filters), today, CALENDAR)


def numbers(found: inbox.Listing) -> list[str]:
    return [row.case_no for row in found.rows]


def test_every_forwarded_case_reaches_the_inbox_masked(county, stations):
    _, _, cases = stations
    found = {row.case_no: row for row in listing(county).rows}
    assert set(found) == {case.case_no for case in cases.values()}
    slow = found[cases["slow"].case_no]
    assert slow.applicant == "欧**娜" and slow.station_name == "测试站101"
    assert slow.items == ["门诊慢性病病种待遇认定"]
    assert (slow.materials_received, slow.materials_total) == (2, 2)
    assert slow.forward_due == "2026-11-26" and not slow.forwarded_late
    assert slow.county_due == "2026-12-21"  # accepted 11-23 + 20 working days
    assert slow.left.text == "剩18个工作日" and slow.status == "new"
    assert found[cases["late"].case_no].forwarded_late  # forwarded 11-30, due 11-26
    assert found[cases["late"].case_no].applicant == "王*"
    with county.transaction() as tx:  # nothing personal in the inbox's own table
        rows = json.dumps(
            [list(r) for r in tx.all("SELECT * FROM forwarded_cases")], ensure_ascii=False
        )
    assert "欧阳娜娜" not in rows and "13912345678" not in rows and "19560312" not in rows


def test_filters_sort_and_paging(county, stations):
    _, _, cases = stations
    assert numbers(listing(county, station="370883101201")) == [cases["village"].case_no]
    assert numbers(listing(county, item=OTHER_FORWARDED)) == [cases["other"].case_no]
    assert numbers(listing(county, late=True)) == [cases["late"].case_no]
    assert numbers(listing(county, case_no=cases["other"].case_no)) == [cases["other"].case_no]
    assert listing(county, case_no="370883101-2026").total == 3  # its beginning
    assert listing(county, case_no="370883101-2026%").total == 0  # % is no wildcard
    assert listing(county, overdue=True).total == 0
    # 产前检查费支付 (10 working days) is due first; the rest on the same day, by number
    assert numbers(listing(county)) == [
        cases[key].case_no for key in ("other", "slow", "late", "village")
    ]
    assert numbers(listing(county, sort="newest"))[0] == cases["late"].case_no
    pages = [listing(county, page=n, sort="oldest") for n in (1, 2, 3)]
    small = [
        inbox.listing(county, inbox.Filters(page=n, sort="oldest"), TODAY, CALENDAR, page_size=3)
        for n in (1, 2)
    ]
    assert [len(p.rows) for p in small] == [3, 1] and small[0].pages == 2
    assert numbers(small[0]) + numbers(small[1]) == numbers(pages[0])
    assert pages[2].page == 1  # past the end: the last page
    december = date(2026, 12, 23)
    overdue = listing(county, today=december, overdue=True)
    assert set(numbers(overdue)) == {c.case_no for c in cases.values()}
    assert overdue.rows[0].left.text.startswith("超期")
    summary = inbox.summary(county, december)
    assert summary.by_status["new"] == 4 and summary.overdue == 4


def test_filters_parse_what_a_form_sends_and_nothing_else():
    parsed = inbox.Filters.parse(
        {
            "station": " 370883101 ",
            "state": "drop table",
            "page": "-3",
            "sort": "newest",
            "overdue": "1",
            "late": "yes",
        }
    )
    assert parsed == inbox.Filters(
        station="370883101", state="open", page=1, sort="newest", overdue=True, late=False
    )
    assert parsed.params() == {"station": "370883101", "sort": "newest", "overdue": "1"}


def test_decisions_move_forward_only(county, stations):
    _, _, cases = stations
    uuids = {key: case.uuid for key, case in cases.items()}
    done = inbox.decide(county, [uuids["slow"], uuids["other"]], "received", "", "王芳", AT, "x")
    assert sorted(done.decided) == sorted([cases["slow"].case_no, cases["other"].case_no])
    again = inbox.decide(county, [uuids["slow"], uuids["late"]], "received", "", "王芳", AT, "x")
    assert again.decided == [cases["late"].case_no]
    assert again.refused == [(cases["slow"].case_no, "该办件已处于此状态或更后的状态")]
    no_result = inbox.decide(county, [uuids["slow"]], "done", " ", "王芳", AT, "x")
    assert no_result.refused[0][1] == "办结须填写办理结果"
    inbox.decide(county, [uuids["slow"]], "done", "认定通过：高血压", "王芳", AT, "x")
    final = inbox.decide(county, [uuids["slow"]], "returned", "缺材料", "王芳", AT, "x")
    assert final.refused[0][1] == "该办件已办结或已退回，不能再作决定"
    assert inbox.decide(county, ["no-such-case"], "received", "", "王芳", AT, "x").refused == [
        ("no-such-case", "县中心没有此转报办件")
    ]
    assert numbers(listing(county, state="done")) == [cases["slow"].case_no]
    assert cases["slow"].case_no not in numbers(listing(county))  # open only by default
    assert inbox.summary(county, TODAY).by_status == {"new": 1, "received": 2, "processing": 0}
    with county.transaction() as tx:
        journal = tx.all(
            "SELECT login, kind, case_no, detail FROM staff_journal "
            "WHERE kind = 'decide' ORDER BY id"
        )
    assert journal[-1] == ("王芳", "decide", cases["slow"].case_no, "办结 认定通过：高血压")
    assert len(journal) == 4  # the refused ones left no trace


def test_a_decision_reaches_the_stations_deadline_list_and_comes_back(county, stations):
    town, _, cases = stations
    case = cases["late"]
    inbox.decide(county, [case.uuid], "received", "", "王芳", AT, "x")
    inbox.decide(county, [case.uuid], "returned", "缺少二级医院诊断证明原件", "王芳", AT, "x")
    assert listing(county, state="returned").rows[0].station_seen is False
    report = sync(town)
    assert report.decisions == 2
    f9 = {row.case_no: row for row in downsync.forwarded_cases(town.store)}
    assert f9[case.case_no].county_label == "县中心已退回"
    assert f9[case.case_no].county_note == "缺少二级医院诊断证明原件"
    assert f9[case.case_no].needs_attention
    sync(town)  # the station's copy of the case, with the decision, goes up
    row = listing(county, state="returned").rows[0]
    assert row.case_no == case.case_no and row.station_seen


def test_the_admin_command_line_decides_through_the_same_rules(county, stations, hub_url, capsys):
    from hub import admin

    _, _, cases = stations
    number = cases["slow"].case_no
    assert admin.main(["--db", hub_url, "decide", number, "--status", "done"]) == 2
    assert "办结须填写办理结果" in capsys.readouterr().err
    assert (
        admin.main(["--db", hub_url, "decide", number, "--status", "done", "--note", "认定通过"])
        == 0
    )
    assert numbers(listing(county, state="done")) == [number]


def test_an_upgraded_hub_projects_the_cases_it_held(hub_url, sealing_key, county, stations):
    """Cases and decisions a hub held before it had an inbox are projected once, at its
    next start (the task migration 0005 leaves)."""
    _, _, cases = stations
    feeds.decide(county, cases["slow"].case_no, "processing", "", "county", AT)
    before = listing(county, state="all")
    with county.transaction() as tx:
        tx.execute("DELETE FROM forwarded_cases")
        tx.execute("DELETE FROM forwarded_items")
        tx.execute("INSERT INTO hub_tasks (name) VALUES (?)", (forwarded.TASK,))
    again = Database(hub_url, sealing_key=sealing_key)
    try:
        after = listing(again, state="all")
        assert after == before and after.total == 4
        assert numbers(listing(again, state="processing")) == [cases["slow"].case_no]
        assert numbers(listing(again, item=OTHER_FORWARDED)) == [cases["other"].case_no]
        with again.transaction() as tx:
            assert tx.scalar("SELECT count(*) FROM hub_tasks") == 0
    finally:
        again.close()


ODD = [
    None,
    7,
    "not json",
    "[1, 2]",
    {"forwarded_at": 5},
    {"forwarded_at": "yesterday"},
    {
        "forwarded_at": "2026-11-23T08:36:00+08:00",
        "items": "many",
        "materials": [1, None],
        "applicant_name": ["x"],
        "case_no": {"a": 1},
        "forward_due": "soon",
    },
    {
        "forwarded_at": "2026-11-23T08:36:00+08:00",
        "items": [{"mode": "collect", "due_at": "2026-13-45", "item_code": "X" * 500}],
    },
]


@pytest.mark.parametrize("data", ODD)
def test_odd_case_data_is_read_as_missing_never_raises(data):
    text = data if isinstance(data, str) or data is None else json.dumps(data)
    found = forwarded.project("u", "370883101", 1, text if text is not None else "null")
    if found is not None:  # no real due day: due the day it was forwarded
        assert found.county_due == "2026-11-23"
        assert len(found.case_no) <= 64 and all(len(code) <= 32 for code in found.item_codes)


def test_time_left_counts_working_days():
    calendar = WorkCalendar()
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    assert inbox.time_left(calendar, friday, "2026-11-30", False).text == "剩1个工作日"
    assert inbox.time_left(calendar, monday, "2026-11-30", False).text == "今日到期"
    assert inbox.time_left(calendar, date(2026, 12, 1), "2026-11-27", False).text == "超期2个工作日"
    later = inbox.time_left(calendar, date(2026, 12, 30), "2027-01-05", False)
    assert later.provisional and later.text.endswith("（暂定）")  # 2027: not official yet
    assert datetime(2026, 11, 25, tzinfo=CST) == MORNING.replace(hour=0)
    assert isinstance(FixedClock(MORNING).today(), date)


def test_an_instant_item_forwarded_is_due_the_working_day_after():
    """出具《参保凭证》 (5 minutes) forwarded on a Friday: due at the county on Monday."""
    data = {
        "forwarded_at": "2026-11-27T16:40:00+08:00",
        "forward_due": "2026-12-02",
        "items": [
            {
                "item_code": "YB1201",
                "title": "出具《参保凭证》",
                "mode": "assist",
                "due_at": "2026-11-27T16:35:00+08:00",
            },
            {"item_code": "YB0101", "mode": "handle", "due_at": "2026-12-30"},
        ],
    }
    found = forwarded.project("u", "370883101", 1, json.dumps(data))
    assert found is not None and found.county_due == "2026-11-30"
    assert found.item_codes == ("YB1201",) and found.items == "出具《参保凭证》"


def test_the_item_filter_offers_the_active_catalogue_or_the_codes_forwarded(county, stations):
    from counterapp.catalogue import default_catalogue_dir, load_directory

    assert inbox.items(county) == [
        (FORWARDED_ITEM, FORWARDED_ITEM),
        (OTHER_FORWARDED, OTHER_FORWARDED),
    ]
    feeds.import_catalogue(
        county, load_directory(default_catalogue_dir()).to_document(), "test", AT
    )
    offered = dict(inbox.items(county))
    assert offered[FORWARDED_ITEM] == "门诊慢性病病种待遇认定"
    assert offered[OTHER_FORWARDED] == "生育保险待遇核准支付／产前检查费支付"
    assert len(offered) > 20
