"""The county workbench (县中心工作台): web pages for the county's staff, served by the hub
under /county/, in Simplified Chinese, rendered on the server (Jinja2), enhanced by htmx and
Apache ECharts and working without JavaScript where they can (forms post and redirect).

A page is a module of `hub.web.pages` (its routes and, if it is in the menu, a `NavEntry`) and
a template in `templates/` extending `base.html`; `context.render` fills the layout, `auth`
says who may open it and checks every change's CSRF token, `middleware` caps bodies and sets
the headers. `mount` puts it all on the hub's app.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from counterapp.clock import Clock
from counterapp.workdays import WorkCalendar
from hub import publishing
from hub.db import Database
from hub.web import assets, auth, pages
from hub.web.context import Settings, Workbench, render
from hub.web.middleware import WorkbenchDoor

__all__ = ["Settings", "mount"]


def mount(
    app: FastAPI,
    db: Database,
    clock: Clock,
    settings: Settings | None = None,
    calendar: WorkCalendar | None = None,
) -> None:
    app.state.workbench = Workbench(
        db,
        clock,
        settings or Settings(),
        calendar or publishing.work_calendar(db),
        nav=[module.NAV for module in pages.MODULES if hasattr(module, "NAV")],
    )
    app.add_middleware(WorkbenchDoor)
    app.include_router(assets.router)
    for module in pages.MODULES:
        app.include_router(module.router)
    # Starlette types a handler for `Exception`; these take a subclass of it
    app.add_exception_handler(auth.LoginRequired, _login_required)  # type: ignore[arg-type]
    app.add_exception_handler(auth.Refused, _refused)  # type: ignore[arg-type]


def _login_required(request: Request, exc: auth.LoginRequired) -> Response:
    return auth.login_required_response(request, exc)


def _refused(request: Request, exc: auth.Refused) -> Response:
    return render(request, None, "error.html", {"message": exc.message}, exc.status)
