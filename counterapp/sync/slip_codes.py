"""Slip verification codes, shared by the station (which prints them) and the county hub
(which checks them): stdlib only, no store, no Qt.

Version 2 (every slip printed since issue 13) binds what the slip says:

    code = base32(HMAC-SHA256(secret, "2|<station>|<case no>|<uuid>|<content digest>"))[:8]

where the content (`slip_content` at the station) is what that print of the slip shows: kind,
print number (0 first, n for the n-th 补打), when it was issued, applicant, masked ID number,
state, items with their deadlines, materials with their states; its digest is the SHA-256 of
its canonical JSON. The station sends the content up with the case (in the print's event), so
the county recomputes the code from it and shows it to compare with the paper: an altered slip
no longer checks. Its QR code carries ``YBGZ2|<case no>|<code>``.

Version 1 (slips printed before): the HMAC of "<station>|<case no>|<uuid>" only, QR
``YBGZ|<case no>|<code>``. Such slips are in citizens' hands, so a version-1 code still checks
for a case that has a print recorded without content (printed by an older station program),
and only for such a case; the answer then says the code does not cover the slip's content.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

QR_PREFIX = "YBGZ"  # version 1
QR_PREFIX_2 = "YBGZ2"  # version 2: the code covers the slip's content
SLIP_FIELD = "slip"  # where a print's event data carries the slip's content
CODE_LENGTH = 8
SECRET_BYTES = 32
RECORD_TYPE = "slip_key"  # the wire record that hands a store's secret to the hub

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


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of a slip content's canonical JSON."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_code_v2(
    secret: bytes, station_code: str, case_no: str, case_uuid: str, content: dict[str, Any]
) -> str:
    """The code of one print of a slip, bound to what it says."""
    message = f"2|{station_code}|{case_no}|{case_uuid}|{content_digest(content)}".encode()
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


def qr_payload(case_no: str, code: str, version: int = 2) -> str:
    return f"{QR_PREFIX_2 if version == 2 else QR_PREFIX}|{case_no}|{code}"


def parse_payload(text: str) -> tuple[str, str, int] | None:
    """(case no, code, code version) from a scanned QR text, or None if it is not a slip's."""
    parts = text.strip().split("|")
    if len(parts) != 3 or parts[0] not in (QR_PREFIX, QR_PREFIX_2):
        return None
    return parts[1], parts[2], 2 if parts[0] == QR_PREFIX_2 else 1


def printed_contents(events: Any) -> tuple[list[dict[str, Any]], bool]:
    """From a case's events (as synced): the contents of its slips printed with a version-2
    code, and whether any slip of it was printed without content (a version-1 code)."""
    contents: list[dict[str, Any]] = []
    legacy = False
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            continue
        content = event["data"].get(SLIP_FIELD)
        if isinstance(content, dict):
            contents.append(content)
        elif event.get("kind") in PRINT_EVENTS:
            legacy = True
    return contents, legacy


PRINT_EVENTS = ("notice_printed", "notice_reprinted", "receipt_printed", "receipt_reprinted")
