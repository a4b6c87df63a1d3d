"""The applicant and agent fields (step ①): ID numbers, names and phones of every shape.

Each input is either accepted and stored exactly as the documented normalisation makes it
(name trimmed; ID number and phone half-width without spaces, x as X), or refused with a
Chinese message for the clerk while the store stays byte for byte as it was.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterapp.app import Counter
from counterapp.case_model import Agent, CaseError, Person
from counterapp.clock import CST, FixedClock
from counterapp.idnumber import (
    IdNumberError,
    check_char,
    normalise,
    parse_id_number,
    upgrade_old_number,
)
from counterapp.station import add_clerk
from counterapp.typed_text import HIDDEN_CATEGORIES, NAME_MAX_LENGTH
from tests.conftest import TOWN
from tests.doors.strategies import OLD_ID, id_numbers, names, phones, typed
from tests.doors.tools import doors, dump, is_chinese, tried

TODAY = date(2026, 11, 25)
SHAPE = re.compile(r"[0-9]{17}[0-9X]")


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=CST))
    with Counter.open(tmp_path_factory.mktemp("people") / "station.db", clock) as counter:
        counter.configure_station(TOWN)
        counter.clerk = add_clerk(counter.store, "1001", "王丽", clock).id
        yield counter


@doors(300)
@given(id_numbers())
def test_an_id_number_is_parsed_or_refused_in_chinese(text):
    try:
        parsed = parse_id_number(text, TODAY)
    except IdNumberError as refused:
        assert is_chinese(str(refused)), str(refused)
        tried("ID number (parse_id_number)", "refused")
        return
    assert parsed.number == normalise(text) and SHAPE.fullmatch(parsed.number)
    assert parsed.number[17] == check_char(parsed.number[:17])
    assert parsed.birth_date <= TODAY
    tried("ID number (parse_id_number)", "accepted")


@doors(100)
@given(typed(OLD_ID) | st.text(st.sampled_from("0123456789０１２３ X"), max_size=20) | id_numbers())
def test_an_old_number_is_upgraded_or_refused_in_chinese(text):
    try:
        upgraded = upgrade_old_number(text, TODAY)
    except IdNumberError as refused:
        assert is_chinese(str(refused))
        tried("old 15-digit ID number (upgrade_old_number)", "refused")
        return
    assert parse_id_number(upgraded, TODAY).number == upgraded
    assert upgraded[:6] + upgraded[8:17] == normalise(text)
    tried("old 15-digit ID number (upgrade_old_number)", "accepted")


def visible(text: str) -> bool:
    return not any(unicodedata.category(ch) in HIDDEN_CATEGORIES for ch in text)


@doors(150)
@given(
    name=names(),
    id_number=id_numbers(),
    phone=phones(),
    agent=st.none() | st.tuples(names(), id_numbers(), phones(), names(), names()),
)
def test_a_person_is_stored_exactly_or_refused_with_nothing_changed(
    station, name, id_number, phone, agent
):
    applicant = Person(name, id_number, phone)
    helper = None if agent is None else Agent(*agent)
    before = dump(station.store.path)
    try:
        case = station.cases.open_case(applicant, ["YB0302"], station.clerk, agent=helper)
    except CaseError as refused:
        assert is_chinese(str(refused))
        assert dump(station.store.path) == before
        tried("applicant and agent (open_case)", "refused")
        return
    stored = station.cases.get(case.id)
    assert stored.applicant == applicant.normalised()
    assert stored.agent == (None if helper is None else helper.normalised())
    for person in filter(None, (stored.applicant, stored.agent)):
        assert 0 < len(person.name) <= NAME_MAX_LENGTH and visible(person.name)
        assert parse_id_number(person.id_number, TODAY).number == person.id_number
    tried("applicant and agent (open_case)", "accepted")
