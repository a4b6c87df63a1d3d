"""人员管理 (admin): the county's staff accounts — add, reset a password, change a role,
deactivate and reactivate, end a lockout, issue or revoke an API token (shown once, on the
answer to the request, never stored or put in a message kept for the next page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import staff
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/staff", "人员管理", "manage_staff")
Admin = Annotated[sessions.Session, Depends(auth.allowed("manage_staff"))]
Changing = Annotated[sessions.Session, Depends(auth.changing("manage_staff"))]
ACTIONS = ("add", "password", "role", "deactivate", "reactivate", "unlock", "token", "revoke")


def _page(
    request: Request,
    bench: Bench,
    session: sessions.Session,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        session,
        "staff.html",
        {
            "accounts": staff.accounts(bench.db),
            "roles": staff.ROLES,
            "now": bench.clock.now(),
            "password_min": staff.PASSWORD_MIN,
            **(extra or {}),
        },
        status,
    )


@router.get("/staff")
def staff_page(request: Request, bench: Bench, session: Admin) -> Response:
    return _page(request, bench, session)


def _two_passwords(form: auth.Form) -> str:
    password = form.text("password", staff.PASSWORD_MAX + 1)
    if password != form.text("password2", staff.PASSWORD_MAX + 1):
        raise staff.StaffProblem("两次输入的密码不一致")
    return password


def _do(action: str, bench: Bench, form: auth.Form, by: str) -> str | None:
    """Carry out one action; returns a new API token when one was issued."""
    login, now = form.text("login", staff.LOGIN_MAX).strip(), stamp(bench.clock.now())
    if action == "add":
        staff.add(
            bench.db,
            login,
            form.text("name", staff.NAME_MAX + 1),
            form.text("role", 16),
            _two_passwords(form),
            now,
            by,
        )
    elif action == "password":
        staff.set_password(bench.db, login, _two_passwords(form), now, by)
    elif action == "role":
        staff.set_role(bench.db, login, form.text("role", 16), now, by)
    elif action in ("deactivate", "reactivate"):
        if action == "deactivate" and login == by:
            raise staff.StaffProblem("不能停用自己的账号")
        staff.set_active(bench.db, login, action == "reactivate", now, by)
    elif action == "unlock":
        staff.unlock(bench.db, login, now, by)
    elif action == "token":
        return staff.issue(bench.db, login, now, by)
    elif action == "revoke":
        staff.revoke(bench.db, login, now, by)
    return None


DONE = {
    "add": "已新增人员",
    "password": "已设置密码",
    "role": "已变更角色",
    "deactivate": "已停用",
    "reactivate": "已启用",
    "unlock": "已解除锁定",
    "revoke": "已吊销接口令牌",
}


@router.post("/staff/{action}")
def change(
    request: Request, action: str, bench: Bench, form: auth.PostedForm, session: Changing
) -> Response:
    if action not in ACTIONS:
        raise auth.Refused(404, "没有这项操作。")
    login = form.text("login", staff.LOGIN_MAX).strip()
    try:
        token = _do(action, bench, form, session.account.login)
    except staff.StaffProblem as exc:
        return _page(
            request,
            bench,
            session,
            {"message": sessions.Flash(str(exc), error=True), "form": action},
            422,
        )
    if token is not None:
        return _page(request, bench, session, {"token": token, "token_login": login})
    sessions.set_flash(bench.db, session.key, sessions.Flash(f"{DONE[action]}：{login}"))
    return RedirectResponse(f"{PREFIX}/staff", status_code=303)
