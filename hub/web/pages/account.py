"""我的账号: who one is signed in as, and changing one's own password (the old one first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import staff
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
SignedIn = Annotated[sessions.Session, Depends(auth.allowed(""))]
Changing = Annotated[sessions.Session, Depends(auth.changing(""))]


@router.get("/account")
def account_page(request: Request, session: SignedIn) -> Response:
    return render(
        request, session, "account.html", {"password_min": staff.PASSWORD_MIN, "message": None}
    )


@router.post("/account/password")
def change_password(
    request: Request, bench: Bench, form: auth.PostedForm, session: Changing
) -> Response:
    new = form.text("password", staff.PASSWORD_MAX + 1)
    try:
        if new != form.text("password2", staff.PASSWORD_MAX + 1):
            raise staff.StaffProblem("两次输入的新密码不一致")
        staff.change_own_password(
            bench.db, session.account.login, form.text("old", 200), new, stamp(bench.clock.now())
        )
    except staff.StaffProblem as exc:
        return render(
            request,
            session,
            "account.html",
            {"password_min": staff.PASSWORD_MIN, "message": sessions.Flash(str(exc), error=True)},
            422,
        )
    sessions.set_flash(bench.db, session.key, sessions.Flash("密码已修改"))
    return RedirectResponse(f"{PREFIX}/account", status_code=303)
