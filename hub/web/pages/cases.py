"""One forwarded case in full: the applicant's name, ID number and phone unmasked, items,
materials, the forwarding deadline and the county's, the station's events and the county's
decisions; and the decision forms (办结 with its result, 退回 with the reason the station tells
the citizen). Every view is journalled with who, when and which case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import inbox
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, address, render
from hub.web.pages.inbox import signature

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_cases"))]
Decider = Annotated[sessions.Session, Depends(auth.changing("decide"))]
NOTE_MAX = 200
MODES = {"handle": "本站办理", "collect": "收集材料转报", "assist": "帮办代办"}
FORMS = {"original": "原件", "copy": "复印件"}


@router.get("/cases/{case_uuid}")
def case_page(request: Request, case_uuid: str, bench: Bench, session: Reader) -> Response:
    detail = inbox.case_detail(bench.db, case_uuid[:64], bench.clock.today(), bench.calendar)
    if detail is None:
        raise auth.Refused(404, "县中心没有这个转报办件。")
    inbox.note_view(
        bench.db,
        case_uuid,
        detail.row.case_no,
        session.account.login,
        stamp(bench.clock.now()),
        address(request),
    )
    return render(
        request,
        session,
        "case.html",
        {
            "case": detail,
            "data": detail.data,
            "modes": MODES,
            "forms": FORMS,
            "can_decide": session.account.may("decide"),
            "note_max": NOTE_MAX,
        },
    )


@router.post("/cases/{case_uuid}/decide")
def decide(
    request: Request, case_uuid: str, bench: Bench, form: auth.PostedForm, session: Decider
) -> Response:
    status = form.text("status", 16)
    note = form.text("note", NOTE_MAX + 1)
    if status not in inbox.ACTIONS:
        flash = sessions.Flash("请选择要作出的决定", error=True)
    elif len(note) > NOTE_MAX:
        flash = sessions.Flash(f"说明不能超过{NOTE_MAX}字", error=True)
    else:
        outcome = inbox.decide(
            bench.db,
            [case_uuid[:64]],
            status,
            note,
            signature(session.account),
            stamp(bench.clock.now()),
            address(request),
            session.account.login,
        )
        flash = (
            sessions.Flash(f"已{inbox.ACTIONS[status]}：站点下次同步时收到此决定")
            if outcome.decided
            else sessions.Flash(outcome.refused[0][1], error=True)
        )
    sessions.set_flash(bench.db, session.key, flash)
    return RedirectResponse(f"{PREFIX}/cases/{case_uuid[:64]}", status_code=303)
