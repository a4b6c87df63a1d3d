"""The QR code on a slip: a 1-bit image with one pixel per module, drawn scaled up.

`qrcode` computes the module matrix. An image without /Interpolate is scaled by nearest
neighbour, so every module stays a sharp square at any printer resolution; a vector path of
rectangles instead shows hairline seams between rows when rasterised at 203 dpi, and
reportlab's QR widget (one shape per module) costs ~90 ms.
"""

from __future__ import annotations

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# Any of the 8 masks gives a valid code; fixing one skips qrcode's trial of all eight
# (about 4 ms a slip). Checked with zxing-cpp on the printed slips in the tests.
MASK_PATTERN = 2


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the smallest QR code (level M) holding `text`, quiet zone included."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK_PATTERN
    )
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


def qr_image(text: str) -> Image.Image:
    matrix = qr_matrix(text)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return image


class QrCode(Flowable):
    """A square QR code `size` points wide (quiet zone included)."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self._image = ImageReader(qr_image(text))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.drawImage(self._image, 0, 0, self.size, self.size)
