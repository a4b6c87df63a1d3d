"""Page layouts for slips: A4 sheets and the 80 mm thermal roll, and the PDF builder.

A4 pages flow onto as many sheets as needed, numbered "第 x 页 / 共 y 页" when there is more
than one. On the roll the printable width is 72 mm (576 dots at 203 dpi) and the page is as
long as its content.
"""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Any, NamedTuple

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from counterapp.slips.canvas import SlipCanvas, slip_canvas
from counterapp.slips.fonts import slip_fonts

ROLL_WIDTH = 80 * mm
ROLL_PRINTABLE = 72 * mm
MAX_ROLL_HEIGHT = 5000 * mm  # a PDF page is at most 200 in (5080 mm) long


class Layout(StrEnum):
    A4 = "a4"
    ROLL_80 = "roll80"

    @property
    def label(self) -> str:
        return {"a4": "A4纸", "roll80": "80毫米热敏卷纸"}[self.value]


class Geometry(NamedTuple):
    width: float
    height: float | None  # None: computed from the content (roll)
    left: float
    right: float
    top: float
    bottom: float

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right


GEOMETRY = {
    Layout.A4: Geometry(A4[0], A4[1], 18 * mm, 18 * mm, 12 * mm, 14 * mm),
    Layout.ROLL_80: Geometry(
        ROLL_WIDTH,
        None,
        (ROLL_WIDTH - ROLL_PRINTABLE) / 2,
        (ROLL_WIDTH - ROLL_PRINTABLE) / 2,
        3 * mm,
        8 * mm,
    ),
}


class Styles(NamedTuple):
    """Paragraph styles of one layout, all in the slip font with CJK wrapping."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    entry: ParagraphStyle  # the first line of a list entry on the roll
    small: ParagraphStyle
    note: ParagraphStyle  # a small paragraph set off from what precedes it
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    big: ParagraphStyle
    center: ParagraphStyle
    banner: ParagraphStyle
    base_size: float


_STYLE_CACHE: dict[Layout, Styles] = {}


def styles(layout: Layout) -> Styles:
    cached = _STYLE_CACHE.get(layout)
    if cached is not None:
        return cached
    font = slip_fonts().primary
    size = 10.0 if layout == Layout.A4 else 9.0

    def style(name: str, font_size: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=font_size,
            leading=round(font_size * 1.4, 1),
            wordWrap="CJK",
            **extra,
        )

    built = Styles(
        title=style(
            "title",
            size * (1.6 if layout == Layout.A4 else 1.5),
            alignment=TA_CENTER,
            spaceAfter=size * 0.3,
        ),
        subtitle=style("subtitle", size, alignment=TA_CENTER),
        heading=style("heading", size * 1.1, spaceBefore=size * 0.6, spaceAfter=size * 0.25),
        body=style("body", size),
        entry=style("entry", size, spaceBefore=size * 0.35),
        small=style("small", size * 0.85),
        note=style("note", size * 0.85, spaceBefore=size * 0.4),
        cell=style("cell", size * 0.9),
        cell_head=style("cell_head", size * 0.9, alignment=TA_CENTER),
        big=style(
            "big", size * 4.5, alignment=TA_CENTER, spaceBefore=size * 0.5, spaceAfter=size * 0.8
        ),
        center=style("center", size, alignment=TA_CENTER),
        banner=style("banner", size * 1.6, alignment=TA_CENTER, spaceAfter=size * 0.2),
        base_size=size,
    )
    _STYLE_CACHE[layout] = built
    return built


def _fit_roll_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """At the end of a roll page: cut the page just below the last flowable."""
    geometry = GEOMETRY[Layout.ROLL_80]
    assert isinstance(canvas, SlipCanvas)
    # the frame's current height: private to reportlab, so not in types-reportlab
    canvas.cut_below(doc.frame._y - geometry.bottom)  # type: ignore[attr-defined]


def build_pdf(story: list[Flowable], layout: Layout, *, title: str, footer: str = "") -> bytes:
    """Lay out `story` on `layout` and return the PDF (fonts embedded as subsets).

    The roll is laid out once on a page of the longest allowed length, which is then cut
    below the content (no separate measuring pass).
    """
    geometry = GEOMETRY[layout]
    height = geometry.height or MAX_ROLL_HEIGHT
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(geometry.width, height),
        leftMargin=geometry.left,
        rightMargin=geometry.right,
        topMargin=geometry.top,
        bottomMargin=geometry.bottom,
        title=title,
        author="counterapp",
        creator="counterapp",
        invariant=True,
    )
    frame = Frame(
        geometry.left,
        geometry.bottom,
        geometry.frame_width,
        height - geometry.top - geometry.bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template = PageTemplate(id="slip", frames=[frame])
    if geometry.height is None:
        template.onPageEnd = _fit_roll_page
    doc.addPageTemplates([template])
    footer_size = styles(layout).base_size * 0.8
    doc.build(
        story,
        canvasmaker=slip_canvas(
            footer, footer_size, geometry.left, geometry.right, geometry.bottom / 2
        ),
    )
    return buffer.getvalue()
