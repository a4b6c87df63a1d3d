"""What every page of the workbench shares: the hub's database and clock, the working-day
calendar, the templates, the navigation, and `render`, which fills the layout (who is signed
in, their menu, the CSRF token, the message left by the last action)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from counterapp.clock import Clock
from counterapp.workdays import WorkCalendar
from hub.db import Database
from hub.web import assets
from hub.web.assets import PREFIX as PREFIX
from hub.web.sessions import Session, set_flash

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Settings:
    """Session limits: a signed-in browser ends after `idle_minutes` without a request, and
    after `session_hours` in any case."""

    idle_minutes: int = 15
    session_hours: int = 10

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)


class NavEntry(NamedTuple):
    """A page in the menu, shown to those who may open it."""

    path: str
    label: str
    permission: str


@dataclass
class Workbench:
    db: Database
    clock: Clock
    settings: Settings
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    nav: list[NavEntry] = field(default_factory=list)
    templates: Jinja2Templates = field(default_factory=lambda: Jinja2Templates(directory=TEMPLATES))


def workbench(request: Request) -> Workbench:
    bench: Workbench = request.app.state.workbench
    return bench


Bench = Annotated[Workbench, Depends(workbench)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def render(
    request: Request,
    session: Session | None,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """A page (or, for htmx, a fragment) with the layout's context; shows the session's
    message once."""
    bench = workbench(request)
    if session is not None and session.flash is not None:
        set_flash(bench.db, session.key, None)
    account = session.account if session is not None else None
    nav = [
        (entry.path, entry.label, request.url.path.startswith(entry.path))
        for entry in bench.nav
        if account is not None and account.may(entry.permission)
    ]
    full = {
        "account": account,
        "csrf": session.csrf if session else "",
        "flash": session.flash if session else None,
        "nav": nav,
        "prefix": PREFIX,
        "asset": assets.url,
        "idle_seconds": bench.settings.idle_minutes * 60,
        **(context or {}),
    }
    return bench.templates.TemplateResponse(request, template, full, status_code=status_code)
