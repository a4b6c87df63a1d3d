"""Transfer the current ticket to another window (转窗口): it is called there first."""

from __future__ import annotations

from ui.dialogs import answer_buttons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

TRANSFER_REASONS = ("该事项由其他窗口专办", "需要其他窗口协助", "办事人要求")


class TransferDialog(QDialog):
    def __init__(self, code: str, own_window: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"转窗口：{code} 号")
        self.window = QSpinBox()
        self.window.setRange(1, 99)
        self.window.setValue(own_window + 1 if own_window < 99 else 1)
        self.window.setSuffix(" 号窗口")
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(TRANSFER_REASONS)
        form = QFormLayout()
        form.addRow("转至", self.window)
        form.addRow("原因", self.reason)
        note = QLabel("转出后该号保留原排队顺序，在对方窗口优先叫号；转窗口会记入日志。")
        note.setWordWrap(True)
        buttons, self.ok_button = answer_buttons(self, "转出", self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    @property
    def target_window(self) -> int:
        return self.window.value()

    @property
    def reason_text(self) -> str:
        return self.reason.currentText().strip()
