"""Verification codes: proof that a slip was issued by this station for this case, as it says.

A slip printed now carries a version-2 code, bound to the content of that print (kind, print
number, issue time, applicant, masked ID number, state, items and deadlines, materials and
their states; `counterapp.sync.slip_codes`), so an altered slip no longer checks; each 补打 has
its own. Slips printed before issue 13 carry a version-1 code (station, case number and case
UUID only); it still checks for a case that has such a print, and for no other.

The secret is 32 random bytes made on first use and kept in the store's settings
(`slips.verification_secret`). The sync hands it to the county hub (a `slip_key` record,
`counterapp.sync.handed_keys`), and each print's content travels with its case, so the county
checks the slips of this station's cases (`hub.slips`) and shows what each print said.
8 base32 characters are 40 bits: guessing a valid code for a given case number succeeds once
in about 10^12 tries. Base32 (A–Z, 2–7) has no 0, 1, 8 or 9, so a letter O or I read from the
slip cannot be mistaken for a digit. The QR code carries ``YBGZ2|<case no>|<code>``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from counterapp.app import Counter
from counterapp.case_model import Case
from counterapp.sync.handed_keys import SECRET_SETTING
from counterapp.sync.slip_codes import (
    SECRET_BYTES,
    codes_match,
    compute_code,
    compute_code_v2,
    normalise_code,
    parse_payload,
    qr_payload,
)

__all__ = [
    "code_for",
    "compute_code",
    "legacy_code_for",
    "qr_payload",
    "station_secret",
    "verify",
    "verify_payload",
]


def station_secret(counter: Counter) -> bytes:
    """The station's secret, made (and stored) on first use."""
    stored = counter.settings.get(SECRET_SETTING)
    if stored is None:
        stored = secrets.token_hex(SECRET_BYTES)
        counter.settings.set(SECRET_SETTING, stored)
    return bytes.fromhex(stored)


def code_for(counter: Counter, case: Case, content: dict[str, Any]) -> str:
    """The version-2 code printed on the slip of `case` that says `content`."""
    assert counter.station is not None
    return compute_code_v2(
        station_secret(counter), counter.station.code, case.case_no, case.uuid, content
    )


def legacy_code_for(counter: Counter, case: Case) -> str:
    """The version-1 code the slips of `case` carried before issue 13 (content not covered)."""
    assert counter.station is not None
    return compute_code(station_secret(counter), counter.station.code, case.case_no, case.uuid)


def verify(counter: Counter, case_no: str, code: str) -> bool:
    """Whether `code` is the code of a slip of case `case_no` this station printed."""
    if counter.station is None:
        return False
    row = counter.store.one("SELECT id, uuid FROM cases WHERE case_no = ?", (case_no.strip(),))
    if row is None:
        return False
    secret, station, given = station_secret(counter), counter.station.code, normalise_code(code)
    prints = counter.store.all(
        "SELECT slip_content FROM slip_prints WHERE case_id = ? AND kind IN ('notice', 'receipt')",
        (row["id"],),
    )
    for printed in prints:
        content = printed["slip_content"]
        wanted = (
            compute_code(secret, station, case_no.strip(), row["uuid"])
            if content is None
            else compute_code_v2(secret, station, case_no.strip(), row["uuid"], json.loads(content))
        )
        if codes_match(wanted, given):
            return True
    return False


def verify_payload(counter: Counter, text: str) -> bool:
    """Check a scanned slip QR code."""
    parsed = parse_payload(text)
    return parsed is not None and verify(counter, parsed[0], parsed[1])
