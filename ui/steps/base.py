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
from ui.qt import QLabel, QWidget
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
    comfort.style(label, 1.25, bold=True, colour="#0d47a1")
    return label


def note(text: str = "", kind: str = "") -> QLabel:
    """A wrapped explanatory line; kind is '', 'error', 'ok' or 'warn' (see `set_kind`)."""
    label = QLabel(text)
    label.setWordWrap(True)
    set_kind(label, kind)
    return label

