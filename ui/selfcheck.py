"""The window's part of `--self-test`: the real counter window opens on the self-test store,
and its ledger (台账统计, F10) draws its charts."""

from __future__ import annotations

import time
from pathlib import Path

from counterapp.app import Counter
from counterapp.clock import Clock
from counterapp.selftest import SELF_TEST_CLERK, SELF_TEST_PIN
from ui.dialogs import Dialogs
from ui.main_window import MainWindow
from ui.qt import QAction, QEventLoop, QImage, QTimer, application
from ui.startup import StartOptions, Startup

TIMEOUT_MS = 30_000
# A blank widget is one colour; a chart's title, axes, legend and bars, anti-aliased, hundreds.
MIN_CHART_COLOURS = 20


def window_opens(store_path: Path, clock: Clock | None = None) -> str:
    """Start the window as a clerk would (store opened off the GUI thread) and wait for it."""
    app = application()
    startup = Startup(
        StartOptions(store_path, clerk_login=SELF_TEST_CLERK, clerk_pin=SELF_TEST_PIN, clock=clock),
        Dialogs(),
        quit_program=lambda: None,
    )
    outcome: dict[str, object] = {}

    def finish(key: str, value: object) -> None:
        outcome[key] = value
        app.quit()

    startup.ready.connect(lambda window: finish("window", window))
    startup.failed.connect(lambda text: finish("error", text))
    QTimer.singleShot(TIMEOUT_MS, lambda: finish("error", "the window did not open in time"))
    startup.start()
    app.exec()
    window = outcome.get("window")
    try:
        if not isinstance(window, MainWindow):
            raise RuntimeError(str(outcome.get("error", f"not the counter window: {window!r}")))
        return f"{type(window).__name__} opened: {window.windowTitle()}; " + ledger_charts_drawn(
            window
        )
    finally:
        startup.close()


def ledger_charts_drawn(window: MainWindow) -> str:
    """F10 as a clerk presses it, then each chart painted. QtCharts loads with the first ledger
    shown, so the window's opening says nothing of the chart libraries a bundle must carry."""
    app = application()
    (f10,) = (a for a in window.findChildren(QAction) if a.shortcut().toString() == "F10")
    f10.trigger()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not window.ctx.ops.idle and time.monotonic() < deadline:  # the ledger's read
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    charts = window.ledger.charts
    if charts is None:  # the error, if any, went to the log (standard error)
        raise RuntimeError("the ledger showed no charts")
    colours = [_colours(view.grab().toImage()) for view in (charts.tickets, charts.on_the_spot)]
    if min(colours) < MIN_CHART_COLOURS:
        raise RuntimeError(f"a ledger chart painted blank ({colours} colours)")
    return f"ledger charts drawn ({' and '.join(map(str, colours))} colours)"


def _colours(image: QImage) -> int:
    pixels = image.convertToFormat(QImage.Format.Format_RGB32).constBits()
    return len(set(memoryview(pixels).cast("I")))


def check(counter: Counter, clerk: int) -> str:
    return window_opens(counter.store.path, counter.clock)  # the self-test's own day
