"""Benchmarks of the window, printed next to their baselines (not a test; never fails).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.window [--visits 500] [--runs 5]

Targets (issue 3): cold start to a usable window on demo data ≤ 2× a bare PySide6 window,
measured in the same run as subprocesses; pinyin item search ≤ 5 ms per keystroke over the
whole catalogue; resident memory after 500 simulated visits ≤ 200 MB. Also: how the event
loop keeps turning while a store call runs (≥ 12 of 20 ticks of a 50 ms timer in a 1 s call).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counterapp.app import Counter
    from counterapp.case_model import Case
    from counterapp.queue import Ticket
    from ui.context import AppContext
    from ui.qt import QMessageLogContext, QtMsgType
    from ui.visit_flow import Step

ROOT = Path(__file__).resolve().parent.parent
BARE_WINDOW = (
    "import os, time\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "from PySide6.QtCore import QTimer\n"
    "app = QApplication([])\n"
    "window = QMainWindow()\n"
    "window.resize(1366, 768)\n"
    "window.show()\n"
    "def ready():\n"
    "    t0 = float(os.environ['COUNTERAPP_BENCH_T0'])\n"
    "    print(f'ready in 0 s (since launch {time.time() - t0:.3f} s)', flush=True)\n"
    "    app.quit()\n"
    "QTimer.singleShot(0, ready)\n"
    "app.exec()\n"
)
QUERIES = ("ydjy", "mzmxbbz", "cbdj", "sgbx", "yidijiuyi", "异地就医", "YB0501")


def rss_mb() -> float:
    """Resident set size now (Linux /proc), else the peak from getrusage (none on Windows)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    if sys.platform == "win32":
        return float("nan")
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _launch(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds from launch to a usable window as the child reports it, whole run). With
    `--clerk` the demo PIN goes to the program's standard input: the login's PIN check is
    part of what is measured."""
    from counterapp.demo import DEMO_PIN

    started = time.perf_counter()
    env = {**env, "COUNTERAPP_BENCH_T0": repr(time.time())}
    done = subprocess.run(
        args,
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=DEMO_PIN + "\n" if "--clerk" in args else None,
    )
    whole = time.perf_counter() - started
    match = re.search(r"since launch ([0-9.]+) s", done.stdout)
    if match is None:
        raise RuntimeError(f"no ready line from {args}: {done.stdout!r} {done.stderr[-500:]!r}")
    return float(match.group(1)), whole


def bench_cold_start(runs: int) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not env.get("DISPLAY") else "xcb")
    with tempfile.TemporaryDirectory() as data:
        window = [
            sys.executable,
            "main.py",
            "--demo",
            "--data-dir",
            data,
            "--clerk",
            "1001",
            "--exit-when-ready",
        ]
        seeded = _launch(window, env)[1]  # the first run seeds the demo store: not counted
        print(f"demo store seeded on first run in {seeded:.2f} s (not counted)")
        bare, ours = [], []
        for _ in range(runs):  # alternate, so machine noise hits both alike
            bare.append(_launch([sys.executable, "-c", BARE_WINDOW], env))
            ours.append(_launch(window, env))
    for name, runs_ in (("bare PySide6 window", bare), ("counter window on demo data", ours)):
        ready = statistics.median(r for r, _ in runs_)
        whole = statistics.median(w for _, w in runs_)
        print(
            f"{'cold start: ' + name:<44} median {ready * 1000:7.0f} ms to usable"
            f"   ({whole * 1000:.0f} ms with exit)"
        )
    base = statistics.median(r for r, _ in bare)
    mine = statistics.median(r for r, _ in ours)
    print(
        f"{'cold start ratio':<44} {mine / base:4.2f}× bare   (target ≤ 2×; "
        f"platform {env['QT_QPA_PLATFORM']})"
    )


def bench_search() -> None:
    """The index alone, for every prefix of a few queries (what one keystroke costs)."""
    from counterapp.catalogue import default_catalogue_dir, load_directory
    from ui.item_index import ItemIndex

    catalogue = load_directory(default_catalogue_dir())
    started = time.perf_counter()
    index = ItemIndex(catalogue, "town")
    index.build_pinyin()
    built = (time.perf_counter() - started) * 1000
    samples = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            for _ in range(20):
                begin = time.perf_counter()
                index.search(query[:end])
                samples.append((time.perf_counter() - begin) * 1000)
    print(
        f"pinyin index of {len(catalogue.items)} items built once in {built:.0f} ms "
        "(pypinyin import included; in the background after the window is up)"
    )
    print(
        f"{'item search per keystroke (index only)':<44} median "
        f"{statistics.median(samples):7.3f} ms   max {max(samples):6.3f} ms"
    )


class _NoCaseHost:
    """The case panel as the items step sees it with no case open (`steps.base.VisitHost`)."""

    case: Case | None = None
    ticket: Ticket | None = None

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def go(self, step: Step) -> None: ...
    def case_op(self, work: Callable[[Counter], Case], then: Step | None = None) -> None: ...
    def open_case(self, case_id: int) -> None: ...
    def end_visit(self) -> None: ...
    def focus_main_action(self) -> None: ...


def bench_search_in_widget(ctx: AppContext) -> None:
    """The same keystrokes through the real items step: search + table model reset."""
    from ui.steps.items_step import ItemsStep

    page = ItemsStep(_NoCaseHost(ctx))
    page.resize(1000, 600)
    page.show()
    samples = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            begin = time.perf_counter()
            page.search.setText(query[:end])  # textChanged → filter → model reset
            samples.append((time.perf_counter() - begin) * 1000)
    print(
        f"{'item search per keystroke (real widget)':<44} median "
        f"{statistics.median(samples):7.3f} ms   max {max(samples):6.3f} ms   (target ≤ 5 ms)"
    )
    page.close()


def bench_event_loop(ctx: AppContext) -> None:
    """The GUI thread while the store thread is busy for 1 s: a 50 ms timer's ticks in that
    second (20 if nothing waited). Nothing may block the event loop; the test checks that it
    turns at all (tests/ui/test_ops.py), this says how well."""
    from ui.qt import QEventLoop, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    started = time.perf_counter()
    timer.start()
    ctx.ops.query(lambda counter: time.sleep(1.0), lambda _: loop.quit())
    loop.exec()
    timer.stop()
    during = sum(1 for tick in ticks if tick - started < 1.0)
    print(
        f"{'event loop during a 1 s store call':<44} {during:7d} of 20 timer ticks "
        f"(50 ms)   result after {time.perf_counter() - started:.2f} s   (target ≥ 12)"
    )


def _with_context(ctx: AppContext) -> None:
    bench_search_in_widget(ctx)
    bench_event_loop(ctx)


def _quiet_offscreen_notices() -> None:
    """The offscreen platform says "This plugin does not support raise()" for every dialog
    the simulated visits open; keep every other Qt message."""
    from ui.qt import qInstallMessageHandler

    previous: Callable[[QtMsgType, QMessageLogContext, str], Any] | None = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "This plugin does not support" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each kind")
    parser.add_argument("--visits", type=int, default=500)
    args = parser.parse_args(argv)
    bench_cold_start(args.runs)
    _quiet_offscreen_notices()
    bench_search()
    from bench.visits import simulate_visits

    simulate_visits(args.visits, _with_context)


if __name__ == "__main__":
    main()
