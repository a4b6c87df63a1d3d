"""What the counter shows about the county, against a real hub on 127.0.0.1: a forwarded case
reads 待上传 until the hub has acknowledged it; a ticket ended as 仅咨询 travels like every
ticket and today's hub takes it."""

from __future__ import annotations

import pytest

from counterapp.case_model import FORWARD_PENDING_LABEL, Person
from counterapp.case_search import forward_pending, open_deadlines, search
from counterapp.queue import Lane
from counterapp.station import add_clerk
from counterapp.sync import outbox, service
from counterapp.sync.wire import Batch, Record, encode_batch, scan_batch
from hub import feeds
from tests.conftest import make_id
from tests.sync.conftest import FAST_RETRY, connect_station, now
from tests.sync.stations import check_hub_matches, hub_rows

FORWARDED = "已转报上级（帮办代办）"


def sync(counter):
    return service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)


def forwarded_case(counter):
    """A case with an item the station does not handle, accepted and forwarded upward."""
    clerk = counter.clerk_id
    local = {item.code for item, _ in counter.catalogue.checklist(counter.station.level)}
    upward = next(code for code in counter.catalogue.items if code not in local)
    case = counter.cases.open_case(Person("赵𠮷", make_id()), [upward], clerk)
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, clerk)
    counter.cases.accept(case.id, clerk)
    return counter.cases.forward(case.id, clerk, "报县中心")


def shown(counter, case) -> tuple[str, str]:
    """The state as the case search and the deadline list (F9) show it."""
    (found,) = search(counter.store, case.case_no)
    (row,) = [
        row for row in open_deadlines(counter.store, counter.clock.now()) if row.case.id == case.id
    ]
    return found.state_text, row.case.state_text


@pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)
def test_a_forwarded_case_reads_pending_until_the_hub_acknowledges_it(hub, hub_db, town):
    case = forwarded_case(town)
    assert shown(town, case) == (FORWARD_PENDING_LABEL, FORWARD_PENDING_LABEL)
    assert forward_pending(town.store, case.id)
    no_hub = sync(town)  # no hub set: nothing goes up
    assert not no_hub.ok and no_hub.error_kind == "setup"
    assert shown(town, case)[0] == FORWARD_PENDING_LABEL
    connect_station(town, hub_db, hub.url)
    ident = outbox.identity(town.store)
    batch = outbox.new_batch(town.store, ident, town.clock)  # built and sent, no answer
    outbox.mark_sent(town.store, batch.batch_id, "online", town.clock)
    assert forward_pending(town.store, case.id)
    assert sync(town).ok  # the same batch, acknowledged
    assert shown(town, case) == (FORWARDED, FORWARDED)
    assert not forward_pending(town.store, case.id)
    assert hub_rows(hub_db, town.station.code)[case.uuid][2]["state"] == "forwarded"
    other = add_clerk(town.store, "1002", "李强", town.clock).id
    town.cases.hand_over(case.id, town.clerk_id, other, "调岗")  # a later change …
    assert shown(town, case)[0] == FORWARD_PENDING_LABEL  # … waits for the hub again
    assert sync(town).ok and shown(town, case)[0] == FORWARDED
    feeds.decide(hub_db, case.case_no, "received", "", "县中心", now())
    assert sync(town).decisions == 1  # the decision is a change of the case, not yet sent
    assert outbox.pending_count(town.store) > 0
    assert shown(town, case)[0] == f"{FORWARDED} · 县中心已接收"  # the county has it
    assert not forward_pending(town.store, case.id)


def test_a_ticket_ended_without_a_case_is_taken_by_todays_hub(hub, hub_db, town):
    """The new ticket state needs no new hub: a hub stores a ticket's data as it comes."""
    connect_station(town, hub_db, hub.url)
    town.queue.issue(Lane.NORMAL)
    ticket = town.queue.call_next(1, town.clerk_id)
    town.queue.end_without_case(ticket.id, town.clerk_id, "仅咨询政策")
    assert sync(town).ok
    check_hub_matches(hub_db, town)
    kind, version, data = hub_rows(hub_db, town.station.code)[ticket.uuid]
    assert (kind, version) == ("ticket", 3)
    assert (data["status"], data["end_reason"]) == ("consulted", "仅咨询政策")
    assert data["events"][-1]["kind"] == "ended_without_case"
    assert data["events"][-1]["data"] == {"reason": "仅咨询政策"}


def test_golden_consulted_ticket_line_passes_the_hubs_fast_path():
    """The record line of a consulted ticket, as documented in docs/sync-wire-format.md."""
    data = {
        "code": "A007",
        "day": "2026-11-25",
        "end_reason": "仅咨询政策",
        "finished_at": "2026-11-25T09:12:00+08:00",
        "status": "consulted",
        "window_no": 2,
    }
    record = Record("ticket", "0b6f3a52-8d0c-4c1e-9a57-3f1d2c4b5a69", 3, "2026-11-25", data)
    batch = Batch(
        "370883101",
        "5d2c7e1a-4b3f-4a8e-9c6d-1e2f3a4b5c6d",
        "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "2026-11-25T09:13:00+08:00",
        (41,),
        (record,),
    )
    encoded = encode_batch(batch)
    line = encoded_lines(encoded.body)[1]
    assert line == (
        '{"data":{"code":"A007","day":"2026-11-25","end_reason":"仅咨询政策",'
        '"finished_at":"2026-11-25T09:12:00+08:00","status":"consulted",'
        '"window_no":2},"day":"2026-11-25",'
        '"id":"0b6f3a52-8d0c-4c1e-9a57-3f1d2c4b5a69","t":"ticket","v":3}'
    )
    (scanned,) = scan_batch(encoded.body, encoded.sha256).records
    assert scanned.type == "ticket" and '"status":"consulted"' in scanned.data


def encoded_lines(body: bytes) -> list[str]:
    import gzip

    return gzip.decompress(body).decode().splitlines()
