"""Withdraw a case not yet accepted (撤销办件): the citizen gives up, or it was opened by
mistake. A reason is required and logged with the case; the case is then closed (已归档).

An accepted case cannot be withdrawn: its time limit runs (限时办结), so it must be finished
or forwarded (the core's state machine has no way from 受理 to closed).
"""

from __future__ import annotations

from ui import comfort
from ui.dialogs import answer_buttons, offer_reasons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

WITHDRAW_REASONS = ("办事人主动放弃申请", "办事人不再补正材料", "误录或重复办件")


class WithdrawDialog(QDialog):
    def __init__(self, case_no: str, applicant: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"撤销办件：{case_no}")
        self.setMinimumWidth(460)
        self.reason = QComboBox()
        offer_reasons(self.reason, WITHDRAW_REASONS, "请选择或填写撤销原因（必填）")
        form = QFormLayout()
        form.addRow("办件", QLabel(f"{case_no}　{applicant}"))
        form.addRow("撤销原因", self.reason)
        note = QLabel(
            "撤销后办件归档、不能再继续办理，撤销原因记入办件日志；办事人日后再来须重新申请。"
        )
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        buttons, self.ok_button = answer_buttons(self, "确认撤销", self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reason.setFocus()

    @property
    def reason_text(self) -> str:
        return self.reason.currentText().strip()

    def try_accept(self) -> None:
        if not self.reason_text:
            self.problem.setText("请填写撤销原因")
            self.reason.setFocus()
            return
        self.accept()
