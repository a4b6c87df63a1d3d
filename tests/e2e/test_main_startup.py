"""The real start-up in this process, offscreen: `main.main()` opens its own dialogs and runs
its own event loop; a timer inside that loop plays the walk's start-up phases (walk.py) with
QTest on whatever the program shows, and the counter window must come up and stay until the
clerk closes it. Nothing is built by the test.

Until 2026-12-06 Enter at the login ended the program with exit code 0: the login dialog had
closed while the window was not yet shown, and Qt quit on the last window closed. Every window
test built `MainWindow` itself and the self-test passed `--clerk`, so none saw it. The walk
is stepped from a timer, never from a nested event loop, so a quit ends `main()` here as it
ends the program.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import main
from counterapp.demo import DEMO_PIN
from ui.main_window import SYNC_PANEL_DELAY_MS, MainWindow
from ui.qt import (
    QApplication,
    QInputMethodEvent,
    QKeySequence,
    QTimer,
    QTranslator,
    QWidget,
)

from .walk import Waiting, Walk, first_run_set_up, log_in

pytestmark = pytest.mark.slow  # the whole program started in this process: ~3 s each

TICK_MS = 20
# The window must stay up after it showed, through the work it defers until after its first
# paint (the last: the sync box), so none of it runs after main() has returned.
STAYS_MS = SYNC_PANEL_DELAY_MS + 500
QUIT_WAIT_MS = 10_000  # after the last window closed, the program must have ended by then


class QtDriver:
    """Keys and text go to the widget with the focus, as the keyboard's do."""

    def __init__(self, qtbot, shots: Path) -> None:
        self.qtbot = qtbot
        self.shots = shots

    def _focused(self) -> QWidget:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        return target

    def key(self, chord: str) -> None:
        combination = QKeySequence(chord)[0]
        self.qtbot.keyClick(self._focused(), combination.key(), combination.keyboardModifiers())

    def type(self, text: str) -> None:
        if text.isascii():
            self.qtbot.keyClicks(self._focused(), text)
            return
        event = QInputMethodEvent("", [])  # Chinese: committed as an input method does
        event.setCommitString(text)
        QApplication.sendEvent(self._focused(), event)

    def window_shown(self, title: str) -> bool:
        return any(
            widget.isVisible() and re.search(title, widget.windowTitle())
            for widget in QApplication.topLevelWidgets()
        )

    def shot(self, name: str) -> None:
        window = QApplication.activeModalWidget() or QApplication.activeWindow()
        if window is not None:
            window.grab().save(str(self.shots / f"{name}.png"))


def _single_shot(msec: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setInterval(msec)
    timer.timeout.connect(slot)
    return timer


class InProcessWalk:
    """Steps the walk from a timer in the program's event loop, then checks the counter
    window stays up and closes it as the clerk would."""

    def __init__(self, walk: Walk, steps: Iterator[Waiting]) -> None:
        self.steps = steps
        self.waiting: Waiting | None = None
        self.deadline = 0.0
        self.outcome = "the program ended before the walk began"
        self.window: MainWindow | None = None
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.closer = _single_shot(STAYS_MS, self._close)
        self.quit_guard = _single_shot(QUIT_WAIT_MS, self._still_running)

    def stop(self) -> None:
        """No timer of this walk may fire in a later test of the session."""
        for timer in (self.timer, self.closer, self.quit_guard):
            timer.stop()

    def _tick(self) -> None:
        try:
            if self.waiting is not None and not self._ready():
                if time.monotonic() > self.deadline:
                    raise AssertionError(
                        f"waited {self.waiting.timeout:.0f} s for {self.waiting.what}"
                    )
                return
            self.waiting = next(self.steps)
            self.deadline = time.monotonic() + self.waiting.timeout
            self.outcome = f"the program ended while the walk waited for {self.waiting.what}"
        except StopIteration:
            self.timer.stop()
            self.outcome = "the counter window closed before the clerk closed it"
            self.window = next(
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, MainWindow) and w.isVisible()
            )
            self.closer.start()
        except AssertionError as failure:
            self.timer.stop()
            self.outcome = str(failure)
            QApplication.exit(70)

    def _ready(self) -> bool:
        """The awaited is there, and a widget has the keyboard focus: a window just shown is
        activated a moment later, and keys pressed before that go nowhere."""
        assert self.waiting is not None
        return self.waiting.done() and QApplication.focusWidget() is not None

    def _close(self) -> None:
        if self.window is not None and self.window.isVisible():
            self.outcome = "closed by the clerk"
            self.window.close()  # the last window: Qt quits, main() returns
            self.quit_guard.start()

    def _still_running(self) -> None:
        self.outcome = "the program went on after its last window closed"
        QApplication.exit(71)


@contextmanager
def program_state_undone(qtbot) -> Iterator[None]:
    """What `main()` leaves in this test session's QApplication is undone afterwards: its
    windows and dialogs, its Chinese Qt texts, its name, the garbage collector it stops."""
    app = QApplication.instance()
    widgets, translators = set(app.topLevelWidgets()), set(app.findChildren(QTranslator))
    name = app.applicationName()
    for widget in widgets:  # an earlier test's window left open would keep the program from
        widget.hide()  # ending when its own last window closes, as it does on a PC
    try:
        yield
    finally:
        gc.enable()  # main() turns the collector off until its window is up
        for widget in set(app.topLevelWidgets()) - widgets:
            widget.deleteLater()
        for translator in set(app.findChildren(QTranslator)) - translators:
            app.removeTranslator(translator)
            translator.deleteLater()
        app.setApplicationName(name)
        qtbot.wait(0)


def start_and_walk(
    qtbot, tmp_path: Path, argv: list[str], phases, store: Path
) -> tuple[int, str, Walk]:
    """Run `main.main(argv)` while the walk plays `phases`; its exit code, how it ended."""
    walk = Walk(QtDriver(qtbot, tmp_path), store)
    with program_state_undone(qtbot):
        runner = InProcessWalk(walk, walk.steps(phases))
        try:
            code = main.main(argv)
        finally:
            runner.stop()
    return code, runner.outcome, walk


def test_the_demo_pin_at_the_demo_login_opens_the_counter_window(qtbot, tmp_path, frozen_clock):
    data = tmp_path / "data"
    code, outcome, _walk = start_and_walk(
        qtbot,
        tmp_path,
        ["--demo", "--data-dir", str(data)],
        [log_in(DEMO_PIN)],
        data / "demo" / "station.db",
    )
    assert outcome == "closed by the clerk", outcome
    assert code == 0


def test_a_new_store_set_up_by_keys_then_login_opens_the_counter_window(
    qtbot, tmp_path, frozen_clock
):
    data = tmp_path / "data"
    code, outcome, walk = start_and_walk(
        qtbot,
        tmp_path,
        ["--data-dir", str(data)],
        [first_run_set_up(), log_in()],
        data / "station.db",
    )
    assert outcome == "closed by the clerk", outcome
    assert code == 0
    assert walk.query("SELECT code, level FROM station") == [("370883215", "village")]
    assert walk.query("SELECT login, role FROM clerks") == [("2001", "admin")]
    assert walk.query("SELECT kind FROM events WHERE subject = 'clerk' ORDER BY id") == [
        ("created",),
        ("logged_in",),
        ("logged_out",),
    ]
