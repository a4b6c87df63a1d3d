"""The walk's fixtures: the program to start (source or bundle), a print queue of its own, and
the figures the walk measured, printed at the end of the run."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.system_setup import (
    CUPS_PDF_PPD,
    completed_jobs,
    cups_pdf_dirs,
    pdfs_in,
    require_pdf_queue,
    require_tools,
)

ROOT = Path(__file__).resolve().parents[2]
FIGURES: list[str] = []


@pytest.fixture(scope="session")
def program(pytestconfig) -> list[str]:
    """The command of the window program: `--program` (or COUNTERAPP_E2E_PROGRAM), a path
    relative to the checkout or a command line; by default `python main.py`."""
    chosen = pytestconfig.getoption("--program")
    if not chosen:
        return [sys.executable, str(ROOT / "main.py")]
    command = shlex.split(chosen)
    executable = ROOT / command[0]
    if executable.exists():
        command[0] = str(executable)
    elif not Path(command[0]).exists():
        pytest.fail(
            f"--program {chosen}: {command[0]} does not exist (build the bundle with "
            "`python3 dev.py bundle`)",
            pytrace=False,
        )
    return command


def keyring_env(program: list[str], env: dict[str, str]) -> dict[str, str]:
    """The program's keyring: from source, the tests' file keyring (tests/conftest.py), so its
    store is sealed as on a station and the walk reads it with the key; a bundle cannot load
    that test backend and a headless Linux has no keyring, so it runs an unsealed store
    (COUNTERAPP_UNSEALED_STORE, counterapp.store_key)."""
    if program[0] == sys.executable:
        return env
    bundle = {name: value for name, value in env.items() if name != "PYTHON_KEYRING_BACKEND"}
    return {**bundle, "COUNTERAPP_UNSEALED_STORE": "1"}


@pytest.fixture
def print_queue():
    """A cups-pdf queue of this test's own, so its jobs are told apart from other runs' on the
    shared spooler. Afterwards the queue is removed, and so are the PDFs of its jobs left in
    the shared output folder (cups-pdf names them …job_<id>.pdf)."""
    require_tools("lpadmin", "lpstat")
    require_pdf_queue()  # the scheduler runs and cups-pdf is set up
    name = f"counterapp-e2e-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    added = subprocess.run(
        ["lpadmin", "-p", name, "-v", "cups-pdf:/", "-E", "-P", CUPS_PDF_PPD],
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, f"could not add the print queue {name}: {added.stderr}"
    yield name
    jobs = completed_jobs(name)
    for path in pdfs_in(cups_pdf_dirs()):
        if any(path.stem.endswith(f"job_{job}") for job in jobs):
            path.unlink(missing_ok=True)
    subprocess.run(["lpadmin", "-x", name], capture_output=True)


@pytest.fixture
def figures() -> list[str]:
    return FIGURES


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.section("figures of the walk through the real program")
        for line in FIGURES:
            terminalreporter.write_line(line)
