"""Complaints up to the county: through a real hub on 127.0.0.1 (sent once the hub announces
`complaint`; an older hub that does not gets none, and its batches still pass), projected for
the county's list, and the 投诉 page over HTTP with the complainant masked and overdue marked."""

from __future__ import annotations

import json

import pytest

from counterapp.complaints import Channel, Feedback, NewComplaint
from counterapp.queue import Lane
from counterapp.sync import wire
from hub import feeds, ingest
from tests.county.county import sync
from tests.sync.conftest import connect_station
from tests.sync.hubctl import ThreadHub
from tests.sync.stations import new_station

TOWN = "370883101"
COMPLAINT = NewComplaint(Channel.PHONE, "欧阳娜娜", "13900001111", "窗口人员态度生硬")


@pytest.fixture
def county_hub(county, hub_clock):
    server = ThreadHub(county, clock=hub_clock).start()
    yield server
    server.stop()


@pytest.fixture
def town(county, county_hub, tmp_path):
    counter = new_station(tmp_path / "town.db", TOWN)
    connect_station(counter, county, county_hub.url)
    yield counter
    counter.close()


def query(county, sql):
    with county.transaction(write=False) as tx:
        return [tuple(row) for row in tx.all(sql)]


def held(county):
    return query(county, "SELECT uuid, version, data FROM records WHERE type = 'complaint'")


def pending(counter):
    return counter.store.scalar(
        "SELECT count(*) FROM outbox WHERE record_type = 'complaint' AND acked_at IS NULL"
    )


def test_a_complaint_goes_up_once_the_hub_announces_it(county, town):
    counter = town
    complaint = counter.complaints.register(COMPLAINT, counter.clerk_id)
    counter.queue.issue(Lane.NORMAL)  # a station always has something else to send
    report = sync(counter)
    # the first ack announced `complaint`; the same run sent it
    assert report.batches == 2
    assert pending(counter) == 0
    [(uuid, version, data)] = held(county)
    data = json.loads(data) if isinstance(data, str) else data
    assert (uuid, version) == (complaint.uuid, 1)
    assert data["name"] == "欧阳娜娜" and data["channel"] == "phone"
    assert [event["kind"] for event in data["events"]] == ["received"]
    counter.complaints.add_note(complaint.id, "已回电说明", counter.clerk_id)
    counter.complaints.close(complaint.id, "已批评教育当事人", Feedback.SATISFIED, counter.clerk_id)
    sync(counter)
    rows = query(county, "SELECT version, state, feedback, complainant FROM complaints")
    assert rows == [(3, "closed", "satisfied", "欧**娜")]


def test_an_older_hub_gets_no_complaint_and_the_batch_passes(county, town, monkeypatch):
    older = tuple(kind for kind in wire.RECORD_TYPES if kind != "complaint")
    monkeypatch.setattr(wire, "RECORD_TYPES", older)  # it refuses a batch holding one
    monkeypatch.setattr(ingest, "RECORD_TYPES", older)  # and does not announce it
    monkeypatch.setattr(feeds, "RECORD_TYPES", older)
    counter = town
    counter.complaints.register(COMPLAINT, counter.clerk_id)
    counter.queue.issue(Lane.NORMAL)
    report = sync(counter)
    assert report.ok and report.error is None
    assert held(county) == []
    assert query(county, "SELECT count(*) FROM records WHERE type = 'ticket'") == [(1,)]
    assert pending(counter) == 1  # it waits for a hub that takes it
    monkeypatch.undo()  # the county upgrades its hub
    sync(counter)
    assert pending(counter) == 0 and len(held(county)) == 1


def test_the_county_page_lists_complaints_masked_with_overdue_marked(county, town, web, hub_clock):
    counter = town
    counter.complaints.register(COMPLAINT, counter.clerk_id)
    second = counter.complaints.register(COMPLAINT._replace(name="张三丰"), counter.clerk_id)
    counter.complaints.close(second.id, "已解释政策", Feedback.BASICALLY_SATISFIED, None)
    counter.queue.issue(Lane.NORMAL)
    sync(counter)
    sync(counter)
    web.sign_in("0201")
    page = web.get("/county/complaints").text
    assert "欧**娜" in page and "张*丰" in page
    assert "欧阳娜娜" not in page and "13900001111" not in page
    assert "窗口人员态度生硬" in page and "基本满意" in page
    assert "已超期" not in page
    hub_clock.set(hub_clock.now().replace(month=12, day=17))  # the deadline was 12-16
    web.client.cookies.clear()
    web.sign_in("0101")
    page = web.get("/county/complaints").text
    assert page.count("已超期") == 1  # the open one; the closed one was closed in time
    web.client.cookies.clear()
    web.sign_in("0001")  # an admin reads no citizen's complaints
    assert web.get("/county/complaints").status_code == 403
