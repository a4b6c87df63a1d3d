"""What the bundle leaves out of PyInstaller's collection (used by counterapp.spec).

PyInstaller takes every Qt plugin and translation of the modules used, and on Linux every
system library those plugins need. The counter program needs Chinese only and the Windows,
X11 (xcb) and offscreen platforms; on Linux the libraries that nothing kept needs any more are
dropped after the plugins, and ICU's data is trimmed (`icu_trim`). Each step prints what it
saved. A TOC entry is PyInstaller's (destination, source, typecode).
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path, PurePosixPath

import elf
import icu_trim

Entry = tuple[str, str, str]

QT = PurePosixPath("PySide6/Qt")
QT_TRANSLATIONS_KEPT = ("qt_zh_CN.qm", "qtbase_zh_CN.qm")
# Relative to Qt's plugins folder. Wayland and EGLFS go: on a Wayland desktop Qt falls back to
# X11 (XWayland); the counter PCs run Windows and the tests run offscreen. The GTK theme would
# load the system's GTK against the bundle's own glib/cairo, so Qt's own style is used.
QT_PLUGINS_DROPPED = (
    "egldeviceintegrations/*",
    "wayland-*/*",
    "generic/*",
    "platformthemes/*gtk3*",
    "platforms/*eglfs*",
    "platforms/*linuxfb*",
    "platforms/*minimalegl*",
    "platforms/*vkkhrdisplay*",
    "platforms/*vnc*",
    "platforms/*wayland*",
    "imageformats/*tiff*",
    "imageformats/*webp*",
    "imageformats/*icns*",
    "imageformats/*tga*",
    "imageformats/*wbmp*",
    # PySide6-Addons (installed for QtCharts) brings these two, and with them QtQuick, QtQml,
    # QtPdf, QtNetwork and the virtual keyboard (~25 MB): the program reads PDFs with
    # pypdfium2 and has no on-screen keyboard
    "imageformats/*pdf*",
    "platforminputcontexts/*virtualkeyboard*",
    # The program shows no image files: its pictures (the QR code, pdfium's pages) reach Qt as
    # pixels from Pillow, and Qt reads its own PNG icons without a plugin. Without the SVG
    # plugins libQt6Svg goes too; a Linux desktop's SVG icon theme then gives way to Qt's icons.
    "imageformats/*gif*",
    "imageformats/*ico*",
    "imageformats/*jpeg*",
    "imageformats/*svg*",
    "iconengines/*svg*",
)
# A package pinned in a hashed lock: `name==version \` at the start of a line.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)
# Folders whose libraries are there only because something else needs them (Linux).
DEPENDENCY_FOLDERS = {PurePosixPath("."), PurePosixPath("pillow.libs"), QT / "lib"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dev_only_modules(runtime_lock: Path, own: str) -> list[str]:
    """The top-level modules that only distributions outside `runtime_lock` (and the program's
    own, `own`) provide: the test and build tools .venv holds besides. PyInstaller follows
    optional imports into them (httpcore tries trio, which needs _pytest and hypothesis;
    uvicorn tries wsproto and PyYAML); installed from the runtime lock, the program runs
    without them, and so does the bundle."""
    shipped = {_canonical(name) for name in _PIN.findall(runtime_lock.read_text("utf-8"))}
    shipped.add(_canonical(own))
    return sorted(
        module
        for module, distributions in metadata.packages_distributions().items()
        if module.isidentifier() and not {_canonical(d) for d in distributions} & shipped
    )


def _size_mb(entries: list[Entry]) -> float:
    return (
        sum(Path(src).stat().st_size for _dest, src, kind in entries if kind != "SYMLINK") / 2**20
    )


def _without(entries: list[Entry], drop: Callable[[Entry], bool], step: str) -> list[Entry]:
    dropped = [entry for entry in entries if drop(entry)]
    print(f"bundle trim: {step}: -{_size_mb(dropped):.1f} MB ({len(dropped)} files)", flush=True)
    return [entry for entry in entries if not drop(entry)]


def _in_qt(dest: str, folder: str) -> PurePosixPath | None:
    """`dest` relative to Qt's `folder` ("plugins", "translations"), or None when outside it:
    PySide6/Qt/<folder> on Linux, PySide6/<folder> on Windows."""
    path = PurePosixPath(dest.replace("\\", "/"))
    for base in (QT / folder, QT.parent / folder):
        if path.is_relative_to(base):
            return path.relative_to(base)
    return None


def _unused_translation(entry: Entry) -> bool:
    inside = _in_qt(entry[0], "translations")
    return inside is not None and inside.name not in QT_TRANSLATIONS_KEPT


def _unused_plugin(entry: Entry) -> bool:
    inside = _in_qt(entry[0], "plugins")
    return inside is not None and any(
        fnmatch.fnmatch(inside.as_posix(), pattern) for pattern in QT_PLUGINS_DROPPED
    )


def _is_dependency(dest: str) -> bool:
    path = PurePosixPath(dest)
    return (
        path.parent in DEPENDENCY_FOLDERS
        and not path.name.startswith("libpython")
        and ".cpython-" not in path.name
        and ".abi3." not in path.name
    )


def _needed_closure(binaries: list[Entry]) -> set[str]:
    """Destinations of the dependency libraries reachable (DT_NEEDED) from everything else."""
    by_name = {PurePosixPath(dest).name: (dest, src) for dest, src, _kind in binaries}
    todo = [(dest, src) for dest, src, _kind in binaries if not _is_dependency(dest)]
    reached: set[str] = set()
    while todo:
        _dest, src = todo.pop()
        for name in elf.needed(Path(src)):
            if name in by_name and by_name[name][0] not in reached:
                reached.add(by_name[name][0])
                todo.append(by_name[name])
    return reached


def _trimmed_icu(binaries: list[Entry], workdir: Path) -> list[Entry]:
    icu = [entry for entry in binaries if entry[0].startswith(f"{QT}/lib/libicudata.so.")]
    if not icu:
        return binaries
    dest, src, kind = icu[0]
    trimmed = icu_trim.trim(Path(src), workdir / "icu")
    if trimmed is None:
        return binaries
    return [(dest, str(trimmed), kind) if entry == icu[0] else entry for entry in binaries]


def binaries(entries: list[Entry], workdir: Path) -> list[Entry]:
    """The Analysis binaries without unused Qt plugins; on Linux also without the libraries
    only those needed, and with the trimmed ICU data."""
    entries = _without(entries, _unused_plugin, "Qt plugins of other platforms and formats")
    if sys.platform != "linux":
        return entries
    needed = _needed_closure(entries)
    entries = _without(
        entries,
        lambda e: _is_dependency(e[0]) and e[0] not in needed,
        "libraries nothing kept needs",
    )
    return _trimmed_icu(entries, workdir)


def datas(entries: list[Entry], kept_binaries: list[Entry]) -> list[Entry]:
    """The Analysis datas without other languages' Qt translations, and without symlinks to
    libraries `binaries` dropped."""
    entries = _without(entries, _unused_translation, "Qt translations other than Chinese")
    kept = {dest for dest, _src, _kind in kept_binaries}
    return [entry for entry in entries if entry[2] != "SYMLINK" or entry[1] in kept]
