"""Publishing from the workbench (发布), over HTTP as a browser meets it: a catalogue uploaded,
its problems in Chinese, its diff against the active version, published with confirmation
(and a version reused with other content refused); a year's official calendar entered,
validated, previewed and published; and a real station that syncs with a real hub receiving
the 2027 calendar, after which its 2027 deadlines come from it and are no longer provisional."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest

from counterapp.catalogue import default_catalogue_dir, load_directory
from counterapp.clock import CST
from hub import feeds, publishing
from tests.county.county import forward_case, sync
from tests.county.test_pages import journal
from tests.sync.conftest import connect_station
from tests.sync.stations import new_station


@pytest.fixture(scope="module")
def document():
    return load_directory(default_catalogue_dir()).to_document()


def _upload(web, path: str, content: bytes, name: str = "catalogue.json"):
    return web.post(path, files={"file": (name, content, "application/json")})


def _json(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def _new_version(document, version: str = "county-2027.1"):
    doc = copy.deepcopy(document)
    doc["catalogue"]["version"] = version
    doc["items"][0]["time_limit"] = {"minutes": 20}
    return doc


def test_only_the_admin_publishes(web):
    web.sign_in("0101")
    assert web.get("/county/catalogue").status_code == 403
    assert web.get("/county/calendar").status_code == 403
    web.client.cookies.clear()
    page = web.sign_in("0001")
    assert "事项目录" in page.text and "工作日历" in page.text


def test_an_invalid_catalogue_lists_every_problem_in_chinese(web, document):
    web.sign_in("0001")
    web.get("/county/catalogue")
    bad = copy.deepcopy(document)
    del bad["items"][1]["handled_by"]
    bad["items"][2]["time_limit"] = {"minutes": 1, "working_days": 2}
    answer = _upload(web, "/county/catalogue/upload", _json(bad))
    assert answer.status_code == 422
    assert "共 2 处问题" in answer.text
    assert "缺少字段&#39;handled_by&#39;" in answer.text
    assert "须写且只写" in answer.text
    assert feeds.active_catalogue(web.db) is None
    not_json = _upload(web, "/county/catalogue/upload", b"\xff\xfe{")
    assert not_json.status_code == 422 and "UTF-8" in not_json.text


def test_upload_shows_the_diff_then_publish_after_confirming(web, document):
    feeds.import_catalogue(web.db, document, "cli", "2026-11-01T09:00:00+08:00")
    web.sign_in("0001")
    web.get("/county/catalogue")
    preview = _upload(web, "/county/catalogue/upload", _json(_new_version(document)))
    assert preview.status_code == 200
    assert "变更 1 个" in preview.text and "办理时限 10分钟 → 20分钟" in preview.text
    digest = preview.text.split('name="sha256" value="')[1][:64]
    unconfirmed = web.post("/county/catalogue/publish", {"sha256": digest})
    assert unconfirmed.status_code == 422 and "请先勾选确认" in unconfirmed.text
    assert feeds.active_catalogue(web.db)["version"] == document["catalogue"]["version"]
    done = web.follow(web.post("/county/catalogue/publish", {"sha256": digest, "confirm": "yes"}))
    assert "已发布事项目录 county-2027.1" in done.text
    active = feeds.active_catalogue(web.db)
    assert active["version"] == "county-2027.1" and active["sha256"] == digest
    assert journal(web.db, "catalogue_published")[0][0] == "0001"


def test_a_version_reused_with_other_content_is_refused(web, document):
    web.sign_in("0001")
    web.get("/county/catalogue")
    feeds.import_catalogue(web.db, _new_version(document), "cli", "2026-11-01T09:00:00+08:00")
    other = _new_version(document)
    other["items"][0]["handled_by"] = "别的机构"
    answer = _upload(web, "/county/catalogue/upload", _json(other))
    assert answer.status_code == 422 and "已在县中心发布过且内容不同" in answer.text
    assert feeds.active_catalogue(web.db)["document"]["items"][0]["handled_by"] != "别的机构"


def test_an_upload_too_large_is_refused_before_it_is_read(web):
    web.sign_in("0001")
    web.get("/county/catalogue")
    answer = _upload(
        web, "/county/catalogue/upload", b" " * (publishing.CATALOGUE_MAX_BYTES + 20_000)
    )
    assert answer.status_code == 413


HOLIDAYS_2027 = "2027-01-01 元旦\n2027-02-06至2027-02-12 春节\n2027-10-01至2027-10-07 国庆节"
WORKDAYS_2027 = "2027-01-02 元旦\n2027-02-13 春节"  # Saturdays worked (调休上班)


def test_a_calendar_is_validated(web):
    web.sign_in("0001")
    web.get("/county/calendar")
    answer = web.post(
        "/county/calendar/preview",
        {
            "year": "2027",
            "holidays": "2027-01-01 元旦\n2027-01-01 元旦\n2028-01-03 元旦\n"
            "2027-02-13 春节\n2027-13-01 x",
            "workdays": "2027-02-13 春节\n2027-02-15 春节",
        },
    )
    assert answer.status_code == 422
    text = answer.text
    assert "日期须在2027年内" in text and "日期应写作" in text
    assert "放假日期重复：2027-01-01" in text
    assert "同一天不能既放假又调休上班：2027-02-13" in text
    assert "调休上班日应为周六或周日" in text and "2027-02-15" in text
    assert publishing.published_calendars(web.db) == []


def test_a_calendar_is_previewed_then_published(web):
    web.sign_in("0001")
    web.get("/county/calendar")
    preview = web.post(
        "/county/calendar/preview",
        {"year": "2027", "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027},
    )
    assert preview.status_code == 200
    # January 2027: 21 weekdays, 1 January off, Saturday 2 January worked
    assert "<td>21</td>" in preview.text
    fields = {"year": "2027", "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027}
    done = web.follow(web.post("/county/calendar/publish", {**fields, "confirm": "yes"}))
    assert "已发布2027年工作日历" in done.text
    (published,) = publishing.published_calendars(web.db)
    calendar = published["calendar"]
    assert len(calendar.holidays) == 1 + 7 + 7 and len(calendar.workdays) == 2
    assert journal(web.db, "calendar_published")[0][3].startswith("2027年")
    assert web.app.state.workbench.calendar.is_workday(date(2027, 1, 2))


def test_a_calendar_file_as_the_station_imports_it(web):
    web.sign_in("0001")
    web.get("/county/calendar")
    document = {
        "year": 2027,
        "source": "国办发明电〔2026〕X号",
        "holidays": {"2027-01-01": "元旦"},
        "workdays": {"2027-01-02": "元旦"},
    }
    preview = _upload(web, "/county/calendar/upload", _json(document), "2027.json")
    assert preview.status_code == 200 and "2027-01-01 元旦" in preview.text
    both = dict(document, workdays={"2027-01-01": "元旦"})
    refused = _upload(web, "/county/calendar/upload", _json(both), "2027.json")
    assert refused.status_code == 422 and "日历文件有误" in refused.text


def test_a_station_receives_the_2027_calendar_at_sync_and_its_deadlines_follow_it(
    hub, county, web, tmp_path
):
    """The town forwards a case on Wednesday 2026-12-30: 3 working days ahead lie in 2027,
    which chinese-calendar (pinned to 2004-2026) does not know. Before the county publishes
    2027 the deadline is provisional; after the sync it follows the published calendar
    (Saturday 2 January 2027 worked) and is not."""
    clock_day = datetime(2026, 12, 30, 9, 0, tzinfo=CST)
    town = new_station(tmp_path / "town.db", "370883101")
    try:
        town.clock.set(clock_day)
        connect_station(town, county, hub.url)
        before = forward_case(town, sequence="201")
        assert (before.forward_due, before.forward_due_provisional) == (date(2027, 1, 5), True)

        web.sign_in("0001")
        web.get("/county/calendar")
        fields = {"year": "2027", "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027}
        web.follow(web.post("/county/calendar/publish", {**fields, "confirm": "yes"}))

        report = sync(town)
        assert report.calendars == [2027]
        town.reload_calendar()
        after = forward_case(town, sequence="202")
        assert (after.forward_due, after.forward_due_provisional) == (date(2027, 1, 4), False)
        assert sync(town).calendars == []  # the cursor moved past it
        assert town.calendar.day_info(date(2027, 2, 13)).is_workday
    finally:
        town.close()
