"""工作日历 (admin): the county publishes a year's official working-day calendar — the holidays
and 调休 working days of the State Council's notice, typed or uploaded as the file `counterapp
calendar` imports — previewed (working days per month) and published; stations take it at
sync and that year's deadlines stop being provisional (`hub.publishing`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from counterapp.workdays import YearCalendar
from hub import publishing
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/calendar", "工作日历", "publish")
Admin = Annotated[sessions.Session, Depends(auth.allowed("publish"))]
Publishing = Annotated[sessions.Session, Depends(auth.changing("publish"))]
Uploading = Annotated[tuple[sessions.Session, auth.Upload], Depends(auth.uploading("publish"))]


def _page(
    request: Request,
    bench: Bench,
    session: sessions.Session,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    year = bench.clock.now().year + 1
    return render(
        request,
        session,
        "calendar.html",
        {
            "published": publishing.published_calendars(bench.db),
            "entry": {"year": str(year), "holidays": "", "workdays": ""},
            "next_year": year,
            **(extra or {}),
        },
        status,
    )


def _preview(
    request: Request, bench: Bench, session: sessions.Session, calendar: YearCalendar
) -> Response:
    replaces = any(
        p["calendar"].year == calendar.year for p in publishing.published_calendars(bench.db)
    )
    return _page(
        request,
        bench,
        session,
        {
            "preview": calendar,
            "months": publishing.working_days_by_month(calendar),
            "replaces": replaces,
            "entry": {
                "year": str(calendar.year),
                "holidays": publishing.day_lines(dict(calendar.holidays)),
                "workdays": publishing.day_lines(dict(calendar.workdays)),
            },
        },
    )


def _entry(form: auth.Form) -> dict[str, str]:
    return {name: form.text(name, 8000) for name in ("year", "holidays", "workdays")}


def _refused(
    request: Request, bench: Bench, session: sessions.Session, problems: list[str], entry: Any
) -> Response:
    extra = {"problems": problems}
    if entry is not None:
        extra["entry"] = entry
    return _page(request, bench, session, extra, 422)


@router.get("/calendar")
def calendar_page(request: Request, bench: Bench, session: Admin) -> Response:
    return _page(request, bench, session)


@router.post("/calendar/preview")
def preview(request: Request, bench: Bench, form: auth.PostedForm, session: Publishing) -> Response:
    entry = _entry(form)
    try:
        calendar = publishing.calendar_from_form(**entry)
    except publishing.PublishProblem as exc:
        return _refused(request, bench, session, exc.problems, entry)
    return _preview(request, bench, session, calendar)


@router.post("/calendar/upload")
def upload(request: Request, bench: Bench, posted: Uploading) -> Response:
    session, upload = posted
    try:
        calendar = publishing.calendar_from_file(upload.data)
    except publishing.PublishProblem as exc:
        return _refused(request, bench, session, exc.problems, None)
    return _preview(request, bench, session, calendar)


@router.post("/calendar/publish")
def publish(request: Request, bench: Bench, form: auth.PostedForm, session: Publishing) -> Response:
    entry = _entry(form)
    try:
        calendar = publishing.calendar_from_form(**entry)
        if form.text("confirm", 10) != "yes":
            raise publishing.PublishProblem(["请先勾选确认，再发布。"])
    except publishing.PublishProblem as exc:
        return _refused(request, bench, session, exc.problems, entry)
    publishing.publish_calendar(
        bench.db, calendar, session.account.login, stamp(bench.clock.now()), address(request)
    )
    bench.calendar = bench.calendar.with_year(calendar)
    sessions.set_flash(
        bench.db,
        session.key,
        sessions.Flash(
            f"已发布{calendar.year}年工作日历：各站点下次同步后，该年的期限按此计算，不再是暂定。"
        ),
    )
    return RedirectResponse(f"{PREFIX}/calendar", status_code=303)
