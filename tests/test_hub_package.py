"""The county hub's own distribution (`packaging/hub/pyproject.toml`): built as a wheel, it
holds the hub and every station module the hub imports, and nothing of the window or Qt."""

import os
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as canonical_name

from tests.imports import third_party, undeclared
from tests.locks import HUB_LOCK, disagreements, pins, pyproject, unsatisfied

ROOT = Path(__file__).parent.parent


def test_the_hub_lock_pins_its_packages_and_build_backend_at_the_tested_versions():
    """packaging/hub/requirements.lock (hashed) installs a server and builds the wheel there
    with nothing else downloaded; its versions are those the tests ran (the dev lock), and the
    wheel below is built by the very hatchling it pins."""
    config = pyproject(ROOT / "packaging" / "hub" / "pyproject.toml")
    needed = [*config["project"]["dependencies"], *config["build-system"]["requires"]]
    assert unsatisfied(needed, HUB_LOCK) == []
    assert disagreements(HUB_LOCK) == {}
    assert metadata.version("hatchling") in pins(HUB_LOCK)["hatchling"]


def test_the_hub_reaches_only_the_station_modules_its_wheel_carries():
    """Statically, function-level imports and imports through another module included: the
    core and store modules the hub reaches are those `packaging/hub/pyproject.toml` puts in
    the wheel; the rest of the core (the app, cases, queue, slips, sync client…) is the
    station's. A new shared module is added to that list on purpose, never by accident."""
    import grimp

    config = pyproject(ROOT / "packaging" / "hub" / "pyproject.toml")
    carried = {
        source.removeprefix("../../")
        .removesuffix(".py")
        .removesuffix("/__init__")
        .replace("/", ".")
        for source in config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    }
    graph = grimp.build_graph("hub", "counterapp", "db", cache_dir=None)
    reached = {
        module
        for module in graph.find_upstream_modules("hub", as_package=True)
        if module.split(".")[0] in ("counterapp", "db")
    }
    assert reached, "the hub shares the wire format with the station"
    assert not reached - carried, f"the hub reaches station-only modules: {reached - carried}"


def test_the_wheel_carries_the_javascript_the_hub_serves():
    """The npm files the hub serves (`hub.web.assets.VENDOR`) are those the wheel's build
    copies in from packaging/hub/node_modules, under the same names."""
    from hub.web import assets

    config = pyproject(ROOT / "packaging" / "hub" / "pyproject.toml")
    copied = {
        target.removeprefix("hub/web/vendor/"): source.removeprefix("node_modules/")
        for source, target in config["tool"]["hatch"]["build"]["targets"]["wheel"][
            "force-include"
        ].items()
        if target.startswith("hub/web/vendor/")
    }
    assert copied == assets.VENDOR


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built by the locked hatchling (requirements-dev.lock, as packaging/hub/requirements.lock
    # pins it for a server): nothing is downloaded.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            out,
            ROOT / "packaging" / "hub",
        ],
        check=True,
        timeout=300,
    )
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
    assert {
        "hub/web/templates/base.html",
        "hub/web/static/app.js",
        "hub/web/vendor/htmx.min.js",
        "hub/web/vendor/echarts.min.js",
        "hub/web/vendor/echarts.LICENSE",
    } <= set(names)
    assert not [name for name in names if "node_modules" in name]
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
        modules = [
            name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            for name in archive.namelist()
            if name.startswith("hub/") and name.endswith(".py")
        ]
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
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(unpacked), paths["purelib"], paths["platlib"]]),
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", check],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "code" in done.stdout  # the (empty) station table's header


def _with_dependencies(names: set[str]) -> set[str]:
    """The distributions named and everything they require, as installed here."""
    found: set[str] = set()
    pending = [canonical_name(name) for name in names]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)  # only what this Python installs, extras aside
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(canonical_name(requirement.name))
    return found


@pytest.mark.slow
def test_every_third_party_import_in_the_wheel_is_a_declared_dependency(wheel):
    """The import test above runs with this checkout's packages installed, so it cannot see
    a third-party package the hub uses but the wheel does not declare: this one does."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        declared = [
            Requirement(r).name
            for r in Parser()
            .parsestr(archive.read(metadata_name).decode())
            .get_all("Requires-Dist")
            or []
        ]
        sources = [archive.read(name).decode() for name in names if name.endswith(".py")]
    own = {name.split("/")[0] for name in names if "/" in name}
    missing = undeclared(third_party(sources, own), _with_dependencies(set(declared)))
    assert not missing, f"imported by the hub wheel but not declared: {missing}"
