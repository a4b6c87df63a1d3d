"""Search over the items a clerk can choose: Chinese text, item code, or pinyin initials.

`ydjy` finds 异地就医, `mzmxb` finds 门诊慢性病. The pinyin of every title is computed once
(pypinyin resolves polyphones by phrase); importing pypinyin costs about 0.25 s, so the index
can be built in a background thread after the window is up (`build_async`) — until then a
search still matches Chinese text and codes. No Qt here.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from counterapp.catalogue_model import Catalogue, Item, LevelMode


class Entry(NamedTuple):
    item: Item
    mode: LevelMode
    listed: bool          # on this level's own checklist
    text: str             # code + title, upper-case code
    initials: str = ""    # first letters of the title's pinyin, e.g. "cbryydjyba"
    spelled: tuple[str, ...] = ()  # full pinyin from each syllable on: "canbao…", "bao…"


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
        self._entries = [Entry(item, mode, item.code in listed, f"{item.code} {item.title}")
                         for item, mode in catalogue.choosable(level)]
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
            initials, spelled = _keys(entry.item.title)
            built.append(Entry(entry.item, entry.mode, entry.listed, entry.text, initials,
                               spelled))
        self._entries = built
        self._pinyin_ready.set()

    def build_async(self) -> threading.Thread | None:
        if self._pinyin_ready.is_set():
            return None
        thread = threading.Thread(target=self.build_pinyin, name="pinyin-index", daemon=True)
        thread.start()
        return thread

    def search(self, query: str) -> list[Entry]:
        """Matching entries in catalogue order: the level's checklist first, then the rest."""
        query = "".join(query.split())
        if not query:
            return list(self._entries)
        upper = query.upper()
        if query.isascii() and query.isalpha():
            lower = query.lower()
            return [e for e in self._entries
                    if lower in e.initials or upper in e.text
                    or any(tail.startswith(lower) for tail in e.spelled)]
        return [e for e in self._entries if query in e.text or upper in e.text]
