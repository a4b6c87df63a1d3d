"""Who is signed in, what they may do, and the CSRF check of every change: in one place, so a
page only says which permission it needs (`allowed`, `changing`).

- A page asks `allowed(permission)`: the session of the request's cookie, else `LoginRequired`
  (a page is redirected to the sign-in, an htmx request told to go there with `HX-Redirect`);
  a role without the permission gets 403.
- A change (every POST) asks `changing(permission)`: the same, and the request must carry the
  session's CSRF token — the form field `csrf` every form holds, or the `X-CSRF-Token` header
  htmx sends from the page's `hx-headers` — else 403 and nothing is done. The cookie is
  SameSite=Strict as well, so another site's page cannot even send it.
- Cookies are HttpOnly and SameSite=Strict, and over HTTPS also Secure and `__Host-` named.
  The hub learns it was HTTPS from nginx's `X-Forwarded-Proto`, which uvicorn trusts only from
  the loopback address the proxy connects from.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, NamedTuple
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException

from hub.web import sessions
from hub.web.context import PREFIX, address, is_htmx, workbench

log = logging.getLogger("hub")
COOKIE = "county_session"
SECURE_COOKIE = "__Host-county_session"
FIELD_MAX = 2000  # a form field's characters (notes, reasons: far less)


class LoginRequired(Exception):
    """No live session: sign in (again), then come back to `next`."""

    def __init__(self, next_path: str = "", reason: str = "") -> None:
        super().__init__(reason or "login required")
        self.next_path = next_path
        self.reason = reason


class Refused(Exception):
    """Signed in, but this may not be done or opened; `message` says why, in Chinese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Form:
    """A posted form's fields as text, each cut to a bounded length."""

    def __init__(self, data: FormData) -> None:
        self._data = data

    def text(self, name: str, limit: int = FIELD_MAX) -> str:
        value = self._data.get(name)
        return value[:limit] if isinstance(value, str) else ""

    def all(self, name: str, limit: int = 200) -> list[str]:
        return [
            value
            for value in self._data.getlist(name)
            if isinstance(value, str) and 0 < len(value) <= limit
        ]


async def read_form(request: Request) -> Form:
    if request.method != "POST":
        return Form(FormData())
    return Form(await request.form(max_files=0, max_fields=500, max_part_size=64 * 1024))


PostedForm = Annotated[Form, Depends(read_form)]


class Upload(NamedTuple):
    """A posted form with one file (multipart): its fields, the file's bytes and name."""

    form: Form
    data: bytes
    filename: str


async def read_upload(request: Request) -> Upload:
    """The form of an upload page; the body is capped by `middleware.UPLOAD_MAX` on the way in."""
    try:
        data = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
    except (MultiPartException, ValueError, AssertionError):
        raise Refused(400, "上传的内容格式不正确。") from None
    file = data.get("file")
    if not isinstance(file, UploadFile):
        return Upload(Form(data), b"", "")
    return Upload(Form(data), await file.read(), file.filename or "")


def uploading(permission: str) -> Callable[..., Awaitable[tuple[sessions.Session, Upload]]]:
    """The dependency of an upload that needs `permission`: as `changing`, for a form with a
    file (the CSRF token is the form's field)."""
    viewer = allowed(permission)

    async def dependency(request: Request) -> tuple[sessions.Session, Upload]:
        session = await viewer(request)
        upload = await read_upload(request)
        check_csrf(request, upload.form, session.csrf)
        return session, upload

    return dependency


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if secure(request) else COOKIE


def set_cookie(
    response: Response, request: Request, name: str, value: str, path: str = "/"
) -> None:
    response.set_cookie(
        name, value, path=path, httponly=True, samesite="strict", secure=secure(request)
    )


def login_url(next_path: str = "", reason: str = "") -> str:
    query = {key: value for key, value in (("next", next_path), ("reason", reason)) if value}
    return f"{PREFIX}/login" + (f"?{urlencode(query)}" if query else "")


async def current_session(request: Request) -> sessions.Session | None:
    token = request.cookies.get(cookie_name(request))
    if not token or len(token) > 100:
        return None
    bench = workbench(request)
    try:
        return await run_in_threadpool(
            sessions.find,
            bench.db,
            token,
            bench.clock.now(),
            bench.settings.idle,
            bench.settings.lifetime,
            address(request),
        )
    except sessions.Ended as ended:
        raise LoginRequired(_coming_back(request), ended.reason) from None


def _coming_back(request: Request) -> str:
    """Where signing in returns to: the page asked for, with its query (a form sent is not
    sent again)."""
    if request.method != "GET":
        return ""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def allowed(permission: str) -> Callable[[Request], Awaitable[sessions.Session]]:
    """The dependency of a page that needs `permission` ("": any account signed in)."""

    async def dependency(request: Request) -> sessions.Session:
        session = await current_session(request)
        if session is None:
            raise LoginRequired(_coming_back(request))
        if permission and not session.account.may(permission):
            raise Refused(403, "您的角色无权打开此页或进行此操作。")
        return session

    return dependency


def changing(permission: str) -> Callable[..., Awaitable[sessions.Session]]:
    """The dependency of a change that needs `permission`: signed in, allowed, and carrying the
    session's CSRF token."""
    viewer = allowed(permission)

    async def dependency(request: Request, form: PostedForm) -> sessions.Session:
        session = await viewer(request)
        check_csrf(request, form, session.csrf)
        return session

    return dependency


def check_csrf(request: Request, form: Form, expected: str) -> None:
    sent = request.headers.get("X-CSRF-Token") or form.text("csrf", 100)
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.warning(
            "403 %s %s from %s: missing or wrong CSRF token",
            request.method,
            request.url.path,
            address(request),
        )
        raise Refused(403, "请求已失效（缺少或不符的校验码），未作任何更改。请刷新页面后重试。")


def login_required_response(request: Request, exc: LoginRequired) -> Response:
    target = login_url(exc.next_path, exc.reason)
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
