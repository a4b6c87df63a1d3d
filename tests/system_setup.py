"""What `python3 dev.py test` sets up on the machine before pytest starts, as the tests see it:
the CUPS scheduler with its cups-pdf queue `PDF`, and the X tools of the walk through the real
program (tests/e2e). The tests only check these are there; they never install or start them.

Run through dev.py (which sets COUNTERAPP_SYSTEM_TESTS=required on Linux with apt-get) a
missing piece fails the test with what to do; run by hand elsewhere it skips the test.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

PDF_QUEUE = "PDF"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
REQUIRED = os.environ.get("COUNTERAPP_SYSTEM_TESTS") == "required"
SET_UP_BY = "`python3 dev.py test` installs and starts it (Debian, as root or with sudo)"


def missing(what: str) -> None:
    """A piece of the machine's set-up is not there: fail under dev.py, else skip."""
    message = f"{what}; {SET_UP_BY}"
    if REQUIRED:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def scheduler_running() -> bool:
    if not shutil.which("lpstat"):
        return False
    result = subprocess.run(["lpstat", "-r"], capture_output=True, text=True)
    return "is running" in result.stdout and "not" not in result.stdout


def queue_exists(name: str) -> bool:
    return subprocess.run(["lpstat", "-p", name], capture_output=True).returncode == 0


def require_pdf_queue(name: str = PDF_QUEUE) -> None:
    if not scheduler_running():
        missing("the CUPS scheduler (cupsd) is not running")
    if not queue_exists(name):
        missing(f"the cups-pdf print queue {name!r} does not exist")


def completed_jobs(queue: str) -> list[str]:
    """The ids of the jobs `queue` has finished."""
    done = subprocess.run(
        ["lpstat", "-W", "completed", "-o", queue], capture_output=True, text=True
    )
    return [line.split()[0].rsplit("-", 1)[-1] for line in done.stdout.splitlines()]


def require_tools(*names: str) -> None:
    absent = [name for name in names if shutil.which(name) is None]
    if absent:
        missing(f"not installed: {', '.join(absent)}")


def cups_pdf_dirs() -> list[Path]:
    """Where cups-pdf writes: its `Out` folder (with ${HOME} of this user) and the anonymous one."""
    user = pwd.getpwuid(os.getuid())
    out, anonymous = "${HOME}/PDF", "/var/spool/cups-pdf/ANONYMOUS"
    if CUPS_PDF_CONF.exists():
        for line in CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace").splitlines():
            words = line.split(None, 1)
            if len(words) == 2 and words[0] == "Out":
                out = words[1].strip()
            elif len(words) == 2 and words[0] == "AnonDirName":
                anonymous = words[1].strip()
    return [
        Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name)),
        Path(anonymous),
    ]


def pdfs_in(dirs: list[Path]) -> set[Path]:
    return {path for folder in dirs if folder.is_dir() for path in folder.glob("*.pdf")}
