"""What a step page of the guided visit may ask of the case panel that hosts it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from counterapp.app import Counter
from counterapp.case_model import Case
from counterapp.queue import Ticket
from ui import comfort
from ui.comfort import set_kind
from ui.context import AppContext
from ui.qt import QComboBox, QLabel, QWidget
from ui.visit_flow import Step


class VisitHost(Protocol):
    ctx: AppContext

    @property
    def case(self) -> Case | None: ...

    @property
    def ticket(self) -> Ticket | None: ...

    def go(self, step: Step) -> None: ...

    def case_op(self, work: Callable[[Counter], Case], then: Step | None = None) -> None:
        """Run a core call returning the case; show the new case, then go to `then`."""

    def open_case(self, case_id: int) -> None: ...

    def end_visit(self) -> None: ...


class StepPage(QWidget):
    step: Step

    def __init__(self, host: VisitHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host

    @property
    def ctx(self) -> AppContext:
        return self.host.ctx

    def show_case(self, case: Case | None) -> None:
        """Redraw for the case (None: a new visit with nothing saved yet)."""

    def focus_first(self) -> None:
        """Put the keyboard focus where the clerk starts on this step."""

    def reset(self) -> None:
        """Forget everything typed for the previous visit."""


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("stepHeading")
    label.setWordWrap(True)  # a second line rather than a window wider than the screen
    comfort.style(label, 1.25, bold=True, colour="#0d47a1")
    return label


class ReprintReason(QComboBox):
    """Why a slip is printed again (补打): the clerk picks a usual reason or types one; none is
    chosen in advance, so the record never names a reason nobody gave."""

    def __init__(self, usual: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.addItems(usual)
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText("选择或填写补打原因")
        self.setMinimumContentsLength(10)

    def reason(self) -> str:
        return self.currentText().strip()

    def clear_reason(self) -> None:
        self.setCurrentIndex(-1)
        self.setEditText("")


def note(text: str = "", kind: str = "") -> QLabel:
    """A wrapped explanatory line; kind is '', 'error', 'ok' or 'warn' (see `set_kind`)."""
    label = QLabel(text)
    label.setWordWrap(True)
    set_kind(label, kind)
    return label

