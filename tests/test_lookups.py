"""Look-ups of personal data are journalled — who, when, what — and never show an ID number."""

from __future__ import annotations

import json

import pytest

from counterapp import lookups
from counterapp.case_model import CaseState, Person
from tests.conftest import make_id

NUMBER = make_id(birth="19800214", sequence="226")


@pytest.fixture
def with_case(counter):
    counter.cases.open_case(Person("孙秀英", NUMBER, "13812345678"), ["YB0202"], counter.clerk_a.id)
    return counter


def looked_up(counter) -> list[dict]:
    rows = counter.store.all(
        "SELECT clerk_id, subject_uuid, data FROM events WHERE kind = 'looked_up' ORDER BY id"
    )
    return [{"by": r["clerk_id"], "uuid": r["subject_uuid"], **json.loads(r["data"])} for r in rows]


def test_a_search_by_id_number_is_journalled_masked_with_a_keyed_hash(with_case):
    counter, b = with_case, with_case.clerk_b
    found = lookups.search_cases(counter, b.id, NUMBER.lower())
    assert [row.applicant_name for row in found] == ["孙秀英"]
    (event,) = looked_up(counter)
    assert event["by"] == b.id and event["uuid"] == b.uuid
    assert event["what"] == "case_search" and event["found"] == 1
    assert event["id_masked"] == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
    key = lookups.lookup_key(counter)
    assert event["id_key"] == lookups.id_key(key, NUMBER) != lookups.id_key(key, make_id())
    everything = " ".join(r[0] for r in counter.store.all("SELECT data FROM events"))
    assert NUMBER not in json.dumps(looked_up(counter)) and NUMBER[6:14] not in everything


def test_a_name_or_the_last_digits_with_filters(with_case):
    counter, a = with_case, with_case.clerk_a
    lookups.search_cases(counter, a.id, "秀英", states=(CaseState.RECEIVED,))
    lookups.search_cases(counter, a.id, NUMBER[-6:])
    lookups.search_cases(counter, a.id, "")
    first, second, third = looked_up(counter)
    assert (first["text"], first["states"], first["found"]) == ("秀英", ["received"], 1)
    assert second["id_part"] == "**" + NUMBER[-4:] and "text" not in second
    assert third == {"by": a.id, "uuid": a.uuid, "what": "case_search", "found": 1}


def test_the_id_history_the_returning_citizen_and_the_follow_up_list(with_case):
    counter, a = with_case, with_case.clerk_a
    assert lookups.id_history(counter, a.id, NUMBER).names == ("孙秀英",)
    case_no = lookups.find_cases(counter, a.id, NUMBER)[0].case_no
    lookups.find_cases(counter, a.id, case_no)
    lookups.follow_ups_opened(counter, a.id, 3)
    events = looked_up(counter)
    assert [e["what"] for e in events] == ["id_history", "find_cases", "find_cases", "follow_ups"]
    assert events[0]["id_masked"].endswith(NUMBER[-4:]) and events[2]["text"] == case_no
    assert events[3]["found"] == 3


def test_the_key_is_the_stations_own_and_stays(counter, tmp_path, clock):
    from counterapp.app import Counter

    key = lookups.lookup_key(counter)
    assert lookups.lookup_key(counter) == key and len(key) == 32
    with Counter.open(tmp_path / "other.db", clock) as other:
        assert lookups.lookup_key(other) != key
