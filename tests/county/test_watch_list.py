"""The watch list (监测台账) end to end: the county clerk uploads the list (CSV or XLSX) on the
workbench, reads every problem with its row, previews and publishes it; real stations that
sync with a real hub on 127.0.0.1 each receive only their own people; a follow-up contact
recorded at a station goes back up and shows on the person's page (a journalled view); and a
hub that does not announce `watch_contact` in its ack is never sent one."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import Workbook

from counterapp import watch_list
from counterapp.queue import Lane
from counterapp.sync import handed_keys, wire
from counterapp.watch_rules import ContactInvalid
from hub import feeds, ingest
from hub import watch_list as hub_watch_list
from tests.conftest import make_id
from tests.county.county import sync
from tests.county.test_pages import journal
from tests.sync.conftest import connect_station, register
from tests.sync.stations import new_station

TOWN, OTHER = "370883101", "370883102"
CONTACTS_PENDING = (
    "SELECT count(*) FROM outbox WHERE record_type = 'watch_contact' AND acked_at IS NULL"
)
HEADER = ["姓名", "身份证号码", "人员类别", "累计费用（元）", "所属站点", "所属区域"]
GOOD = [
    ["欧阳娜娜", make_id(sequence="201"), "脱贫人口", "12,345.60", TOWN, "东村"],
    ["𠮷春燕", make_id(sequence="202"), "其他", "30000", "测试站101", "西村"],
    ["李四", make_id(sequence="203"), "监测对象", "10000.01", OTHER, "南村"],
]


def _csv(rows, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode(encoding)


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for cells in rows:  # amounts and station codes as numbers, ID numbers as text (as Excel)
        sheet.append(
            [
                float(c) if i in (3, 4) and c.replace(".", "").isdigit() else c
                for i, c in enumerate(cells)
            ]
        )
    sheet.append([])  # an empty row is skipped
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(web, content: bytes, name: str):
    web.get("/county/watch-list")
    return web.post("/county/watch-list/upload", files={"file": (name, content, "text/csv")})


def _stations(db):
    register(db, TOWN)
    register(db, OTHER)


BAD = [
    ["王五", make_id(sequence="301")[:-1] + "0", "脱贫人口", "12000", TOWN, ""],  # check digit
    ["赵六", make_id(sequence="302"), "贫困户", "12000", TOWN, ""],  # unknown category
    ["钱七", make_id(sequence="303"), "其他", "20000", TOWN, ""],  # under 26,000
    ["孙八", make_id(sequence="304"), "脱贫人口", "一万二", TOWN, ""],  # not an amount
    ["周九", make_id(sequence="305"), "脱贫人口", "12000", "370883999", ""],  # unknown station
    ["欧阳娜娜", make_id(sequence="201"), "脱贫人口", "12000", TOWN, ""],  # listed twice
]
EXPECTED = [
    "第3行：身份证号码校验位不符",
    "第4行：人员类别“贫困户”应为脱贫人口、监测对象、其他之一",
    "第5行：累计费用 20,000.00 元未超过其他的监测标准 26,000.00 元",
    "第6行：累计费用“一万二”不是金额",
    "第7行：所属站点“370883999”不是本县已登记的站点",
    "第8行：身份证号码与第2行重复",
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_problem_is_listed_with_its_row_and_nothing_is_kept(web, kind):
    _stations(web.db)
    web.sign_in("0101")
    content = _csv([GOOD[0], *BAD]) if kind == "csv" else _xlsx([GOOD[0], *BAD])
    answer = _upload(web, content, f"名单.{kind}")
    assert answer.status_code == 422
    assert "共 6 处问题" in answer.text
    for line in EXPECTED:
        assert line in answer.text
    assert hub_watch_list.versions(web.db) == []


def test_a_header_without_the_id_column_is_refused(web):
    _stations(web.db)
    web.sign_in("0101")
    answer = _upload(web, "姓名,人员类别,累计费用,所属站点\n张三,其他,30000,1\n".encode(), "a.csv")
    assert answer.status_code == 422 and "缺少列：身份证号码" in answer.text


def test_only_county_clerks_upload_and_admins_do_not_see_the_list(web):
    web.sign_in("0001")
    assert web.get("/county/watch-list").status_code == 403
    web.client.cookies.clear()
    web.sign_in("0201")
    page = web.get("/county/watch-list")
    assert page.status_code == 200 and "upload-watch-list" not in page.text
    answer = web.post("/county/watch-list/upload", files={"file": ("a.csv", b"x", "text/csv")})
    assert answer.status_code == 403


def test_an_upload_too_large_is_refused(web):
    from hub import watch_upload

    web.sign_in("0101")
    web.get("/county/watch-list")
    answer = web.post(
        "/county/watch-list/upload",
        files={"file": ("a.csv", b" " * (watch_upload.MAX_BYTES + 10), "text/csv")},
    )
    assert answer.status_code in (413, 422)
    assert hub_watch_list.versions(web.db) == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_then_publish_masked_in_the_list(web, kind):
    _stations(web.db)
    web.sign_in("0101")
    content = _csv(GOOD, "gb18030") if kind == "csv" else _xlsx(GOOD)  # as Excel writes
    preview = _upload(web, content, f"名单.{kind}")
    assert preview.status_code == 200, preview.text
    assert "共 3 人" in preview.text and "脱贫人口 1 人" in preview.text
    assert GOOD[0][1] not in preview.text and "欧**娜" in preview.text
    assert hub_watch_list.current(web.db) is None  # a draft until published
    refused = web.post("/county/watch-list/publish", {"list": "1"})
    assert refused.status_code == 422 and hub_watch_list.current(web.db) is None
    page = web.follow(web.post("/county/watch-list/publish", {"list": "1", "confirm": "yes"}))
    assert "已发布监测台账第1版（3人）" in page.text
    assert "共 3 人，已联系 0 人" in page.text
    assert GOOD[1][1] not in page.text and "12,345.60" in page.text
    assert journal(web.db, "watch_list_published")[-1][0] == "0101"


def test_stations_receive_their_own_people_and_contacts_come_back(hub, county, web, tmp_path):
    town = new_station(tmp_path / "town.db", TOWN)
    other = new_station(tmp_path / "other.db", OTHER)
    try:
        connect_station(town, county, hub.url)
        connect_station(other, county, hub.url)
        town.queue.issue(Lane.NORMAL)  # something to send: the hub's ack says what it takes
        web.sign_in("0101")
        _upload(web, _csv(GOOD), "名单.csv")
        web.follow(web.post("/county/watch-list/publish", {"list": "1", "confirm": "yes"}))

        assert sync(town).watch_people == 2
        assert sync(other).watch_people == 1
        assert {p.name for p in watch_list.people(town.store)} == {"欧阳娜娜", "𠮷春燕"}
        assert [p.name for p in watch_list.people(other.store)] == ["李四"]
        assert sync(town).watch_people is None  # the cursor moved past it

        with pytest.raises(ContactInvalid, match="联系方式"):
            watch_list.record_contact(
                town.store, GOOD[0][1], town.clock.now(), "短信", "政策告知", "", 1, town.clock
            )
        watch_list.record_contact(
            town.store,
            GOOD[0][1],
            town.clock.now() - timedelta(hours=1),
            "电话",
            "医疗救助已转报",
            "已告知医疗救助申请材料，本人同意转报",
            town.clerk_id,
            town.clock,
        )
        report = sync(town)
        assert report.records == 1
        page = web.get("/county/watch-list")
        assert "已联系 1 人" in page.text
        person = web.get("/county/watch-list/1/2")
        assert GOOD[0][1] in person.text and "医疗救助已转报" in person.text
        assert "已告知医疗救助申请材料" in person.text and "1001" in person.text
        assert journal(web.db, "view_watch_person")[-1][0] == "0101"
        assert "站点尚未报回" in web.get("/county/watch-list/1/4").text  # the other's person

        # a new version without 𠮷春燕: she leaves the town's list, her row stays for history
        _upload(web, _csv([GOOD[0], GOOD[2]]), "名单2.csv")
        web.follow(web.post("/county/watch-list/publish", {"list": "2", "confirm": "yes"}))
        assert sync(town).watch_people == 1
        assert [p.contacts for p in watch_list.people(town.store)] == [1]
    finally:
        town.close()
        other.close()


def _contacts_at_hub(county) -> int:
    with county.transaction(write=False) as tx:
        return len(tx.all("SELECT uuid FROM records WHERE type = 'watch_contact'"))


def test_an_older_hub_is_never_sent_a_contact(hub, county, web, tmp_path, monkeypatch):
    """A hub that does not announce `watch_contact` (as before the watch list) would refuse
    the whole batch: the contact, queued as it is recorded, waits in the outbox while the
    ticket goes, and goes up in the next batch once the hub announces the type."""
    town = new_station(tmp_path / "town.db", TOWN)
    try:
        connect_station(town, county, hub.url)
        register(county, OTHER)
        web.sign_in("0101")
        _upload(web, _csv(GOOD[:2]), "名单.csv")
        web.follow(web.post("/county/watch-list/publish", {"list": "1", "confirm": "yes"}))
        old_types = ("case", "ticket", "rating", "slip_key", "store_key", "complaint")
        monkeypatch.setattr(wire, "RECORD_TYPES", old_types)  # it refuses a batch holding one
        monkeypatch.setattr(ingest, "RECORD_TYPES", old_types)  # its acks do not announce it
        monkeypatch.setattr(feeds, "RECORD_TYPES", old_types)  # nor its reconciliation
        town.queue.issue(Lane.NORMAL)
        sync(town)
        assert "watch_contact" not in town.settings.get(handed_keys.ACCEPTS_SETTING)
        watch_list.record_contact(
            town.store, GOOD[1][1], town.clock.now(), "上门", "政策告知", "", None, town.clock
        )
        assert town.store.scalar(CONTACTS_PENDING) == 1  # queued with the contact
        town.queue.issue(Lane.NORMAL)
        report = sync(town)
        assert report.ok and report.records == 1  # the ticket went, the contact waits
        assert town.store.scalar(CONTACTS_PENDING) == 1
        assert _contacts_at_hub(county) == 0

        monkeypatch.undo()  # the hub is upgraded: its next ack announces the type
        town.queue.issue(Lane.NORMAL)
        assert sync(town).records == 2  # the ticket, then the contact in the next batch
        assert town.store.scalar(CONTACTS_PENDING) == 0 and _contacts_at_hub(county) == 1
        assert "1 次" in web.get("/county/watch-list/1/3").text
    finally:
        town.close()
