"""The window's print path, end to end through a real CUPS spooler with a PDF printer.

`python3 dev.py test` starts CUPS with a cups-pdf queue "PDF" before pytest (the tests only
check it is there, see tests/system_setup.py); jobs land as PDF files in the cups-pdf output
folder, which are read back: page size, the QR code (case number and verification code) and the
picture itself compared with the slip rendered directly.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageStat

from counterapp.case_model import Person
from counterapp.slips import (
    Layout,
    notice_printed,
    prepare_notice,
    prepare_ticket,
    prints_of_case,
    record_print,
)
from counterapp.slips.raster import page_sizes, render_pages
from tests.conftest import make_id
from tests.system_setup import (
    CUPS_PDF_PPD,
    PDF_QUEUE,
    cups_pdf_dirs,
    pdfs_in,
    require_pdf_queue,
)
from ui import printing
from ui.printing import SETTING_PREFIX, SlipPrinter, available_printers
from ui.qt import QLabel

QUEUE = PDF_QUEUE


@pytest.fixture(scope="session")
def cups_pdf():
    """The running CUPS with the cups-pdf queue (dev.py starts them); the folders its PDFs
    land in."""
    require_pdf_queue(QUEUE)
    return cups_pdf_dirs()


def _wait_for_output(
    dirs: list[Path], before: set[Path], job_name: str, timeout: float = 60
) -> bytes:
    """The PDF cups-pdf wrote for our job, once it is complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(pdfs_in(dirs) - before):
            if job_name[:12] in path.name:
                data = path.read_bytes()
                if data.rstrip().endswith(b"%%EOF"):
                    path.unlink()
                    return data
        time.sleep(0.2)
    raise AssertionError(f"no PDF for job {job_name} in {dirs} after {timeout} s")


def _open_case(counter):
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(Person("𠮷春燕", make_id()), ["YB0101", "YB0501"], clerk)
    counter.cases.mark_material(case.id, case.materials[0].key, True, clerk)
    return counter.cases.notify_missing(case.id, clerk)


def _difference(printed: bytes, original: bytes) -> float:
    """Mean grey difference (0–255) of the first pages seen at about 2 mm per pixel.

    The printed page was rasterised at the printer's resolution, so thin lines differ in
    grey level; averaged over 2 mm cells the same slip differs by about 4, a slip moved by
    6 mm by about 27.
    """

    def coarse(pdf: bytes):
        image = render_pages(pdf, 100)[0]
        return image.resize((image.width // 8, image.height // 8), Image.Resampling.BOX)

    a, b = coarse(printed), coarse(original)
    return ImageStat.Stat(ImageChops.difference(a, b.resize(a.size))).mean[0]


def _held_until(gate: threading.Event, ran_on: list[str], monkeypatch) -> None:
    """Printing waits for `gate` (on whatever thread it runs) before it talks to the printer."""
    real = printing.print_now

    def held(pdf: bytes, printer_name: str, job_name: str) -> None:
        ran_on.append(threading.current_thread().name)
        if not gate.wait(30):
            raise printing.PrintError("the print was not released: the caller waited for it")
        real(pdf, printer_name, job_name)

    monkeypatch.setattr(printing, "print_now", held)


@pytest.mark.parametrize("layout", list(Layout))
def test_notice_prints_through_cups(qtbot, counter, cups_pdf, layout, monkeypatch):
    assert QUEUE in available_printers()
    case = _open_case(counter)
    slip = prepare_notice(counter, case.id, layout, clerk_id=counter.clerk_a.id)
    printer = SlipPrinter(counter.settings)
    job = f"ybnotice{uuid.uuid4().hex[:4]}"
    before = pdfs_in(cups_pdf)
    recorded: list[object] = []
    gate, ran_on = threading.Event(), []
    _held_until(gate, ran_on, monkeypatch)
    with qtbot.waitSignal(printer.finished, timeout=60_000) as finished:
        printer.print_pdf(
            "notice",
            slip.pdf,
            QUEUE,
            job_name=job,
            on_success=lambda: recorded.append(record_print(counter, slip.pending)),
        )
        # the window never waits for the printer: the call is back while the print is held
        assert not recorded
        gate.set()
    assert ran_on and ran_on[0] != threading.main_thread().name
    assert finished.args == ["notice"]
    assert len(recorded) == 1 and notice_printed(counter, case.id)
    assert counter.settings.get(SETTING_PREFIX + "notice") == QUEUE
    printed = _wait_for_output(cups_pdf, before, job)
    (size,) = page_sizes(printed)
    (wanted,) = page_sizes(slip.pdf)
    assert size.width_mm == pytest.approx(wanted.width_mm, abs=1)
    assert size.height_mm == pytest.approx(wanted.height_mm, abs=1)
    code = slip.pending.verification_code
    found = [b.text for b in zxingcpp.read_barcodes(render_pages(printed, 200)[0])]
    assert found == [f"YBGZ2|{case.case_no}|{code}"]
    assert _difference(printed, slip.pdf) < 10


def test_ticket_prints_on_the_remembered_printer(qtbot, counter, cups_pdf):
    from counterapp.queue import Lane

    ticket = counter.queue.issue(Lane.NORMAL)
    printer = SlipPrinter(counter.settings)
    printer.set_printer("ticket", QUEUE)
    assert SlipPrinter(counter.settings).printer_for("ticket") == QUEUE
    slip = prepare_ticket(counter, ticket.id)
    before = pdfs_in(cups_pdf)
    job = f"ybticket{uuid.uuid4().hex[:4]}"
    with qtbot.waitSignal(printer.finished, timeout=60_000):
        printer.print_pdf("ticket", slip.pdf, job_name=job)
    printed = _wait_for_output(cups_pdf, before, job)
    (size,) = page_sizes(printed)
    assert size.width_mm == pytest.approx(80, abs=1) and size.height_mm < 120
    assert _difference(printed, slip.pdf) < 10


def test_a_failed_print_changes_nothing(qtbot, counter):
    case = _open_case(counter)
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    printer = SlipPrinter(counter.settings)
    recorded = []
    with qtbot.waitSignal(printer.failed, timeout=30_000) as failed:
        printer.print_pdf(
            "notice", slip.pdf, "NO-SUCH-PRINTER", on_success=lambda: recorded.append(1)
        )
    kind, message = failed.args
    assert kind == "notice" and "找不到打印机“NO-SUCH-PRINTER”" in message
    assert not recorded and not notice_printed(counter, case.id)
    assert prints_of_case(counter, case.id) == []
    assert counter.cases.get(case.id) == case
    assert counter.settings.get(SETTING_PREFIX + "notice") is None


def test_settings_go_through_the_store_thread(counter):
    calls = []

    def submit(work):
        calls.append(work)
        return work()

    printer = SlipPrinter(counter, submit=submit)
    printer.set_printer("receipt", "柜台A4打印机")
    assert len(calls) == 2  # the initial read and the write, both handed to `submit`
    assert counter.settings.get("printer.receipt") == "柜台A4打印机"
    assert SlipPrinter(counter.settings).printer_for("receipt") == "柜台A4打印机"


def test_save_pdf(qtbot, counter, tmp_path):
    case = _open_case(counter)
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    printer = SlipPrinter()
    target = tmp_path / "告知单.pdf"
    assert printer.save_pdf(slip.pdf, target, "notice")
    assert target.read_bytes() == slip.pdf
    with qtbot.waitSignal(printer.failed) as failed:
        assert not printer.save_pdf(slip.pdf, tmp_path / "missing" / "x.pdf", "notice")
    assert re.match("保存PDF失败", failed.args[1])


def test_preview_opens_without_blocking_and_shows_every_page(qtbot, counter):
    case = _open_case(counter)
    slip = prepare_notice(counter, case.id, Layout.ROLL_80, clerk_id=counter.clerk_a.id)
    printer = SlipPrinter()
    dialog = printer.preview("notice", slip.pdf)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    pages = len(page_sizes(slip.pdf))

    def shown() -> int:
        return sum(
            1
            for label in dialog.pages.findChildren(QLabel)
            if label.pixmap() is not None and not label.pixmap().isNull()
        )

    qtbot.waitUntil(lambda: shown() == pages, timeout=10_000)
    dialog.reject()


@pytest.mark.parametrize(
    ("stop", "restart", "says"),
    [
        ("cupsreject", "cupsaccept", "拒绝接收打印任务"),
        ("cupsdisable", "cupsenable", "已暂停"),
    ],
)
def test_a_printer_that_will_not_print_fails_clearly(
    qtbot, counter, own_queue, stop, restart, says
):
    """On a queue of its own: stopping the shared `PDF` queue would fail another test run's
    print on this machine."""
    case = _open_case(counter)
    slip = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    printer = SlipPrinter(counter.settings)
    subprocess.run([stop, own_queue], check=True)
    try:
        with qtbot.waitSignal(printer.failed, timeout=60_000) as failed:
            printer.print_pdf(
                "notice",
                slip.pdf,
                own_queue,
                on_success=lambda: record_print(counter, slip.pending),
            )
    finally:
        subprocess.run([restart, own_queue], check=True)
    assert failed.args[0] == "notice" and says in failed.args[1]
    assert not notice_printed(counter, case.id)


@pytest.fixture
def own_queue(cups_pdf):
    """A cups-pdf queue of this test alone: stopping it disturbs no other test's printer."""
    name = f"COUNTER-{uuid.uuid4().hex[:6]}"
    added = subprocess.run(
        ["lpadmin", "-p", name, "-v", "cups-pdf:/", "-E", "-P", CUPS_PDF_PPD],
        capture_output=True,
        text=True,
    )
    if added.returncode != 0:
        pytest.skip(f"could not add a cups-pdf queue: {added.stderr.strip()}")
    yield name
    subprocess.run(["lpadmin", "-x", name], capture_output=True)


def test_a_stopped_printer_keeps_the_notice_until_it_prints(qtbot, counter, cups_pdf, own_queue):
    """cupsdisable stands for a printer that fails: the notice is kept, not recorded; once
    the printer is back it prints from the list, is recorded once, and comes out whole."""
    from counterapp.slips import unprinted
    from ui.dialogs import RecordingDialogs
    from ui.ops import Ops
    from ui.slip_service import SlipService

    case = _open_case(counter)  # before the store thread starts: one user at a time
    clerk = counter.clerk_a.id
    ops = Ops(counter, RecordingDialogs())
    try:
        service = SlipService(ops)
        service.printer.set_printer("notice", own_queue)
        subprocess.run(["cupsdisable", own_queue], check=True)
        with qtbot.waitSignal(service.kept, timeout=60_000) as kept:
            assert service.print_notice(case.id, clerk)
        qtbot.waitUntil(lambda: ops.idle)
        slip, message = kept.args
        assert "已暂停" in message and slip.case_id == case.id
        assert not notice_printed(counter, case.id) and unprinted.open_slips(counter) == [slip]
        subprocess.run(["cupsenable", own_queue], check=True)
        before = pdfs_in(cups_pdf)
        done: list[str] = []
        service.print_kept(slip, clerk, done.append)
        qtbot.waitUntil(lambda: bool(done) and ops.idle, timeout=60_000)
        assert done == [""] and notice_printed(counter, case.id)
        assert len(prints_of_case(counter, case.id)) == 1 and unprinted.open_slips(counter) == []
        printed = _wait_for_output(cups_pdf, before, f"{case.uuid[:8]}")
        found = [b.text for b in zxingcpp.read_barcodes(render_pages(printed, 200)[0])]
        assert found == [f"YBGZ2|{case.case_no}|{slip.verification_code}"]
    finally:
        ops.shutdown()
