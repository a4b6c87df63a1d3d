"""The acceptance receipt (受理回执) row shown on the finish and rating steps once a case is
accepted: print it for the citizen; a second print is a 补打 with its reason, recorded like the
notice's. Without the printing service the clerk is told so and nothing happens."""

from __future__ import annotations

from counterapp.case_model import Case
from ui.comfort import set_kind
from ui.qt import QHBoxLayout, QLabel, QPushButton, QWidget
from ui.steps.base import ReprintReason, VisitHost, note

REPRINT_REASONS = ("办事人遗失", "回执污损", "办事人要求再打一份")


class ReceiptBox(QWidget):
    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.case_id: int | None = None
        self.printed_before = False
        self.print_button = QPushButton("打印受理回执(&Y)")
        self.print_button.setMinimumHeight(36)
        self.reprint_label = QLabel("补打原因")
        self.reprint_reason = ReprintReason(REPRINT_REASONS)
        self.status = note()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.print_button)
        row.addWidget(self.reprint_label)
        row.addWidget(self.reprint_reason)
        row.addWidget(self.status, 1)
        self.print_button.clicked.connect(self.print_receipt)
        slips = host.ctx.slips
        slips.printed.connect(self._printed)
        slips.failed.connect(self._failed)
        self._show_reprint(False)

    def show_case(self, case: Case | None) -> None:
        accepted = case is not None and case.accepted_at is not None
        self.setVisible(accepted)
        if case is None or case.id == self.case_id:
            return
        self.reset()
        self.case_id = case.id
        if accepted:
            self.host.ctx.slips.receipt_printed(case.id, self._show_reprint, parent=self)

    def reset(self) -> None:
        self.case_id = None
        self.status.setText("")
        self.reprint_reason.clear_reason()
        self._show_reprint(False)

    def print_receipt(self) -> None:
        case = self.host.case
        if case is None:
            return
        ctx = self.host.ctx
        reason = (self.reprint_reason.reason() or None) if self.printed_before else None
        if ctx.slips.print_receipt(case.id, ctx.clerk_id, reason, self):
            self._say("正在打印受理回执…", "")
        else:
            self._say(
                "本机未安装打印服务，无法打印受理回执：请告知办事人办件编号，凭办件编号查询进度。",
                "warn",
            )

    def _show_reprint(self, printed: bool) -> None:
        self.printed_before = printed
        self.reprint_label.setVisible(printed)
        self.reprint_reason.setVisible(printed)
        self.print_button.setText("补打受理回执(&Y)" if printed else "打印受理回执(&Y)")

    def _printed(self, kind: str) -> None:
        if kind == "receipt" and self.case_id is not None:
            self._say("受理回执已打印，请交办事人留存。", "ok")
            self._show_reprint(True)

    def _failed(self, kind: str, message: str) -> None:
        if kind == "receipt":
            self._say(f"{message}　可再按“打印受理回执”重试。", "error")

    def _say(self, text: str, kind: str) -> None:
        self.status.setText(text)
        set_kind(self.status, kind)
