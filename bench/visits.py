"""Simulated visits through the real window, for the memory benchmark (`bench.window`).

Each visit goes the way a clerk's does: a ticket from the kiosk, F2, the applicant, an item
found by pinyin, the materials ticked, accept, finish, a rating dialog, end of visit. Every
tenth visit lacks a material and gets the one-time notice instead.
"""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from counterapp.app import Counter
from counterapp.clock import CST, FixedClock
from counterapp.demo import DEMO_STATION
from counterapp.idnumber import check_char
from counterapp.queue import Lane
from counterapp.station import add_clerk
from ui import comfort
from ui.context import AppContext, Session
from ui.dialogs import RecordingDialogs
from ui.main_window import SYNC_PANEL_DELAY_MS, MainWindow
from ui.ops import Ops
from ui.qt import application
from ui.rating_dialog import RatingDialog
from ui.slip_service import SlipService

ITEMS = ("cbjf", "ydjy", "zwjy", "yljz", "xxcj")


class _NoPrinter:
    def print_pdf(
        self,
        kind: str,
        pdf: bytes,
        *args: object,
        on_success: Callable[[], None] | None = None,
        **kwargs: object,
    ) -> None:
        if on_success is not None:
            on_success()


def _id(n: int) -> str:
    first17 = f"370883{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + check_char(first17)


def simulate_visits(
    visits: int,
    with_context: Callable[[AppContext], None] | None = None,
    after_visit: Callable[[int], None] | None = None,
) -> None:
    from bench.window import rss_mb

    app = application()
    comfort.apply(app, False, comfort.load_cjk_font())
    with tempfile.TemporaryDirectory() as scratch:
        clock = FixedClock(datetime(2026, 11, 25, 8, 30, tzinfo=CST))
        counter = Counter.open(Path(scratch) / "station.db", clock)
        counter.configure_station(DEMO_STATION)
        clerk = add_clerk(counter.store, "1001", "王丽", clock)
        dialogs = RecordingDialogs()
        ops = Ops(counter, dialogs)
        ctx = AppContext(counter, ops, dialogs, Session(clerk, 1))
        ctx.item_index.build_pinyin()
        ctx.slips = SlipService(ops, printer_factory=_NoPrinter)
        if with_context is not None:
            with_context(ctx)
        window = MainWindow(ctx)
        window.resize(1366, 768)
        window.show()
        window.load()

        def settle() -> None:
            while not ops.idle:
                app.processEvents()
                time.sleep(0.0005)
            app.processEvents()

        settle()
        # What the window builds or imports a moment after its first paint (the other step
        # pages, the pinyin index, the sync box with httpx) belongs to "before", not to
        # the visits' growth: let those timers fire first.
        until = time.perf_counter() + (SYNC_PANEL_DELAY_MS + 500) / 1000
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.01)
        window.deadlines.reload()
        settle()
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        panel = window.case_panel
        for n in range(visits):
            if n and n % 150 == 0:  # a new service day: numbers start again
                clock.set(clock.now().replace(hour=8, minute=30) + timedelta(days=1))
                while not counter.calendar.is_workday(clock.today()):
                    clock.advance(days=1)
            clock.advance(minutes=3)
            counter.queue.issue(
                Lane.PRIORITY if n % 7 == 0 else Lane.NORMAL, "70岁以上老人" if n % 7 == 0 else None
            )
            window.queue_panel.call_next.trigger()
            settle()
            panel.applicant.name.setText(f"办事人{n}")
            panel.applicant.id_field.edit.setText(_id(n))
            panel.next()
            panel.items.search.setText(ITEMS[n % len(ITEMS)])
            panel.items.toggle(0)
            panel.next()
            settle()
            if n % 10 == 9 and panel.case is not None and panel.case.missing_materials:
                panel.next()
                panel.outcome.issue_notice()
                settle()
                panel.outcome.end_button.click()
                settle()
                continue
            panel.materials.receive_all()
            settle()
            panel.next()
            panel.outcome.accept()
            settle()
            if panel.finish.forward_button.isVisible():
                panel.finish.forward()
            else:
                panel.finish.complete()
            settle()
            panel.rating.ask_rating()
            dialog = dialogs.latest(RatingDialog)
            if dialog is not None:
                dialog.choose(dialog.buttons.__iter__().__next__())
            settle()
            panel.rating.end_button.click()
            settle()
            if after_visit is not None:
                after_visit(n)
        elapsed = time.perf_counter() - started
        window.deadlines.reload()
        settle()
        gc.collect()
        after = rss_mb()
        cases = counter.store.scalar("SELECT count(*) FROM cases")
        print(
            f"{visits} simulated visits through the window in {elapsed:.1f} s "
            f"({elapsed / visits * 1000:.0f} ms each; {cases} cases, "
            f"{len(dialogs.errors)} refusals)"
        )
        print(
            f"{'resident memory before / after the visits':<44} {before:7.0f} MB / "
            f"{after:.0f} MB   (target ≤ 200 MB)"
        )
        window.close()
        ops.shutdown()
        counter.close()
