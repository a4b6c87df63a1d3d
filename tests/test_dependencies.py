"""Dependencies declared honestly. Every third-party package the station program imports, at
module level or inside a function (the queue host's FastAPI and uvicorn, Pillow for the QR
image…), is a runtime dependency in pyproject.toml, so `pip install .` gives a whole station.
The locks pin every package with hashes, and ship the versions the tests ran."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.imports import third_party, undeclared
from tests.locks import DEV_LOCK, ROOT, RUNTIME_LOCK, disagreements, pins, pyproject, unsatisfied

STATION_PACKAGES = ("counterapp", "db", "ui", "resources")
# The station's own top-level names; selftest_hub is the checkout's sync round, which main.py
# plugs in only where the hub is installed (never in the station's distribution).
OWN = {*STATION_PACKAGES, "main", "selftest_hub"}


def station_sources() -> list[str]:
    files = [path for package in STATION_PACKAGES for path in (ROOT / package).rglob("*.py")]
    return [path.read_text(encoding="utf-8") for path in [*files, ROOT / "main.py"]]


def runtime_requirements() -> list[str]:
    return pyproject(ROOT / "pyproject.toml")["project"]["dependencies"]


def declared_runtime() -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in runtime_requirements()}


def test_every_third_party_import_of_the_station_is_a_runtime_dependency():
    missing = undeclared(third_party(station_sources(), OWN), declared_runtime())
    assert not missing, f"imported by the station but not in [project.dependencies]: {missing}"


def test_an_undeclared_import_is_found_even_inside_a_function():
    """zxing-cpp is a development package (the tests read QR codes with it)."""
    sources = [*station_sources(), "def read_qr():\n    import zxingcpp\n"]
    assert undeclared(third_party(sources, OWN), declared_runtime()) == {"zxingcpp": ["zxing-cpp"]}


def test_the_runtime_lock_pins_the_runtime_dependencies_at_the_tested_versions():
    assert unsatisfied(runtime_requirements(), RUNTIME_LOCK) == []
    assert disagreements(RUNTIME_LOCK) == {}
    assert not {"pytest", "ruff", "pyinstaller"} & set(pins(RUNTIME_LOCK))  # runtime only


def test_the_dev_lock_pins_the_runtime_and_dev_dependencies():
    dev = pyproject(ROOT / "pyproject.toml")["project"]["optional-dependencies"]["dev"]
    assert unsatisfied([*runtime_requirements(), *dev], DEV_LOCK) == []


def test_a_lock_without_a_hash_or_at_another_version_is_caught(tmp_path: Path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "qrcode==1.0 \\\n    --hash=sha256:00\n    # via counterapp\nsqlite-utils==3.38\n"
    )
    with pytest.raises(AssertionError, match=r"sqlite-utils==3\.38 has no hash"):
        pins(lock)
    lock.write_text("qrcode==1.0 \\\n    --hash=sha256:00\n")
    assert "qrcode" in disagreements(lock)
    assert unsatisfied(["qrcode>=8.0"], lock) == ["qrcode>=8.0"]
