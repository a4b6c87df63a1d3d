"""Verification codes: proof that a slip was issued by this station for this case.

code = the first 8 characters of base32(HMAC-SHA256(station secret, "<station>|<case no>|<uuid>")).

The secret is 32 random bytes made on first use and kept in the store's settings
(`slips.verification_secret`); the county, which receives the station's data, can hold the same
secret to check slips. 8 base32 characters are 40 bits: guessing a valid code for a given case
number succeeds once in about 10^12 tries. Base32 (A–Z, 2–7) has no 0, 1, 8 or 9, so a letter
O or I read from the slip cannot be mistaken for a digit.
The QR code carries ``YBGZ|<case no>|<code>`` (YBGZ: 医保告知).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from counterapp.app import Counter
from counterapp.case_model import Case

SECRET_SETTING = "slips.verification_secret"
QR_PREFIX = "YBGZ"
CODE_LENGTH = 8


def station_secret(counter: Counter) -> bytes:
    """The station's secret, made (and stored) on first use."""
    stored = counter.settings.get(SECRET_SETTING)
    if stored is None:
        stored = secrets.token_hex(32)
        counter.settings.set(SECRET_SETTING, stored)
    return bytes.fromhex(stored)


def compute_code(secret: bytes, station_code: str, case_no: str, case_uuid: str) -> str:
    message = f"{station_code}|{case_no}|{case_uuid}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def code_for(counter: Counter, case: Case) -> str:
    """The verification code printed on the slips of `case`."""
    assert counter.station is not None
    return compute_code(station_secret(counter), counter.station.code, case.case_no, case.uuid)


def verify(counter: Counter, case_no: str, code: str) -> bool:
    """Whether `code` is the verification code of case `case_no` of this station."""
    if counter.station is None:
        return False
    row = counter.store.one("SELECT uuid FROM cases WHERE case_no = ?", (case_no.strip(),))
    if row is None:
        return False
    wanted = compute_code(station_secret(counter), counter.station.code, case_no.strip(),
                          row["uuid"])
    given = code.strip().upper().replace("-", "").replace(" ", "")
    return hmac.compare_digest(wanted.encode(), given.encode())


def qr_payload(case_no: str, code: str) -> str:
    return f"{QR_PREFIX}|{case_no}|{code}"


def parse_payload(text: str) -> tuple[str, str] | None:
    """(case no, code) from a scanned QR text, or None if it is not a slip's code."""
    parts = text.strip().split("|")
    if len(parts) != 3 or parts[0] != QR_PREFIX:
        return None
    return parts[1], parts[2]


def verify_payload(counter: Counter, text: str) -> bool:
    """Check a scanned slip QR code."""
    parsed = parse_payload(text)
    return parsed is not None and verify(counter, *parsed)
