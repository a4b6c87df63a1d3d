"""The window's part of `--self-test`: the real counter window opens on the self-test store."""

from __future__ import annotations

from pathlib import Path

from counterapp.app import Counter
from counterapp.clock import Clock
from counterapp.selftest import SELF_TEST_CLERK, SELF_TEST_PIN
from ui.dialogs import Dialogs
from ui.qt import QTimer, QWidget, application
from ui.startup import StartOptions, Startup

TIMEOUT_MS = 30_000


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
    startup.close()
    if not isinstance(window, QWidget):
        raise RuntimeError(str(outcome.get("error")))
    return f"{type(window).__name__} opened: {window.windowTitle()}"


def check(counter: Counter, clerk: int) -> str:
    return window_opens(counter.store.path, counter.clock)  # the self-test's own day
