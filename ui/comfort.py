"""Look and comfort: one CJK font, readable sizes on an old 1366×768 screen, and the
large-font mode for older clerks and citizens (适老化), switched at run time.

There is deliberately no application-wide style sheet: in Qt any app style sheet routes every
widget through QStyleSheetStyle, which tripled the main window's construction time (≈100 →
≈300 ms). The few widgets that need a bigger or coloured font say so with `style()`, which
sizes them from the current base point size and re-sizes them when the mode changes; coloured
notes use the palette (`set_kind`).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from ui.qt import (
    QApplication,
    QColor,
    QFont,
    QFontDatabase,
    QLabel,
    QLibraryInfo,
    QPalette,
    QTranslator,
    QWidget,
)

NORMAL_POINTS = 11
LARGE_POINTS = 14
LARGE_FONT_SETTING = "large_font"
# Preferred families, first found wins (Windows, then the Debian packages used in tests).
FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimHei",
)
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)
KIND_COLOURS = {"error": "#c62828", "ok": "#2e7d32", "warn": "#b35c00"}

_styled: weakref.WeakKeyDictionary[QWidget, tuple[float, bool, str, str]] = (
    weakref.WeakKeyDictionary()
)


def load_cjk_font() -> str | None:
    """The family the window uses; loads a font file when no known family is installed."""
    known = set(QFontDatabase.families())
    for family in FAMILIES:
        if family in known:
            return family
    for path in FONT_FILES:
        if Path(path).exists():
            font_id = QFontDatabase.addApplicationFont(path)
            loaded = QFontDatabase.applicationFontFamilies(font_id)
            if loaded:
                return loaded[0]
    return None


def install_chinese_qt_texts(app: QApplication) -> QTranslator | None:
    """Qt's own texts (standard buttons, a line edit's context menu) in Chinese, from Qt's
    translations folder (the bundle keeps only the Chinese files); None if not found."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder) and app.installTranslator(translator):
        return translator
    return None


def base_points() -> int:
    app = QApplication.instance()
    return LARGE_POINTS if isinstance(app, QApplication) and is_large(app) else NORMAL_POINTS


def style(
    widget: QWidget, scale: float = 1.0, bold: bool = False, colour: str = "", extra: str = ""
) -> QWidget:
    """Give one widget a font `scale` times the base size (kept in step with the mode)."""
    _styled[widget] = (scale, bold, colour, extra)
    _apply_style(widget, base_points())
    return widget


def _apply_style(widget: QWidget, points: int) -> None:
    scale, bold, colour, extra = _styled[widget]
    sheet = f"font-size:{round(points * scale)}pt;"
    if bold:
        sheet += "font-weight:bold;"
    if colour:
        sheet += f"color:{colour};"
    widget.setStyleSheet(sheet + extra)


def set_kind(label: QLabel, kind: str) -> None:
    """Colour a note: '' (normal), 'error', 'ok' or 'warn' — the text says it too."""
    label.setProperty("kind", kind)
    palette = label.palette()
    app = QApplication.instance()
    default = (
        app.palette().color(QPalette.ColorRole.WindowText)
        if isinstance(app, QApplication)
        else QColor("black")
    )
    palette.setColor(QPalette.ColorRole.WindowText, QColor(KIND_COLOURS.get(kind, default)))
    label.setPalette(palette)


def apply(app: QApplication, large: bool, family: str | None = None) -> None:
    """Set the application font; every widget without its own font follows it."""
    points = LARGE_POINTS if large else NORMAL_POINTS
    font = QFont(app.font())
    if family:
        font.setFamily(family)
    font.setPointSize(points)
    app.setFont(font)
    app.setProperty("large_font", large)
    for widget in list(_styled.keys()):
        try:
            _apply_style(widget, points)
        except RuntimeError:  # its C++ side is gone
            _styled.pop(widget, None)
    # A widget with a style sheet of its own (a colour, a background) keeps the font it was
    # polished with, and so do its children: polish it again (the step bar, the timer).
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet and widget not in _styled:
            widget.setStyleSheet(sheet)


def is_large(app: QApplication) -> bool:
    return bool(app.property("large_font"))
