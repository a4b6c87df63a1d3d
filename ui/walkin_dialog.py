"""Take a ticket at the window for a walk-in citizen (窗口代取号): normal or priority lane."""

from __future__ import annotations

from counterapp.queue import Lane
from ui.dialogs import answer_buttons
from ui.qt import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

# 绿色通道: the usual reasons; the kiosk offers the same ones as big buttons.
PRIORITY_REASONS = ("70岁以上老人", "残疾人", "孕妇", "现役军人、优抚对象", "其他特殊困难")


class WalkInDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("窗口代取号")
        self.normal = QRadioButton("普通号（A）")
        self.priority = QRadioButton("优先号（Y，绿色通道）")
        self.normal.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.normal)
        group.addButton(self.priority)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(PRIORITY_REASONS)
        self.reason.setEnabled(False)
        self.priority.toggled.connect(self.reason.setEnabled)
        form = QFormLayout()
        form.addRow(self.normal)
        form.addRow(self.priority)
        form.addRow("优先原因", self.reason)
        buttons, self.ok_button = answer_buttons(self, "取号", self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def lane(self) -> Lane:
        return Lane.PRIORITY if self.priority.isChecked() else Lane.NORMAL

    @property
    def priority_reason(self) -> str | None:
        return self.reason.currentText().strip() if self.lane == Lane.PRIORITY else None
