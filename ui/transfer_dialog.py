"""Transfer the current ticket to another window (转窗口): it is called there first.

Only the station's other windows are offered (`counterapp.windows`); the window number is
chosen from them, never typed, so a ticket cannot go to a window that does not exist.
"""

from __future__ import annotations

from ui.dialogs import answer_buttons
from ui.qt import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

TRANSFER_REASONS = ("该事项由其他窗口专办", "需要其他窗口协助", "办事人要求")


def no_window_to_transfer_to(own_window: int) -> str:
    return (
        f"本站目前只有本窗口（{own_window}号），无法转窗口。如本站还有其他窗口，请在菜单"
        "“窗口 → 排队设置”中填写本站窗口数。"
    )


class TransferDialog(QDialog):
    def __init__(
        self, code: str, own_window: int, windows: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"转窗口：{code} 号")
        self.to_window = QComboBox()
        for number in windows:
            self.to_window.addItem(f"{number}号窗口", number)
        after = [n for n in windows if n > own_window]  # the next window up, else the first
        self.to_window.setCurrentIndex(windows.index(after[0]) if after else 0)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(TRANSFER_REASONS)
        form = QFormLayout()
        form.addRow("转至", self.to_window)
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
        return int(self.to_window.currentData())

    @property
    def reason_text(self) -> str:
        return self.reason.currentText().strip()
