"""Slips that did not print (待打印单据), headless: kept with their PDF, printed later (the first
print recorded once, when it is printed), saved as a PDF (not a print), dropped with a reason."""

from __future__ import annotations

import pytest

from counterapp.case_model import Person
from counterapp.journal import events_of
from counterapp.queue import Lane
from counterapp.slips import (
    Layout,
    SlipError,
    SlipKind,
    notice_printed,
    prepare_notice,
    prepare_ticket,
    prints_of_case,
    record_print,
    unprinted,
)
from tests.conftest import make_id

NO_PRINTER = "打印失败：本机没有可用的打印机，请在系统中安装打印机后重试。"


def _told(counter):
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(Person("孙𠮷", make_id()), ["YB0101"], clerk)
    return counter.cases.notify_missing(case.id, clerk)


def _kept(counter, case=None):
    case = case or _told(counter)
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    return case, slip, unprinted.keep(counter, slip.pdf, slip.pending, NO_PRINTER)


def test_a_failed_notice_is_kept_and_does_not_count_as_printed(counter):
    case, slip, kept = _kept(counter)
    assert unprinted.open_slips(counter) == [kept]
    assert (kept.kind, kept.case_no, kept.failure) == (SlipKind.NOTICE, case.case_no, NO_PRINTER)
    assert kept.file_name == f"{case.case_no}-一次性告知单.pdf"
    assert unprinted.pdf_of(counter, kept.id) == slip.pdf
    assert not notice_printed(counter, case.id) and prints_of_case(counter, case.id) == []
    last = events_of(counter.store, case.uuid)[-1]
    assert last["kind"] == "notice_print_pending" and last["data"]["slip"] == kept.id


def test_a_second_failure_of_the_same_slip_replaces_the_first(counter):
    case, _, first = _kept(counter)
    _, again, second = _kept(counter, case)
    assert second.id == first.id and len(unprinted.open_slips(counter)) == 1
    assert unprinted.pdf_of(counter, first.id) == again.pdf


def test_tickets_are_not_kept(counter):
    ticket = counter.queue.issue(Lane.NORMAL)
    slip = prepare_ticket(counter, ticket.id)
    with pytest.raises(SlipError):
        unprinted.keep(counter, slip.pdf, slip.pending, NO_PRINTER)


def test_printed_later_it_is_the_first_print_recorded_once(counter):
    case, _, kept = _kept(counter)
    record = unprinted.print_kept(counter, kept.id, counter.clerk_b.id)
    assert not record.is_reprint and record.clerk_id == counter.clerk_b.id
    assert record.verification_code == kept.verification_code
    assert notice_printed(counter, case.id) and unprinted.open_slips(counter) == []
    with pytest.raises(SlipError, match="已打印"):
        unprinted.print_kept(counter, kept.id, counter.clerk_b.id)
    assert len(prints_of_case(counter, case.id)) == 1
    row = counter.store.one(
        "SELECT printed_at, print_id FROM unprinted_slips WHERE id = ?", (kept.id,)
    )
    assert row["print_id"] == record.id and row["printed_at"] is not None


def test_printing_the_slip_again_from_the_visit_closes_the_kept_one(counter):
    case, _, _kept_slip = _kept(counter)
    retry = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    record_print(counter, retry.pending)
    assert unprinted.open_slips(counter) == []
    assert len(prints_of_case(counter, case.id)) == 1  # still one first print, no reprint


def test_saving_the_pdf_is_noted_but_is_not_a_print(counter, tmp_path):
    case, _, kept = _kept(counter)
    path = tmp_path / kept.file_name
    saved = unprinted.mark_saved(counter, kept.id, path, counter.clerk_a.id)
    assert saved.saved_to == str(path) and unprinted.open_slips(counter) == [saved]
    assert not notice_printed(counter, case.id)
    last = events_of(counter.store, case.uuid)[-1]
    assert last["kind"] == "notice_pdf_saved" and last["data"]["file"] == kept.file_name


@pytest.mark.parametrize("reason", ["", "  ", "电" * (unprinted.DROP_REASON_MAX + 1)])
def test_dropping_needs_a_short_reason(counter, reason):
    _, _, kept = _kept(counter)
    with pytest.raises(SlipError, match="原因"):
        unprinted.drop(counter, kept.id, reason, counter.clerk_a.id)
    assert unprinted.open_slips(counter) == [kept]


def test_dropping_with_a_reason_is_logged_and_leaves_the_list(counter):
    case, _, kept = _kept(counter)
    unprinted.drop(counter, kept.id, "办事人已取得电子版", counter.clerk_a.id)
    assert unprinted.open_slips(counter) == [] and not notice_printed(counter, case.id)
    last = events_of(counter.store, case.uuid)[-1]
    assert last["kind"] == "notice_print_dropped"
    assert last["data"] == {"slip": kept.id, "reason": "办事人已取得电子版"}
    with pytest.raises(SlipError):
        unprinted.drop(counter, kept.id, "再次", counter.clerk_a.id)


def test_a_kept_reprint_keeps_its_reason(counter):
    case = _told(counter)
    first = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    record_print(counter, first.pending)
    reprint = prepare_notice(
        counter, case.id, Layout.ROLL_80, clerk_id=counter.clerk_a.id, reprint_reason="办事人遗失"
    )
    kept = unprinted.keep(counter, reprint.pdf, reprint.pending, NO_PRINTER)
    record = unprinted.print_kept(counter, kept.id, counter.clerk_a.id)
    assert record.is_reprint and record.reason == "办事人遗失" and record.layout == Layout.ROLL_80
