"""What Qt does with ICU data, printed as text: `icu_trim` runs it with the full and the
trimmed `libicudata` (LD_PRELOAD) and keeps the trimmed one only if both print the same.

Collation (the pinyin order of Chinese names), the code pages Qt can open, time-zone names and the
line breaking of Chinese text in a QTextLayout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCollator, QLocale, QStringEncoder, QTimeZone
from PySide6.QtGui import QFont, QGuiApplication, QTextLayout, QTextOption

NAMES = ["张伟", "李娜", "王芳", "阿依古丽", "赵丽", "欧阳修", "Zhou", "刘洋", "陈静", "𠮷田"]
TEXT = (
    "异地就医备案（长期居住、常驻工作）需提交身份证件和《异地就医备案表》，"
    "材料不全的，一次性告知需补正的全部内容。Medical insurance counter, 医保综合柜员 v1.0。"
)


def loaded_icudata() -> str:
    maps = Path("/proc/self/maps").read_text()
    return next((line.split()[-1] for line in maps.splitlines() if "libicudata" in line), "")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    preload = os.environ.get("LD_PRELOAD")
    if preload and Path(loaded_icudata()).resolve() != Path(preload).resolve():
        print(f"the preloaded library is not the one in use: {loaded_icudata()}")
        return 1
    for locale in ("zh_CN", "en_US"):
        collator = QCollator(QLocale(locale))
        print(f"collation {locale}:", " ".join(sorted(NAMES, key=collator.sortKey)))
    codecs = ("GB18030", "GBK", "GB2312", "Big5", "windows-1252", "UTF-16LE", "ISO-8859-1")
    print("codecs:", " ".join(f"{name}={QStringEncoder(name).isValid()}" for name in codecs))
    zone = QTimeZone(b"Asia/Shanghai")
    for locale in ("zh_CN", "en_US"):
        print(
            f"zone {locale}:",
            zone.displayName(
                QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(locale)
            ),
        )
    layout = QTextLayout(TEXT, QFont("WenQuanYi Zen Hei", 12))
    layout.setTextOption(QTextOption())
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(180)
        lines.append(TEXT[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    print(f"line breaks at 180 px ({len(lines)} lines):", " | ".join(lines))
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
