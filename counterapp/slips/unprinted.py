"""Slips that could not be printed (待打印单据): kept with their PDF until a printer is back.

When a notice or receipt does not print (no printer, the printer refused the job), the window
keeps the rendered slip here (`keep`) and the clerk may save it as a PDF, print it later from
the list, or drop it with a reason. What counts:

- a kept slip counts as printed only once it is printed: `print_kept` records the print
  (`record_print`: the first print of a case's slip is recorded once, later ones are 补打)
  and `record_print` closes the open row of that case and kind, however the slip got printed;
- saving the PDF records where it went, nothing more: a saved PDF is not the written notice
  the citizen must receive, so the slip stays in the list until printed;
- dropping needs a reason (e.g. 办事人已取得电子版) and is logged with the case.

Every step is logged in the case's events; keeping, saving and dropping are not queued for
upload on their own, a print is (`record_print`: the county checks the slip by its content).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

from counterapp import journal
from counterapp.app import Counter
from counterapp.clock import stamp
from counterapp.slips.errors import SlipError
from counterapp.slips.layout import Layout
from counterapp.slips.records import PendingPrint, PrintRecord, SlipKind, record_print
from counterapp.typed_text import REASON_MAX, TextRule, checked

KEPT_KINDS = (SlipKind.NOTICE, SlipKind.RECEIPT)
DROP_REASON_MAX = REASON_MAX
DROP_REASON = TextRule("原因", required="移出待打印列表须注明原因（如办事人已取得电子版）")
_OPEN = "u.printed_at IS NULL AND u.dropped_at IS NULL"


class UnprintedSlip(NamedTuple):
    """A row of the list (its PDF is read separately, `pdf_of`)."""

    id: int
    kind: SlipKind
    case_id: int
    case_uuid: str
    case_no: str
    applicant_name: str
    layout: Layout
    clerk_id: int | None
    is_reprint: bool
    reason: str | None
    verification_code: str | None
    failure: str
    kept_at: str
    saved_to: str | None
    content: dict[str, Any] | None = None

    @property
    def file_name(self) -> str:
        """The default name when saved: case number and kind, e.g. 3708…-003-一次性告知单.pdf"""
        return f"{self.case_no}-{self.kind.label}.pdf"

    def pending_print(self, clerk_id: int | None) -> PendingPrint:
        """The print record it makes when `clerk_id` prints it."""
        return PendingPrint(
            kind=self.kind,
            layout=self.layout,
            case_id=self.case_id,
            case_uuid=self.case_uuid,
            ticket_id=None,
            clerk_id=clerk_id,
            is_reprint=self.is_reprint,
            reason=self.reason,
            verification_code=self.verification_code,
            content=self.content,
        )


_SELECT = (
    "SELECT u.id, u.kind, u.case_id, c.uuid AS case_uuid, c.case_no, c.applicant_name, "
    "u.layout, u.clerk_id, u.is_reprint, u.reason, u.verification_code, u.failure, u.kept_at, "
    "u.saved_to, u.slip_content FROM unprinted_slips AS u JOIN cases AS c ON c.id = u.case_id "
)


def _slip(row: sqlite3.Row) -> UnprintedSlip:
    return UnprintedSlip(
        id=row["id"],
        kind=SlipKind(row["kind"]),
        case_id=row["case_id"],
        case_uuid=row["case_uuid"],
        case_no=row["case_no"],
        applicant_name=row["applicant_name"],
        layout=Layout(row["layout"]),
        clerk_id=row["clerk_id"],
        is_reprint=bool(row["is_reprint"]),
        reason=row["reason"],
        verification_code=row["verification_code"],
        failure=row["failure"],
        kept_at=row["kept_at"],
        saved_to=row["saved_to"],
        content=None if row["slip_content"] is None else json.loads(row["slip_content"]),
    )


def _log(
    counter: Counter,
    slip: UnprintedSlip,
    action: str,
    clerk_id: int | None,
    data: dict[str, object],
) -> None:
    journal.record(
        counter.store,
        subject="case",
        subject_uuid=slip.case_uuid,
        kind=f"{slip.kind.value}_{action}",
        at=stamp(counter.clock.now()),
        clerk_id=clerk_id,
        data={"slip": slip.id, **data},
    )


def keep(counter: Counter, pdf: bytes, pending: PendingPrint, failure: str) -> UnprintedSlip:
    """Keep a notice or receipt that did not print; a slip of the same case and kind kept
    before (and still open) is replaced by this newer rendering."""
    if pending.kind not in KEPT_KINDS or pending.case_id is None:
        raise SlipError(f"{pending.kind.label}不保留待打印")
    values = {
        "layout": pending.layout.value,
        "clerk_id": pending.clerk_id,
        "is_reprint": int(pending.is_reprint),
        "reason": pending.reason,
        "verification_code": pending.verification_code,
        "pdf": pdf,
        "failure": failure,
        "kept_at": stamp(counter.clock.now()),
        "slip_content": None
        if pending.content is None
        else json.dumps(pending.content, ensure_ascii=False, sort_keys=True),
    }
    with counter.store.transaction():
        found = counter.store.scalar(
            f"SELECT u.id FROM unprinted_slips AS u WHERE u.case_id = ? AND u.kind = ? AND {_OPEN}",
            (pending.case_id, pending.kind.value),
        )
        if found is None:
            found = counter.store.insert(
                "unprinted_slips",
                {"kind": pending.kind.value, "case_id": pending.case_id, **values},
            )
        else:
            counter.store.update("unprinted_slips", found, values)
        slip = get(counter, found)
        _log(counter, slip, "print_pending", pending.clerk_id, {"failure": failure})
    return slip


def get(counter: Counter, slip_id: int) -> UnprintedSlip:
    row = counter.store.one(_SELECT + "WHERE u.id = ?", (slip_id,))
    if row is None:
        raise SlipError(f"没有编号为 {slip_id} 的待打印单据")
    return _slip(row)


def open_slips(counter: Counter) -> list[UnprintedSlip]:
    """Slips still waiting to be printed, oldest first."""
    return [
        _slip(row) for row in counter.store.all(_SELECT + f"WHERE {_OPEN} ORDER BY u.kept_at, u.id")
    ]


def pdf_of(counter: Counter, slip_id: int) -> bytes:
    pdf = counter.store.scalar("SELECT pdf FROM unprinted_slips WHERE id = ?", (slip_id,))
    if pdf is None:
        raise SlipError(f"没有编号为 {slip_id} 的待打印单据")
    return bytes(pdf)


def _still_open(counter: Counter, slip_id: int) -> UnprintedSlip:
    if (
        counter.store.scalar(
            f"SELECT 1 FROM unprinted_slips AS u WHERE u.id = ? AND {_OPEN}", (slip_id,)
        )
        is None
    ):
        raise SlipError("该单据已打印或已移出待打印列表")
    return get(counter, slip_id)


def print_kept(counter: Counter, slip_id: int, clerk_id: int) -> PrintRecord:
    """The printer accepted a kept slip: record the print (which closes the row)."""
    with counter.store.transaction():
        slip = _still_open(counter, slip_id)
        return record_print(counter, slip.pending_print(clerk_id))


def mark_saved(counter: Counter, slip_id: int, path: Path | str, clerk_id: int) -> UnprintedSlip:
    """The slip was saved as a PDF at `path`; it stays in the list until printed."""
    with counter.store.transaction():
        slip = _still_open(counter, slip_id)
        counter.store.update("unprinted_slips", slip.id, {"saved_to": str(path)})
        _log(counter, slip, "pdf_saved", clerk_id, {"file": Path(path).name})
        return get(counter, slip_id)


def drop(counter: Counter, slip_id: int, reason: str, clerk_id: int) -> None:
    """Take a slip off the list without printing it; the reason is logged with the case."""
    reason = checked(reason, DROP_REASON, SlipError)
    with counter.store.transaction():
        slip = _still_open(counter, slip_id)
        counter.store.update(
            "unprinted_slips",
            slip.id,
            {"dropped_at": stamp(counter.clock.now()), "drop_reason": reason},
        )
        _log(counter, slip, "print_dropped", clerk_id, {"reason": reason})
