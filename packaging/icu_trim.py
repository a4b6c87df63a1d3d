"""A smaller ICU data library for the Linux bundle (31 MB → about 8 MB).

Qt on Linux links ICU, and PySide6's `libicudata.so.NN` is one exported symbol, `icudtNN_dat`:
ICU's common data package with every locale of the world. This keeps what a Chinese counter
program can reach through Qt — the root, Chinese and English locale data of every tree
(collation, zones, currencies...), normalisation, properties, the break iterators with the CJK
dictionary, the converter aliases and the Chinese and Windows code pages — drops the rest with
`icupkg` (Debian `icu-devtools`) and rebuilds a library of the same soname exporting the same
symbol (`.incbin` through the system compiler). `probe_matches` then runs `icu_probe.py`
against both libraries; any difference, or a missing tool, keeps the untrimmed library.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import elf

KEEP_LANGUAGES = {"root", "en", "zh"}
KEEP_CONVERTERS = (
    "gb18030",
    "windows-936-2000",
    "ibm-1383_*",
    "ibm-1386_*",
    "ibm-5478_*",  # GB 2312 / GBK
    "windows-950-2000",
    "ibm-950_*",
    "ibm-1373_*",  # Big5
    "ibm-5346_*",
    "ibm-5347_*",
    "ibm-5348_*",  # windows-1250..1252
)
LOCALE = re.compile(r"[a-z]{2,3}(_\w*)*")
PROBE = Path(__file__).with_name("icu_probe.py")
ASSEMBLY = """\
    .section .rodata
    .globl {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{data}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack,"",@progbits
"""


def wanted(item: str) -> bool:
    """Whether an item of the data package (`coll/zh.res`, `gb18030.cnv`...) is kept."""
    tree, _, name = item.rpartition("/")
    stem, _, kind = name.rpartition(".")
    if tree == "translit":  # Qt has no transliteration
        return False
    if kind == "cnv":
        return any(fnmatch.fnmatch(stem, pattern) for pattern in KEEP_CONVERTERS)
    if kind == "dict":  # word-break dictionaries: only the Chinese/Japanese one
        return stem == "cjdict"
    if kind == "res" and stem != "res_index" and LOCALE.fullmatch(stem):
        return stem.split("_")[0] in KEEP_LANGUAGES
    return True  # root, pools, supplemental data, properties, normalisation


def _warn(message: str) -> None:
    print(
        f"WARNING: ICU data not trimmed ({message}); the bundle keeps the full libicudata (31 MB)",
        file=sys.stderr,
        flush=True,
    )


def trim(library: Path, workdir: Path) -> Path | None:
    """A trimmed copy of `library` (libicudata.so.NN) in `workdir`, or None (with a warning)
    when a tool is missing or the probe sees any difference."""
    icupkg, compiler = shutil.which("icupkg"), shutil.which("gcc") or shutil.which("cc")
    if not icupkg or not compiler:
        _warn("icupkg from icu-devtools, or gcc, is missing")
        return None
    version = library.name.split(".so.")[1]
    symbol = f"icudt{version}_dat"
    workdir.mkdir(parents=True, exist_ok=True)
    full = workdir / "full" / f"icudt{version}l.dat"
    small = workdir / f"icudt{version}l.dat"
    full.parent.mkdir(exist_ok=True)
    full.write_bytes(elf.exported_data(library, symbol))
    items = subprocess.run(
        [icupkg, "-l", full], check=True, capture_output=True, text=True
    ).stdout.split()
    unwanted = workdir / "remove.txt"
    unwanted.write_text("".join(f"{item}\n" for item in items if not wanted(item)))
    small.unlink(missing_ok=True)
    # --ignore-deps: brkitr/root.res names the Thai, Lao, Khmer and Burmese dictionaries, which
    # ICU opens only for text in those scripts (and does without when they are missing).
    subprocess.run(
        [icupkg, "--ignore-deps", "-r", unwanted, full, small], check=True, capture_output=True
    )
    source = workdir / "icudata.S"
    source.write_text(ASSEMBLY.format(symbol=symbol, data=small))
    trimmed = workdir / "lib" / library.name
    trimmed.parent.mkdir(exist_ok=True)
    subprocess.run(
        [compiler, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", trimmed, source],
        check=True,
    )
    if not probe_matches(trimmed):
        _warn("Qt behaves differently with the trimmed data")
        return None
    print(
        f"bundle trim: ICU data {library.stat().st_size / 2**20:.1f} MB → "
        f"{trimmed.stat().st_size / 2**20:.1f} MB",
        flush=True,
    )
    return trimmed


def _probe(preload: Path | None) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LD_PRELOAD", None)
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    return subprocess.run(
        [sys.executable, PROBE], check=True, capture_output=True, text=True, env=env
    ).stdout


def probe_matches(trimmed: Path) -> bool:
    """Qt gives the same collation, conversions, zone names and line breaks with `trimmed`."""
    full, small = _probe(None), _probe(trimmed)
    if full != small:
        print(f"ICU probe, full data:\n{full}\ntrimmed data:\n{small}", file=sys.stderr)
    return full == small
