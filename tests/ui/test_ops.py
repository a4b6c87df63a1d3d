"""The ops runner: one store thread, results on the GUI thread, the event loop never stops."""

import threading

from counterapp.case_model import CaseError
from counterapp.queue import Lane
from ui.ops import QUEUE
from ui.qt import QLabel, QTimer, isValid

from .conftest import settle


def test_event_loop_keeps_turning_while_a_slow_core_call_runs(qtbot, ops, counter):
    """The call is held on the store thread until the GUI thread has shown it keeps turning:
    a timer ticks and the busy indicator appears while the call runs. (How many ticks a
    second it keeps is a figure: `python -m bench.window`.)"""
    ticks = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(len(results)))
    timer.start()
    busy = []
    ops.busy_changed.connect(lambda shown, label: busy.append((shown, label)))
    threads = []
    results = []
    release = threading.Event()

    def slow(c):
        threads.append(threading.current_thread().name)
        release.wait(60)
        return c.station.code

    ops.query(
        slow,
        lambda code: results.append((code, threading.current_thread().name)),
        label="正在统计…",
    )
    assert not results  # the call returned at once; the work runs elsewhere
    # held long enough for the indicator (shown only for calls over PROGRESS_DELAY_MS)
    qtbot.waitUntil(lambda: busy == [(True, "正在统计…")], timeout=30_000)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=30_000)
    assert not results and not release.is_set()  # all of that while the call was running
    release.set()
    settle(qtbot, ops, timeout=30_000)
    timer.stop()
    assert set(ticks[:5]) == {0}  # the ticks came before the result
    assert threads[0].startswith("store")
    assert results == [("370883101", "MainThread")]  # the callback ran on the GUI thread
    assert busy == [(True, "正在统计…"), (False, "")]  # hidden at the end


def test_fast_calls_show_no_busy_indicator_and_keep_their_order(qtbot, ops):
    busy = []
    ops.busy_changed.connect(lambda shown, label: busy.append(shown))
    order = []
    for n in range(20):
        ops.query(lambda c, n=n: n, order.append)
    settle(qtbot, ops)
    qtbot.wait(700)
    assert order == list(range(20)) and busy == []


def test_store_access_is_serialised_on_one_thread(qtbot, ops):
    seen = set()
    active = []
    overlaps = []

    def work(c):
        active.append(1)
        if len(active) > 1:
            overlaps.append(True)
        seen.add(threading.get_ident())
        c.queue.waiting()
        active.pop()

    for _ in range(30):
        ops.query(work, lambda _: None)
    settle(qtbot, ops)
    assert len(seen) == 1 and not overlaps


def test_user_errors_become_messages_and_changes_are_announced(qtbot, ops, dialogs):
    announced = []
    ops.changed.connect(lambda changes, origin: announced.append((changes, origin)))

    def refuse(c):
        raise CaseError("材料不全，不能受理")

    ops.change(refuse, QUEUE)
    ops.change(lambda c: c.queue.issue(Lane.NORMAL), QUEUE, origin="panel")
    settle(qtbot, ops)
    assert dialogs.errors == ["材料不全，不能受理"]
    assert announced == [(QUEUE, "panel")]


def test_program_errors_are_reported_not_swallowed(qtbot, ops, dialogs):
    ops.query(lambda c: 1 / 0, lambda _: None)
    settle(qtbot, ops)
    assert dialogs.errors and "程序内部错误" in dialogs.errors[0]


def test_many_calls_do_not_exhaust_none_or_true(qtbot):
    """PySide6 6.12.0 drops a reference to None on every void call and to True on every
    emit; on Python 3.11 that aborted the 500-visit benchmark. ui.qt guards against it."""

    from ui import qt

    class Source(qt.QObject):
        fired = qt.Signal(object)

    source = Source()
    received = []
    source.fired.connect(received.append)
    label = qt.QLabel()
    for n in range(20_000):
        source.fired.emit(n)
        label.setText(str(n))
    # PySide6-Essentials 6.12.0 aborted Python 3.11 here ("bool_dealloc"); it is excluded
    # in pyproject.toml, and this loop fails loudly if such a binding comes back.
    assert len(received) == 20_000


def test_a_result_for_a_closed_widget_is_not_handed_to_it_but_its_change_is_announced(
    qtbot, ops, dialogs
):
    """A window closed while its call ran (e.g. the deadline list of a window being closed):
    calling back into the deleted widget would raise; the store change still counts."""
    asker = QLabel()
    release = threading.Event()
    shown, failed, announced = [], [], []
    ops.changed.connect(lambda changes, origin: announced.append(changes))

    def slow_change(c):
        release.wait(5)
        return c.queue.issue(Lane.NORMAL).code

    ops.change(slow_change, QUEUE, on_success=shown.append, parent=asker)
    ops.query(lambda c: 1 / 0, shown.append, on_failure=failed.append, parent=asker)
    ops.query(lambda c: c.station.code, shown.append, parent=asker)
    asker.deleteLater()
    qtbot.waitUntil(lambda: not isValid(asker))
    release.set()
    settle(qtbot, ops)
    assert shown == [] and failed == []
    assert announced == [QUEUE]
    assert dialogs.errors == ["程序内部错误，操作未完成：ZeroDivisionError('division by zero')"]
