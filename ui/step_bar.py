"""The step indicator of the guided visit: ① 申请人 › ② 办理事项 › … › ⑥ 评价.

The current step is highlighted, finished ones are ticked, steps that cannot be visited yet
are greyed. Alt+1 … Alt+6 jump to a step that may be shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.qt import QHBoxLayout, QLabel, QWidget, Signal
from ui.visit_flow import Step

if TYPE_CHECKING:
    from ui.qt import QMouseEvent

NUMBERS = "①②③④⑤⑥"
STYLES = {
    "current": "background:#1565c0; color:white; font-weight:bold; border-radius:4px;",
    "done": "color:#2e7d32;",
    "open": "color:#263238;",
    "closed": "color:#9e9e9e;",
}


class _StepLabel(QLabel):
    """A step's label; a click on it chooses the step."""

    def __init__(self, step: Step, bar: StepBar) -> None:
        super().__init__()
        self.step, self.bar = step, bar

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.bar.chosen.emit(int(self.step))


class StepBar(QWidget):
    chosen = Signal(int)  # a Step the clerk clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.labels: dict[Step, QLabel] = {}
        for step in Step:
            if step:
                arrow = QLabel("›")
                arrow.setStyleSheet("color:#9e9e9e;")
                layout.addWidget(arrow)
            label = _StepLabel(step, self)
            label.setObjectName(f"step_{step.name.lower()}")
            label.setContentsMargins(6, 2, 6, 2)
            layout.addWidget(label)
            self.labels[step] = label
        layout.addStretch(1)
        self.states: dict[Step, str] = {}
        self.set_state(Step.APPLICANT, {Step.APPLICANT}, set())

    def set_state(self, current: Step, reachable: set[Step], done: set[Step]) -> None:
        for step, label in self.labels.items():
            if step == current:
                state = "current"
            elif step in done:
                state = "done"
            else:
                state = "open" if step in reachable else "closed"
            self.states[step] = state
            tick = "✓" if state == "done" else ""
            label.setText(f"{NUMBERS[step]} {step.label}{tick}")
            label.setStyleSheet(STYLES[state])
