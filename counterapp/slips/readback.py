"""A rendered slip read back from its PDF: its text lines, and whatever is wrong with them.

Used by the tests, the random-slip run (`bench/slip_fuzz.py`) and the self-test, so the three
judge a slip alike:

* every line lies inside the printable area: across, within the layout's text frame (on the
  80 mm roll that is the 72 mm the printer reaches); up and down, at least `EDGE` from the
  paper's edges;
* no line crosses a table's rule (it would run out of its cell) or a QR code;
* no line starts with closing punctuation or ends with opening punctuation (`linebreak`);
* the text holds what it must and not what it must not (a full ID number).

A line is a run of characters drawn one after the other on one baseline, each starting where
the previous one's advance ended: a paragraph's line, or a cell's. Table cells side by side are
apart by at least twice the cell padding, so they never join.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from reportlab.lib.units import mm

from counterapp.slips.layout import GEOMETRY, Layout
from counterapp.slips.linebreak import NO_LINE_END, NO_LINE_START
from counterapp.slips.raster import Box, PageContent, page_contents

EDGE = 2 * mm  # nothing printed closer than this to the top or bottom of the paper
JOIN = 0.5  # points: characters this close on one baseline are one line
TOLERANCE = 0.25  # points: rounding of PDF coordinates


class TextLine(NamedTuple):
    page: int  # 0-based
    text: str
    box: Box  # the union of the characters' advance boxes
    baseline: float


class ReadBack(NamedTuple):
    layout: Layout
    pages: list[PageContent]
    lines: list[TextLine]

    @property
    def text(self) -> str:
        """All text without whitespace, lines joined in drawing order, page footers left out
        (so a paragraph that goes on over a page break reads as one)."""
        return "".join(
            "".join(line.text.split()) for line in self.lines if not self.in_footer(line)
        )

    def in_footer(self, line: TextLine) -> bool:
        page_count = len(self.pages)
        return page_count > 1 and line.box.top < GEOMETRY[self.layout].bottom

    def shows(self, text: str) -> bool:
        return "".join(text.split()) in self.text


def _lines(pages: list[PageContent]) -> list[TextLine]:
    lines: list[TextLine] = []
    for number, page in enumerate(pages):
        chars: list[str] = []
        box: Box | None = None
        baseline = 0.0
        for glyph in page.glyphs:
            if (
                box is not None
                and abs(glyph.baseline - baseline) <= JOIN
                and abs(glyph.box.left - box.right) <= JOIN
            ):
                box = Box(
                    min(box.left, glyph.box.left),
                    min(box.bottom, glyph.box.bottom),
                    max(box.right, glyph.box.right),
                    max(box.top, glyph.box.top),
                )
            else:
                if box is not None:
                    lines.append(TextLine(number, "".join(chars), box, baseline))
                chars, box, baseline = [], glyph.box, glyph.baseline
            chars.append(glyph.char)
        if box is not None:
            lines.append(TextLine(number, "".join(chars), box, baseline))
    return lines


def read_back(pdf: bytes, layout: Layout) -> ReadBack:
    pages = page_contents(pdf)
    return ReadBack(layout, pages, _lines(pages))


def _overlap(low: float, high: float, other_low: float, other_high: float) -> bool:
    return low < other_high - TOLERANCE and other_low < high - TOLERANCE


def _vertical_rules(page: PageContent) -> list[Box]:
    return [
        rule for rule in page.rules if rule.right - rule.left < 3 and rule.top - rule.bottom > 3
    ]


def _grid_rules(page: PageContent, verticals: list[Box]) -> list[Box]:
    """Horizontal rules that start at a vertical one (a table's), not underlines."""
    return [
        rule
        for rule in page.rules
        if rule.top - rule.bottom < 3
        and rule.right - rule.left > 3
        and any(
            abs(rule.left - v.left) < 1 and v.bottom - 1 < rule.bottom < v.top + 1
            for v in verticals
        )
    ]


def placement_problems(read: ReadBack) -> list[str]:
    """Lines outside the printable area, over a rule or a QR code."""
    geometry = GEOMETRY[read.layout]
    problems: list[str] = []
    for page_no, page in enumerate(read.pages):
        left, right = geometry.left - TOLERANCE, page.width - geometry.right + TOLERANCE
        verticals = _vertical_rules(page)
        horizontals = _grid_rules(page, verticals)
        for line in (line for line in read.lines if line.page == page_no):
            box, where = line.box, f"第{page_no + 1}页「{line.text}」"
            if box.left < left or box.right > right:
                problems.append(
                    f"{where}超出左右可印区域（{box.left:.1f}–{box.right:.1f}pt，"
                    f"可印 {left:.1f}–{right:.1f}pt）"
                )
            if box.bottom < EDGE or box.top > page.height - EDGE:
                problems.append(f"{where}超出上下可印区域")
            middle = (box.bottom + box.top) / 2
            for rule in verticals:
                x = (rule.left + rule.right) / 2
                if (
                    box.left + TOLERANCE < x < box.right - TOLERANCE
                    and rule.bottom < middle < rule.top
                ):
                    problems.append(f"{where}越过表格竖线（x={x:.1f}pt）")
            for rule in horizontals:
                y = (rule.bottom + rule.top) / 2
                if box.bottom + TOLERANCE < y < box.top - TOLERANCE and _overlap(
                    box.left, box.right, rule.left, rule.right
                ):
                    problems.append(f"{where}越过表格横线（y={y:.1f}pt）")
            for image in page.images:
                if _overlap(box.left, box.right, image.left, image.right) and _overlap(
                    box.bottom, box.top, image.bottom, image.top
                ):
                    problems.append(f"{where}压在图像（二维码）上")
    return problems


def punctuation_problems(read: ReadBack) -> list[str]:
    """Lines that start with closing or end with opening punctuation."""
    problems = []
    for line in read.lines:
        text = line.text.strip()
        if text[:1] and text[0] in NO_LINE_START:
            problems.append(f"第{line.page + 1}页一行以「{text[0]}」开头：{text}")
        if text[-1:] and text[-1] in NO_LINE_END:
            problems.append(f"第{line.page + 1}页一行以「{text[-1]}」结尾：{text}")
    return problems


def content_problems(read: ReadBack, shown: Iterable[str], hidden: Iterable[str] = ()) -> list[str]:
    """Texts that should be on the slip and are not, or should not and are."""
    raw = "".join(line.text for line in read.lines)
    problems = [f"单据上缺少「{text}」" for text in shown if not read.shows(text)]
    problems += [
        f"单据上不应出现「{text}」" for text in hidden if text and (text in raw or read.shows(text))
    ]
    return problems


def problems(
    pdf: bytes, layout: Layout, shown: Sequence[str] = (), hidden: Sequence[str] = ()
) -> list[str]:
    """Everything wrong with a rendered slip (an empty list for a good one)."""
    read = read_back(pdf, layout)
    return [
        *placement_problems(read),
        *punctuation_problems(read),
        *content_problems(read, shown, hidden),
    ]
