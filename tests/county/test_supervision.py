"""站点监管 over HTTP, on SQLite and PostgreSQL hubs fed by real stations' syncs: the roles,
what each station's row says (sync, pending, catalogue and calendar reported, forwarded cases,
bad ratings awaiting follow-up), the cards as days pass, filters and sort, a station's page
with masked data only."""

from __future__ import annotations

import re

import pytest

from counterapp.calendar_store import import_year
from counterapp.case_model import Person
from counterapp.ratings import RatingLevel
from counterapp.workdays import YearCalendar
from hub import follow_ups
from hub import stations as hub_stations
from tests.conftest import make_id
from tests.county.county import forward_case, sync
from tests.sync.conftest import connect_station, register
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import new_station

TOWN, VILLAGE, HOSPITAL = "370883101", "370883101201", "370883102"


@pytest.fixture
def county_hub(county, hub_clock):
    """The hub on the county's clock, so a sync is stamped with the tests' morning."""
    server = ThreadHub(county, clock=hub_clock).start()
    yield server
    server.stop()


def rate_badly(counter, name: str = "赵敏敏", sequence: str = "201"):
    """A case finished on the spot and rated 不满意: a call-back falls due (15 working days)."""
    person = Person(name, make_id(sequence=sequence), "13800001111")
    case = counter.cases.open_case(person, ["YB0202"], counter.clerk_id)
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, counter.clerk_id)
    counter.cases.accept(case.id, counter.clerk_id)
    done = counter.cases.complete(case.id, counter.clerk_id)
    return counter.ratings.rate(done, RatingLevel.DISSATISFIED, "等候时间太长")


@pytest.fixture
def stations(county, county_hub, tmp_path):
    """A town that forwarded two cases (one late) and has a bad rating, with the official
    calendar of 2027, synced; a village registered but never synced; a hospital revoked."""
    town = new_station(tmp_path / "town.db", TOWN)
    connect_station(town, county, county_hub.url)
    import_year(town.store, YearCalendar(2027, {}, {}, "县医保局通知"), town.clock)
    forward_case(town, name="欧阳娜娜", sequence="101")
    rate_badly(town)
    forward_case(town, name="张三丰", sequence="102", late_days=7)
    sync(town)
    register(county, VILLAGE, "village")
    register(county, HOSPITAL, "hospital")
    hub_stations.revoke(county, HOSPITAL, "2026-11-25T09:00:00+08:00")
    yield town
    town.close()


def rows(page: str) -> dict[str, str]:
    """Each station's table row (its text without tags), by station code."""
    found = {}
    for row in re.findall(r"<tr class=\"row-.*?</tr>", page, re.S):
        code = re.search(r"/county/supervision/(\d+)", row)
        assert code is not None
        found[code.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return found


def test_every_role_may_read_it_and_nobody_unsigned(web, stations):
    assert web.get("/county/supervision").status_code == 303
    for login in ("0101", "0201", "0001"):
        web.client.cookies.clear()
        web.sign_in(login)
        page = web.get("/county/supervision")
        assert page.status_code == 200 and "站点监管" in page.text, login
        assert set(rows(page.text)) == {TOWN, VILLAGE, HOSPITAL}


def test_what_a_synced_station_reported_and_its_card(web, stations):
    web.sign_in("0201")
    page = web.get("/county/supervision").text
    town = rows(page)[TOWN]
    assert "黄牌" in town and "测试站101" in town and "2026-11-25 09:00 在线" in town
    assert "日历 2027" in town and town.count("default") == 1  # the catalogue it holds
    assert "近30天逾期转报1件" in town and "差评待回访1件" in town
    assert "绿灯" in rows(page)[VILLAGE] and "从未同步" in rows(page)[VILLAGE]
    assert "未报告" in rows(page)[VILLAGE]
    assert "停用" in rows(page)[HOSPITAL]
    assert "亮牌规则" in page and "超过7天未同步" in page  # the rules are on the page
    with web.db.transaction() as tx:  # nothing personal in the supervision's own table
        held = tx.all("SELECT * FROM follow_ups")
    assert len(held) == 1 and "赵敏敏" not in str(held) and "13800001111" not in str(held)


def test_cards_turn_as_days_pass_without_a_sync(web, stations):
    web.clock.advance(days=4)  # (a session lasts hours: sign in after each jump)
    web.sign_in("0101")
    silent = rows(web.get("/county/supervision").text)
    assert "4天未同步" in silent[TOWN] and "黄牌" in silent[TOWN]
    assert "4天登记后从未同步" in silent[VILLAGE] and "黄牌" in silent[VILLAGE]
    web.clock.advance(days=4)
    web.sign_in("0101")
    late = rows(web.get("/county/supervision").text)
    assert "红牌" in late[TOWN] and "8天未同步" in late[TOWN]
    assert "差评待回访1件" in late[TOWN] and "红牌" in late[VILLAGE]
    web.clock.advance(days=12)  # the call-back was due 15 working days after the rating
    web.sign_in("0101")
    assert "差评逾期未回访1件" in rows(web.get("/county/supervision").text)[TOWN]


def test_a_follow_up_done_at_the_station_leaves_the_count_at_its_next_sync(web, stations):
    town = stations
    waiting = town.ratings.pending_follow_ups()
    town.ratings.follow_up_done(waiting[0].case_id, town.clerk_id, "已电话回访并致歉")
    sync(town)
    web.sign_in("0201")
    assert "差评" not in rows(web.get("/county/supervision").text)[TOWN]
    with web.db.transaction() as tx:
        assert tx.scalar("SELECT count(*) FROM follow_ups WHERE followed_up_at IS NULL") == 0


def test_filters_sort_and_the_htmx_fragment(web, stations):
    web.sign_in("0201")
    assert set(rows(web.get("/county/supervision?level=village").text)) == {VILLAGE}
    assert set(rows(web.get("/county/supervision?light=yellow").text)) == {TOWN}
    assert set(rows(web.get("/county/supervision?light=nonsense&level=x").text)) == {
        TOWN,
        VILLAGE,
        HOSPITAL,
    }
    by_status = list(rows(web.get("/county/supervision").text))
    assert by_status == [TOWN, VILLAGE, HOSPITAL]  # yellow, green, off
    assert list(rows(web.get("/county/supervision?sort=code").text)) == sorted(by_status)
    fragment = web.get(
        "/county/supervision?level=town",
        headers={"HX-Request": "true", "HX-Target": "div#stations-list"},
    )
    assert "<html" not in fragment.text and set(rows(fragment.text)) == {TOWN}


def test_a_station_page_shows_masked_data_only(web, stations):
    web.clock.advance(days=40)  # the forwarded cases are past the county's time limit
    web.sign_in("0101")
    page = web.get(f"/county/supervision/{TOWN}").text
    assert "欧**娜" in page and "张*丰" in page and "不满意" in page
    assert "欧阳娜娜" not in page and "13800001111" not in page and "赵敏敏" not in page
    assert 'href="/county/cases/' in page  # a clerk may open the case in full
    assert "在线" in page and "县医保局通知" not in page
    web.client.cookies.clear()
    web.sign_in("0001")
    admin = web.get(f"/county/supervision/{TOWN}").text
    assert "欧**娜" in admin and 'href="/county/cases/' not in admin
    assert web.get("/county/supervision/999999").status_code == 404


def test_a_hub_upgraded_to_supervision_counts_the_bad_ratings_it_held(county, stations):
    with county.transaction() as tx:
        tx.execute("DELETE FROM follow_ups")
    assert follow_ups.backfill(county) == 1
    with county.transaction() as tx:
        assert tx.scalar("SELECT station FROM follow_ups") == TOWN
