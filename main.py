"""Start the counter program.

    python main.py [--demo] [--data-dir DIR] [--kiosk | --hall]
    python main.py --self-test

--demo uses a separate demo store, filled with a town station's visits on first run.
--kiosk runs the self-service ticket machine, --hall the hall display (no login needed).
A clerk logs in with their PIN in the login dialog.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from counterapp.app import Counter
    from counterapp.selftest import Check

STARTED = time.perf_counter()
GC_LATEST_MS = 5000  # collection resumes then even if a dialog still waits for the clerk
# The benchmark passes the moment it launched this process (time.time()), so "ready" can be
# measured from the launch, interpreter start-up included, without the exit.
LAUNCHED = os.environ.get("COUNTERAPP_BENCH_T0")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counterapp-window",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--demo", action="store_true", help="open the demo station")
    parser.add_argument("--data-dir", help="data folder (default: the per-user data folder)")
    screen = parser.add_mutually_exclusive_group()
    screen.add_argument("--kiosk", action="store_true", help="self-service ticket machine")
    screen.add_argument("--hall", action="store_true", help="hall display (叫号显示屏)")
    # For benchmarks only, so not in --help: log in as this clerk with the PIN read from the
    # first line of standard input, checked, counted and journalled like a typed one. It is
    # no way round the PIN: without the right one the program says so and ends.
    parser.add_argument("--clerk", help=argparse.SUPPRESS)
    parser.add_argument("--window", type=int, help="window number for this session")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="quit as soon as the window is usable (for the benchmark)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation on a temporary store, then exit",
    )
    return parser


def self_test() -> int:
    """Offscreen: the core's checks (a visit, notices read back, a transfer file, a queue
    host), a sync round with a hub where one is installed, the window; exit 1 on any failure.
    Never touches the station's data."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from counterapp import selftest
    from ui import selfcheck

    return 1 if selftest.run(extra=[("sync", hub_round()), ("window", selfcheck.check)]) else 0


def hub_round() -> Check:
    """The sync round needs the county hub, which a source checkout has and the desktop bundle
    (and `pip install .`) does not: there the check says it was skipped."""
    from importlib.util import find_spec

    from counterapp.selftest import Skipped

    if find_spec("hub") is not None and find_spec("selftest_hub") is not None:
        import selftest_hub

        return selftest_hub.check

    def skipped(_counter: Counter, _clerk: int) -> str:
        raise Skipped(
            "no county hub in this installation; the transfer-file and "
            "queue-host checks cover signing and HTTP"
        )

    return skipped


def resume_collecting() -> None:
    """Start-up runs with the cyclic garbage collector off: nearly all it allocates lives on
    (modules, classes, widgets), so the ~60 collections it would trigger (~20 ms measured)
    find little. Once the window is up, one collection, then the survivors are frozen, so
    the collections of the working day no longer walk through them."""
    if not gc.isenabled():
        gc.collect()
        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        return self_test()
    gc.disable()
    # The core before Qt: once PySide6 is loaded it reads the source of every module imported
    # after it (its `__feature__` switch), ~0.15 ms a module.
    import counterapp.app  # noqa: F401
    from counterapp import paths
    from ui import comfort
    from ui.dialogs import Dialogs
    from ui.qt import QTimer, application
    from ui.startup import StartOptions, Startup

    app = application(sys.argv[:1])
    app.setApplicationName("医保综合柜员")
    comfort.install_chinese_qt_texts(app)
    comfort.apply(app, large=False, family=comfort.load_cjk_font())
    mode = "kiosk" if args.kiosk else "hall" if args.hall else "counter"
    pin = sys.stdin.readline().rstrip("\r\n") if args.clerk and sys.stdin else None
    options = StartOptions(
        paths.store_path(args.data_dir, demo=args.demo),
        demo=args.demo,
        mode=mode,
        clerk_login=args.clerk,
        clerk_pin=pin,
        window_no=args.window,
    )
    startup = Startup(options, Dialogs())
    startup.ready.connect(lambda _window: QTimer.singleShot(0, resume_collecting))
    QTimer.singleShot(GC_LATEST_MS, resume_collecting)
    failed: list[str] = []
    startup.failed.connect(failed.append)
    if args.exit_when_ready:

        def ready(_window: object) -> None:
            since_launch = time.time() - float(LAUNCHED) if LAUNCHED else float("nan")
            print(
                f"ready in {time.perf_counter() - STARTED:.3f} s "
                f"(since launch {since_launch:.3f} s)",
                flush=True,
            )
            QTimer.singleShot(0, app.quit)

        startup.ready.connect(ready)
        startup.failed.connect(lambda _text: app.quit())
    startup.start()
    code = app.exec()
    startup.close()
    return 2 if failed else code


if __name__ == "__main__":
    sys.exit(main())
