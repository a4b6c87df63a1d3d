"""End the called ticket without a case (仅咨询 / 无需办件): the citizen only asked, left, or came
to the wrong window. A reason is required (at most `REASON_MAX` characters, never cut
silently); it is logged with the ticket and counted in the day's report.

A citizen at the wrong window is better served by a transfer (F6), which keeps their place in
line: choosing that reason says so and offers the transfer instead.
"""

from __future__ import annotations

from counterapp.typed_text import REASON_MAX
from ui import comfort
from ui.dialogs import answer_buttons, offer_reasons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

WRONG_WINDOW = "走错窗口（建议转窗口）"
CONSULT_REASONS = (
    "仅咨询政策或办事流程",
    "办事人已离开",
    WRONG_WINDOW,
    "非医保业务，已指引至相应部门",
)
TRANSFER_HINT = "走错窗口的办事人可转到相应窗口办理，保留原排队顺序。"


class ConsultDialog(QDialog):
    transfer_requested = Signal()  # the clerk chose to transfer the ticket instead (F6)

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"结束本号：{code}（仅咨询 / 无需办件）")
        self.setMinimumWidth(460)
        self.reason = QComboBox()
        offer_reasons(self.reason, CONSULT_REASONS, "请选择或填写原因（必填）")
        form = QFormLayout()
        form.addRow("排队号", QLabel(code))
        form.addRow("原因(&Y)", self.reason)
        note = QLabel(
            "本号结束、不开办件，原因记入日志，并在当日台账中单列“仅咨询”。"
            "办事人如需办理事项，请开办件而不要结束本号。"
        )
        note.setWordWrap(True)
        self.hint = QLabel(TRANSFER_HINT)
        self.hint.setWordWrap(True)
        comfort.set_kind(self.hint, "warn")
        self.transfer_button = QPushButton("改为转窗口(&T)　F6")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        buttons, self.ok_button = answer_buttons(self, "结束本号", self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.hint)
        layout.addWidget(self.transfer_button)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reason.currentTextChanged.connect(self._reason_changed)
        self.transfer_button.clicked.connect(self._transfer_instead)
        self._reason_changed("")
        self.reason.setFocus()

    @property
    def reason_text(self) -> str:
        return " ".join(self.reason.currentText().split())

    def _reason_changed(self, _text: str) -> None:
        wrong_window = WRONG_WINDOW[:4] in self.reason_text
        self.hint.setVisible(wrong_window)
        self.transfer_button.setVisible(wrong_window)
        self.problem.setText("")

    def _transfer_instead(self) -> None:
        self.reject()
        self.transfer_requested.emit()

    def try_accept(self) -> None:
        reason = self.reason_text
        if not reason:
            self.problem.setText("请选择或填写结束本号的原因")
        elif len(reason) > REASON_MAX:
            self.problem.setText(f"原因最多 {REASON_MAX} 个字，现有 {len(reason)} 个，请简要填写")
        else:
            self.accept()
            return
        self.reason.setFocus()
