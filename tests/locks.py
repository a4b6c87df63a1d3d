"""Reading the hashed lock files that `python3 dev.py lock` writes (uv pip compile
--generate-hashes): shared by tests/test_dependencies.py and tests/test_hub_package.py."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
HUB_LOCK = ROOT / "packaging" / "hub" / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, set[str]]:
    """Canonical name → pinned versions (a universal lock may pin two, under markers). Every
    pin must carry at least one hash, or `pip install --require-hashes` refuses the file."""
    found: dict[str, set[str]] = {}
    blocks = re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8"))
    for block in blocks:
        match = _PIN.match(block)
        if match is None:
            continue
        assert "--hash=sha256:" in block, f"{lock.name}: {match.group(0)} has no hash"
        found.setdefault(canonicalize_name(match.group(1)), set()).add(match.group(2))
    return found


def unsatisfied(requirements: list[str], lock: Path) -> list[str]:
    """The requirements (PEP 508 strings) that no version pinned in `lock` satisfies."""
    pinned = pins(lock)
    missing = []
    for text in requirements:
        requirement = Requirement(text)
        versions = pinned.get(canonicalize_name(requirement.name), set())
        if not any(requirement.specifier.contains(v, prereleases=True) for v in versions):
            missing.append(text)
    return missing


def disagreements(lock: Path, reference: Path = DEV_LOCK) -> dict[str, tuple[set[str], set[str]]]:
    """Packages pinned in `lock` at other versions than in `reference` (or not there at all):
    the versions shipped must be the versions the tests ran."""
    tested = pins(reference)
    return {
        name: (versions, tested.get(name, set()))
        for name, versions in pins(lock).items()
        if not versions <= tested.get(name, set())
    }


def pyproject(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))
