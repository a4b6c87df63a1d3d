"""The Qt-free parts of the window: item search, the visit's steps, the timer's reading,
and the core's case search."""

from datetime import date, timedelta

import pytest

from counterapp import case_search
from counterapp.case_model import CaseState, Person
from counterapp.case_search import DueKind
from counterapp.catalogue_model import LevelMode
from tests.conftest import make_id
from ui.item_index import ItemIndex
from ui.steps.person_fields import id_hint
from ui.timer_widget import Level, reading
from ui.visit_flow import Primary, Step, can_show, main_action, next_step, step_for


@pytest.fixture
def index(counter):
    built = ItemIndex(counter.catalogue, "town")
    built.build_pinyin()
    return built


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ydjy", "YB0301"),
        ("YDJY", "YB0301"),
        ("异地就医", "YB0301"),
        ("yidijiuyi", "YB0301"),
        ("mzmxbbz", "YB0501"),
        ("yb0501", "YB0501"),
        ("参保登记", "YB0101"),
        ("sgbx", "YB0401"),
    ],
)
def test_item_search_by_text_code_or_pinyin(index, query, expected):
    found = [entry.item.code for entry in index.search(query)]
    assert expected in found, found


def test_item_search_lists_the_level_checklist_first(index, counter):
    entries = index.search("")
    listed = [entry.listed for entry in entries]
    assert listed == sorted(listed, reverse=True)
    assert sum(listed) == 16  # the town checklist
    assert {e.mode for e in entries if not e.listed} == {LevelMode.ASSIST}
    assert index.search("xxxxxx") == []


def test_item_search_works_before_the_pinyin_is_ready(counter):
    fresh = ItemIndex(counter.catalogue, "village")
    assert not fresh.pinyin_ready
    assert [e.item.code for e in fresh.search("异地")]
    assert fresh.search("ydjy") == []
    fresh.build_async().join()
    assert fresh.search("ydjy")


def test_id_hint_as_typed():
    today = date(2026, 11, 25)
    assert id_hint("", today) == ("", "")
    assert id_hint("3708831956", today) == ("已输入 10 位，共 18 位", "warn")
    assert id_hint(make_id()[:17] + "0", today) == (
        "身份证号码校验位不符，请核对后重新输入",
        "error",
    )
    # valid: a ✓ in the neutral "ok" colour, also for a citizen of the green channel
    text, kind = id_hint(make_id(birth="19560312"), today)
    assert kind == "ok" and text.startswith("✓ 号码有效") and "70岁" in text and "绿色通道" in text
    assert id_hint(make_id(birth="19900101"), today)[1] == "ok"
    assert id_hint("99" + make_id()[2:], today)[1] == "error"
    # a 15-digit old number is offered its conversion; after it the note says so
    text, kind = id_hint("370883560312123", today)
    assert kind == "warn" and "转为18位" in text
    text, kind = id_hint(make_id(), today, converted_from="370883560312123")
    assert kind == "ok" and "已由15位旧号码 370883560312123 转换为18位" in text


def test_the_steps_follow_the_case(counter):
    assert step_for(None) == Step.APPLICANT
    assert not can_show(Step.MATERIALS, None)
    case = counter.cases.open_case(Person("张三", make_id()), ["YB0202"], counter.clerk_a.id)
    assert step_for(case) == Step.MATERIALS
    assert next_step(Step.MATERIALS, case) == Step.OUTCOME
    assert not can_show(Step.FINISH, case)
    case = counter.cases.mark_material(case.id, "identity", True, counter.clerk_a.id)
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    assert step_for(case) == Step.FINISH and not can_show(Step.OUTCOME, case)
    case = counter.cases.complete(case.id, counter.clerk_a.id)
    assert step_for(case) == Step.RATING and next_step(Step.RATING, case) is None


def test_each_step_has_its_main_action_or_says_why_not(counter):
    clerk = counter.clerk_a.id
    assert main_action(Step.APPLICANT, None).action == Primary.NEXT
    assert main_action(Step.OUTCOME, None).why_not.startswith("尚未建立办件")
    case = counter.cases.open_case(Person("张三", make_id()), ["YB0202"], clerk)
    assert main_action(Step.MATERIALS, case).action == Primary.NEXT
    assert main_action(Step.OUTCOME, case).action == Primary.NOTIFY
    told = counter.cases.notify_missing(case.id, clerk)
    assert main_action(Step.OUTCOME, told).action == Primary.AWAIT
    complete = counter.cases.mark_material(case.id, "identity", True, clerk)
    assert main_action(Step.OUTCOME, complete).action == Primary.ACCEPT
    accepted = counter.cases.accept(case.id, clerk)
    assert main_action(Step.OUTCOME, accepted).action is None
    assert main_action(Step.FINISH, accepted).action == Primary.COMPLETE
    assert main_action(Step.RATING, accepted).action == Primary.RATE
    assert main_action(Step.RATING, accepted, rated=True).action == Primary.END
    done = counter.cases.complete(case.id, clerk)
    assert "已办结" in main_action(Step.FINISH, done).why_not

    def accepted_with(code: str):
        opened = counter.cases.open_case(Person("李四", make_id()), [code], clerk)
        for material in opened.materials:
            counter.cases.mark_material(opened.id, material.key, True, clerk)
        return counter.cases.accept(opened.id, clerk)

    assert main_action(Step.FINISH, accepted_with("YB0501")).action == Primary.FORWARD
    promised = main_action(Step.FINISH, accepted_with("YB0601"))  # handled here, promised
    assert promised.action is None and "承诺件" in promised.why_not


def test_timer_readings(counter, clock):
    calendar = counter.calendar
    assert reading(None, clock.now(), calendar).level == Level.IDLE
    case = counter.cases.open_case(Person("张三", make_id()), ["YB0401"], counter.clerk_a.id)
    assert reading(case, clock.now(), calendar).level == Level.GREEN  # counting reception
    for key in [m.key for m in case.materials if m.applies]:
        case = counter.cases.mark_material(case.id, key, True, counter.clerk_a.id)
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    shown = reading(case, clock.now(), calendar)
    assert shown.level == Level.GREEN and "承诺办结期限" in shown.text
    due = date.fromisoformat(case.items[0].due_at)
    assert (
        reading(case, clock.now().replace(day=due.day, month=due.month), calendar).level
        == Level.AMBER
    )
    late = reading(case, clock.now() + timedelta(days=30), calendar)
    assert late.level == Level.RED and "已超期" in late.text


def test_case_search_by_name_id_number_date_and_state(counter, clock):
    clerk = counter.clerk_a.id
    first = counter.cases.open_case(Person("欧阳娜娜", make_id(sequence="222")), ["YB0202"], clerk)
    clock.advance(days=1)
    second = counter.cases.open_case(Person("张三", make_id(sequence="333")), ["YB0301"], clerk)
    counter.cases.notify_missing(second.id, clerk)
    store = counter.store

    def ids(*args, **kwargs):
        return [s.id for s in case_search.search(store, *args, **kwargs)]

    assert ids("阳娜") == [first.id]
    assert ids(make_id(sequence="333")) == [second.id]
    assert ids(make_id(sequence="333")[-6:]) == [second.id]  # the last digits
    assert ids(second.case_no) == [second.id]
    assert ids("", states=[CaseState.MATERIALS_INCOMPLETE]) == [second.id]
    assert ids("", day_from=second.day) == [second.id]
    assert ids("", day_to=first.day) == [first.id]
    assert ids("%") == [] and ids("_") == []  # LIKE wildcards are literal
    summary = case_search.search(store, "张三")[0]
    assert summary.owner_name == "王丽" and summary.item_titles.startswith("参保人员异地就医备案")
    assert case_search.case_for_ticket(store, 12345) is None


def test_open_deadlines_by_urgency(counter, clock):
    clerk = counter.clerk_a.id

    def accepted(codes, sequence):
        case = counter.cases.open_case(Person("张三", make_id(sequence=sequence)), codes, clerk)
        for key in [m.key for m in case.materials if m.applies]:
            counter.cases.mark_material(case.id, key, True, clerk)
        return counter.cases.accept(case.id, clerk)

    instant = accepted(["YB0202"], "101")
    forward = accepted(["YB0501"], "103")
    told = counter.cases.open_case(Person("李四", make_id(sequence="105")), ["YB0301"], clerk)
    counter.cases.notify_missing(told.id, clerk)
    fresh = counter.cases.open_case(Person("王五", make_id(sequence="107")), ["YB0202"], clerk)
    rows = case_search.open_deadlines(counter.store, clock.now() + timedelta(minutes=30))
    assert [r.case.id for r in rows] == [instant.id, forward.id, told.id, fresh.id]
    assert rows[0].overdue and rows[0].kind == DueKind.COMPLETE
    assert rows[1].kind == DueKind.FORWARD and rows[1].due == "2026-11-30"
    assert rows[2].kind == DueKind.SUPPLY and not rows[2].overdue
    assert rows[3].kind == DueKind.NONE and rows[3].due is None
    counter.cases.forward(forward.id, clerk)
    upper = next(
        r for r in case_search.open_deadlines(counter.store, clock.now()) if r.case.id == forward.id
    )
    assert upper.kind == DueKind.UPPER
