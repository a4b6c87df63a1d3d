"""PDF pages to images and text with PDFium (pypdfium2), for printing, previews and checks.

PDFium is not thread-safe: every call here holds one process-wide lock, so the print worker,
a preview and a test can never use it at the same time.
"""

from __future__ import annotations

import ctypes
import threading
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

_LOCK = threading.Lock()
POINTS_PER_INCH = 72.0


class PageSize(NamedTuple):
    width_pt: float
    height_pt: float

    @property
    def width_mm(self) -> float:
        return self.width_pt * 25.4 / POINTS_PER_INCH

    @property
    def height_mm(self) -> float:
        return self.height_pt * 25.4 / POINTS_PER_INCH


def page_sizes(pdf: bytes) -> list[PageSize]:
    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            return [PageSize(*doc[index].get_size()) for index in range(len(doc))]
        finally:
            doc.close()


def render_pages(pdf: bytes, dpi: float, *, grayscale: bool = True) -> list[Image.Image]:
    """Every page as an image at `dpi` (grayscale by default: slips are black on white)."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            images = []
            for index in range(len(doc)):
                bitmap = doc[index].render(scale=dpi / POINTS_PER_INCH, grayscale=grayscale)
                image = bitmap.to_pil()
                images.append(image.convert("L") if grayscale else image.convert("RGB"))
            return images
        finally:
            doc.close()


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page, in reading order as PDFium extracts it."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            return [doc[index].get_textpage().get_text_bounded() for index in range(len(doc))]
        finally:
            doc.close()


class Box(NamedTuple):
    """A rectangle in PDF points, from the page's lower left corner."""

    left: float
    bottom: float
    right: float
    top: float


class Glyph(NamedTuple):
    """One character as drawn: `box` is its advance box (origin to origin + advance, font
    ascent to descent), the room the layout gave it, whatever the glyph's ink."""

    char: str
    box: Box
    baseline: float


class PageContent(NamedTuple):
    """What is drawn on a page, in drawing order: characters, stroked rules and images."""

    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Box]  # bounds of each stroked path (grid lines, boxes, underlines)
    images: list[Box]


def _glyphs(textpage: pdfium.PdfTextPage) -> list[Glyph]:
    """The page's characters in content order; pairs of surrogates joined, the spaces and
    line ends PDFium makes up left out."""
    found: list[Glyph] = []
    rect, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    pending_high = 0
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        if 0xD800 <= code < 0xDC00:
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
            pending_high = 0
        elif code in (0x0D, 0x0A):
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, rect)
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
        found.append(Glyph(chr(code), Box(rect.left, rect.bottom, rect.right, rect.top), y.value))
    return found


def page_contents(pdf: bytes) -> list[PageContent]:
    """Every page's characters, rules and images, for checking a layout."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            pages = []
            for index in range(len(doc)):
                page = doc[index]
                rules, images = [], []
                for obj in page.get_objects():
                    if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                        rules.append(Box(*obj.get_bounds()))
                    elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        images.append(Box(*obj.get_bounds()))
                textpage = page.get_textpage()
                width, height = page.get_size()
                pages.append(PageContent(width, height, _glyphs(textpage), rules, images))
                textpage.close()
            return pages
        finally:
            doc.close()


def render_images(pdf: bytes, dpi: float, margin: float = 12.0) -> list[Image.Image]:
    """The region around each image on each page (e.g. a QR code), `margin` points wider on
    every side; much cheaper than whole pages for a long roll."""
    with _LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            found = []
            for index in range(len(doc)):
                page = doc[index]
                width, height = page.get_size()
                for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                    left, bottom, right, top = obj.get_bounds()
                    crop = (
                        max(0.0, left - margin),
                        max(0.0, bottom - margin),
                        max(0.0, width - right - margin),
                        max(0.0, height - top - margin),
                    )
                    bitmap = page.render(scale=dpi / POINTS_PER_INCH, crop=crop, grayscale=True)
                    found.append(bitmap.to_pil().convert("L"))
            return found
        finally:
            doc.close()
