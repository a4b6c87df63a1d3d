"""The layer contracts (pyproject.toml `[tool.importlinter]`, run by `python3 dev.py test`)
catch a crossing: each one is broken by one import added to a copy of the packages, and the
copy as it is keeps them all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("counterapp", "db", "ui", "hub", "resources")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports" + (".exe" if os.name == "nt" else ""))


def lint_copy(folder: Path, module: str = "", line: str = "") -> subprocess.CompletedProcess:
    """lint-imports on a copy of the packages, with `line` added at the end of `module`."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", folder)
    if module:
        path = folder / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return subprocess.run(
        [LINT_IMPORTS, "--no-logo", "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_packages_as_they_are_keep_every_contract(tmp_path):
    done = lint_copy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("counterapp/privacy.py", "import ui.comfort", "The core never reaches"),
        ("counterapp/privacy.py", "from hub import stations", "The core never reaches"),
        ("counterapp/journal.py", "def later():\n    import PySide6", "The core never reaches"),
        ("db/settings.py", "from counterapp import clock", "The store layer (db) never"),
        ("ui/comfort.py", "from PySide6 import QtWidgets", "PySide6 and shiboken6 only"),
        ("ui/kiosk.py", "from db.store import Store", "The window reaches the store only"),
        ("hub/files.py", "import keyring", "The hub never reaches"),
        ("hub/files.py", "from ui import qt", "The hub never reaches"),
        ("ui/kiosk.py", "from bench import window", "No shipped package needs the benchmarks"),
    ],
)
def test_a_crossing_breaks_its_contract(tmp_path, module, line, contract):
    done = lint_copy(tmp_path, module, line)
    assert done.returncode != 0
    summary = " ".join(done.stdout.split())  # contract names wrap on narrow terminals
    verdict = re.search(re.escape(contract) + r".*?\b(KEPT|BROKEN)\b", summary)
    assert verdict is not None and verdict.group(1) == "BROKEN", done.stdout
