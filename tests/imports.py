"""What a set of modules imports from outside itself, and whether the distribution declares
it: shared by the station's test (tests/test_dependencies.py) and the hub wheel's."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from importlib import metadata

from packaging.utils import canonicalize_name


def imported_top_levels(source: str) -> set[str]:
    """The top-level names of every absolute import in `source`, in functions too."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(sources: Iterable[str], own: set[str]) -> set[str]:
    """The imported top-level names that are neither the standard library nor `own`."""
    imported = set().union(*(imported_top_levels(source) for source in sources))
    return imported - own - set(sys.stdlib_module_names) - {"__future__"}


def undeclared(names: set[str], allowed: set[str]) -> dict[str, list[str]]:
    """Each of `names` that no distribution in `allowed` (canonical names) provides, with the
    distributions that do provide it here (none: not installed at all)."""
    providers = metadata.packages_distributions()
    return {
        name: providers.get(name, [])
        for name in sorted(names)
        if not {canonicalize_name(d) for d in providers.get(name, [])} & allowed
    }
