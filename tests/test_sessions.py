"""Logins, logouts, screen locks and clerk switches (hand-overs) in the journal."""

from __future__ import annotations

import pytest

from counterapp import sessions
from counterapp.accounts import LoginRefused
from counterapp.case_model import Person
from counterapp.slips.facts import case_facts
from counterapp.slips.records import SlipKind
from tests.conftest import PIN, make_id
from tests.test_accounts import clerk_events


def open_case(counter, clerk):
    return counter.cases.open_case(Person("孙秀英", make_id(), "13812345678"), ["YB0202"], clerk.id)


def test_login_lock_unlock_logout_are_journalled_with_the_window(counter):
    a = counter.clerk_a
    sessions.log_in(counter, "1001", PIN, 2)
    sessions.lock(counter.store, a, counter.clock, 2, sessions.IDLE)
    unlocked = sessions.unlock(counter, a, "1001", PIN, 2, None)
    assert not unlocked.switched and unlocked.login.clerk == a
    sessions.lock(counter.store, a, counter.clock, 2, sessions.BY_HAND)
    sessions.log_out(counter.store, a, counter.clock, 2)
    assert [(e["kind"], e["by"], e["data"]) for e in clerk_events(counter, a)][1:] == [
        ("logged_in", a.id, {"window": 2}),
        ("screen_locked", a.id, {"window": 2, "why": "idle"}),
        ("screen_unlocked", a.id, {"window": 2}),
        ("screen_locked", a.id, {"window": 2, "why": "by_hand"}),
        ("logged_out", a.id, {"window": 2}),
    ]


def test_a_wrong_pin_at_the_lock_screen_unlocks_nothing(counter):
    with pytest.raises(LoginRefused, match="PIN不正确"):
        sessions.unlock(counter, counter.clerk_a, "1001", "777999", 2, None)
    with pytest.raises(LoginRefused, match="PIN不正确"):
        sessions.unlock(counter, counter.clerk_a, "1002", "777999", 2, None)


def test_another_clerk_taking_over_is_a_recorded_hand_over(counter):
    a, b = counter.clerk_a, counter.clerk_b
    case = open_case(counter, a)
    unlocked = sessions.unlock(counter, a, "1002", PIN, 2, case.id)
    assert unlocked.switched and unlocked.login.clerk == b
    assert unlocked.case.owner_clerk_id == a.id and unlocked.case.handler_clerk_id == b.id
    stored = counter.cases.get(case.id)
    assert (stored.owner_clerk_id, stored.handler_clerk_id) == (a.id, b.id)
    assert clerk_events(counter, b, "switched")[0]["data"] == {
        "window": 2,
        "from": "1001",
        "case": case.case_no,
    }
    handed = [
        e
        for e in counter.store.all(
            "SELECT kind, clerk_id, data FROM events WHERE subject_uuid = ?", (case.uuid,)
        )
        if e["kind"] == "handed_over"
    ]
    assert len(handed) == 1 and sessions.HAND_OVER_REASON in handed[0]["data"]
    facts = case_facts(counter, stored, SlipKind.NOTICE, clerk_id=b.id)
    assert facts.owner.startswith("王丽") and facts.handler.startswith("李强")


def test_a_switch_leaves_a_finished_case_with_its_handler(counter):
    a = counter.clerk_a
    case = open_case(counter, a)
    counter.cases.close(case.id, a.id, "办事人放弃")
    unlocked = sessions.unlock(counter, a, "1002", PIN, 2, case.id)
    assert unlocked.case.handler_clerk_id == a.id
