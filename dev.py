#!/usr/bin/env python3
"""Developer entry point: each command sets up everything it needs, then runs.

    python3 dev.py run     start the counter window on a demo station (SQLite store)
    python3 dev.py test    run the whole test suite (lint and type check included)
    python3 dev.py bench   print the benchmark figures
    python3 dev.py bundle  build the PyInstaller one-folder bundle and run its self-test
    python3 dev.py lock    re-resolve requirements.lock from pyproject.toml

Only the standard library may be used here: this runs before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".installed-lock-hash"
# Debian packages the tests need: a TrueType CJK font for slips and screenshots, a second
# one with rare characters (𠮷, CJK Ext-B) for names, and CUPS with a PDF printer for the
# end-to-end print test.
APT_PACKAGES = ["fonts-wqy-zenhei", "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1",
                "fonts-hanazono", "cups", "printer-driver-cups-pdf"]
# Qt's xcb platform plugin needs these X libraries on a desktop; a fresh Debian or Ubuntu
# desktop lacks the first three, and the window then stops with "Could not load the Qt
# platform plugin xcb".
RUN_APT_PACKAGES = ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
                    "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0",
                    "libxcb-xkb1", "libxkbcommon-x11-0", "libegl1", "libgl1", "fonts-wqy-zenhei"]
# The bundle trims ICU's data with icupkg and rebuilds the library with the C compiler
# (packaging/icu_trim.py; without them it keeps the full data and says so).
BUNDLE_APT_PACKAGES = ["icu-devtools", "gcc"]


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv() -> Path:
    """Create .venv and install the locked packages; reinstall only when the lock changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        sys.exit("counterapp needs Python 3.11 or newer")
    python = venv_python()
    if not python.exists():
        print("creating .venv …", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("installing packages from requirements.lock …", flush=True)
        run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "-q", "-r", LOCK)
        run(python, "-m", "pip", "install", "-q", "--no-deps", "-e", ".")
        STAMP.write_text(wanted)
    return python


def ensure_system_packages(packages: list[str] | None = None, *, required: bool = True) -> None:
    """Install Debian packages (by default those the tests need), when we are on Debian and
    allowed to (root, or password-less sudo). When not `required`, a failure only tells the
    user the command to run and goes on."""
    if not shutil.which("apt-get") or not hasattr(os, "geteuid"):
        return
    missing = [
        pkg for pkg in packages or APT_PACKAGES
        if subprocess.run(["dpkg", "-s", pkg], capture_output=True).returncode != 0
    ]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print(f"installing system packages: {' '.join(missing)} …", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    except (subprocess.CalledProcessError, FileNotFoundError):
        if required:
            raise
        print("could not install them; please run:\n"
              f"    sudo apt-get install {' '.join(missing)}", file=sys.stderr, flush=True)


def cmd_run(args: list[str]) -> None:
    python = ensure_venv()
    if os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        ensure_system_packages(RUN_APT_PACKAGES, required=False)
    run(python, "main.py", "--demo", *args)


def cmd_test(args: list[str]) -> None:
    python = ensure_venv()
    ensure_system_packages()
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "mypy")  # what it checks, and how strictly: pyproject.toml [tool.mypy]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run(python, "-m", "pytest", *args, env=env)


def cmd_bench(args: list[str]) -> None:
    """Core (arguments go to `counterapp bench`), slips, sync and window figures."""
    python = ensure_venv()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # start-up is measured with compiled bytecode
    run(python, "-m", "counterapp.cli", "bench", *args, env=env)
    run(python, "-m", "counterapp.slips.bench", env=env)
    run(python, "-m", "counterapp.slips.fuzz", env=env)  # random slips read back: 0 failures
    run(python, "-m", "counterapp.sync.bench", env=env)
    run(python, "-m", "ui.bench", env=env)


def cmd_bundle(args: list[str]) -> None:
    """Build the one-folder bundle with PyInstaller, run the bundle's own self-test, then print
    its size and its cold start next to the source program's."""
    python = ensure_venv()
    ensure_system_packages(BUNDLE_APT_PACKAGES)
    run(python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", ROOT / "dist", "--workpath", ROOT / "build", *args,
        ROOT / "packaging" / "counterapp.spec")
    cli = ROOT / "dist" / "counterapp" / ("counterapp-cli.exe" if os.name == "nt"
                                          else "counterapp-cli")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run(cli, "--self-test", env=env)
    run(python, ROOT / "packaging" / "bench_bundle.py", env=env)


def cmd_lock(args: list[str]) -> None:
    python = ensure_venv()
    run(python, "-m", "pip", "install", "-q", "uv")
    run(python, "-m", "uv", "pip", "compile", "pyproject.toml", "--extra", "dev",
        "--universal", "--python-version", "3.11", "-q", "-o", LOCK, *args)


COMMANDS = {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "bundle": cmd_bundle,
            "lock": cmd_lock}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    try:
        COMMANDS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
