#!/usr/bin/env python3
"""Developer entry point: each command sets up everything it needs, then runs.

    python3 dev.py run     start the counter window on a demo station (SQLite store)
    python3 dev.py test    run the whole test suite (lint, layer contracts, type check, pytest)
                           (--fast: the same without the slow tests and the X walk)
    python3 dev.py bench   print the benchmark figures
    python3 dev.py bundle  build the PyInstaller one-folder bundle and run its self-test
    python3 dev.py lock    re-resolve the hashed locks (runtime, dev, hub) from pyproject.toml

Only the standard library may be used here: this runs before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Three hashed locks, all written by `dev.py lock` (uv pip compile --universal, so Windows
# resolves too): the station's runtime packages, the same plus the dev extras (what .venv
# holds), and the county hub's (its own distribution). The runtime and hub locks are resolved
# within the dev lock, so what ships is what the tests ran.
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
HUB = ROOT / "packaging" / "hub"
HUB_LOCK = HUB / "requirements.lock"
STAMP = VENV / ".installed-lock-hash"
# The county workbench's JavaScript packages (htmx, Apache ECharts) from the npm registry: exact
# versions with their integrity hashes in package-lock.json, installed by `npm ci` into
# packaging/hub/node_modules (never into the repository); the hub serves them itself.
NPM_LOCK = HUB / "package-lock.json"
NODE_MODULES = HUB / "node_modules"
NPM_STAMP = NODE_MODULES / ".installed-lock-hash"
# Debian packages the tests need: a TrueType CJK font for slips and screenshots, a second
# one with rare characters (𠮷, CJK Ext-B) for names, and CUPS with a PDF printer for the print
# tests.
APT_PACKAGES = [
    "fonts-wqy-zenhei",
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libfontconfig1",
    "fonts-hanazono",
    "cups",
    "printer-driver-cups-pdf",
]
# The walk through the real program (tests/e2e) also needs an X server, a window manager, a
# keyboard driver, screenshots, xprop, and the X libraries of Qt's xcb plugin (below).
E2E_APT_PACKAGES = ["xvfb", "openbox", "xdotool", "imagemagick", "x11-utils"]
# The county workbench's pages are tested in a real browser: Chromium headless under selenium.
BROWSER_APT_PACKAGES = ["chromium", "chromium-driver"]
# Qt's xcb platform plugin needs these X libraries on a desktop; a fresh Debian or Ubuntu
# desktop lacks the first three, and the window then stops with "Could not load the Qt
# platform plugin xcb".
RUN_APT_PACKAGES = [
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "fonts-wqy-zenhei",
]
# The bundle trims ICU's data with icupkg and rebuilds the library with the C compiler
# (packaging/icu_trim.py; without them it keeps the full data and says so).
BUNDLE_APT_PACKAGES = ["icu-devtools", "gcc"]
# The print tests' queue: cups-pdf writes each job as a PDF file into ~/PDF.
PDF_QUEUE = "PDF"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


def venv_script(name: str) -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / (f"{name}.exe" if os.name == "nt" else name)


def venv_python() -> Path:
    return venv_script("python")


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def create_venv() -> Path:
    """.venv's Python, the folder created when missing (nothing installed yet)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        sys.exit("counterapp needs Python 3.11 or newer")
    python = venv_python()
    if not python.exists():
        print("creating .venv …", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    return python


def ensure_venv() -> Path:
    """Create .venv and install the dev lock (runtime and dev packages, every file checked
    against its hash); reinstall only when the lock or pyproject.toml changes."""
    python = create_venv()
    wanted = hashlib.sha256(
        DEV_LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print(f"installing packages from {DEV_LOCK.name} …", flush=True)
        run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "-q", "--require-hashes", "-r", DEV_LOCK)
        # the program itself, built by the locked setuptools (no download of a build backend)
        run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", ".")
        STAMP.write_text(wanted)
    ensure_front_end()
    return python


def ensure_front_end() -> None:
    """`npm ci` the workbench's JavaScript packages when their lock changed (a stamp as the
    venv's). Without npm the hub still runs (its pages work without JavaScript): say so."""
    wanted = hashlib.sha256(NPM_LOCK.read_bytes() + (HUB / "package.json").read_bytes()).hexdigest()
    if NPM_STAMP.exists() and NPM_STAMP.read_text() == wanted:
        return
    if shutil.which("npm") is None and sys.platform == "linux":
        ensure_system_packages(["npm"], required=False)
    npm = shutil.which("npm")
    if npm is None:
        print(
            "npm not found: the county workbench's htmx and ECharts are not installed "
            "(install Node.js with npm, then run this again)",
            file=sys.stderr,
            flush=True,
        )
        return
    print(f"installing the workbench's npm packages from {NPM_LOCK.name} …", flush=True)
    run(
        npm,
        "ci",
        "--prefix",
        HUB,
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel",
        "error",
    )
    NPM_STAMP.write_text(wanted)


def ensure_system_packages(packages: list[str] | None = None, *, required: bool = True) -> None:
    """Install Debian packages (by default those the tests need), when we are on Debian and
    allowed to (root, or password-less sudo). When not `required`, a failure only tells the
    user the command to run and goes on."""
    if not shutil.which("apt-get") or not hasattr(os, "geteuid"):
        return
    missing = [
        pkg
        for pkg in packages or APT_PACKAGES
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
        print(
            f"could not install them; please run:\n    sudo apt-get install {' '.join(missing)}",
            file=sys.stderr,
            flush=True,
        )


def sudo_prefix() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo", "-n"]


def scheduler_running() -> bool:
    done = subprocess.run(["lpstat", "-r"], capture_output=True, text=True)
    return "is running" in done.stdout and "not" not in done.stdout


def ensure_print_queue() -> None:
    """Start the CUPS scheduler unless it runs, and add the cups-pdf queue `PDF` unless it
    exists. The scheduler is left running, as on any Debian desktop: it is the machine's print
    service, and another test run on the machine may be printing through it."""
    if not scheduler_running():
        print("starting the CUPS scheduler (cupsd) …", flush=True)
        subprocess.run([*sudo_prefix(), "cupsd"], check=True)
        for _ in range(150):
            if scheduler_running():
                break
            time.sleep(0.1)
        else:
            sys.exit("cupsd was started but does not answer (lpstat -r)")
    if subprocess.run(["lpstat", "-p", PDF_QUEUE], capture_output=True).returncode != 0:
        print(f"adding the cups-pdf print queue {PDF_QUEUE} …", flush=True)
        subprocess.run(
            [
                *sudo_prefix(),
                "lpadmin",
                "-p",
                PDF_QUEUE,
                "-v",
                "cups-pdf:/",
                "-E",
                "-P",
                CUPS_PDF_PPD,
            ],
            check=True,
            capture_output=True,
        )


def prepare_system_tests(env: dict[str, str]) -> dict[str, str]:
    """On Debian: the system packages the tests need, CUPS running with its PDF queue, and
    `env` told that the tests needing them must fail, not skip, when something is missing.
    Elsewhere (Windows, other Linux) those tests skip."""
    if sys.platform != "linux" or not shutil.which("apt-get"):
        return env
    ensure_system_packages(
        list(
            dict.fromkeys(APT_PACKAGES + E2E_APT_PACKAGES + RUN_APT_PACKAGES + BROWSER_APT_PACKAGES)
        )
    )
    ensure_print_queue()
    return dict(env, COUNTERAPP_SYSTEM_TESTS="required")


def cmd_run(args: list[str]) -> None:
    python = ensure_venv()
    if os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb":
        ensure_system_packages(RUN_APT_PACKAGES, required=False)
    run(python, "main.py", "--demo", *args)


# `dev.py test --fast`: the daily loop, without the tests marked slow (over ~2 s each) and the
# walk through the real program on an X server (e2e); CI runs everything.
FAST_MARKERS = "not slow and not e2e"


def cmd_test(args: list[str]) -> None:
    if "--fast" in args:
        args = ["-m", FAST_MARKERS, *(arg for arg in args if arg != "--fast")]
    python = ensure_venv()
    env = prepare_system_tests(dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "ruff", "format", "--check", ".")  # formatted once, kept so
    run(venv_script("lint-imports"), "--no-logo")  # the layers: pyproject.toml [tool.importlinter]
    run(python, "-m", "mypy")  # what it checks, and how strictly: pyproject.toml [tool.mypy]
    run(python, "-m", "pytest", *args, env=env)


def cmd_bench(args: list[str]) -> None:
    """Core (arguments go to `bench.core`), sealing, slips, sync, queue host and window
    figures (bench/)."""
    python = ensure_venv()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # start-up is measured with compiled bytecode
    run(python, "-m", "bench.core", *args, env=env)
    run(python, "-m", "bench.sealed", env=env)  # the sealed store vs plain, field encryption
    run(python, "-m", "bench.slips", env=env)
    run(python, "-m", "bench.slip_fuzz", env=env)  # random slips read back: 0 failures
    run(python, "-m", "bench.sync", env=env)
    run(python, "-m", "bench.hub_abuse", "--mib", "100", env=env)  # the hub's peak memory
    run(python, "-m", "bench.queue_host", env=env)  # TLS per request, a body nobody may send
    run(python, "-m", "bench.window", env=env)


def cmd_bundle(args: list[str]) -> None:
    """Build the one-folder bundle with PyInstaller, run the bundle's own self-test, print
    its size and its cold start next to the source program's, then (Linux) walk a clerk's
    first day through the bundle's window program on an X server (tests/e2e)."""
    python = ensure_venv()
    # the build's tools, and what the bundle's self-test checks for (the CJK fonts, Qt's libs)
    ensure_system_packages(list(dict.fromkeys(BUNDLE_APT_PACKAGES + APT_PACKAGES)))
    run(
        python,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        ROOT / "dist",
        "--workpath",
        ROOT / "build",
        *args,
        ROOT / "packaging" / "counterapp.spec",
    )
    cli = (
        ROOT
        / "dist"
        / "counterapp"
        / ("counterapp-cli.exe" if os.name == "nt" else "counterapp-cli")
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run(cli, "--self-test", env=env)
    run(python, ROOT / "packaging" / "bench_bundle.py", env=env)
    if sys.platform == "linux":
        program = ROOT / "dist" / "counterapp" / "counterapp"
        run(
            python,
            "-m",
            "pytest",
            "-q",
            "tests/e2e",
            "-m",
            "e2e",
            "--program",
            program,
            env=prepare_system_tests(env),
        )


def cmd_lock(args: list[str]) -> None:
    """Re-resolve the three locks (see LOCK above); `args` go to each `uv pip compile`, e.g.
    `--upgrade-package fastapi`. Needs no lock to exist: it may be the one making them."""
    python = create_venv()
    run(python, "-m", "pip", "install", "-q", "uv")

    def compile_lock(out: Path, *sources: str | Path) -> None:
        run(
            python,
            "-m",
            "uv",
            "pip",
            "compile",
            *sources,
            "--universal",
            "--python-version",
            "3.11",
            "--generate-hashes",
            "--no-header",
            "-q",
            "-o",
            out,
            *args,
        )

    compile_lock(DEV_LOCK, "pyproject.toml", "--extra", "dev")
    compile_lock(LOCK, "pyproject.toml", "--constraint", DEV_LOCK)
    # The hub's runtime packages and its build backend (a server builds the wheel with pip
    # --no-build-isolation from this lock alone), from packaging/hub/pyproject.toml.
    import tomllib

    backend = tomllib.loads((HUB / "pyproject.toml").read_text())["build-system"]["requires"]
    build = HUB / "build-backend.in"  # a fixed name: the lock's comments name the file
    build.write_text("\n".join(backend) + "\n")
    try:
        compile_lock(HUB_LOCK, HUB / "pyproject.toml", build, "--constraint", DEV_LOCK)
    finally:
        build.unlink()


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "bench": cmd_bench,
    "bundle": cmd_bundle,
    "lock": cmd_lock,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    try:
        COMMANDS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
