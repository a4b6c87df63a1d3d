"""Take a ticket at the window for a walk-in citizen (窗口代取号): normal or priority lane.

One key and one Enter: Enter alone takes a normal ticket; a digit 1–5 picks the priority lane
with that reason (绿色通道 needs one), then Enter takes it. No reason is chosen in advance, so
a priority ticket never carries a reason nobody gave.
"""

from __future__ import annotations

from counterapp.queue import Lane
from ui import comfort
from ui.dialogs import answer_buttons, offer_reasons
from ui.qt import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

# 绿色通道: the usual reasons; the kiosk offers the same ones as big buttons.
PRIORITY_REASONS = ("70岁以上老人", "残疾人", "孕妇", "现役军人、优抚对象", "其他特殊困难")
REASON_KEYS = {str(number): number - 1 for number in range(1, len(PRIORITY_REASONS) + 1)}
NEED_REASON = "优先号须注明原因：按数字键 1–5 选择，或填写其他原因"


class WalkInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("窗口代取号")
        self.normal = QRadioButton("普通号（&A）")
        self.priority = QRadioButton("优先号（&Y，绿色通道）")
        self.normal.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.normal)
        group.addButton(self.priority)
        self.reason = QComboBox()
        offer_reasons(self.reason, PRIORITY_REASONS, "按数字键选择，或填写其他原因")
        self.reason.setEnabled(False)
        self.priority.toggled.connect(self.reason.setEnabled)
        keys = QLabel(
            "优先原因（按数字键）："
            + "　".join(f"{number} {reason}" for number, reason in enumerate(PRIORITY_REASONS, 1))
        )
        keys.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        comfort.set_kind(self.problem, "error")
        form = QFormLayout()
        form.addRow(self.normal)
        form.addRow(self.priority)
        form.addRow("优先原因", self.reason)
        buttons, self.ok_button = answer_buttons(self, "取号", self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(keys)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    @property
    def lane(self) -> Lane:
        return Lane.PRIORITY if self.priority.isChecked() else Lane.NORMAL

    @property
    def priority_reason(self) -> str | None:
        return self.reason.currentText().strip() if self.lane == Lane.PRIORITY else None

    def choose_reason(self, index: int) -> None:
        """A priority ticket for the reason numbered index + 1; Enter then takes it."""
        self.priority.setChecked(True)
        self.reason.setCurrentIndex(index)
        self.problem.setText("")
        self.ok_button.setFocus()

    def try_accept(self) -> None:
        if self.lane == Lane.PRIORITY and not self.priority_reason:
            self.problem.setText(NEED_REASON)
            self.reason.setFocus()
            return
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = REASON_KEYS.get(event.text())
        if index is not None and not isinstance(self.focusWidget(), QLineEdit):  # not typing
            self.choose_reason(index)
            return
        super().keyPressEvent(event)
