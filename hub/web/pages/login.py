"""Signing in and out, and the workbench's front door (/county/ → the first page one's role
may open).

The sign-in form carries its own CSRF token, kept in a cookie of its own (double submit), so
no other site can sign a browser in under another account. Failed sign-ins count against the
account (lockout with back-off, `hub.staff.sign_in`) and against the client's address (the
hub's limiter of failed authentications, shared with the API).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import audit, staff
from hub.guard import Guard
from hub.limits import Refused as RateRefused
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
FORM_COOKIE = "county_login_csrf"
REASONS = {
    "idle": "长时间未操作，已自动退出，请重新登录。",
    "expired": "本次登录已超过时限，请重新登录。",
    "logout": "已安全退出。",
}
SignedIn = Annotated[sessions.Session, Depends(auth.allowed(""))]
SigningOut = Annotated[sessions.Session, Depends(auth.changing(""))]


def safe_next(path: str) -> str:
    """Only a path of the workbench itself: never another site (an open redirect)."""
    return path if path.startswith(PREFIX + "/") and "//" not in path and "\\" not in path else ""


def landing(nav: list[NavEntry], account: staff.Account) -> str:
    """The first page of the menu `account` may open."""
    for entry in nav:
        if account.may(entry.permission):
            return entry.path
    return PREFIX + "/account"


@router.get("")
@router.get("/")
def front_door(bench: Bench, session: SignedIn) -> Response:
    return RedirectResponse(landing(bench.nav, session.account), status_code=303)


def _form(
    request: Request,
    login: str = "",
    next_path: str = "",
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        None,
        "login.html",
        {
            "form_csrf": token,
            "login": login,
            "next": safe_next(next_path),
            "message": message,
            "error": error,
        },
        status,
    )
    auth.set_cookie(response, request, FORM_COOKIE, token, path=PREFIX + "/login")
    return response


@router.get("/login")
async def login_page(request: Request, next: str = "", reason: str = "") -> Response:
    try:
        session = await auth.current_session(request)
    except auth.LoginRequired:
        session = None
    if session is not None:
        return RedirectResponse(safe_next(next) or PREFIX + "/", status_code=303)
    return _form(request, next_path=next[:200], message=REASONS.get(reason))


@router.post("/login")
def sign_in(request: Request, bench: Bench, form: auth.PostedForm) -> Response:
    login, password = form.text("login", staff.LOGIN_MAX).strip(), form.text("password", 200)
    next_path = form.text("next", 200)
    sent, expected = form.text("csrf", 100), request.cookies.get(FORM_COOKIE, "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        return _form(request, login, next_path, error="登录页已失效，请重新输入。", status=403)
    guard: Guard = request.app.state.guard
    where = address(request)
    try:
        guard.failed_auth.check(where)
    except RateRefused as refused:
        return _form(
            request,
            login,
            next_path,
            status=429,
            error=f"失败次数过多，请 {refused.retry_after} 秒后再试。",
        )
    try:
        account = staff.sign_in(bench.db, login, password, bench.clock.now(), where)
    except staff.LoginRefused as exc:
        guard.failed_auth.spend(where)
        return _form(request, login, next_path, error=str(exc), status=401)
    token = sessions.start(bench.db, account, bench.clock.now())
    response = RedirectResponse(
        safe_next(next_path) or landing(bench.nav, account), status_code=303
    )
    auth.set_cookie(response, request, auth.cookie_name(request), token)
    response.delete_cookie(FORM_COOKIE, path=PREFIX + "/login")
    return response


@router.post("/logout")
def sign_out(request: Request, bench: Bench, session: SigningOut) -> Response:
    sessions.end(bench.db, session.key)
    with bench.db.transaction() as tx:
        audit.record(
            tx, stamp(bench.clock.now()), session.account.login, "logout", address=address(request)
        )
    response = RedirectResponse(auth.login_url(reason="logout"), status_code=303)
    response.delete_cookie(auth.cookie_name(request), path="/")
    return response
