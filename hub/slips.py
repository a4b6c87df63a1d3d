"""Slips checked at the county: the stations' slip secrets in, verdicts out.

A station store hands its verification secret over as a `slip_key` record (its id is the
store's source id); the hub keeps it sealed in `slip_keys` (`hub.keys_in`), never among the
records. To check a slip the hub finds the case by its number, opens the secret of the store
that uploaded it, and recomputes the code of each print of the case from what that print said
(its content travels in the case's events, `counterapp.sync.slip_codes`), comparing in constant
time. A valid code answers with that content, for the staff member to compare with the paper.
A version-1 code (slips printed before issue 13) is checked only for a case with such a print,
and its answer says it does not cover the content. The answer is one of three, and `unknown`
says nothing more: not whether such a case exists at another station, nor whether only the
station's secret is missing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, NamedTuple

from counterapp.sync.slip_codes import (
    CASE_NO,
    CODE_LENGTH,
    case_station,
    codes_match,
    compute_code,
    compute_code_v2,
    is_code,
    normalise_code,
    parse_payload,
    printed_contents,
)
from hub.db import CASE_NO_SQL, Database
from hub.keys_in import SLIP_KEYS
from hub.sealing import SealingProblem

log = logging.getLogger("hub")


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"


MESSAGES = {
    Verdict.VALID: (
        "核验通过：此单据确由办理站点为该办件出具。请逐项核对下列内容"
        "（事项、材料、日期）与纸面一致，不一致即为涂改。"
    ),
    Verdict.INVALID: "核验未通过：验证码与该办件不符，单据可能被涂改或并非该办件的单据。",
    Verdict.UNKNOWN: "县中心尚无此办件的数据，暂无法核验：请待办理站点同步后再查，或联系该站点。",
}


LEGACY_MESSAGE = (
    "核验通过（旧版验证码）：此验证码证明办件编号出自办理站点，但不涵盖单据内容；"
    "请以县中心所存办件信息核对单据内容。"
)


class SlipInputError(ValueError):
    """A slip check asked with a missing or malformed case number, code or QR text."""


class Check(NamedTuple):
    case_no: str
    verdict: Verdict
    content: dict[str, Any] | None = None  # what the checked print says (valid v2 only)
    legacy: bool = False  # valid by a version-1 code

    @property
    def message(self) -> str:
        return LEGACY_MESSAGE if self.legacy else MESSAGES[self.verdict]


# --- out: checking a slip -----------------------------------------------------------------------
def parse_request(
    case_no: str | None, code: str | None, qr: str | None
) -> tuple[str, str, int | None]:
    """(case number, normalised code, code version if the QR text says it) from either both
    fields or a slip's QR text."""
    version = None
    if qr is not None:
        if case_no is not None or code is not None:
            raise SlipInputError("give either qr, or case_no and code, not both")
        parsed = parse_payload(qr)
        if parsed is None:
            raise SlipInputError(
                "qr is not a slip's QR text: expected YBGZ2|<case no>|<code> "
                "(or YBGZ|… on slips printed before)"
            )
        case_no, code, version = parsed
    if case_no is None or code is None:
        raise SlipInputError("give case_no and code, or qr (the slip's QR text)")
    case_no, code = case_no.strip(), normalise_code(code)
    if not CASE_NO.fullmatch(case_no):
        raise SlipInputError(
            "case_no is not a case number: expected "
            "<station>-<YYYYMMDD>-<window>-<sequence>, "
            "e.g. 370883101-20261125-02-0007"
        )
    if not is_code(code):
        raise SlipInputError(
            f"code must be {CODE_LENGTH} characters of A-Z and 2-7 "
            "(the slip's 验证码; spaces and dashes are ignored)"
        )
    return case_no, code, version


def verify(db: Database, case_no: str, code: str, version: int | None = None) -> Check:
    """The verdict on a slip of case `case_no` showing `code` (as `parse_request` gives them;
    `version` None: either code version). Only the station the case number names can vouch
    for it: a case of that number uploaded by another station (a station writes its cases'
    data as it likes) is not looked at."""
    with db.transaction(write=False) as tx:
        rows = tx.all(
            f"SELECT r.uuid, r.station, r.source, k.sealed, k.key_id, r.data FROM records AS r "
            f"JOIN slip_keys AS k ON k.station = r.station AND k.source = r.source "
            f"WHERE r.type = 'case' AND r.station = ? AND {CASE_NO_SQL[db.dialect]} = ?",
            (case_station(case_no), case_no),
        )
    if not rows:
        return Check(case_no, Verdict.UNKNOWN)
    if db.sealer is None:
        raise SealingProblem("this hub has no sealing key: it cannot open slip secrets")
    for uuid, station, source, sealed, key_id, data in rows:
        secret = db.sealer.open(sealed, key_id, SLIP_KEYS.context(station, source))
        for content, wanted in _codes(secret, station, case_no, uuid, data, version):
            if codes_match(wanted, code):
                return Check(case_no, Verdict.VALID, content, legacy=content is None)
    return Check(case_no, Verdict.INVALID)


def _codes(
    secret: bytes, station: str, case_no: str, uuid: str, data: Any, version: int | None
) -> Iterator[tuple[dict[str, Any] | None, str]]:
    """(content, code) of every print of the case a code of `version` may come from; the
    version-1 code (content None) only if the case has a print without content."""
    events = (json.loads(data) if isinstance(data, str) else data).get("events")
    contents, legacy = printed_contents(events)
    if version in (None, 2):
        for content in contents:
            yield content, compute_code_v2(secret, station, case_no, uuid, content)
    if version in (None, 1) and legacy:
        yield None, compute_code(secret, station, case_no, uuid)


def content_lines(content: dict[str, Any] | None) -> list[tuple[str, str]]:
    """What a checked print says, as (label, text) lines for a person to read."""
    if not content:
        return []
    kinds = {"notice": "一次性告知单", "receipt": "受理回执"}
    number = int(content.get("print_no", 0))
    lines = [
        (
            "单据",
            f"{kinds.get(str(content.get('kind')), content.get('kind'))}"
            f"（{'首次打印' if number == 0 else f'第{number}次补打'}）",
        ),
        ("出具时间", str(content.get("issued_at", ""))),
        ("申请人", f"{content.get('applicant', '')}　{content.get('id_number', '')}"),
        ("办件状态", str(content.get("state", ""))),
    ]
    if content.get("accepted_at"):
        lines.append(("受理时间", str(content["accepted_at"])))
    lines += [
        ("事项", f"{item.get('name')}（办结期限：{item.get('value')}）")
        for item in content.get("items", [])
        if isinstance(item, dict)
    ]
    lines += [
        ("材料", f"{m.get('name')}【{m.get('value')}】")
        for m in content.get("materials", [])
        if isinstance(m, dict)
    ]
    return lines
