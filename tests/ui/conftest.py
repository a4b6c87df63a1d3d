"""GUI fixtures: the real window over the real SQLite store of the `counter` fixture.

Store calls run on the ops thread exactly as in the program; `settle` waits until every call
has come back and its callback has run, so a test reads the screen only when it is current.
Message boxes are recorded (`RecordingDialogs`), real dialogs open with `open()`.
"""

from __future__ import annotations

import pytest

from tests.conftest import make_id
from ui import comfort, slip_service
from ui.context import AppContext, Session
from ui.dialogs import RecordingDialogs
from ui.main_window import MainWindow
from ui.ops import Ops
from ui.qt import QApplication, QSize
from ui.slip_service import SlipService

# The screen of most county PCs, and what a maximised window has of it under its title bar,
# above the taskbar (offscreen windows have neither: tests size the window themselves).
SCREEN = QSize(1366, 768)
TASKBAR, TITLE_BAR = 40, 30
MAXIMISED = QSize(1366, 768 - TASKBAR - TITLE_BAR)


def settle(qtbot, ops: Ops, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: ops.idle, timeout=timeout)


@pytest.fixture(scope="session", autouse=True)
def cjk_font(qapp):
    comfort.apply(qapp, large=False, family=comfort.load_cjk_font())


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


@pytest.fixture
def ops(counter, dialogs):
    runner = Ops(counter, dialogs)
    yield runner
    runner.shutdown()


def make_context(counter, ops, dialogs, clerk=None, window_no: int = 1) -> AppContext:
    return AppContext(counter, ops, dialogs, Session(clerk or counter.clerk_a, window_no))


class FakePrinter:
    """Stands in for ui.printing.SlipPrinter: accepts every job at once (or refuses all)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, bytes]] = []
        self.refuse: str = ""
        self.failed = None  # set by the fixture: the service's failed signal

    def print_pdf(
        self,
        kind: str,
        pdf: bytes,
        printer_name=None,
        *,
        on_success=None,
        on_failure=None,
        job_name=None,
    ) -> None:
        if self.refuse:
            if on_failure is not None:
                on_failure(self.refuse)
            else:
                self.failed.emit(kind, self.refuse)
            return
        self.jobs.append((kind, pdf))
        if on_success is not None:
            on_success()


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def ctx(counter, ops, dialogs, printer) -> AppContext:
    context = make_context(counter, ops, dialogs)
    context.item_index.build_pinyin()
    context.slips = SlipService(ops, printer_factory=lambda: printer)
    printer.failed = context.slips.failed
    return context


@pytest.fixture
def window(qtbot, ctx, ops):
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.resize(MAXIMISED)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    main.load()
    settle(qtbot, ops)
    yield main
    settle(qtbot, ops)
    if comfort.is_large(QApplication.instance()):
        comfort.apply(QApplication.instance(), False)


@pytest.fixture
def window_without_printing(qtbot, counter, ops, dialogs, monkeypatch):
    """The counter window on a PC where the printing service is not installed."""
    monkeypatch.setattr(slip_service, "printing_available", lambda: False)
    main = MainWindow(make_context(counter, ops, dialogs))
    qtbot.addWidget(main)
    main.show()
    main.load()
    settle(qtbot, ops)
    return main


@pytest.fixture
def person_id():
    return make_id


__all__ = ["MAXIMISED", "SCREEN", "make_context", "settle"]
