"""Step 5 — finish on the spot (当场办结), or forward upward (帮办代办) within its
3-working-day submission deadline; a promised item handled here may also stay accepted and
be finished within its limit (the deadline list follows it). The acceptance receipt
(受理回执) can be printed here and on the rating step."""

from __future__ import annotations

from counterapp.case_model import Case, CaseState
from counterapp.catalogue_model import LevelMode
from ui.comfort import set_kind
from ui.qt import QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget
from ui.steps.base import StepPage, VisitHost, heading, note
from ui.steps.receipt_box import ReceiptBox
from ui.visit_flow import Primary, Step

MODE_LABELS = {mode.value: mode.label for mode in LevelMode}
DEFAULT_FORWARD_NOTE = "已按帮办代办流程报送县医保经办中心"


def due_text(due: str | None) -> str:
    if not due:
        return "受理后起算"
    return due if len(due) == 10 else due[11:16] + "（今日）"


class FinishStep(StepPage):
    step = Step.FINISH

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.items = QListWidget()
        self.status = note()
        self.forward_note = QLineEdit(DEFAULT_FORWARD_NOTE)
        self.complete_button = QPushButton("当场办结(&J)")
        self.forward_button = QPushButton("转报上级（帮办代办）(&Z)")
        self.later_button = QPushButton("暂不办结，时限内办理(&L)")
        buttons = QHBoxLayout()
        for button in (self.complete_button, self.forward_button, self.later_button):
            button.setMinimumHeight(36)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("⑤ 办结或转报上级"))
        self.items.setMaximumHeight(150)
        layout.addWidget(self.items)
        layout.addWidget(self.status)
        layout.addWidget(self.forward_note)
        layout.addLayout(buttons)
        self.receipt = ReceiptBox(host)
        layout.addWidget(self.receipt)
        layout.addStretch(1)
        self.complete_button.clicked.connect(self.complete)
        self.forward_button.clicked.connect(self.forward)
        self.later_button.clicked.connect(lambda: self.host.go(Step.RATING))

    def show_case(self, case: Case | None) -> None:
        self.items.clear()
        accepted = case is not None and case.state == CaseState.ACCEPTED
        forwarding = accepted and case is not None and case.needs_forwarding
        self.complete_button.setVisible(accepted and not forwarding)
        self.forward_button.setVisible(forwarding)
        self.forward_note.setVisible(forwarding)
        self.later_button.setVisible(accepted)
        self.receipt.show_case(case)
        if case is None:
            return
        for item in case.items:
            self.items.addItem(
                f"{item.title}　[{MODE_LABELS[item.mode]}]　办结期限：{due_text(item.due_at)}"
            )
        if forwarding and case.forward_due is not None:
            provisional = "（暂按推算的节假日）" if case.forward_due_provisional else ""
            text = (
                f"本件含须报送上级的事项：材料已齐，须于 {case.forward_due:%Y-%m-%d} 前"
                f"（3个工作日内）报送{provisional}。"
            )
            kind = "warn"
        elif accepted:
            text, kind = "本站办理的事项，可当场办结；承诺件也可在时限内办结。", "ok"
        else:
            text, kind = f"办件{case.state.label}", ""
        self.status.setText(text)
        set_kind(self.status, kind)

    def reset(self) -> None:
        self.forward_note.setText(DEFAULT_FORWARD_NOTE)
        self.receipt.reset()

    def primary_buttons(self) -> dict[Primary, QPushButton]:
        return {Primary.COMPLETE: self.complete_button, Primary.FORWARD: self.forward_button}

    def focus_first(self) -> None:
        for button in (self.complete_button, self.forward_button):
            if button.isVisible():
                button.setFocus()
                return

    def complete(self) -> None:
        case, clerk = self.host.case, self.ctx.clerk_id
        if case is not None:
            self.host.case_op(lambda c: c.cases.complete(case.id, clerk), then=Step.RATING)

    def forward(self) -> None:
        case, clerk, text = self.host.case, self.ctx.clerk_id, self.forward_note.text()
        if case is not None:
            self.host.case_op(lambda c: c.cases.forward(case.id, clerk, text), then=Step.RATING)
