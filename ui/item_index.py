"""Search over the items a clerk can choose: Chinese text, item code, or pinyin initials,
of the title or of one of the item's aliases (the names people use: 慢特病, 医保卡 …).

`ydjy` finds 异地就医, `mzmxb` finds 门诊慢性病, `mzmtb` finds it by its alias 门诊慢特病.
The pinyin of every title and alias is computed once (pypinyin resolves polyphones by
phrase); importing pypinyin costs about 0.25 s, so the index can be built in a background
thread after the window is up (`build_async`) — until then a search still matches Chinese
text, aliases and codes. No Qt here.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import NamedTuple

from counterapp.catalogue_model import Catalogue, Item, LevelMode


class Entry(NamedTuple):
    item: Item
    mode: LevelMode
    listed: bool  # on this level's own checklist
    text: str  # code + title, upper-case code
    # first letters of the pinyin of the title, then of each alias, e.g. "cbryydjyba"
    initials: tuple[str, ...] = ()
    spelled: tuple[str, ...] = ()  # full pinyin from each syllable on: "canbao…", "bao…"

    def rank(self, query: str) -> int | None:
        """How `query` (no spaces) matches: 0 when it is the whole title, sub-item name or an
        alias (or their pinyin initials), 1 when it is in the code, title or an alias (or, for
        letters, in their pinyin initials or at a syllable of their full pinyin), None when
        not at all."""
        item, upper = self.item, query.upper()
        lower = query.lower()
        if query in (item.title, item.sub, *item.aliases) or lower in self.initials:
            return 0
        if query in self.text or upper in self.text:
            return 1
        if query.isascii() and query.isalpha():
            if any(lower in letters for letters in self.initials) or any(
                tail.startswith(lower) for tail in self.spelled
            ):
                return 1
            return None
        return 1 if any(query in alias for alias in item.aliases) else None


def no_match_hint(query: str, pinyin_ready: bool) -> str:
    """What the clerk reads when a search finds nothing."""
    query = query.strip()
    if query.isascii() and query.isalpha() and not pinyin_ready:
        return f"拼音检索正在准备，请稍候再试「{query}」，或先输入中文或事项编码"
    return (
        f"未找到与「{query}」相符的事项。可换个说法（如“慢特病”“异地备案”“医保卡”），"
        "或输入拼音首字母（如 mzmtb）、事项编码（如 YB0501）"
    )


def _keys(title: str) -> tuple[str, tuple[str, ...]]:
    from pypinyin import Style, lazy_pinyin

    letters = "".join(p for p in lazy_pinyin(title, style=Style.FIRST_LETTER) if p.isalnum())
    syllables = [p.lower() for p in lazy_pinyin(title) if p.isalnum()]
    # a spelled query must start at a syllable: "yidi" finds 异地, not 协议定点 (xieyiding)
    spelled = tuple("".join(syllables[start:]) for start in range(len(syllables)))
    return letters.lower(), spelled


class ItemIndex:
    def __init__(self, catalogue: Catalogue, level: str) -> None:
        listed = {item.code for item, _ in catalogue.checklist(level)}
        self._entries = [
            Entry(item, mode, item.code in listed, f"{item.code} {item.title}")
            for item, mode in catalogue.choosable(level)
        ]
        self._pinyin_ready = threading.Event()

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries)

    @property
    def pinyin_ready(self) -> bool:
        return self._pinyin_ready.is_set()

    def build_pinyin(self) -> None:
        """Compute every title's pinyin once (idempotent)."""
        if self._pinyin_ready.is_set():
            return
        built = []
        for entry in self._entries:
            keys = [_keys(name) for name in (entry.item.title, *entry.item.aliases)]
            built.append(
                Entry(
                    entry.item,
                    entry.mode,
                    entry.listed,
                    entry.text,
                    tuple(initials for initials, _ in keys),
                    tuple(tail for _, spelled in keys for tail in spelled),
                )
            )
        self._entries = built
        self._pinyin_ready.set()

    def build_async(self) -> threading.Thread | None:
        if self._pinyin_ready.is_set():
            return None
        thread = threading.Thread(target=self.build_pinyin, name="pinyin-index", daemon=True)
        thread.start()
        return thread

    def search(self, query: str) -> list[Entry]:
        """Matching entries, whole-name matches first (慢特病 is an alias of one item and part
        of another's), each group in catalogue order: the level's checklist first, then the
        rest. Full-width letters and digits count as their half-width forms (NFKC)."""
        query = "".join(unicodedata.normalize("NFKC", query).split())
        if not query:
            return list(self._entries)
        ranked = [
            (rank, entry) for entry in self._entries if (rank := entry.rank(query)) is not None
        ]
        return [entry for _, entry in sorted(ranked, key=lambda pair: pair[0])]
