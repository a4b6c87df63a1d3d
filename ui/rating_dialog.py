"""The citizen-facing 好差评 dialog: five big buttons on the national five-level scale.

It opens on the citizen's screen when a second screen is attached (the evaluator turned to
the citizen), otherwise over the window. Nothing is chosen in advance: no button has the focus
or is the default, so Enter alone rates nothing and says to choose. Keys 5 … 1 choose by
stars; ← → move over the buttons (starting in the middle, 基本满意) and Enter or Space takes
the one shown. A bad rating (不满意 / 非常不满意) asks for a reason before it can be
submitted, and Enter without one says so; the core then puts it on the follow-up list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from counterapp.ratings import RatingLevel
from ui.qt import (
    QDialog,
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from ui.qt import QShowEvent

CHOOSE = "请选择评价：按数字键 1–5（5＝非常满意，1＝非常不满意），或用 ← → 选择后按回车"
NEED_REASON = "请至少选择或填写一条原因，我们会在15个工作日内整改并回访。"
BAD_REASONS = ("等候时间较长", "服务态度不好", "办理流程复杂", "材料要求不清楚", "未能一次办好")
ARROWS: dict[int, int] = {
    Qt.Key.Key_Left: -1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Right: 1,
    Qt.Key.Key_Down: 1,
}
COLOURS = {5: "#2e7d32", 4: "#558b2f", 3: "#f9a825", 2: "#ef6c00", 1: "#c62828"}


class RatingDialog(QDialog):
    rated = Signal(int, str)  # RatingLevel value, reason

    def __init__(self, case_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("服务评价")
        self.chosen: RatingLevel | None = None
        title = QLabel("请您对本次服务作出评价")
        title.setStyleSheet("font-size:24pt; font-weight:bold; color:#0d47a1;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub = QLabel(f"办件号 {case_no}　您的评价将用于改进服务")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        self.buttons: dict[RatingLevel, QPushButton] = {}
        for level in sorted(RatingLevel, reverse=True):
            button = QPushButton(f"{'★' * level}\n{level.label}")
            button.setObjectName(f"rate_{int(level)}")
            button.setMinimumSize(150, 110)
            button.setStyleSheet(
                f"QPushButton {{ background:{COLOURS[level]}; color:white;"
                " font-size:20pt; font-weight:bold; border-radius:8px; }"
                " QPushButton:focus { border:4px solid #0d47a1; }"
                " QPushButton:disabled { background:#cfd8dc; color:#90a4ae; }"
            )
            button.setAutoDefault(False)  # Enter presses no rating the citizen did not pick
            button.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            row.addWidget(button)
            self.buttons[level] = button
        self.reason_label = QLabel("很抱歉！请告诉我们不满意的原因（可选下列原因或自己填写）：")
        self.reason_label.setStyleSheet("font-size:14pt;")
        self.reason_buttons = QGridLayout()
        self.reason_choices: list[QPushButton] = []  # the buttons of reason_buttons
        for index, text in enumerate(BAD_REASONS):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumHeight(44)
            button.setStyleSheet(
                "QPushButton { font-size:14pt; }"
                " QPushButton:checked { background:#ffccbc;"
                " border:3px solid #e65100; font-weight:bold; }"
            )
            self.reason_buttons.addWidget(button, index // 3, index % 3)
            self.reason_choices.append(button)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("其他原因")
        self.submit_button = QPushButton("提交评价")
        self.submit_button.setAutoDefault(False)  # Enter is handled in keyPressEvent
        self.submit_button.setMinimumHeight(48)
        self.submit_button.setStyleSheet("font-size:16pt; font-weight:bold;")
        self.reason_edit.setStyleSheet("font-size:14pt;")
        self.submit_button.clicked.connect(self.submit)
        self.problem = QLabel()  # why Enter did nothing
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setStyleSheet("color:#c62828; font-size:14pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(sub)
        layout.addLayout(row)
        layout.addWidget(self.reason_label)
        layout.addLayout(self.reason_buttons)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.problem)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_reason(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()  # the dialog itself, not the first rating button

    def place_for_citizen(self) -> None:
        """On the second screen when there is one (the citizen's side of the window)."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.move(screens[-1].availableGeometry().center() - self.rect().center())

    def _show_reason(self, shown: bool) -> None:
        for widget in (self.reason_label, self.reason_edit, self.submit_button):
            widget.setVisible(shown)
        for choice in self.reason_choices:
            choice.setVisible(shown)
        self.adjustSize()

    def reason(self) -> str:
        picked = [choice.text() for choice in self.reason_choices if choice.isChecked()]
        typed = self.reason_edit.text().strip()
        return "；".join([*picked, typed] if typed else picked)

    def choose(self, level: RatingLevel) -> None:
        self.chosen = level
        self.problem.setText("")
        if level.is_bad:
            for lv, button in self.buttons.items():
                button.setEnabled(lv == level)
            self._show_reason(True)
            self.reason_edit.setFocus()
            return
        self.rated.emit(int(level), "")
        self.accept()

    def submit(self) -> None:
        if self.chosen is None:
            return
        reason = self.reason()
        if self.chosen.is_bad and not reason:
            self.problem.setText(NEED_REASON)
            return
        self.rated.emit(int(self.chosen), reason)
        self.accept()

    def focused_level(self) -> RatingLevel | None:
        focused = self.focusWidget()
        return next((lv for lv, button in self.buttons.items() if button is focused), None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        if self.chosen is None and text and text in "12345":
            self.choose(RatingLevel(int(text)))
        elif self.chosen is None and key in ARROWS:
            self._move(ARROWS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._enter()
        else:
            super().keyPressEvent(event)

    def _move(self, step: int) -> None:
        """← → over the five buttons (left: more satisfied); the first press lands in the
        middle, so no end of the scale is nearer than the other."""
        levels = sorted(self.buttons, reverse=True)
        current = self.focused_level()
        if current is None:
            target = levels[len(levels) // 2]
        else:
            target = levels[max(0, min(len(levels) - 1, levels.index(current) + step))]
        self.buttons[target].setFocus()

    def _enter(self) -> None:
        if self.chosen is not None:
            self.submit()  # a bad rating: says why when the reason is missing
            return
        level = self.focused_level()
        if level is None:
            self.problem.setText(CHOOSE)
            return
        self.choose(level)
