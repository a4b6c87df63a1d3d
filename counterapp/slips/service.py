"""The slips' public API: render a slip for a case or ticket, and record a print.

Printing from the window goes in three steps so that a failed print never counts:

    slip = prepare_notice(counter, case_id, Layout.A4, clerk_id=me)   # nothing stored yet
    printer.print_pdf("notice", slip.pdf, on_success=lambda: record_print(counter, slip.pending))

`notice_pdf(...)` / `receipt_pdf(...)` do both at once (record=True) for callers without a
printer (saving a PDF for the citizen, the CLI); with record=False they only render.
"""

from __future__ import annotations

from typing import NamedTuple

from counterapp.app import Counter
from counterapp.case_model import Case, CaseState
from counterapp.slips.facts import case_facts
from counterapp.slips.layout import Layout
from counterapp.slips.notice import build_notice
from counterapp.slips.receipt import build_receipt
from counterapp.slips.records import (
    PendingPrint,
    PrintRecord,
    SlipError,
    SlipKind,
    already_printed,
    record_print,
    reprint_status,
)
from counterapp.slips.ticket import TicketFacts, build_ticket

RECEIPT_STATES = (CaseState.ACCEPTED, CaseState.COMPLETED, CaseState.FORWARDED)


class PreparedSlip(NamedTuple):
    """A rendered slip and the print record it will make once printed."""

    pdf: bytes
    pending: PendingPrint

    @property
    def kind(self) -> SlipKind:
        return self.pending.kind

    @property
    def is_reprint(self) -> bool:
        return self.pending.is_reprint


def notice_printed(counter: Counter, case_id: int) -> bool:
    """Whether the notice of this case was printed: the window then asks for a reason."""
    return already_printed(counter, case_id, SlipKind.NOTICE)


def prepare_notice(
    counter: Counter,
    case_id: int,
    layout: Layout,
    *,
    clerk_id: int,
    reprint_reason: str | None = None,
) -> PreparedSlip:
    """Render the one-time notice; raises ReprintReasonRequired for a reprint with no reason."""
    case = counter.cases.get(case_id)
    return _prepare_case_slip(counter, case, SlipKind.NOTICE, layout, clerk_id, reprint_reason)


def prepare_receipt(
    counter: Counter,
    case_id: int,
    layout: Layout,
    *,
    clerk_id: int,
    reprint_reason: str | None = None,
) -> PreparedSlip:
    """Render the acceptance receipt of an accepted, finished or forwarded case."""
    case = counter.cases.get(case_id)
    if case.state not in RECEIPT_STATES and case.accepted_at is None:
        raise SlipError(f"办件当前为「{case.state.label}」，受理后才能出具受理回执")
    return _prepare_case_slip(counter, case, SlipKind.RECEIPT, layout, clerk_id, reprint_reason)


def _prepare_case_slip(
    counter: Counter,
    case: Case,
    kind: SlipKind,
    layout: Layout,
    clerk_id: int,
    reprint_reason: str | None,
) -> PreparedSlip:
    """A case's notice or receipt rendered, with the print record it will make."""
    is_reprint, reason = reprint_status(counter, case.id, kind, reprint_reason)
    facts = case_facts(counter, case, kind, clerk_id=clerk_id, reprint_reason=reason)
    build = build_notice if kind is SlipKind.NOTICE else build_receipt
    return PreparedSlip(
        build(facts, layout),
        PendingPrint(
            kind=kind,
            layout=layout,
            case_id=case.id,
            case_uuid=case.uuid,
            ticket_id=None,
            clerk_id=clerk_id,
            is_reprint=is_reprint,
            reason=reason,
            verification_code=facts.code,
            content=facts.content,
        ),
    )


def prepare_ticket(
    counter: Counter, ticket_id: int, layout: Layout = Layout.ROLL_80
) -> PreparedSlip:
    """Render a queue ticket for the kiosk (no personal data)."""
    if counter.station is None:
        raise SlipError("尚未设置本站信息，无法打印号票")
    ticket = counter.queue.get(ticket_id)
    facts = TicketFacts(
        station_name=counter.station.name,
        code=ticket.code,
        lane=ticket.lane,
        people_ahead=counter.queue.people_ahead(ticket),
        issued_at=ticket.issued_at,
    )
    return PreparedSlip(
        build_ticket(facts, layout),
        PendingPrint(
            kind=SlipKind.TICKET,
            layout=layout,
            case_id=None,
            case_uuid=None,
            ticket_id=ticket.id,
            clerk_id=None,
            is_reprint=False,
            reason=None,
            verification_code=None,
        ),
    )


def _recorded(counter: Counter, slip: PreparedSlip, record: bool) -> bytes:
    if record:
        record_print(counter, slip.pending)
    return slip.pdf


def notice_pdf(
    counter: Counter,
    case_id: int,
    layout: Layout,
    *,
    clerk_id: int,
    reprint_reason: str | None = None,
    record: bool = True,
) -> bytes:
    """The one-time notice as PDF; recorded as printed unless record=False."""
    return _recorded(
        counter,
        prepare_notice(counter, case_id, layout, clerk_id=clerk_id, reprint_reason=reprint_reason),
        record,
    )


def receipt_pdf(
    counter: Counter,
    case_id: int,
    layout: Layout,
    *,
    clerk_id: int,
    reprint_reason: str | None = None,
    record: bool = True,
) -> bytes:
    """The acceptance receipt as PDF; recorded as printed unless record=False."""
    return _recorded(
        counter,
        prepare_receipt(counter, case_id, layout, clerk_id=clerk_id, reprint_reason=reprint_reason),
        record,
    )


def ticket_pdf(counter: Counter, ticket_id: int, layout: Layout = Layout.ROLL_80) -> bytes:
    """The queue ticket as PDF (ticket prints are not recorded unless the caller does)."""
    return prepare_ticket(counter, ticket_id, layout).pdf


__all__ = [
    "PreparedSlip",
    "PrintRecord",
    "notice_pdf",
    "notice_printed",
    "prepare_notice",
    "prepare_receipt",
    "prepare_ticket",
    "receipt_pdf",
    "record_print",
    "ticket_pdf",
]
