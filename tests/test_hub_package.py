"""The county hub's own distribution (`packaging/hub/pyproject.toml`): built as a wheel, it
holds the hub and every station module the hub imports, and nothing of the window or Qt."""

import os
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# The station program's self-test helper: it ships inside the hub package but is only ever
# imported by the station (it needs keyring).
STATION_ONLY = "hub/selfcheck.py"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out,
                    ROOT / "packaging" / "hub"], check=True, timeout=300)
    (built,) = out.glob("counterapp_hub-*.whl")
    return built


@pytest.mark.slow
def test_the_hub_wheel_holds_no_window_and_needs_no_qt(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    top_levels = {name.split("/")[0] for name in names if not name.endswith(".dist-info")}
    assert {"hub", "counterapp", "db"} <= top_levels
    assert not top_levels & {"ui", "main.py", "resources"}
    assert "hub/migrations/0001_hub.sql" in names
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    assert "fastapi" in requires and "uvicorn" in requires and "psycopg" in requires
    assert "PySide6" not in requires


@pytest.mark.slow
def test_every_hub_module_imports_from_the_wheel_alone(wheel, tmp_path):
    """Only the unpacked wheel and the installed third-party packages are on the path: `-S`
    skips the .pth files, so the checkout's editable install cannot fill in a shared module
    left out of the wheel."""
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
        modules = [name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
                   for name in archive.namelist()
                   if name.startswith("hub/") and name.endswith(".py") and name != STATION_ONLY]
    check = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"assert importlib.import_module('counterapp').__file__.startswith({str(unpacked)!r})\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'ui')]\n"
        "from hub.admin import main\n"
        f"main(['--db', 'sqlite:///{tmp_path}/hub.db', 'status'])\n"
    )
    paths = sysconfig.get_paths()
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(unpacked), paths["purelib"], paths["platlib"]])}
    done = subprocess.run([sys.executable, "-S", "-c", check], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "code" in done.stdout  # the (empty) station table's header
