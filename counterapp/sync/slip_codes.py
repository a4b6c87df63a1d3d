"""Slip verification codes, shared by the station (which prints them) and the county hub
(which checks them): stdlib only, no store, no Qt.

code = the first 8 characters of base32(HMAC-SHA256(secret, "<station>|<case no>|<uuid>")).
The QR code of a slip carries ``YBGZ|<case no>|<code>`` (YBGZ: 医保告知). See
`counterapp.slips.verification` for the station's side and `hub.slips` for the county's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

QR_PREFIX = "YBGZ"
CODE_LENGTH = 8
SECRET_BYTES = 32
RECORD_TYPE = "slip_key"      # the wire record that hands a store's secret to the hub

CASE_NO = re.compile(r"[0-9A-Za-z]{4,32}-\d{8}-\d{2,4}-\d{4,6}")
_CODE = re.compile(f"[A-Z2-7]{{{CODE_LENGTH}}}")
_SECRET_HEX = re.compile(f"[0-9a-f]{{{SECRET_BYTES * 2}}}")


def case_station(case_no: str) -> str:
    """The station a case number names: `370883101-20261125-02-0007` → `370883101`."""
    return case_no.rsplit("-", 3)[0]


def compute_code(secret: bytes, station_code: str, case_no: str, case_uuid: str) -> str:
    message = f"{station_code}|{case_no}|{case_uuid}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def normalise_code(code: str) -> str:
    """A code as typed or read from a slip: upper case, without spaces or dashes."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def is_code(code: str) -> bool:
    """Whether a normalised code has the form of a verification code (8 of A–Z, 2–7)."""
    return _CODE.fullmatch(code) is not None


def codes_match(wanted: str, given: str) -> bool:
    """Constant-time comparison of the right code with a normalised given one."""
    return hmac.compare_digest(wanted.encode(), given.encode("utf-8"))


def is_secret_hex(text: object) -> bool:
    """Whether `text` is a secret as the station keeps and sends it (64 lower-case hex)."""
    return isinstance(text, str) and _SECRET_HEX.fullmatch(text) is not None


def qr_payload(case_no: str, code: str) -> str:
    return f"{QR_PREFIX}|{case_no}|{code}"


def parse_payload(text: str) -> tuple[str, str] | None:
    """(case no, code) from a scanned QR text, or None if it is not a slip's code."""
    parts = text.strip().split("|")
    if len(parts) != 3 or parts[0] != QR_PREFIX:
        return None
    return parts[1], parts[2]
