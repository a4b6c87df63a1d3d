"""Every Qt import of the GUI goes through this module (Anki's `aqt.qt` pattern).

Keeping Qt in one place means a binding or version change touches one file. Names are looked
up lazily in QtWidgets, QtGui and QtCore (see `__getattr__`). Optional Qt
modules that are not part of PySide6-Essentials (QtTextToSpeech lives in Addons) are imported
here too, and are None when absent.

"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

if TYPE_CHECKING:  # for type checkers and editors: every name, as a star import gives them
    from PySide6.QtCore import *  # noqa: F403
    from PySide6.QtGui import *  # noqa: F403
    from PySide6.QtWidgets import *  # noqa: F403

QtTextToSpeech: ModuleType | None
try:  # PySide6-Addons only; the hall display speaks when it is there
    from PySide6 import QtTextToSpeech
except ImportError:  # pragma: no cover - depends on the installed wheels
    QtTextToSpeech = None

# QtCore first: asking QtGui for `Qt` builds QtGui's own copy of the Qt namespace (~25 ms).
_MODULES = (QtCore, QtGui, QtWidgets)


def __getattr__(name: str) -> Any:
    """`from ui.qt import QLabel` resolves names on first use (PEP 562). A star import would
    make PySide6 6.12 create all of its several hundred lazily-initialised classes at once,
    which costs about half a second of start-up."""
    for module in _MODULES:
        value = getattr(module, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
