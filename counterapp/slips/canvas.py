"""The slip canvas: page numbers once the total is known, and roll pages cut to their content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from counterapp.slips.fonts import slip_fonts

ROLL_TAIL = 4.0 * 72 / 25.4  # 4 mm of paper left below the content before the cut


class SlipCanvas(Canvas):
    """Keeps every page until the end, then writes the footers and the pages.

    `footer` (e.g. the case number) and "第 x 页 / 共 y 页" go at the foot of each page, and
    only when the slip has more than one page.
    """

    footer = ""
    footer_size = 8.0
    left = right = footer_y = 0.0
    # reportlab's own private attributes this class works with (so not in types-reportlab)
    _pagesize: tuple[float, float]
    _code: list[str]
    _startPage: Callable[[], None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._full_size = self._pagesize

    def cut_below(self, spare: float) -> None:
        """Shorten the current page by `spare` points of unused space at its bottom.

        The drawing so far is shifted down by the same amount (wrapped in q … Q, so the
        footer drawn later keeps page coordinates).
        """
        spare = max(0.0, spare - ROLL_TAIL)
        if spare <= 0:
            return
        self._code.insert(0, f"q 1 0 0 1 0 {fp_str(-spare)} cm")
        self._code.append("Q")
        width, height = self._pagesize
        self.setPageSize((width, height - spare))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.setPageSize(self._full_size)

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if total > 1:
                self._write_footer(self.getPageNumber(), total)
            super().showPage()
        super().save()

    def _write_footer(self, page: int, total: int) -> None:
        fonts = slip_fonts()
        if self.footer:
            self._draw(self.left, self.footer)
        text = f"第 {page} 页 / 共 {total} 页"
        self._draw(self._pagesize[0] - self.right - fonts.width(text, self.footer_size), text)

    def _draw(self, x: float, text: str) -> None:
        for font, run in slip_fonts().runs(text):
            self.setFont(font, self.footer_size)
            self.drawString(x, self.footer_y, run)
            x += self.stringWidth(run, font, self.footer_size)


def slip_canvas(footer: str, size: float, left: float, right: float, y: float) -> type[SlipCanvas]:
    """A SlipCanvas class for one document (reportlab instantiates the class itself)."""
    return type(
        "BoundSlipCanvas",
        (SlipCanvas,),
        {"footer": footer, "footer_size": size, "left": left, "right": right, "footer_y": y},
    )
