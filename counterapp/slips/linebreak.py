"""Chinese line breaking for the slips (避头尾): no line starts with closing punctuation
(。，、）》…) and none ends with opening punctuation (（《“…).

reportlab's CJK wrapping (`cjkFragSplit`, and `wordSplit` for one-font paragraphs) fills a line
greedily; when the character that overflows may not start a line it *hangs* it past the line's
end: into the margin, over a table's rule, or off the 72 mm a thermal roll prints. It hangs one
character only (a second closing mark still starts the next line) and never looks at how a line
ends. Here a line instead ends at the last point where a break is allowed, so every line fits its
width:

* not before a character of `NO_LINE_START` and not after one of `NO_LINE_END`;
* not inside a run of Latin letters and digits (a case number, an ID, a phone number) unless the
  run is longer than the line;
* if no such point exists on the line (a line of nothing but punctuation), where it is full.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]  # cjkU, makeCJK…: not in types-reportlab
    ParaLines,
    cjkU,
    makeCJKParaLine,
)
from reportlab.platypus.paraparser import ParaFrag
from reportlab.rl_config import _FUZZ

# GB/T 15834 and W3C clreq: closing marks, sentence-ending and pause marks, ellipsis, dash,
# interpunct; the ASCII ones too (reportlab's own list is the first line).
NO_LINE_START = (
    "!',.:;?\")]}\u3001\u3002\u300d\u300f\u3011\u3015\uff3d\uff09"
    "，。、；：？！）》」』】〉〕〗〙〛］｝”’…‥—–·・％‰℃°′″～"
)
NO_LINE_END = "（《「『【〈〔〖〘〚［｛“‘([{"


def _latin(char: str) -> bool:
    """Part of a word that must not be cut: ASCII letters, digits and signs, no space."""
    return char.isascii() and not char.isspace()


def may_break(before: str, after: str) -> bool:
    """Whether a line may end after `before` when `after` follows (both one character).

    Not before a space either: the space then ends the line instead of indenting the next.
    """
    return (
        after not in NO_LINE_START
        and before not in NO_LINE_END
        and not after.isspace()
        and not (_latin(before) and _latin(after))
    )


def _kinsoku_ok(before: str, after: str) -> bool:
    return after not in NO_LINE_START and before not in NO_LINE_END


def line_ends(
    chars: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    forced: frozenset[int] = frozenset(),
) -> list[int]:
    """The end index (exclusive) of each line of `chars`.

    `forced` holds indices after which a line must end (explicit line breaks). Each line is
    filled as far as its width allows, then goes back to the last allowed break.
    """
    ends: list[int] = []
    start, count = 0, len(chars)
    while start < count:
        limit = max_widths[min(len(ends), len(max_widths) - 1)] + _FUZZ
        end, used = start, 0.0
        while end < count and (end == start or used + widths[end] <= limit):
            used += widths[end]
            end += 1
            if end - 1 in forced:
                break
        if end < count and end - 1 not in forced:
            end = _back_to_break(chars, start, end)
        ends.append(end)
        start = end
    return ends


def _back_to_break(chars: Sequence[str], start: int, end: int) -> int:
    """The last break in (start, end] by the full rules, else by punctuation only, else end."""
    for allowed in (may_break, _kinsoku_ok):
        for at in range(end, start, -1):
            if allowed(chars[at - 1], chars[at]):
                return at
    return end


def one_font_lines(
    text: str, font_name: str, font_size: float, max_widths: Sequence[float]
) -> list[tuple[float, list[str]]]:
    """The lines of a paragraph in one font, as reportlab's `wordSplit` gives them:
    (space left at the end, [text]) each."""
    widths = [stringWidth(char, font_name, font_size) for char in text]
    lines = []
    start = 0
    for number, end in enumerate(line_ends(text, widths, max_widths)):
        max_width = max_widths[min(number, len(max_widths) - 1)]
        lines.append((max_width - sum(widths[start:end]), [text[start:end]]))
        start = end
    return lines


def cjk_lines(frags: list[ParaFrag], max_widths: Sequence[float], calc_bounds: bool) -> ParaLines:
    """The lines of a paragraph of several fragments (fonts, underlines), as reportlab's
    `cjkFragSplit` returns them."""
    glyphs: list[cjkU] = []
    forced: set[int] = set()
    for frag in frags:
        glyphs.extend(cjkU(char, frag, "utf8") for char in frag.text)
        if hasattr(frag, "lineBreak") and glyphs:  # <br/>: an empty fragment
            forced.add(len(glyphs) - 1)
    widths = [glyph.width for glyph in glyphs]
    lines = []
    start = 0
    for number, end in enumerate(line_ends(glyphs, widths, max_widths, frozenset(forced))):
        max_width = max_widths[min(number, len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(
            makeCJKParaLine(
                glyphs[start:end], max_width, used, max_width - used, end - 1 in forced, calc_bounds
            )
        )
        start = end
    return ParaLines(kind=1, lines=lines)
