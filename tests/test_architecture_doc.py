"""docs/architecture.md names every module of the shipped packages, and only files that exist.

A module is named by its path in backticks (`counterapp/lan_queue/gate.py`); a package's
`__init__.py` by its folder (`counterapp/lan_queue/`). Any backticked `….py` path with a folder
in it must exist from the repository's root (a glob such as `hub/web/pages/*.py` must match).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PACKAGES = ("counterapp", "db", "ui", "hub")


def backticked(text: str) -> set[str]:
    """The spans in single backticks, fenced blocks left out (their backticks are not pairs)."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return set(re.findall(r"`([^`\n]+)`", text))


def modules() -> list[Path]:
    """Every module file of the shipped packages; an empty `__init__.py` holds nothing to name."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip():
                continue
            found.append(path.relative_to(ROOT))
    return found


def named(module: Path, spans: set[str]) -> bool:
    if module.name == "__init__.py":
        return f"{module.parent.as_posix()}/" in spans or module.as_posix() in spans
    return module.as_posix() in spans


def test_every_module_is_named() -> None:
    spans = backticked(DOC.read_text(encoding="utf-8"))
    missing = [m.as_posix() for m in modules() if not named(m, spans)]
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_every_named_path_exists() -> None:
    spans = backticked(DOC.read_text(encoding="utf-8"))
    paths = {s.split(":")[0] for s in spans if re.fullmatch(r"[\w./*-]+/[\w*-]+\.py(:.*)?", s)}
    assert paths, "the document names no path: the pattern above is wrong"
    absent = sorted(p for p in paths if not any(ROOT.glob(p)))
    assert not absent, f"docs/architecture.md names files that do not exist: {absent}"


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The two rules catch what they are for: a module left out, a path gone."""
    spans = {"counterapp/queue.py", "counterapp/lan_queue/"}
    assert named(Path("counterapp/queue.py"), spans)
    assert not named(Path("counterapp/cases.py"), spans)
    assert named(Path("counterapp/lan_queue/__init__.py"), spans)
    assert not named(Path("counterapp/slips/__init__.py"), spans)
    assert backticked("``` `a.py` ```\n`b/c.py`") == {"b/c.py"}
    assert not any(ROOT.glob("counterapp/no_such_module.py"))
