"""站点管理 (admin): the county's stations — register one (code, name, level, county, address,
supervision phone), issue a new one-time enrolment code (重新生成登记码), revoke a station
(after a confirmation). A code is shown once, as text and as a QR code drawn here as SVG, on
the answer to the request: never stored (the hub keeps its hash) or put in a message kept for
the next page. Every action is journalled (`hub.enrolment`)."""

from __future__ import annotations

from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from counterapp.station import LEVEL_NAMES, Station
from counterapp.sync.enrol_code import EnrolCode
from hub import enrolment, stations
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/stations", "站点管理", "manage_stations")
Admin = Annotated[sessions.Session, Depends(auth.allowed("manage_stations"))]
Changing = Annotated[sessions.Session, Depends(auth.changing("manage_stations"))]
FIELDS = ("code", "name", "level", "county_code", "county_name", "address", "supervision_phone")


def qr_svg(text: str) -> Markup:
    """The code as a QR code, an inline SVG drawn by the hub (nothing fetched from outside)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return Markup(svg[svg.index("<svg") :])  # our own SVG: no markup typed by anyone


def hub_url(request: Request) -> str:
    """The address the stations reach the hub at: the one this page was opened at (behind
    nginx, its scheme from X-Forwarded-Proto)."""
    return str(request.base_url).rstrip("/")


def _page(
    request: Request,
    bench: Bench,
    session: sessions.Session,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    county_code, county_name = enrolment.county(bench.db)
    return render(
        request,
        session,
        "stations.html",
        {
            "stations": enrolment.listed(bench.db, bench.clock.now()),
            "levels": LEVEL_NAMES,
            "form": {"county_code": county_code, "county_name": county_name, "level": "town"},
            "lifetime_hours": int(enrolment.LIFETIME.total_seconds() // 3600),
            **(extra or {}),
        },
        status,
    )


def _shown(code: EnrolCode, station: str, what: str) -> dict[str, Any]:
    return {"enrol": {"text": code.text, "qr": qr_svg(code.text), "station": station, "what": what}}


@router.get("/stations")
def stations_page(request: Request, bench: Bench, session: Admin) -> Response:
    return _page(request, bench, session)


@router.post("/stations/register")
def register(request: Request, bench: Bench, form: auth.PostedForm, session: Changing) -> Response:
    values = {name: form.text(name, 200).strip() for name in FIELDS}
    try:
        code = enrolment.register(
            bench.db, Station(**values), hub_url(request), bench.clock.now(), session.account.login
        )
    except stations.StationProblem as exc:
        failed = {"message": sessions.Flash(str(exc), error=True), "form": values}
        return _page(request, bench, session, failed, 422)
    return _page(request, bench, session, _shown(code, values["code"], "已登记站点"))


@router.post("/stations/{action}")
def change(
    request: Request, action: str, bench: Bench, form: auth.PostedForm, session: Changing
) -> Response:
    code, by, now = form.text("code", 40).strip(), session.account.login, bench.clock.now()
    try:
        if action == "code":
            made = enrolment.issue(bench.db, code, hub_url(request), now, by)
            return _page(request, bench, session, _shown(made, code, "已重新生成登记码"))
        if action != "revoke":
            raise auth.Refused(404, "没有这项操作。")
        if form.text("confirm", 10) != "yes":
            raise stations.StationProblem(f"吊销站点 {code} 须先勾选“确认吊销”")
        enrolment.revoke(bench.db, code, now, by)
    except stations.StationProblem as exc:
        failed = {"message": sessions.Flash(str(exc), error=True)}
        return _page(request, bench, session, failed, 422)
    sessions.set_flash(bench.db, session.key, sessions.Flash(f"已吊销站点：{code}"))
    return RedirectResponse(f"{PREFIX}/stations", status_code=303)
