"""Every Qt import of the GUI goes through this module (Anki's `aqt.qt` pattern).

Keeping Qt in one place means a binding or version change touches one file (a contract in
pyproject.toml, `[tool.importlinter]`, fails the tests when another module imports PySide6).
Names are looked up lazily in QtCore, QtGui and QtWidgets, then in QtPrintSupport, which is
imported only when a printing name is first asked for (see `__getattr__`). Optional Qt modules
that are not part of PySide6-Essentials (QtTextToSpeech lives in Addons) are imported here
too, and are None when absent; QtCharts (Addons, a dependency) is loaded on first use by
`qt_charts()`.

"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import isValid as isValid  # re-exported: is the C++ side of a Qt object alive?

# For type checkers and editors: every name, as a star import gives them. A few names
# (QIntList, qFuzzyCompare…) are in several modules: mypy keeps the first, QtCore's, which is
# also the one `__getattr__` gives.
if TYPE_CHECKING:
    from PySide6.QtCore import *  # noqa: F403
    from PySide6.QtGui import *  # type: ignore[assignment]  # noqa: F403
    from PySide6.QtPrintSupport import *  # type: ignore[assignment]  # noqa: F403
    from PySide6.QtWidgets import *  # type: ignore[assignment]  # noqa: F403

QtTextToSpeech: ModuleType | None
try:  # PySide6-Addons only; the hall display speaks when it is there
    from PySide6 import QtTextToSpeech
except ImportError:  # pragma: no cover - depends on the installed wheels
    QtTextToSpeech = None


def qt_charts() -> ModuleType:
    """QtCharts (PySide6-Addons), imported when the ledger's charts are first drawn: loading
    it (libQt6Charts and its OpenGL libraries) is no cost of the window's start."""
    from PySide6 import QtCharts

    return QtCharts


# PySide's own modules keep whatever PySide decides for them.
PYSIDE_OWN = ("PySide6", "shiboken6", "shibokensupport", "signature_bootstrap")


def _skip_feature_probe() -> None:
    """Spare every later import PySide's `__feature__` probe.

    Once loaded, PySide reads the source of each module that an import statement names for the
    first time (`inspect.getsource`), to learn whether it opted into `from __feature__ import
    snake_case`; the answer is stored in its `pyside_feature_dict` (-1: ignore the module).
    That was ~0.2 ms a module and ~19 ms over this window's start, and left the sources in
    `linecache`. No module of this program uses `__feature__`, so the modules loaded so far
    and this package's own are entered as -1 up front. Where PySide has no such table (another
    version), nothing changes: the probe simply runs.
    """
    table = getattr(sys.modules.get("shibokensupport.feature"), "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    package = Path(__file__).parent
    folders: list[Path] = []
    if package.is_dir():  # not in the bundle, which has no source (and so no probe cost)
        folders = [package, *(d for d in package.iterdir() if (d / "__init__.py").is_file())]
    names = [name for name in sys.modules if not name.startswith(PYSIDE_OWN)]
    for folder in folders:
        prefix = ".".join(folder.relative_to(package.parent).parts)
        names.append(prefix)
        names.extend(
            f"{prefix}.{path.stem}" for path in folder.glob("*.py") if path.stem != "__init__"
        )
    for name in names:
        table.setdefault(name, -1)


_skip_feature_probe()

# QtCore first: asking QtGui for `Qt` builds QtGui's own copy of the Qt namespace (~25 ms).
_MODULES = (QtCore, QtGui, QtWidgets)


def application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    """The running QApplication, or a new one made with `argv`. (`QApplication.instance()` is
    typed as a QCoreApplication: this program makes only QApplications.)"""
    app = QtWidgets.QApplication.instance()
    if app is None:
        return QtWidgets.QApplication(argv or [])
    if not isinstance(app, QtWidgets.QApplication):
        raise TypeError(f"a {type(app).__name__} runs, not a QApplication")
    return app


def __getattr__(name: str) -> Any:
    """`from ui.qt import QLabel` resolves names on first use (PEP 562). A star import would
    make PySide6 6.12 create all of its several hundred lazily-initialised classes at once,
    which costs about half a second of start-up. A Qt name found in none of the three is
    looked for in QtPrintSupport (QPrinter…), imported then: the window's start never loads it,
    and where it cannot load (no libcups) the import error reaches the printing code."""
    if not name.startswith("_"):  # dunder probes (copy, inspect) never load print support
        for module in _MODULES:
            value = getattr(module, name, None)
            if value is not None:
                globals()[name] = value
                return value
        from PySide6 import QtPrintSupport

        value = getattr(QtPrintSupport, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
