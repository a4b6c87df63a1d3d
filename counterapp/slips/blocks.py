"""Building blocks shared by the slips: title, key/value rows, tables, sections, QR block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.paragraph import ParaLines
from reportlab.platypus.paraparser import ParaFrag

from counterapp.slips.facts import CaseFacts, Reprint
from counterapp.slips.fonts import slip_fonts
from counterapp.slips.layout import GEOMETRY, Layout, styles
from counterapp.slips.linebreak import cjk_lines, one_font_lines
from counterapp.slips.qr import QrCode
from counterapp.slips.texts import moment_text

GRID = 0.5


class SlipParagraph(Paragraph):
    """A Paragraph broken into lines by the Chinese rules of `linebreak`, that remembers its
    line breaking for the width it was last wrapped at.

    Tables wrap every cell to size the rows and again to draw it; CJK line breaking is the
    largest cost of a slip, so the second wrap at the same width reuses the first. The cache
    holds only while the line breaking (`blPara`) is still there: reportlab's `split` deletes
    it when the paragraph moves on to the next page, and drawing then needs a fresh wrap.
    """

    _wrapped_at: float | None = None
    blPara: ParaLines | ParaFrag  # set by reportlab's wrap (private, so not in its stubs)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped_at == availWidth and hasattr(self, "blPara"):
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size

    def breakLinesCJK(
        self, maxWidths: float | list[float] | tuple[float, ...]
    ) -> ParaLines | ParaFrag:
        """reportlab's `breakLinesCJK` with `linebreak`'s rules; a paragraph in one font
        gets simple lines (kind 0), which are faster to make and draw."""
        frags = self.frags
        if not any(_frag_text(frag) for frag in frags):
            return super().breakLinesCJK(maxWidths)
        widths = maxWidths if isinstance(maxWidths, list | tuple) else [maxWidths]
        self.height = 0
        split = getattr(self, "_splitpara", 0) and hasattr(self, "blPara")
        if len(frags) == 1:
            frag = frags[0]
            lines = (
                self.blPara.lines
                if split
                else one_font_lines(_frag_text(frag), frag.fontName, frag.fontSize, widths)
            )
            return frag.clone(
                kind=0, lines=lines, ascent=frag.fontSize, descent=-0.2 * frag.fontSize
            )
        if split:  # the part of a paragraph split over two pages keeps its lines
            return self.blPara
        return cjk_lines(
            frags,
            widths,
            getattr(self, "autoLeading", getattr(self.style, "autoLeading", "")) not in ("", "off"),
        )


def _frag_text(frag: ParaFrag) -> str:
    """A fragment's text; the second part of a split paragraph has words instead."""
    return frag.text if hasattr(frag, "text") else "".join(getattr(frag, "words", []))


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; rare characters get their fallback font)."""
    return SlipParagraph(slip_fonts().markup(text), style)


def rich(parts: Sequence[tuple[str, bool]], style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain-text parts, the flagged ones underlined for emphasis."""
    fonts = slip_fonts()
    return SlipParagraph(
        "".join(
            f"<u>{fonts.markup(text)}</u>" if strong else fonts.markup(text)
            for text, strong in parts
        ),
        style,
    )


def title_block(
    title: str, station_lines: Sequence[str], layout: Layout, reprint: Reprint | None
) -> list[Flowable]:
    s = styles(layout)
    story: list[Flowable] = [para(title, s.title)]
    if reprint is not None and layout == Layout.A4:
        story[0] = para(f"{title}（补打）", s.title)
    story += [para(line, s.subtitle) for line in station_lines]
    story.append(Spacer(1, s.base_size * 0.5))
    if reprint is not None:
        story += [reprint_banner(reprint, layout), Spacer(1, s.base_size * 0.6)]
    return story


def reprint_banner(reprint: Reprint, layout: Layout) -> Table:
    """A boxed "补 打" with when, why and by whom: a reprint can never pass for the original."""
    s = styles(layout)
    cell = [
        para("补　打", s.banner),
        para(f"补打时间：{moment_text(reprint.at)}", s.small),
        para(f"补打原因：{reprint.reason}", s.small),
        para(f"补打人：{reprint.clerk_name}", s.small),
    ]
    table = Table([[cell]], colWidths=[GEOMETRY[layout].frame_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, "black"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def section(title: str, layout: Layout) -> Paragraph:
    return para(title, styles(layout).heading)


def _table_style(header: bool, padding: float) -> TableStyle:
    commands: list[tuple[str, tuple[int, int], tuple[int, int], *tuple[Any, ...]]] = [
        ("GRID", (0, 0), (-1, -1), GRID, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.9),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"))
    return TableStyle(commands)


def grid_table(
    head: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    layout: Layout,
    *,
    emphasis: int | None = None,
    emphasise: Sequence[bool] = (),
) -> Table:
    """A ruled table of wrapped text; the header row repeats on every page.

    `emphasis` names a column whose text is underlined in rows flagged in `emphasise`
    (e.g. the status of a missing material).
    """
    s = styles(layout)
    data: list[list[Paragraph]] = []
    if head:
        data.append([para(text, s.cell_head) for text in head])
    for index, row in enumerate(rows):
        flagged = index < len(emphasise) and emphasise[index]
        data.append(
            [
                rich(
                    [(text, flagged and col == emphasis)],
                    s.cell_head if col == 0 and head else s.cell,
                )
                for col, text in enumerate(row)
            ]
        )
    frame = GEOMETRY[layout].frame_width
    table = Table(
        data, colWidths=[frame * w for w in widths], repeatRows=1 if head else 0, hAlign="LEFT"
    )
    style = _table_style(bool(head), 3 if layout == Layout.A4 else 2)
    for index, flagged in enumerate(emphasise):
        if flagged:
            at = index + (1 if head else 0)
            style.add("BACKGROUND", (0, at), (-1, at), "#d9d9d9")
    table.setStyle(style)
    return table


def info_table(rows: Sequence[tuple[str, str]], layout: Layout) -> Table:
    """Label/value pairs: two pairs a row on A4, one on the roll."""
    s = styles(layout)
    cells = [(para(label, s.cell), para(value, s.cell)) for label, value in rows]
    frame = GEOMETRY[layout].frame_width
    if layout == Layout.A4:
        data = [
            [*cells[i], *(cells[i + 1] if i + 1 < len(cells) else ("", ""))]
            for i in range(0, len(cells), 2)
        ]
        widths = [0.14, 0.36, 0.14, 0.36]
    else:
        data = [list(pair) for pair in cells]
        widths = [0.3, 0.7]
    table = Table(data, colWidths=[frame * w for w in widths], hAlign="LEFT")
    table.setStyle(_table_style(False, 3 if layout == Layout.A4 else 2))
    return table


def numbered(lines: Sequence[str], layout: Layout) -> list[Flowable]:
    """One paragraph per line, numbered 1. 2. … when there are several.

    Numbers, not "·" marks: "·" is the interpunct (间隔号), which never starts a line.
    """
    s = styles(layout)
    if len(lines) == 1:
        return [para(lines[0], s.body)]
    return [para(f"{index}. {line}", s.body) for index, line in enumerate(lines, start=1)]


SIGNATURE = ("申请人（代办人）签收：", "签收日期：")
BLANK_WIDTH = 30 * mm


def signature_lines(layout: Layout) -> list[Flowable]:
    """Where the citizen signs for the slip: each label followed by a ruled blank, with room
    above to write."""
    s = styles(layout)
    room = 4 * mm if layout == Layout.A4 else 5 * mm
    story: list[Flowable] = []
    for label in SIGNATURE:
        width = slip_fonts().width(label, s.body.fontSize) + 1
        line = Table([[para(label, s.body), ""]], colWidths=[width, BLANK_WIDTH], hAlign="LEFT")
        line.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (1, 0), (1, 0), 0.6, "black"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        story += [Spacer(1, room), line]
    return story


def closing_block(
    facts: CaseFacts, layout: Layout, caption: str, left: Sequence[str], signed: bool = False
) -> list[Flowable]:
    """Who handled it (`left`), where the citizen signs (when `signed`), and the QR code
    with the case number and verification code.

    On A4 they share one row (a table row never splits, so the block stays on one page);
    on the roll they follow each other with the code centred.
    """
    s = styles(layout)
    check = [
        para(caption, s.small),
        para(f"办件编号：{facts.case_no}", s.small),
        para(f"验证码：{facts.code}", s.body),
        para("可凭办件编号和验证码向县医保经办机构核验本单真伪。", s.small),
        para(f"事项目录版本：{facts.case.catalogue_version}", s.small),
    ]
    people: list[Flowable] = [para(line, s.body) for line in left]
    if signed:
        people += signature_lines(layout)
    if layout == Layout.A4:
        size = 28 * mm
        frame = GEOMETRY[layout].frame_width
        rest = frame - size - 2 * mm
        table = Table(
            [[people, QrCode(facts.qr_text, size), check]],
            colWidths=[rest * 0.55, size + 2 * mm, rest * 0.45],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return [Spacer(1, 2 * mm), table]
    qr = QrCode(facts.qr_text, 34 * mm)
    qr.hAlign = "CENTER"
    return [Spacer(1, 1 * mm), *people, Spacer(1, 2 * mm), qr, *check]


def clerk_lines(facts: CaseFacts) -> list[str]:
    lines = [f"首问负责人：{facts.owner}"]
    if facts.handler:
        lines.append(f"现经办人：{facts.handler}")
    return lines


def station_lines(facts: CaseFacts, layout: Layout) -> list[str]:
    """The station's name and address: one line on A4, two on the roll."""
    station = facts.station
    if not station.address:
        return [station.name]
    if layout == Layout.A4:
        return [f"{station.name}　地址：{station.address}"]
    return [station.name, f"地址：{station.address}"]
