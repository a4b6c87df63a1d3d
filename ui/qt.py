"""Every Qt import of the GUI goes through this module (Anki's `aqt.qt` pattern).

Keeping Qt in one place means a binding or version change touches one file. Names are looked
up lazily in QtWidgets, QtGui and QtCore (see `__getattr__`). Optional Qt
modules that are not part of PySide6-Essentials (QtTextToSpeech lives in Addons) are imported
here too, and are None when absent.

PySide6 6.12.0 workaround. Its abi3 wheel returns `None` from every void method, and `True`
from `SignalInstance.emit()`/`.disconnect()`, without taking a reference — harmless on
Python 3.12+, where those objects are immortal, but on Python 3.11 each call drops one
reference and after some thousands of calls the interpreter aborts ("none_dealloc" /
"bool_dealloc"; measured: 6.11.2 is not affected). `guard_singletons()` probes for the bug
once and, only when it is present, gives None, True and False a reserve of references, which
is what Python 3.12 does for them. Remove it once PySide6 is fixed or Python ≥ 3.12 is required.
"""

from __future__ import annotations

import ctypes
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # for type checkers and editors: every name, as a star import gives them
    from PySide6.QtCore import *  # noqa: F403
    from PySide6.QtGui import *  # noqa: F403
    from PySide6.QtWidgets import *  # noqa: F403

QtTextToSpeech: ModuleType | None
try:  # PySide6-Addons only; the hall display speaks when it is there
    from PySide6 import QtTextToSpeech
except ImportError:  # pragma: no cover - depends on the installed wheels
    QtTextToSpeech = None

_MODULES = (QtWidgets, QtGui, QtCore)


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

RESERVE = 1 << 40


class _Probe(QObject):
    ping = Signal()


def drops_singleton_references() -> bool:
    """Whether calling PySide6 loses references to None or True (PySide6 6.12.0)."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
        probe.ping.emit()
    return sys.getrefcount(None) < none_before or sys.getrefcount(True) < true_before


def guard_singletons() -> bool:
    """Apply the workaround when needed; True when it was applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not drops_singleton_references():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    return True


SINGLETONS_GUARDED = guard_singletons()
