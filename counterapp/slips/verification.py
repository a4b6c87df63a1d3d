"""Verification codes: proof that a slip was issued by this station for this case.

code = the first 8 characters of base32(HMAC-SHA256(station secret, "<station>|<case no>|<uuid>")).

The secret is 32 random bytes made on first use and kept in the store's settings
(`slips.verification_secret`). The sync hands it to the county hub (a `slip_key` record,
`counterapp.sync.slip_key`), which checks the slips of this station's cases (`hub.slips`).
8 base32 characters are 40 bits: guessing a valid code for a given case number succeeds once
in about 10^12 tries. Base32 (A–Z, 2–7) has no 0, 1, 8 or 9, so a letter O or I read from the
slip cannot be mistaken for a digit. The code itself is computed in
`counterapp.sync.slip_codes`, shared with the hub.
The QR code carries ``YBGZ|<case no>|<code>`` (YBGZ: 医保告知).
"""

from __future__ import annotations

import secrets

from counterapp.app import Counter
from counterapp.case_model import Case
from counterapp.sync.slip_codes import (
    SECRET_BYTES,
    codes_match,
    compute_code,
    normalise_code,
    parse_payload,
    qr_payload,
)
from counterapp.sync.slip_key import SECRET_SETTING

__all__ = ["code_for", "compute_code", "qr_payload", "station_secret", "verify",
           "verify_payload"]


def station_secret(counter: Counter) -> bytes:
    """The station's secret, made (and stored) on first use."""
    stored = counter.settings.get(SECRET_SETTING)
    if stored is None:
        stored = secrets.token_hex(SECRET_BYTES)
        counter.settings.set(SECRET_SETTING, stored)
    return bytes.fromhex(stored)


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
    return codes_match(wanted, normalise_code(code))


def verify_payload(counter: Counter, text: str) -> bool:
    """Check a scanned slip QR code."""
    parsed = parse_payload(text)
    return parsed is not None and verify(counter, *parsed)
