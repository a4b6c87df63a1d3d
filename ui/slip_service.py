"""Printing the counter's slips (one-time notice, acceptance receipt, queue ticket) through
the printing service (`counterapp.slips` renders, `ui.printing.SlipPrinter` prints), in the
order that service asks for:

1. render on the store thread (`prepare_notice` / `prepare_receipt` / `prepare_ticket`):
   nothing recorded yet;
2. print on the printing thread (`SlipPrinter.print_pdf`);
3. only once the printer accepted the job, record the print on the store thread — a failed
   print never counts as the one-time notice having been handed over.

A notice or receipt that does not print (no printer, the printer refused it) is kept on the
store thread (`counterapp.slips.unprinted`, 待打印单据) and announced by `kept`; the window then
offers to retry, to save the PDF, or to print it later from the list (`print_kept`,
`save_kept`), and records the print only when it is printed.

When the printing service is not installed, `available` is False and nothing is printed; the
window then shows the notice on screen (`ui.notice.notice_html`) and the ticket on the kiosk.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ui.ops import CASE, QUEUE, Changes, Ops
from ui.qt import QObject, QWidget, Signal

if TYPE_CHECKING:
    from pathlib import Path

    from counterapp.app import Counter
    from counterapp.slips.unprinted import UnprintedSlip

NOTICE_LAYOUT_SETTING = "notice_layout"  # "a4" or "roll80" (counterapp.slips.Layout)
DEFAULT_NOTICE_LAYOUT = "a4"


def printing_available() -> bool:
    """Whether the printing issue's service is installed in this program."""
    return (
        importlib.util.find_spec("counterapp.slips") is not None
        and importlib.util.find_spec("ui.printing") is not None
    )


class SlipService(QObject):
    printed = Signal(str)  # kind, after the print was recorded
    failed = Signal(str, str)  # kind, message for the clerk
    kept = Signal(object, str)  # UnprintedSlip, why it did not print: kept for later
    kept_printed = Signal(int)  # the id of a kept slip, once printed and recorded

    def __init__(
        self,
        ops: Ops,
        printer_factory: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self._factory = printer_factory
        self._printer: Any = None

    @property
    def available(self) -> bool:
        return self._factory is not None or printing_available()

    @property
    def printer(self) -> Any:
        """The SlipPrinter, made once; its settings are read on the store thread."""
        if self._printer is None:
            if self._factory is not None:
                self._printer = self._factory()
            else:
                from ui.printing import SlipPrinter

                self._printer = SlipPrinter(self.ops.counter, submit=self.ops.run)
                self._printer.failed.connect(self.failed)
        return self._printer

    def print_notice(
        self,
        case_id: int,
        clerk_id: int,
        reprint_reason: str | None = None,
        parent: QWidget | None = None,
    ) -> bool:
        return self._print_case_slip(
            "notice", case_id, clerk_id, reprint_reason, parent, "正在生成告知单…"
        )

    def print_receipt(
        self,
        case_id: int,
        clerk_id: int,
        reprint_reason: str | None = None,
        parent: QWidget | None = None,
    ) -> bool:
        """The acceptance receipt (受理回执) of an accepted, finished or forwarded case; a
        second print is a recorded 补打 and needs its reason, as the notice's does."""
        return self._print_case_slip(
            "receipt", case_id, clerk_id, reprint_reason, parent, "正在生成受理回执…"
        )

    def receipt_printed(
        self, case_id: int, on_result: Callable[[bool], None], parent: QWidget | None = None
    ) -> None:
        """Whether the receipt of a case was printed before (the next print is a 补打)."""
        if not self.available:
            return

        def printed(counter: Counter) -> bool:
            from counterapp.slips import SlipKind
            from counterapp.slips.records import already_printed

            return already_printed(counter, case_id, SlipKind.RECEIPT)

        self.ops.query(printed, on_result, parent=parent)

    def _print_case_slip(
        self,
        kind: str,
        case_id: int,
        clerk_id: int,
        reprint_reason: str | None,
        parent: QWidget | None,
        label: str,
    ) -> bool:
        """Notices and receipts are printed on the paper chosen for notices (A4 or roll)."""
        if not self.available:
            return False
        from counterapp import slips

        prepare = slips.prepare_notice if kind == "notice" else slips.prepare_receipt

        def render(counter: Counter) -> Any:
            layout = slips.Layout(
                counter.settings.get(NOTICE_LAYOUT_SETTING, DEFAULT_NOTICE_LAYOUT)
            )
            return prepare(
                counter, case_id, layout, clerk_id=clerk_id, reprint_reason=reprint_reason
            )

        self.ops.query(
            render,
            lambda slip: self._print(kind, slip, CASE),
            parent=parent,
            on_failure=self._slip_error(kind),
            label=label,
        )
        return True

    def print_ticket(self, ticket_id: int) -> bool:
        if not self.available:
            return False
        from counterapp import slips

        self.ops.query(
            lambda c: slips.prepare_ticket(c, ticket_id),
            lambda slip: self._print("ticket", slip, QUEUE),
            on_failure=self._slip_error("ticket"),
        )
        return True

    def _print(self, kind: str, slip: Any, changes: Changes) -> None:
        from counterapp import slips

        def record() -> None:
            self.ops.change(
                lambda c: slips.record_print(c, slip.pending),
                changes,
                on_success=lambda _record: self.printed.emit(kind),
            )

        def not_printed(message: str) -> None:
            self.failed.emit(kind, message)
            if kind in ("notice", "receipt"):
                self._keep(slip, message)

        self.printer.print_pdf(kind, slip.pdf, on_success=record, on_failure=not_printed)

    def _keep(self, slip: Any, message: str) -> None:
        from counterapp.slips import unprinted

        self.ops.change(
            lambda c: unprinted.keep(c, slip.pdf, slip.pending, message),
            CASE,
            on_success=lambda kept: self.kept.emit(kept, message),
        )

    def print_kept(
        self,
        kept: UnprintedSlip,
        clerk_id: int,
        on_done: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        """Print a kept slip on its kind's printer; the print is recorded (and the slip leaves
        the list) only once the printer accepted it. `on_done("")` then, or the message."""
        from counterapp.slips import unprinted

        def recorded(_record: object) -> None:
            self.kept_printed.emit(kept.id)
            on_done("")

        def record() -> None:
            self.ops.change(
                lambda c: unprinted.print_kept(c, kept.id, clerk_id),
                CASE,
                on_success=recorded,
                on_failure=_said_by(on_done),
                parent=parent,
            )

        self.ops.query(
            lambda c: unprinted.pdf_of(c, kept.id),
            lambda pdf: self.printer.print_pdf(
                kept.kind.value,
                pdf,
                on_success=record,
                on_failure=on_done,
                job_name=f"counterapp-{kept.kind.value}-{kept.case_uuid[:8]}",
            ),
            on_failure=_said_by(on_done),
            parent=parent,
        )

    def save_kept(
        self,
        kept: UnprintedSlip,
        path: Path,
        clerk_id: int,
        on_done: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        """Save a kept slip as a PDF at `path` (it stays in the list until printed);
        `on_done("")` once saved, or the message."""
        from counterapp.slips import unprinted
        from ui.printing import write_pdf

        def write(pdf: bytes) -> None:
            problem = write_pdf(pdf, path)
            if problem:
                on_done(problem)
                return
            self.ops.change(
                lambda c: unprinted.mark_saved(c, kept.id, path, clerk_id),
                CASE,
                on_success=lambda _slip: on_done(""),
                on_failure=_said_by(on_done),
                parent=parent,
            )

        self.ops.query(
            lambda c: unprinted.pdf_of(c, kept.id),
            write,
            on_failure=_said_by(on_done),
            parent=parent,
        )

    def drop_kept(
        self,
        kept: UnprintedSlip,
        reason: str,
        clerk_id: int,
        on_done: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        """Take a kept slip off the list with a reason; `on_done("")`, or the message."""
        from counterapp.slips import unprinted

        self.ops.change(
            lambda c: unprinted.drop(c, kept.id, reason, clerk_id),
            CASE,
            on_success=lambda _none: on_done(""),
            on_failure=_said_by(on_done),
            parent=parent,
        )

    def _slip_error(self, kind: str) -> Callable[[BaseException], bool]:
        def handle(error: BaseException) -> bool:
            from counterapp.slips import SlipError

            if isinstance(error, SlipError):
                self.failed.emit(kind, str(error))
                return True
            return False

        return handle


def _said_by(say: Callable[[str], None]) -> Callable[[BaseException], bool]:
    """An ops failure handler: a slip's refusal (`SlipError`) is said through `say`; anything
    else goes to the usual error box."""

    def handle(error: BaseException) -> bool:
        from counterapp.slips import SlipError

        if isinstance(error, SlipError):
            say(str(error))
            return True
        return False

    return handle
