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
from ui.dialogs import offer_reasons
from ui.qt import QComboBox, QLabel, QPushButton, QWidget, Signal
from ui.visit_flow import Primary, Step

PRIMARY_HINT = "　Ctrl+回车"  # on the button Ctrl+Enter presses


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

    def focus_main_action(self) -> None:
        """Put the focus on the button of the step's main action (what Ctrl+Enter does)."""


class StepPage(QWidget):
    step: Step
    primary_changed = Signal()  # the main action may differ now (e.g. a rating came in)

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

    def primary_buttons(self) -> dict[Primary, QPushButton]:
        """The page's buttons for the main actions it offers (see `visit_flow.main_action`)."""
        return {}

    def mark_primary(self, action: Primary | None) -> None:
        """Name Ctrl+Enter on the button it presses now, and on no other."""
        for kind, button in self.primary_buttons().items():
            text = button.text().removesuffix(PRIMARY_HINT)
            button.setText(text + PRIMARY_HINT if kind == action else text)


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
        offer_reasons(self, usual, "选择或填写补打原因")
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
