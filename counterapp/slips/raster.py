"""PDF pages to images and text with PDFium (pypdfium2), for printing, previews and checks.

PDFium is not thread-safe: every call here holds one process-wide lock, so the print worker,
a preview and a test can never use it at the same time.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import pypdfium2 as pdfium
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
