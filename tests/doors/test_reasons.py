"""Every reason and note a clerk types, through the core function its dialog calls: withdraw
(撤销), consult-only (仅咨询), transfer, hold, priority, hand-over, forward note, bad-rating
reason, follow-up note, reprint (补打), dropping a kept slip.

The rule (counterapp/typed_text.py) is restated here as the oracle: a text is accepted exactly
when, as one line (a note: line by line), it is not empty where a reason is required, holds no
control, format or surrogate character and is within the limit; it is then stored so. Any
other text is refused with a Chinese message and the store stays byte for byte as it was.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

import pytest
from hypothesis import given

from counterapp.app import Counter
from counterapp.case_model import CaseError, Person
from counterapp.clock import CST, FixedClock
from counterapp.queue import Lane, QueueError
from counterapp.ratings import RatingLevel
from counterapp.slips import Layout, SlipError, prepare_notice, record_print, unprinted
from counterapp.station import add_clerk
from tests.conftest import TOWN, make_id
from tests.doors.strategies import nasty_text
from tests.doors.tools import doors, dump, is_chinese, tried

INSTANT, ASSIST = "YB0101", "YB1202"  # finished here; forwarded upward (帮办代办)


class Door(NamedTuple):
    name: str
    limit: int
    required: bool
    prepare: Callable[[Counter], Any]  # a fresh subject for one text
    act: Callable[[Counter, Any, str], Any]  # the core function; → what to read back
    stored: Callable[[Counter, Any], str | None]  # the text as the store holds it
    multiline: bool = False
    examples: int = 40


def last_event(counter: Counter, uuid: str, kind: str, field: str) -> str | None:
    data = counter.store.scalar(
        "SELECT data FROM events WHERE subject_uuid = ? AND kind = ? ORDER BY id DESC LIMIT 1",
        (uuid, kind),
    )
    return json.loads(data).get(field)


def new_case(counter: Counter, codes: list[str], *, accept: bool = False, finish: bool = False):
    case = counter.cases.open_case(Person("张三", make_id()), codes, counter.clerk)
    if accept or finish:
        for material in case.missing_materials:
            case = counter.cases.mark_material(case.id, material.key, True, counter.clerk)
        case = counter.cases.accept(case.id, counter.clerk)
    if finish:
        case = counter.cases.complete(case.id, counter.clerk)
    return case


def called_ticket(counter: Counter, serving: bool = False):
    counter.queue.issue(Lane.NORMAL)
    ticket = counter.queue.call_next(1, counter.clerk)
    return counter.queue.start_serving(ticket.id, counter.clerk) if serving else ticket


def rated_badly(counter: Counter):
    case = new_case(counter, [INSTANT], finish=True)
    counter.ratings.rate(case, RatingLevel.DISSATISFIED, "等候时间较长")
    return case


def printed_once(counter: Counter):
    case = new_case(counter, [INSTANT])
    record_print(
        counter, prepare_notice(counter, case.id, Layout.ROLL_80, clerk_id=counter.clerk).pending
    )
    return case


def kept_slip(counter: Counter):
    case = new_case(counter, [INSTANT])
    slip = prepare_notice(counter, case.id, Layout.ROLL_80, clerk_id=counter.clerk)
    return unprinted.keep(counter, slip.pdf, slip.pending, "打印机缺纸")


def _reprint(counter: Counter, case: Any, text: str) -> int:
    slip = prepare_notice(
        counter, case.id, Layout.ROLL_80, clerk_id=counter.clerk, reprint_reason=text
    )
    return record_print(counter, slip.pending).id


DOORS = [
    Door(
        "withdraw (撤销原因)",
        60,
        True,
        lambda c: new_case(c, [INSTANT]),
        lambda c, case, text: c.cases.close(case.id, c.clerk, text).id,
        lambda c, case_id: c.cases.get(case_id).close_reason,
    ),
    Door(
        "consult only (仅咨询)",
        60,
        True,
        called_ticket,
        lambda c, ticket, text: c.queue.end_without_case(ticket.id, c.clerk, text).id,
        lambda c, ticket_id: c.queue.get(ticket_id).end_reason,
    ),
    Door(
        "transfer (转窗口原因)",
        60,
        True,
        called_ticket,
        lambda c, ticket, text: c.queue.transfer(ticket.id, 2, c.clerk, text).uuid,
        lambda c, uuid: last_event(c, uuid, "transferred", "reason"),
    ),
    Door(
        "hold (暂停原因)",
        60,
        False,
        lambda c: called_ticket(c, serving=True),
        lambda c, ticket, text: c.queue.hold(ticket.id, c.clerk, text).uuid,
        lambda c, uuid: last_event(c, uuid, "held", "reason"),
    ),
    Door(
        "priority ticket (优先原因)",
        60,
        True,
        lambda c: None,
        lambda c, _, text: c.queue.issue(Lane.PRIORITY, text).id,
        lambda c, ticket_id: c.queue.get(ticket_id).priority_reason,
    ),
    Door(
        "hand-over (交接原因)",
        60,
        True,
        lambda c: new_case(c, [INSTANT]),
        lambda c, case, text: c.cases.hand_over(case.id, c.clerk, c.other, text).uuid,
        lambda c, uuid: last_event(c, uuid, "handed_over", "reason"),
    ),
    Door(
        "forward note (转报说明)",
        200,
        False,
        lambda c: new_case(c, [ASSIST], accept=True),
        lambda c, case, text: c.cases.forward(case.id, c.clerk, text).uuid,
        lambda c, uuid: last_event(c, uuid, "forwarded", "note"),
    ),
    Door(
        "bad rating (差评原因)",
        200,
        True,
        lambda c: new_case(c, [INSTANT], finish=True),
        lambda c, case, text: c.ratings.rate(case, RatingLevel.VERY_DISSATISFIED, text).case_id,
        lambda c, case_id: c.ratings.of_case(case_id).reason,
    ),
    Door(
        "follow-up note (整改回访情况)",
        1000,
        True,
        rated_badly,
        lambda c, case, text: c.store.scalar(
            "SELECT uuid FROM ratings WHERE case_id = ?",
            (c.ratings.follow_up_done(case.id, c.clerk, text).case_id,),
        ),
        lambda c, uuid: last_event(c, uuid, "followed_up", "note"),
        multiline=True,
    ),
    Door(
        "reprint (补打原因)",
        60,
        True,
        printed_once,
        _reprint,
        lambda c, print_id: c.store.scalar(
            "SELECT reason FROM slip_prints WHERE id = ?", (print_id,)
        ),
        examples=20,
    ),
    Door(
        "drop a kept slip (移出原因)",
        60,
        True,
        kept_slip,
        lambda c, slip, text: unprinted.drop(c, slip.id, text, c.clerk) or slip.id,
        lambda c, slip_id: c.store.scalar(
            "SELECT drop_reason FROM unprinted_slips WHERE id = ?", (slip_id,)
        ),
        examples=20,
    ),
]
REFUSALS = (CaseError, QueueError, SlipError)


def expected(door: Door, text: str) -> str | None:
    """What the store must hold for `text`, or None when it must be refused."""
    lines = (
        [" ".join(line.split()) for line in text.splitlines()]
        if door.multiline
        else [" ".join(text.split())]
    )
    cleaned = "\n".join(lines).strip("\n")
    hidden = any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in cleaned.replace("\n", ""))
    if hidden or len(cleaned) > door.limit or (door.required and not cleaned):
        return None
    return cleaned


@pytest.fixture
def station(tmp_path):
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=CST))
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.configure_station(TOWN)
        counter.clerk = add_clerk(counter.store, "1001", "王丽", clock).id
        counter.other = add_clerk(counter.store, "1002", "李强", clock).id
        yield counter


@pytest.mark.parametrize("door", DOORS, ids=[door.name for door in DOORS])
def test_a_typed_reason_is_stored_as_typed_or_refused_with_nothing_changed(station, door):
    subject: list[Any] = []  # the prepared subject, kept while texts are refused

    @doors(door.examples)
    @given(nasty_text(door.limit + 20))
    def one(text: str) -> None:
        if not subject:
            subject.append(door.prepare(station))
        station.clock.advance(seconds=30)
        before = dump(station.store.path)
        want = expected(door, text)
        try:
            key = door.act(station, subject[0], text)
        except REFUSALS as refused:
            assert want is None, f"refused {text!r}: {refused}"
            assert is_chinese(str(refused)), str(refused)
            assert dump(station.store.path) == before
            tried(f"reason: {door.name}", "refused")
            return
        assert want is not None, f"accepted {text!r}"
        assert door.stored(station, key) == want
        subject.clear()
        tried(f"reason: {door.name}", "accepted")

    one()
