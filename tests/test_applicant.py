"""What the clerk types for the applicant and agent: normalised the same way from every entry
point, checked field by field, never cut, and looked up against what the station has seen."""

from datetime import date

import pytest

from counterapp.case_model import Agent, CaseError, Person, normalise_phone
from counterapp.case_search import id_history, search
from counterapp.typed_text import NAME_MAX_LENGTH
from tests.conftest import make_id

TODAY = date(2026, 11, 25)
ZHANG = make_id(birth="19800101", sequence="123")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in "Xx-" else c for c in text)


def test_a_name_over_the_limit_is_refused_with_the_limit_and_the_length():
    problems = Person("张" * 500, ZHANG).field_problems(TODAY)
    assert problems == {"name": f"姓名过长：最多{NAME_MAX_LENGTH}个字，当前500个字，请核对"}
    # a rare character outside the BMP counts as one character, as the clerk sees it
    assert Person("𠮷" * NAME_MAX_LENGTH, ZHANG).field_problems(TODAY) == {}


def test_problems_are_given_per_field_and_read_as_the_field_being_wrong():
    problems = Person("", "110105194912310021", "12345").field_problems(TODAY)
    assert set(problems) == {"name", "id_number", "phone"}
    assert problems["id_number"] == "身份证号码校验位不符，请核对后重新输入"
    agent = Agent("李四", ZHANG).field_problems(TODAY)
    assert set(agent) == {"relation", "authorisation"}
    assert Agent("李四", "123").problems("代办人", TODAY)[:1] == [
        "代办人身份证号码应为18位，当前为3位"
    ]


def test_full_width_phone_and_spaces_are_normalised():
    assert normalise_phone("１３８ １２３４\u3000５６７８") == "13812345678"
    assert normalise_phone("０５３７－５２１１２３４") == "0537-5211234"
    assert Person("张三", ZHANG, "１３８１２３４５６７８").field_problems(TODAY) == {}


def test_a_case_opened_with_full_width_input_is_stored_half_width(counter):
    applicant = Person(" 张三 ", full_width(ZHANG.lower()), "１３８ １２３４ ５６７８")
    agent = Agent(
        "李四",
        full_width(make_id(sequence="311")),
        "０５３７－５２１１２３４",
        "子女",
        "授权委托书",
    )
    case = counter.cases.open_case(applicant, ["YB0301"], counter.clerk_a.id, agent=agent)
    assert case.applicant == Person("张三", ZHANG, "13812345678")
    assert case.agent.id_number == make_id(sequence="311")
    assert case.agent.phone == "0537-5211234"
    # the other entry points normalise the same way
    assert [c.id for c in counter.cases.find(full_width(ZHANG))] == [case.id]
    assert [s.id for s in search(counter.store, full_width(ZHANG))] == [case.id]


def test_a_500_character_name_is_refused_by_the_core_and_nothing_is_stored(counter):
    with pytest.raises(CaseError, match="申请人姓名过长：最多30个字，当前500个字"):
        counter.cases.open_case(Person("张" * 500, ZHANG), ["YB0301"], counter.clerk_a.id)
    assert counter.store.scalar("SELECT count(*) FROM cases") == 0


def test_the_names_and_cases_recorded_under_an_id_number(counter, clock):
    clerk = counter.clerk_a.id
    first = counter.cases.open_case(Person("张三", ZHANG), ["YB0301"], clerk)
    clock.advance(minutes=5)
    counter.cases.open_case(Person("王五", make_id(sequence="555")), ["YB0301"], clerk)
    second = counter.cases.open_case(Person("张叁", ZHANG), ["YB0302"], clerk)
    history = id_history(counter.store, full_width(ZHANG))
    assert history.id_number == ZHANG
    assert history.names == ("张叁", "张三")  # most recently used first
    assert [s.id for s in history.cases] == [second.id, first.id]
    assert history.other_names("张 三") == ["张叁"]  # spaces typed in a name do not count
    assert history.other_names("张叁") == ["张三"]
    unknown = id_history(counter.store, make_id(sequence="777"))
    assert unknown.names == () and unknown.cases == () and unknown.other_names("谁") == []
