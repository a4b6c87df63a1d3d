from datetime import date, datetime

import pytest

from counterapp import journal
from counterapp.app import Counter
from counterapp.case_model import Agent, CaseError, CaseState, Person
from counterapp.clock import CST
from counterapp.journal import events_of
from counterapp.queue import Lane, TicketStatus
from counterapp.ratings import RatingLevel
from counterapp.states import TransitionError
from counterapp.workdays import YearCalendar
from tests.conftest import make_id

APPLICANT = Person("张𠮷", make_id(), "13812345678")
REMOTE_CARE = "YB0301"  # 长期异地就医备案: identity + conditional residence proof
REFERRAL = "YB0302"  # 转外就医备案: identity + referral proof
TRANSFER = "YB1202"  # 转移接续手续办理: no town checklist ⇒ 帮办代办
CHRONIC = "YB0501"  # 门诊慢性病病种待遇认定: the town only collects materials


def open_case(counter, items, **kwargs):
    return counter.cases.open_case(APPLICANT, items, counter.clerk_a.id, **kwargs)


def tick_all(counter, case):
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, counter.clerk_a.id)
    return case


def test_open_from_a_called_ticket(counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    counter.queue.call_next(1, counter.clerk_a.id)
    case = open_case(counter, [REMOTE_CARE], ticket_id=ticket.id)
    assert case.case_no == "370883101-20261125-01-0001"
    counter.set_window_no(3)
    assert open_case(counter, [REFERRAL]).case_no == "370883101-20261125-03-0002"
    assert case.state == CaseState.RECEIVED
    assert case.owner_clerk_id == case.handler_clerk_id == counter.clerk_a.id
    assert case.catalogue_version == counter.catalogue.version
    assert case.applicant.name == "张𠮷"
    assert counter.queue.get(ticket.id).status == TicketStatus.SERVING


def test_bad_applicant_reports_every_problem_and_stores_nothing(counter):
    bad = Person("", "110105194912310021", "12345")
    with pytest.raises(CaseError) as error:
        counter.cases.open_case(bad, ["NOPE"], counter.clerk_a.id)
    message = str(error.value)
    for part in (
        "申请人姓名不能为空",
        "申请人身份证号码校验位不符",
        "联系电话格式",
        "没有事项 NOPE",
    ):
        assert part in message
    assert counter.store.scalar("SELECT count(*) FROM cases") == 0
    assert counter.store.scalar("SELECT count(*) FROM outbox") == 0


def test_shared_materials_appear_once(counter):
    case = open_case(counter, [REMOTE_CARE, REFERRAL])
    keys = [m.key for m in case.materials]
    assert keys.count("identity") == 1
    assert "referral-proof" in keys
    residence = next(m for m in case.materials if m.key == "residence-proof")
    assert not residence.required and residence.condition and not residence.applies


def test_agent_adds_authorisation_materials_and_is_validated(counter):
    with pytest.raises(CaseError, match="代办授权方式"):
        open_case(
            counter, [REMOTE_CARE], agent=Agent("李四", make_id(sequence="311"), relation="子女")
        )
    agent = Agent("李四", make_id(sequence="311"), "13900001111", "子女", "授权委托书")
    case = open_case(counter, [REMOTE_CARE], agent=agent)
    assert {"agent-id", "power-of-attorney"} <= {m.key for m in case.materials}
    assert case.agent == agent


def test_missing_materials_then_return_and_accept(counter, clock):
    case = open_case(counter, [REFERRAL])
    case = counter.cases.mark_material(case.id, "identity", True, counter.clerk_a.id)
    with pytest.raises(CaseError, match="尚缺：转外就医证明"):
        counter.cases.accept(case.id, counter.clerk_a.id)
    case = counter.cases.notify_missing(case.id, counter.clerk_a.id)
    assert case.state == CaseState.MATERIALS_INCOMPLETE
    # 15 working days from Wed 2026-11-25
    assert case.supply_due == date(2026, 12, 16) and not case.supply_due_provisional
    # only one one-time notice per case
    with pytest.raises(TransitionError):
        counter.cases.notify_missing(case.id, counter.clerk_a.id)
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CST))
    found = counter.cases.find(case.case_no)
    assert [c.id for c in found] == [case.id]
    case = counter.cases.mark_material(case.id, "referral-proof", True, counter.clerk_b.id)
    case = counter.cases.accept(case.id, counter.clerk_b.id)
    assert case.state == CaseState.ACCEPTED
    assert case.owner_clerk_id == counter.clerk_a.id  # first contact stays the owner
    assert case.items[0].due_at == "2026-11-30T10:10:00+08:00"


def test_conditional_material_counts_once_the_clerk_says_it_applies(counter):
    case = tick_all(counter, open_case(counter, [REMOTE_CARE]))
    case = counter.cases.set_condition_applies(case.id, "residence-proof", True, counter.clerk_a.id)
    assert [m.key for m in case.missing_materials] == ["residence-proof"]
    with pytest.raises(CaseError, match="不能受理"):
        counter.cases.accept(case.id, counter.clerk_a.id)


def test_complete_on_the_spot(counter, clock):
    case = tick_all(counter, open_case(counter, [REMOTE_CARE, REFERRAL]))
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    clock.advance(minutes=8)
    case = counter.cases.complete(case.id, counter.clerk_a.id)
    assert case.state == CaseState.COMPLETED
    assert all(item.completed_at for item in case.items)
    local = counter.cases.accept(tick_all(counter, open_case(counter, [REFERRAL])).id, 1)
    with pytest.raises(CaseError, match="无须转报"):
        counter.cases.forward(local.id, counter.clerk_a.id)


def test_forward_upward_with_three_working_days_over_national_day(counter, clock):
    clock.set(datetime(2026, 9, 30, 15, 0, tzinfo=CST))
    case = tick_all(counter, open_case(counter, [TRANSFER, REMOTE_CARE]))
    with pytest.raises(CaseError, match="转报"):
        counter.cases.complete(
            counter.cases.accept(case.id, counter.clerk_a.id).id, counter.clerk_a.id
        )
    case = counter.cases.get(case.id)
    assert case.forward_due == date(2026, 10, 10)  # a make-up Saturday counts
    assert not case.forward_due_provisional
    transfer_item = next(i for i in case.items if i.item_code == TRANSFER)
    assert transfer_item.mode == "assist"
    assert transfer_item.due_at == "2026-10-27"  # 15 working days after the holiday
    case = counter.cases.forward(case.id, counter.clerk_a.id, "已交县医保中心")
    assert case.state == CaseState.FORWARDED
    local = next(i for i in case.items if i.item_code == REMOTE_CARE)
    assert local.completed_at is not None and transfer_item.completed_at is None


def test_collect_only_item_is_forwarded(counter):
    case = tick_all(counter, open_case(counter, [CHRONIC]))
    assert case.items[0].mode == "collect"
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    assert case.forward_due is not None


def test_deadline_past_known_calendar_is_provisional_and_never_moves(counter, clock):
    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=CST))
    case = tick_all(counter, open_case(counter, [TRANSFER]))
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    assert case.forward_due == date(2027, 1, 5) and case.forward_due_provisional
    official = YearCalendar(
        year=2027,
        source="县医保中心下发",
        holidays={date(2027, 1, 1): "元旦", date(2027, 1, 4): "元旦"},
        workdays={},
    )
    counter.import_calendar_year(official)
    assert counter.cases.get(case.id).forward_due == date(2027, 1, 5)  # stored, unmoved
    later = counter.cases.accept(
        tick_all(counter, open_case(counter, [TRANSFER])).id, counter.clerk_a.id
    )
    assert later.forward_due == date(2027, 1, 6) and not later.forward_due_provisional


ACTIONS = {
    "notify": lambda c, case: c.cases.notify_missing(case.id, c.clerk_a.id),
    "accept": lambda c, case: c.cases.accept(case.id, c.clerk_a.id),
    "complete": lambda c, case: c.cases.complete(case.id, c.clerk_a.id),
    "forward": lambda c, case: c.cases.forward(case.id, c.clerk_a.id),
    "close": lambda c, case: c.cases.close(case.id, c.clerk_a.id, "申请人撤回"),
}
# state → actions that must succeed there (for a case whose items fit the action)
LEGAL = {
    CaseState.RECEIVED: {"notify", "accept", "close"},
    CaseState.MATERIALS_INCOMPLETE: {"accept", "close"},
    CaseState.ACCEPTED: {"complete", "forward"},
    CaseState.COMPLETED: {"close"},
    CaseState.FORWARDED: {"close"},
    CaseState.CLOSED: set(),
}


def case_in(counter, state: CaseState, forwardable: bool):
    """A real case driven into `state`, with missing materials while that is possible."""
    case = open_case(counter, [TRANSFER if forwardable else REFERRAL])
    if state == CaseState.RECEIVED:
        return case
    if state in (CaseState.MATERIALS_INCOMPLETE, CaseState.CLOSED):
        case = counter.cases.notify_missing(case.id, counter.clerk_a.id)
        if state == CaseState.CLOSED:
            case = counter.cases.close(case.id, counter.clerk_a.id, "申请人撤回")
        return case
    case = counter.cases.accept(tick_all(counter, case).id, counter.clerk_a.id)
    if state == CaseState.COMPLETED:
        case = counter.cases.complete(case.id, counter.clerk_a.id)
    elif state == CaseState.FORWARDED:
        case = counter.cases.forward(case.id, counter.clerk_a.id)
    return case


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_matrix(counter, state, action):
    forwardable = state == CaseState.FORWARDED or (
        action == "forward" and state != CaseState.COMPLETED
    )
    case = case_in(counter, state, forwardable)
    assert case.state == state
    if action == "accept" and state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE):
        case = tick_all(counter, case)
    before = counter.store.scalar("SELECT count(*) FROM events")
    if action in LEGAL[state]:
        assert ACTIONS[action](counter, case).version == case.version + 1
    else:
        with pytest.raises((TransitionError, CaseError)):
            ACTIONS[action](counter, case)
        assert counter.cases.get(case.id) == case
        assert counter.store.scalar("SELECT count(*) FROM events") == before


def test_withdrawing_needs_a_reason(counter):
    case = open_case(counter, [REFERRAL])
    with pytest.raises(CaseError, match="须注明原因"):
        counter.cases.close(case.id, counter.clerk_a.id, " ")


def test_case_search_tells_a_withdrawn_case_from_an_archived_one(counter):
    from counterapp.case_search import search

    withdrawn = counter.cases.close(
        open_case(counter, [REFERRAL]).id, counter.clerk_a.id, "办事人决定下月再办"
    )
    done = tick_all(counter, open_case(counter, [REFERRAL]))
    done = counter.cases.complete(
        counter.cases.accept(done.id, counter.clerk_a.id).id, counter.clerk_a.id
    )
    archived = counter.cases.close(done.id, counter.clerk_a.id, "年底归档")
    texts = {summary.id: summary.state_text for summary in search(counter.store, "")}
    assert texts[withdrawn.id] == "已撤销（办事人决定下月再办）"
    assert texts[archived.id] == "已归档"


def test_hand_over_keeps_the_owner_and_is_logged(counter):
    case = open_case(counter, [REFERRAL])
    case = counter.cases.hand_over(case.id, counter.clerk_a.id, counter.clerk_b.id, "午休交班")
    assert case.owner_clerk_id == counter.clerk_a.id
    assert case.handler_clerk_id == counter.clerk_b.id
    kinds = [(e["kind"], e["data"]) for e in events_of(counter.store, case.uuid)]
    assert kinds[-1] == (
        "handed_over",
        {"from": counter.clerk_a.id, "to": counter.clerk_b.id, "reason": "午休交班"},
    )


def test_change_and_its_log_are_one_transaction(counter, monkeypatch):
    case = open_case(counter, [REFERRAL])

    def broken_record(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(journal, "record", broken_record)
    with pytest.raises(OSError):
        counter.cases.mark_material(case.id, "identity", True, counter.clerk_a.id)
    monkeypatch.undo()
    assert counter.cases.get(case.id) == case
    assert (
        counter.store.scalar("SELECT count(*) FROM outbox WHERE record_uuid = ?", (case.uuid,)) == 1
    )


def test_events_are_append_only(counter):
    open_case(counter, [REFERRAL])
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("DELETE FROM events")
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("UPDATE events SET kind = 'x'")


def test_cases_survive_a_restart(tmp_path, counter, clock):
    case = tick_all(counter, open_case(counter, [REFERRAL]))
    case = counter.cases.accept(case.id, counter.clerk_a.id)
    counter.close()
    with Counter.open(counter.store.path, clock) as reopened:
        assert reopened.cases.get(case.id) == case
        assert reopened.station == counter.station


def test_rating_bad_needs_reason_and_follow_up(counter):
    case = counter.cases.complete(
        counter.cases.accept(tick_all(counter, open_case(counter, [REFERRAL])).id, 1).id, 1
    )
    with pytest.raises(CaseError, match="说明原因"):
        counter.ratings.rate(case, RatingLevel.DISSATISFIED)
    rating = counter.ratings.rate(case, RatingLevel.DISSATISFIED, "等候时间太长")
    assert rating.follow_up_due == "2026-12-16"
    assert [r.case_id for r in counter.ratings.pending_follow_ups()] == [case.id]
    with pytest.raises(CaseError, match="已评价"):
        counter.ratings.rate(case, RatingLevel.SATISFIED)
    counter.ratings.follow_up_done(case.id, counter.clerk_a.id, "已电话回访，增开窗口")
    assert counter.ratings.pending_follow_ups() == []


def test_every_returned_case_matches_the_store(counter, clock):
    """Services build the returned Case in memory; it must equal a fresh read."""
    svc = counter.cases
    clerk = counter.clerk_a.id
    steps = [
        lambda c: svc.set_condition_applies(c.id, "residence-proof", True, clerk),
        lambda c: svc.mark_material(c.id, "identity", True, clerk),
        lambda c: svc.notify_missing(c.id, clerk),
        lambda c: svc.mark_material(c.id, "residence-proof", True, clerk),
        lambda c: svc.mark_material(c.id, "referral-proof", True, clerk),
        lambda c: tick_all(counter, c),
        lambda c: svc.hand_over(c.id, clerk, counter.clerk_b.id, "交班"),
        lambda c: svc.accept(c.id, clerk),
        lambda c: svc.forward(c.id, clerk, "报县中心"),
        lambda c: svc.close(c.id, clerk),
    ]
    case = open_case(counter, [REMOTE_CARE, REFERRAL, TRANSFER])
    for step in steps:
        clock.advance(minutes=3)
        case = step(case)
        assert case == svc.get(case.id)
    assert case.state == CaseState.CLOSED
