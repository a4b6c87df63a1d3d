"""What the bundle leaves out (`packaging/bundle_trim.py`, `packaging/icu_trim.py`)."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import bundle_trim  # noqa: E402
import elf  # noqa: E402
import icu_trim  # noqa: E402

sys.path.remove(str(ROOT / "packaging"))
PYSIDE = Path(__import__("PySide6").__file__).parent


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("root.res", True),
        ("zh_Hans_CN.res", True),
        ("en_US_POSIX.res", True),
        ("pool.res", True),
        ("res_index.res", True),
        ("supplementalData.res", True),
        ("coll/zh.res", True),
        ("coll/de__PHONEBOOK.res", False),
        ("coll/ucadata.icu", True),
        ("brkitr/cjdict.dict", True),
        ("brkitr/thaidict.dict", False),
        ("brkitr/line.brk", True),
        ("zone/fr_CA.res", False),
        ("zone/zh_Hant.res", True),
        ("translit/root.res", False),
        ("gb18030.cnv", True),
        ("windows-936-2000.cnv", True),
        ("ibm-37_P100-1995.cnv", False),
        ("cnvalias.icu", True),
        ("nfkc.nrm", True),
    ],
)
def test_icu_keeps_chinese_english_and_the_shared_data(item, kept):
    assert icu_trim.wanted(item) is kept


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", False),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6\\translations\\qt_zh_CN.qm", False),  # Windows layout
        ("PySide6\\translations\\qt_help_ja.qm", True),
        ("resources/catalogue/items/yb01.toml", False),
    ],
)
def test_only_chinese_qt_translations_stay(dest, dropped):
    assert bundle_trim._unused_translation((dest, "", "DATA")) is dropped


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", False),
        ("PySide6\\plugins\\imageformats\\qwebp.dll", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6\\plugins\\imageformats\\qico.dll", True),
    ],
)
def test_plugins_of_other_platforms_go_and_input_methods_stay(dest, dropped):
    assert bundle_trim._unused_plugin((dest, "", "BINARY")) is dropped


def test_only_the_runtime_locks_packages_and_the_program_ship(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "pillow==12.0 \\\n    --hash=sha256:00\n    # via\n    #   qrcode\n"
        "Jaraco.Context==6.0 \\\n    --hash=sha256:00\n"
    )
    left_out = bundle_trim.dev_only_modules(lock, own="counterapp")
    assert {"hypothesis", "_pytest", "trio", "PyInstaller"} <= set(left_out)
    assert not {"PIL", "jaraco", "counterapp", "ui", "db"} & set(left_out)


@pytest.mark.skipif(sys.platform != "linux", reason="ELF libraries")
def test_a_library_only_a_dropped_plugin_needed_is_pruned():
    lib = PYSIDE / "Qt" / "lib"
    libraries = [
        "libQt6Core.so.6",
        "libQt6Network.so.6",
        *(path.name for path in lib.glob("libicu*.so.*")),
    ]
    binaries = [
        ("PySide6/QtCore.abi3.so", str(PYSIDE / "QtCore.abi3.so"), "EXTENSION"),
        *((f"PySide6/Qt/lib/{name}", str(lib / name), "BINARY") for name in libraries),
    ]
    needed = bundle_trim._needed_closure(binaries)
    icudata = next(name for name in libraries if name.startswith("libicudata"))
    assert "PySide6/Qt/lib/libQt6Core.so.6" in needed
    assert f"PySide6/Qt/lib/{icudata}" in needed  # through libQt6Core and libicuuc
    assert "PySide6/Qt/lib/libQt6Network.so.6" not in needed
    assert icudata in elf.needed(lib / "libQt6Core.so.6")


@pytest.mark.skipif(
    sys.platform != "linux" or not shutil.which("icupkg") or not shutil.which("gcc"),
    reason="needs icupkg (icu-devtools) and gcc",
)
def test_trimmed_icu_library_is_small_and_qt_behaves_the_same(tmp_path):
    (library,) = (PYSIDE / "Qt" / "lib").glob("libicudata.so.*")
    trimmed = icu_trim.trim(library, tmp_path)  # None if the probe saw any difference
    assert trimmed is not None
    assert trimmed.stat().st_size < library.stat().st_size / 3
    symbol = f"icudt{library.name.split('.so.')[1]}_dat"  # same symbol, same package header
    assert elf.exported_data(trimmed, symbol)[:16] == elf.exported_data(library, symbol)[:16]
