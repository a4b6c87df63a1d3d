"""Print records (table `slip_prints`): what was printed, when, by whom, first print or reprint.

A slip is rendered first (nothing stored), sent to the printer, and recorded only once the
printer accepted the job, so a failed print never counts as the one-time notice. Recording a
notice writes the event log in the same transaction: ``notice_printed`` for the first print,
``notice_reprinted`` (with the reason) for every later one; receipts likewise. The event
carries what the slip says (`slip`, the content its verification code covers) and the case is
queued for upload with a new version, so the county can check that very print. A slip of that
case and kind kept after a failed print (`counterapp.slips.unprinted`) is closed by the print.
"""

from __future__ import annotations

import json
import sqlite3
from enum import StrEnum
from typing import Any, NamedTuple

from counterapp import journal
from counterapp.app import Counter
from counterapp.clock import stamp
from counterapp.slips.errors import ReprintReasonRequired, SlipError
from counterapp.slips.layout import Layout
from counterapp.sync.slip_codes import SLIP_FIELD
from counterapp.typed_text import TextRule, checked

RACE_REASON = "与另一份首次打印同时出具（系统自动记为补打）"
REPRINT_REASON = TextRule("补打原因")
__all__ = [
    "RACE_REASON",
    "PendingPrint",
    "PrintRecord",
    "ReprintReasonRequired",
    "SlipError",
    "SlipKind",
    "already_printed",
    "prints_of_case",
    "record_print",
    "reprint_status",
]


class SlipKind(StrEnum):
    NOTICE = "notice"
    RECEIPT = "receipt"
    TICKET = "ticket"

    @property
    def label(self) -> str:
        return {"notice": "一次性告知单", "receipt": "受理回执", "ticket": "排队号票"}[self.value]


class PendingPrint(NamedTuple):
    """What a rendered slip will record once the printer has accepted it."""

    kind: SlipKind
    layout: Layout
    case_id: int | None
    case_uuid: str | None
    ticket_id: int | None
    clerk_id: int | None
    is_reprint: bool
    reason: str | None
    verification_code: str | None
    content: dict[str, Any] | None = None  # what the code covers (None: tickets)


class PrintRecord(NamedTuple):
    id: int
    kind: SlipKind
    layout: Layout
    case_id: int | None
    ticket_id: int | None
    printed_at: str
    clerk_id: int | None
    is_reprint: bool
    reason: str | None
    verification_code: str | None


def _record(row: sqlite3.Row) -> PrintRecord:
    return PrintRecord(
        id=row["id"],
        kind=SlipKind(row["kind"]),
        layout=Layout(row["layout"]),
        case_id=row["case_id"],
        ticket_id=row["ticket_id"],
        printed_at=row["printed_at"],
        clerk_id=row["clerk_id"],
        is_reprint=bool(row["is_reprint"]),
        reason=row["reason"],
        verification_code=row["verification_code"],
    )


def prints_of_case(
    counter: Counter, case_id: int, kind: SlipKind | None = None
) -> list[PrintRecord]:
    """The recorded prints of a case, oldest first."""
    if kind is None:
        rows = counter.store.all(
            "SELECT * FROM slip_prints WHERE case_id = ? ORDER BY id", (case_id,)
        )
    else:
        rows = counter.store.all(
            "SELECT * FROM slip_prints WHERE case_id = ? AND kind = ? ORDER BY id",
            (case_id, kind.value),
        )
    return [_record(row) for row in rows]


def already_printed(counter: Counter, case_id: int, kind: SlipKind) -> bool:
    """Whether the first print of this slip was recorded (any later print is a 补打)."""
    return bool(
        counter.store.scalar(
            "SELECT 1 FROM slip_prints WHERE case_id = ? AND kind = ? AND is_reprint = 0",
            (case_id, kind.value),
        )
    )


def reprint_status(
    counter: Counter, case_id: int, kind: SlipKind, reason: str | None
) -> tuple[bool, str | None]:
    """(is it a reprint, the cleaned reason); a reprint of a case's slip needs a reason."""
    cleaned = checked(reason or "", REPRINT_REASON, SlipError) or None
    if not already_printed(counter, case_id, kind):
        return False, None
    if cleaned is None:
        raise ReprintReasonRequired(
            f"本件的{kind.label}已打印过，补打须填写补打原因（如遗失、污损、信息更正）"
        )
    return True, cleaned


def _next_version(counter: Counter, case_uuid: str) -> int:
    """A new version of the case, so that the print (its event) goes up to the county."""
    counter.store.execute("UPDATE cases SET version = version + 1 WHERE uuid = ?", (case_uuid,))
    return int(counter.store.scalar("SELECT version FROM cases WHERE uuid = ?", (case_uuid,)))


def record_print(counter: Counter, pending: PendingPrint) -> PrintRecord:
    """Record a print the printer accepted; notices and receipts also go to the event log."""
    now = stamp(counter.clock.now())
    is_reprint, reason = pending.is_reprint, pending.reason
    if pending.case_id is not None and is_reprint and not reason:
        raise ReprintReasonRequired(f"补打{pending.kind.label}须填写补打原因")
    with counter.store.transaction():
        if (
            not is_reprint
            and pending.case_id is not None
            and already_printed(counter, pending.case_id, pending.kind)
        ):
            # another window printed the first copy in the meantime
            is_reprint, reason = True, RACE_REASON
        record_id = counter.store.insert(
            "slip_prints",
            {
                "kind": pending.kind.value,
                "case_id": pending.case_id,
                "ticket_id": pending.ticket_id,
                "layout": pending.layout.value,
                "printed_at": now,
                "clerk_id": pending.clerk_id,
                "is_reprint": int(is_reprint),
                "reason": reason,
                "verification_code": pending.verification_code,
                "slip_content": None
                if pending.content is None
                else json.dumps(pending.content, ensure_ascii=False, sort_keys=True),
            },
        )
        if pending.case_id is not None:  # no longer waiting in the 待打印 list
            counter.store.execute(
                "UPDATE unprinted_slips SET printed_at = ?, print_id = ? WHERE case_id = ? "
                "AND kind = ? AND printed_at IS NULL AND dropped_at IS NULL",
                (now, record_id, pending.case_id, pending.kind.value),
            )
        if pending.case_uuid is not None and pending.kind != SlipKind.TICKET:
            action = "reprinted" if is_reprint else "printed"
            data: dict[str, object] = {"layout": pending.layout.value, "print_id": record_id}
            if is_reprint:
                data["reason"] = reason
            if pending.content is not None:
                data[SLIP_FIELD] = pending.content
            journal.record(
                counter.store,
                subject="case",
                subject_uuid=pending.case_uuid,
                kind=f"{pending.kind.value}_{action}",
                at=now,
                clerk_id=pending.clerk_id,
                data=data,
                outbox_version=_next_version(counter, pending.case_uuid),
            )
        row = counter.store.row("SELECT * FROM slip_prints WHERE id = ?", (record_id,))
    return _record(row)
