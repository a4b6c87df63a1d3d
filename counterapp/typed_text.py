"""What a clerk may type as a name, a reason or a note: visible text of a bounded length.

Control characters (Unicode category Cc), format characters (Cf: zero-width spaces and
joiners, direction marks and overrides, the soft hyphen, the BOM) and lone surrogates (Cs)
are refused, not stored: they do not show on the screen or the slip, so two names that look
the same would differ (a search misses one), a direction override reorders what a slip shows,
and a lone surrogate cannot be stored at all. Combining marks, characters outside the BMP
(𠮷) and private-use characters (where some registries keep rare name characters) are kept.

A reason is one line: runs of white space, line breaks included, become one space. A note
keeps its line breaks. Each has a limit, so that what is typed fits the lists, the slips and
a sync batch; nothing is ever cut short silently.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
REASON_MAX = 60  # characters: a reason, not a report
NAME_MAX_LENGTH = 30  # characters of a person's name; a rare character outside the BMP (𠮷) is one


def hidden_problem(text: str, field: str) -> str | None:
    """The clerk's message when `text` holds invisible characters, else None."""
    hidden = dict.fromkeys(ch for ch in text if unicodedata.category(ch) in HIDDEN_CATEGORIES)
    if not hidden:
        return None
    codes = "、".join(f"U+{ord(ch):04X}" for ch in list(hidden)[:3])
    more = "等" if len(hidden) > 3 else ""
    return f"{field}含有看不见的控制字符（{codes}{more}），请删除后重新输入"


def name_problem(name: str) -> str | None:
    """What is wrong with a (trimmed) name of a citizen or a clerk, or None."""
    if not name:
        return "姓名不能为空"
    if len(name) > NAME_MAX_LENGTH:
        return f"姓名过长：最多{NAME_MAX_LENGTH}个字，当前{len(name)}个字，请核对"
    return hidden_problem(name, "姓名")


def one_line(text: str) -> str:
    """Runs of white space (line breaks and full-width spaces too) as one space, trimmed."""
    return " ".join(text.split())


def _lines(text: str) -> str:
    """Each line as `one_line`, blank lines at either end dropped."""
    return "\n".join(one_line(line) for line in text.splitlines()).strip("\n")


class TextRule(NamedTuple):
    """One typed text: its name for the clerk, its limit, and the message when it is empty
    (None: it may be empty)."""

    field: str
    limit: int = REASON_MAX
    required: str | None = None
    multiline: bool = False


def checked(text: str, rule: TextRule, error: type[Exception]) -> str:
    """`text` as stored (see the module's docstring), or `error` with the clerk's message."""
    cleaned = _lines(text) if rule.multiline else one_line(text)
    if not cleaned:
        if rule.required is not None:
            raise error(rule.required)
        return ""
    problem = hidden_problem(cleaned.replace("\n", ""), rule.field)
    if problem is not None:
        raise error(problem)
    if len(cleaned) > rule.limit:
        raise error(f"{rule.field}最多 {rule.limit} 个字（现有 {len(cleaned)} 个），请简要填写")
    return cleaned
