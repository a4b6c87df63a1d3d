"""Step 6 — the citizen rates the service (好差评), then the visit ends and the ticket is done.
Rating is the citizen's choice: the clerk may record that they declined. The acceptance
receipt (受理回执) can still be printed here, e.g. once a case was forwarded."""

from __future__ import annotations

from counterapp.case_model import Case
from counterapp.ratings import Rating, RatingLevel
from ui.comfort import set_kind
from ui.ops import RATING
from ui.qt import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from ui.rating_dialog import RatingDialog
from ui.steps.base import StepPage, VisitHost, heading, note
from ui.steps.receipt_box import ReceiptBox
from ui.visit_flow import Primary, Step


class RatingStep(StepPage):
    step = Step.RATING

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.rating: Rating | None = None
        self.status = note()
        self.rate_button = QPushButton("请办事人评价(&P)")
        self.end_button = QPushButton("完成本次服务(&E)")
        buttons = QHBoxLayout()
        for button in (self.rate_button, self.end_button):
            button.setMinimumHeight(40)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("⑥ 好差评"))
        layout.addWidget(
            note(
                "评价器已转向办事人：请办事人在评价窗口中选择。"
                "差评须说明原因，系统将登记并在15个工作日内整改回访。"
            )
        )
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.receipt = ReceiptBox(host)
        layout.addWidget(self.receipt)
        layout.addStretch(1)
        self.rate_button.clicked.connect(self.ask_rating)
        self.end_button.clicked.connect(lambda: self.host.end_visit())

    def show_case(self, case: Case | None) -> None:
        self.rate_button.setEnabled(case is not None and self.rating is None)
        self.receipt.show_case(case)
        if case is not None and self.rating is None:
            case_id = case.id
            self.ctx.ops.query(lambda c: c.ratings.of_case(case_id), self._show_rating, parent=self)

    def reset(self) -> None:
        self.rating = None
        self.status.setText("")
        self.receipt.reset()

    def primary_buttons(self) -> dict[Primary, QPushButton]:
        return {Primary.RATE: self.rate_button, Primary.END: self.end_button}

    def focus_first(self) -> None:
        (self.rate_button if self.rate_button.isEnabled() else self.end_button).setFocus()

    def ask_rating(self) -> None:
        case = self.host.case
        if case is None or self.rating is not None:
            return
        dialog = RatingDialog(case.case_no, self)
        dialog.rated.connect(self._rated)
        dialog.finished.connect(lambda _result: self._back_to_clerk())
        dialog.place_for_citizen()
        self.ctx.dialogs.open(dialog)

    def _back_to_clerk(self) -> None:
        self.window().activateWindow()
        self.focus_first()

    def _rated(self, level: int, reason: str) -> None:
        case = self.host.case
        if case is None:
            return
        chosen = RatingLevel(level)
        self.ctx.ops.change(
            lambda c: c.ratings.rate(case, chosen, reason),
            RATING,
            on_success=self._show_rating,
            parent=self,
        )

    def _show_rating(self, rating: Rating | None) -> None:
        self.rating = rating
        self.primary_changed.emit()
        if rating is None:
            self.status.setText("尚未评价")
            set_kind(self.status, "")
            return
        self.rate_button.setEnabled(False)
        if rating.follow_up_due:
            self.status.setText(
                f"差评：{rating.level.label}（{rating.reason}）。已列入整改回访，"
                f"须于 {rating.follow_up_due} 前回访。"
            )
            set_kind(self.status, "error")
        else:
            self.status.setText(f"办事人评价：{rating.level.label}。谢谢！")
            set_kind(self.status, "ok")
        self.end_button.setFocus()
