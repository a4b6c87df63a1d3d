"""Step 4 — the outcome of the reception: all materials there → accept (受理); anything
missing → issue the one-time notice (一次性告知), and the case waits for the citizen's return.
A case gets one notice only (the core refuses a second)."""

from __future__ import annotations

from counterapp.case_model import Case, CaseState
from ui.comfort import set_kind
from ui.notice import notice_html
from ui.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from ui.steps.base import (
    ReprintReason,
    StepPage,
    VisitHost,
    heading,
    note,
)
from ui.visit_flow import Primary, Step

REPRINT_REASONS = ("办事人遗失", "告知单污损", "办事人要求再打一份")


class OutcomeStep(StepPage):
    step = Step.OUTCOME

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.status = note()
        self.accept_button = QPushButton("材料齐全，受理(&S)")
        self.notice_button = QPushButton("出具一次性告知单(&G)")
        self.print_button = QPushButton("打印告知单(&P)")
        self.reprint_label = QLabel("补打原因")
        self.reprint_reason = ReprintReason(REPRINT_REASONS)
        self.end_button = QPushButton("结束本次服务，等待补正(&E)")
        self.notice = QTextBrowser()
        self.notice.setMinimumHeight(120)
        self.print_note = note()
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.notice_button, self.end_button, self.print_button):
            button.setMinimumHeight(36)
            buttons.addWidget(button)
        buttons.addWidget(self.reprint_label)
        buttons.addWidget(self.reprint_reason)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("④ 受理或一次性告知"))
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.print_note)
        layout.addWidget(self.notice, 1)
        layout.addStretch(0)
        self.accept_button.clicked.connect(self.accept)
        self.notice_button.clicked.connect(self.issue_notice)
        self.print_button.clicked.connect(self.print_notice)
        self.end_button.clicked.connect(lambda: self.host.end_visit())
        self.ctx.slips.printed.connect(self._printed)
        self.ctx.slips.failed.connect(self._print_failed)

    def show_case(self, case: Case | None) -> None:
        missing = [] if case is None else case.missing_materials
        state = None if case is None else case.state
        told = state == CaseState.MATERIALS_INCOMPLETE
        self.accept_button.setVisible(
            case is not None
            and not missing
            and state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE)
        )
        self.notice_button.setVisible(bool(missing) and state == CaseState.RECEIVED)
        self.end_button.setVisible(told)
        for widget in (self.print_button, self.reprint_label, self.reprint_reason):
            widget.setVisible(told and self.ctx.slips.available)
        self.notice.setVisible(told)
        if case is None:
            return
        if not missing:
            text, kind = "材料齐全，可以受理。受理后开始计算办理时限。", "ok"
            if told:
                text = "办事人已补齐告知单所列材料，可以受理。"
        elif told:
            due = case.supply_due.strftime("%Y-%m-%d") if case.supply_due else "—"
            text = (
                f"已出具一次性告知单，尚缺 {len(missing)} 项，补正期限 {due}。"
                "材料补齐后方可受理；不得再增加材料。"
            )
            kind = "warn"
        else:
            text = (
                f"尚缺 {len(missing)} 项材料："
                + "、".join(m.name for m in missing)
                + "。请出具一次性告知单，一次告知全部所缺材料。"
            )
            kind = "warn"
        self.status.setText(text)
        set_kind(self.status, kind)
        if told and not self.notice.toPlainText():
            self.load_notice(case.id)

    def reset(self) -> None:
        self.notice.clear()
        self.print_note.setText("")
        self.reprint_reason.clear_reason()

    def primary_buttons(self) -> dict[Primary, QPushButton]:
        return {
            Primary.ACCEPT: self.accept_button,
            Primary.NOTIFY: self.notice_button,
            Primary.AWAIT: self.end_button,
        }

    def focus_first(self) -> None:
        for button in (self.accept_button, self.notice_button, self.end_button):
            if button.isVisible():
                button.setFocus()
                return

    def accept(self) -> None:
        case, clerk = self.host.case, self.ctx.clerk_id
        if case is not None:
            self.host.case_op(lambda c: c.cases.accept(case.id, clerk), then=Step.FINISH)

    def issue_notice(self) -> None:
        case, clerk = self.host.case, self.ctx.clerk_id
        if case is None:
            return
        self.notice.clear()
        self.host.case_op(lambda c: c.cases.notify_missing(case.id, clerk))
        self._print(case.id, after_issue=True)

    def load_notice(self, case_id: int) -> None:
        self.ctx.ops.query(lambda c: notice_html(c, case_id), self.notice.setHtml, parent=self)

    def print_notice(self) -> None:
        case = self.host.case
        if case is not None:
            self._print(case.id, after_issue=False)

    def _print(self, case_id: int, after_issue: bool) -> None:
        reason = None if after_issue else self.reprint_reason.reason() or None
        if self.ctx.slips.print_notice(case_id, self.ctx.clerk_id, reason, self):
            self.print_note.setText("正在打印告知单…")
            set_kind(self.print_note, "")
        else:
            self.print_note.setText(
                "本机未安装打印服务：请按屏幕上的告知内容向办事人逐项说明，并请其拍照或抄录。"
            )
            set_kind(self.print_note, "warn")

    def _printed(self, kind: str) -> None:
        if kind == "notice":
            self.print_note.setText("告知单已打印，请交办事人签收。")
            set_kind(self.print_note, "ok")

    def _print_failed(self, kind: str, message: str) -> None:
        if kind == "notice":
            self.print_note.setText(f"{message}　可按“打印告知单”重试。")
            set_kind(self.print_note, "error")
