"""The real program, started as a process on a real X server, walked by key presses as a clerk
walks it (tests/e2e/walk.py): first-run set-up → login → walk-in tickets → an instant visit →
a forwarded item with a material missing, its one-time notice printed through CUPS → the
citizen back with it → nobody waiting → the window closed. What happened is checked from
outside: the store read without changing it, and the PDF the print queue made.

The program is `python main.py` or, with `--program dist/counterapp/counterapp`, the bundle
(`python3 dev.py bundle` runs it so). Its printer is the PC's default printer, here this
test's own queue (CUPS reads the default from PRINTER, as `lpoptions -d` would set it).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import zxingcpp

from counterapp.slips.raster import page_sizes, render_pages
from tests.system_setup import completed_jobs, cups_pdf_dirs, pdfs_in, require_tools

from .conftest import ROOT, keyring_env
from .walk import (
    CLERK,
    INSTANT,
    RETURNING,
    STATION,
    WINDOW_NO,
    Walk,
    first_day,
    typed_text,
)
from .xwalk import XDriver, x_server

# ~11 s here; against a freshly built bundle on a slow machine, allow far more
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
PRINT_TIMEOUT_S = 60


def test_a_clerks_first_day_by_keys_alone(program, print_queue, tmp_path, figures):
    require_tools("Xvfb", "openbox", "xdotool", "xprop", "import")
    store = tmp_path / "data" / "station.db"
    pdfs_before = pdfs_in(cups_pdf_dirs())
    log_path = tmp_path / "program.log"
    with x_server(tmp_path) as server, log_path.open("wb") as log:
        server.connection.bind_characters(typed_text(first_day()))
        env = keyring_env(program, dict(server.env, PRINTER=print_queue))  # its own printer
        started = time.perf_counter()
        process = subprocess.Popen(
            [*program, "--data-dir", str(store.parent)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        driver = XDriver(server, process, tmp_path)
        walk = Walk(driver, store)
        try:
            walk.play(first_day(), driver.wait)
            exit_code = process.wait(timeout=30)
        except BaseException:
            if process.poll() is None:
                driver.shot("failure")
                process.kill()
                process.wait()
            print(f"program output ({log_path}):\n{_tail(log_path)}\nscreenshots: {tmp_path}")
            raise
        elapsed = time.perf_counter() - started
    assert exit_code == 0, _tail(log_path)

    _check_the_store(walk)
    _check_the_printed_notice(walk, print_queue, pdfs_before)
    visit = walk.figures["instant visit"]
    figures.append(
        f"walk through {Path(program[-1]).name}: {elapsed:.1f} s from launch to "
        f"exit ({len(first_day())} phases, screenshots in {tmp_path})"
    )
    figures.append(
        f"standard instant visit: {visit.presses} key presses ({visit.typed} typed "
        f"characters + {visit.chords} keys) in {visit.seconds:.1f} s"
    )


def _check_the_store(walk: Walk) -> None:
    station = walk.query(
        "SELECT code, name, level, county_code, county_name, address, "
        "supervision_phone FROM station"
    )
    assert station == [tuple(STATION)]
    assert walk.query("SELECT value FROM settings WHERE key = 'window_no'") == [(str(WINDOW_NO),)]
    assert walk.query("SELECT login, name FROM clerks") == [CLERK]
    tickets = walk.query("SELECT code, status, window_no FROM tickets ORDER BY id")
    assert tickets == [(code, "done", WINDOW_NO) for code in ("A001", "A002", "A003")]
    cases = walk.query(
        "SELECT c.applicant_name, c.state, t.code, r.level FROM cases c "
        "JOIN tickets t ON t.id = c.ticket_id "
        "LEFT JOIN ratings r ON r.case_id = c.id ORDER BY c.id"
    )
    assert cases == [
        (INSTANT.name, "completed", "A001", 5),
        (RETURNING.name, "forwarded", "A002", 4),
    ]
    assert walk.query("SELECT count(*) FROM case_materials WHERE NOT received") == [(0,)]


def _check_the_printed_notice(walk: Walk, queue: str, before: set[Path]) -> None:
    """Our queue took one job, and cups-pdf made of it the A4 notice of the returning
    citizen's case: its QR code carries the case number and the verification code the store
    recorded for that print."""
    ((case_no, code, layout, reprint),) = walk.query(
        "SELECT c.case_no, p.verification_code, p.layout, p.is_reprint FROM slip_prints p "
        "JOIN cases c ON c.id = p.case_id WHERE p.kind = 'notice'"
    )
    assert (layout, reprint) == ("a4", 0)
    wanted = f"YBGZ2|{case_no}|{code}"
    deadline = time.monotonic() + PRINT_TIMEOUT_S
    printed = None
    while time.monotonic() < deadline:
        printed = printed or _printed_with(wanted, before)
        if printed is not None and len(completed_jobs(queue)) == 1:
            (size,) = page_sizes(printed)
            assert (round(size.width_mm), round(size.height_mm)) == (210, 297)
            return
        time.sleep(0.2)
    raise AssertionError(
        f"no printed notice with the QR code {wanted} in {cups_pdf_dirs()}, "
        f"or not one job done on {queue} ({completed_jobs(queue)})"
    )


def _printed_with(qr_text: str, before: set[Path]) -> bytes | None:
    """The finished PDF, new since the walk began, whose first page's QR code says `qr_text`."""
    for path in sorted(pdfs_in(cups_pdf_dirs()) - before):
        pdf = path.read_bytes()
        if not pdf.rstrip().endswith(b"%%EOF"):
            continue  # still being written
        if qr_text in [found.text for found in zxingcpp.read_barcodes(render_pages(pdf, 200)[0])]:
            return pdf
    return None


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
