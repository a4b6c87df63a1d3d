"""CJK fonts for slips: found once per process, embedded as subsets, with per-character fallback.

reportlab embeds TrueType outlines only (.ttf/.ttc); Noto CJK (CFF outlines) is rejected and the
built-in `STSong-Light` is never embedded (blank on printers without the Adobe CJK pack), so
neither is used. The primary font is the first one found of:

    SimSun (simsun.ttc) · Microsoft YaHei (msyh.ttc) · WenQuanYi Zen Hei · AR PL UMing ·
    WenQuanYi Micro Hei

in the directory named by ``COUNTERAPP_SLIP_FONT_DIR``, then ``counterapp/slips/fonts/``
(for a frozen build that bundles a font), then the system font folders.

Names may hold characters the primary font lacks (e.g. 𠮷, U+20BB7, not in WenQuanYi or in
SimSun). Each such character is set in the first fallback font that has it: SimSun-ExtB
(simsunb.ttf, shipped with Windows), HanaMinA / HanaMinB (Debian ``fonts-hanazono``, free
licence or SIL OFL 1.1), then any other primary candidate present. Fallback fonts are loaded
only when a character needs one (each costs ~0.2 s to parse).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from counterapp.slips.errors import FontUnavailable


class FontCandidate(NamedTuple):
    name: str  # the name registered with reportlab
    files: tuple[str, ...]  # file names to look for, in order
    subfont_index: int = 0  # the face inside a .ttc


PRIMARY = (
    FontCandidate("SimSun", ("simsun.ttc", "SimSun.ttc", "simsun.ttf")),
    FontCandidate("MicrosoftYaHei", ("msyh.ttc", "msyh.ttf", "Microsoft YaHei.ttf")),
    FontCandidate("WenQuanYiZenHei", ("wqy-zenhei.ttc",)),
    FontCandidate("ARPLUMing", ("uming.ttc",)),
    FontCandidate("WenQuanYiMicroHei", ("wqy-microhei.ttc",)),
)
# For characters the primary font lacks (rare name characters, CJK extensions B and later).
FALLBACK = (
    FontCandidate("SimSunExtB", ("simsunb.ttf", "SimSun-ExtB.ttf")),
    FontCandidate("HanaMinA", ("HanaMinA.ttf",)),
    FontCandidate("HanaMinB", ("HanaMinB.ttf",)),
    *PRIMARY,
)


def font_dirs() -> list[Path]:
    """Where fonts are searched, in order."""
    dirs: list[Path] = []
    override = os.environ.get("COUNTERAPP_SLIP_FONT_DIR")
    if override:
        dirs += [Path(part) for part in override.split(os.pathsep) if part]
    dirs.append(Path(__file__).with_name("fonts"))
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller build
    if bundle:
        dirs.append(Path(bundle) / "fonts")
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    else:
        dirs += [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
    return dirs


def _index_files(dirs: list[Path]) -> dict[str, Path]:
    """Lower-cased file name → first path found (system folders have subfolders)."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".ttc"):
                found.setdefault(path.name.lower(), path)
    return found


def _locate(candidate: FontCandidate, files: dict[str, Path]) -> Path | None:
    for name in candidate.files:
        path = files.get(name.lower())
        if path is not None:
            return path
    return None


@cache
def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with UTF-16 targets.

    reportlab writes each target as ``%04X``, which gives five hex digits for a character
    outside the BMP (𠮷 → <20BB7>), so text extraction and copy/paste get a wrong character.
    PDF wants UTF-16BE, i.e. a surrogate pair (<D842DFB7>).
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{index:02X}> <{_utf16_hex(code)}>" for index, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # reportlab looks the helper up at save time


def _cache_tables(face: TTFontFace) -> None:
    """Keep the font tables a subset is made from instead of copying them for every PDF.

    reportlab's `get_table` slices the table out of the font file each time; for the glyph
    table of a CJK font that is a copy of 10–20 MB per subset (~8 ms per slip).
    """
    if "get_table" in vars(face):  # cached already
        return
    tables: dict[str, bytes] = {}
    read: Callable[[str], bytes] = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = read(tag)
        return data

    # this one face's reader, on purpose: reportlab calls `face.get_table`
    face.get_table = get_table  # type: ignore[method-assign]


class SlipFonts:
    """The primary font and lazily loaded fallbacks, registered with reportlab once."""

    def __init__(self, dirs: list[Path] | None = None) -> None:
        self._files = _index_files(dirs if dirs is not None else font_dirs())
        self._lock = threading.Lock()
        self._faces: dict[str, TTFontFace | None] = {}
        self._char_font: dict[str, str] = {}
        primary = next(((c, p) for c in PRIMARY if (p := _locate(c, self._files))), None)
        if primary is None:
            raise FontUnavailable(
                "未找到可嵌入的中文字体（宋体 simsun.ttc、微软雅黑 msyh.ttc 或文泉驿正黑 "
                "wqy-zenhei.ttc），无法生成打印单据。请安装上述任一字体后重试。"
            )
        self.primary: str = primary[0].name
        self.primary_path: Path = primary[1]
        self._register(primary[0], primary[1])

    def _register(self, candidate: FontCandidate, path: Path) -> TTFontFace:
        if candidate.name not in pdfmetrics.getRegisteredFontNames():
            font = TTFont(candidate.name, str(path), subfontIndex=candidate.subfont_index)
            pdfmetrics.registerFont(font)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(candidate.name, bold, italic, candidate.name)
        registered = pdfmetrics.getFont(candidate.name)
        if not isinstance(registered, TTFont):  # the name taken by a Type 1 font
            raise FontUnavailable(f"字体名 {candidate.name} 已被占用，无法嵌入打印单据")
        face = registered.face
        _cache_tables(face)
        self._faces[candidate.name] = face
        return face

    def _face(self, candidate: FontCandidate) -> TTFontFace | None:
        if candidate.name not in self._faces:
            path = _locate(candidate, self._files)
            self._faces[candidate.name] = None if path is None else self._register(candidate, path)
        return self._faces[candidate.name]

    def has_glyph(self, font_name: str, char: str) -> bool:
        face = self._faces.get(font_name)
        return face is not None and ord(char) in face.charToGlyph

    def font_for(self, char: str) -> str:
        """The font a character is set in: the primary one if it has the glyph."""
        cached = self._char_font.get(char)
        if cached is not None:
            return cached
        with self._lock:
            chosen = self.primary
            if not self.has_glyph(self.primary, char) and not char.isspace():
                for candidate in FALLBACK:
                    face = self._face(candidate)
                    if face is not None and ord(char) in face.charToGlyph:
                        chosen = candidate.name
                        break
            self._char_font[char] = chosen
        return chosen

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split text into (font name, run) pieces, each run set in one font."""
        pieces: list[tuple[str, str]] = []
        for char in text:
            font = self.font_for(char)
            if pieces and pieces[-1][0] == font:
                pieces[-1] = (font, pieces[-1][1] + char)
            else:
                pieces.append((font, char))
        return pieces

    def markup(self, text: str) -> str:
        """Escaped paragraph markup; runs the primary font lacks get a <font> tag."""
        if text.isascii():
            return escape(text)
        return "".join(
            escape(run) if font == self.primary else f'<font name="{font}">{escape(run)}</font>'
            for font, run in self.runs(text)
        )

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(run, font, size) for font, run in self.runs(text))


_shared: SlipFonts | None = None
_shared_lock = threading.Lock()


def slip_fonts() -> SlipFonts:
    """The process-wide fonts (the primary font is parsed on the first call: 0.1–0.2 s)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = SlipFonts()
    return _shared


def preload(text: str = "𠮷") -> None:
    """Load the primary font and the fallbacks `text` needs, e.g. from a start-up thread."""
    fonts = slip_fonts()
    for char in text:
        fonts.font_for(char)
