"""Printed slips (no Qt): the one-time notice, the acceptance receipt and the queue ticket.

The window calls `notice_pdf`, `receipt_pdf`, `ticket_pdf` (or the `prepare_*` functions plus
`record_print` once the printer accepted the job); see `counterapp.slips.service`.
"""

from counterapp.slips.errors import FontUnavailable
from counterapp.slips.layout import Layout
from counterapp.slips.records import (
    PendingPrint,
    PrintRecord,
    ReprintReasonRequired,
    SlipError,
    SlipKind,
    prints_of_case,
    record_print,
)
from counterapp.slips.service import (
    PreparedSlip,
    notice_pdf,
    notice_printed,
    prepare_notice,
    prepare_receipt,
    prepare_ticket,
    receipt_pdf,
    ticket_pdf,
)
from counterapp.slips.verification import verify, verify_payload

__all__ = [
    "FontUnavailable",
    "Layout",
    "PendingPrint",
    "PreparedSlip",
    "PrintRecord",
    "ReprintReasonRequired",
    "SlipError",
    "SlipKind",
    "notice_pdf",
    "notice_printed",
    "prepare_notice",
    "prepare_receipt",
    "prepare_ticket",
    "prints_of_case",
    "receipt_pdf",
    "record_print",
    "ticket_pdf",
    "verify",
    "verify_payload",
]
