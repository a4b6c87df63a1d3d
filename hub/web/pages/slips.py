"""单据核验: a citizen's notice or receipt checked at the county, as the staff API does it
(`hub.slips`): the case number and 验证码 typed, or the QR code scanned — a USB scanner types the
QR's text (`YBGZ2|case no|code`) into the scan field and presses Enter. The answer is valid,
invalid or unknown; a valid version-2 code shows what that print of the slip says, to compare
with the paper (the ID number masked, as on the slip). Checks are rate-limited per person like
the API's and journalled."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from counterapp.clock import stamp
from hub import audit, slips
from hub.guard import Guard
from hub.limits import Refused as RateRefused
from hub.sealing import SealingProblem
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, is_htmx, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/slips", "单据核验", "check_slips")
Checker = Annotated[sessions.Session, Depends(auth.allowed("check_slips"))]
Checking = Annotated[sessions.Session, Depends(auth.changing("check_slips"))]
VERDICT_TITLES = {
    slips.Verdict.VALID: "核验通过",
    slips.Verdict.INVALID: "核验未通过",
    slips.Verdict.UNKNOWN: "暂无法核验",
}


@router.get("/slips")
def slips_page(request: Request, session: Checker) -> Response:
    return render(request, session, "slips.html", {"result": None})


def _check(
    bench: Bench, request: Request, session: sessions.Session, form: auth.Form
) -> dict[str, Any]:
    scanned = form.text("qr", 512).strip()
    case_no, code = form.text("case_no", 64).strip(), form.text("code", 64).strip()
    guard: Guard = request.app.state.guard
    try:
        guard.slip_checks.take(f"staff:{session.account.login}")
    except RateRefused as refused:
        return {"error": f"核验过于频繁，请 {refused.retry_after} 秒后再试"}
    try:
        asked = slips.parse_request(
            None if scanned else case_no or None, None if scanned else code or None, scanned or None
        )
        check = slips.verify(bench.db, *asked)
    except slips.SlipInputError:
        return {
            "error": "请扫描单据上的二维码，或输入办件编号和8位验证码（如 "
            "370883101-20261125-02-0007 和 ABCD2345）",
            "case_no": case_no,
            "code": code,
        }
    except SealingProblem:
        return {"error": "县中心暂时无法核验单据（密钥不可用），请联系系统管理员"}
    with bench.db.transaction() as tx:
        audit.record(
            tx,
            stamp(bench.clock.now()),
            session.account.login,
            "slip_check",
            case_no=check.case_no,
            detail=VERDICT_TITLES[check.verdict],
            address=address(request),
        )
    return {
        "check": check,
        "title": VERDICT_TITLES[check.verdict],
        "lines": slips.content_lines(check.content),
    }


@router.post("/slips")
def check_slip(
    request: Request, bench: Bench, form: auth.PostedForm, session: Checking
) -> Response:
    result = _check(bench, request, session, form)
    template = "_slip_result.html" if is_htmx(request) else "slips.html"
    return render(request, session, template, {"result": result})
