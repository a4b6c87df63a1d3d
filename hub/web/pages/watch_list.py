"""监测台账: the county's list of people whose accumulated hospital costs pass the thresholds
(`hub.watch_list`). A county clerk (经办) uploads it as CSV or XLSX from the county's own
systems, reads every problem with its row, or a preview (people per station and category),
and publishes it after confirming; each station receives its own people at its next sync.
The list shows names and ID numbers masked with the contacts stations reported; a person's
page shows them in full with every contact, and each view is journalled. Admins hold no
citizen's data and do not see this page (`hub.staff`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import watch_list, watch_upload
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/watch-list", "监测台账", "read_cases")
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_cases"))]
Publishing = Annotated[sessions.Session, Depends(auth.changing("watch_list"))]
Uploading = Annotated[tuple[sessions.Session, auth.Upload], Depends(auth.uploading("watch_list"))]


def _page(
    request: Request,
    bench: Bench,
    session: sessions.Session,
    extra: dict[str, Any] | None = None,
    status: int = 200,
    station: str = "",
) -> Response:
    current = watch_list.current(bench.db)
    return render(
        request,
        session,
        "watch_list.html",
        {
            "current": current,
            "people": [] if current is None else watch_list.people(bench.db, current.id, station),
            "summary": None if current is None else watch_list.summary(bench.db, current.id),
            "station": station,
            "stations": sorted(set(watch_list.stations(bench.db).values())),
            "versions": watch_list.versions(bench.db),
            "can_upload": session.account.may("watch_list"),
            "max_mb": watch_upload.MAX_BYTES // 1024 // 1024,
            **(extra or {}),
        },
        status,
    )


@router.get("/watch-list")
def watch_list_page(request: Request, bench: Bench, session: Reader, station: str = "") -> Response:
    return _page(request, bench, session, station=station[:32])


@router.post("/watch-list/upload")
def upload(request: Request, bench: Bench, posted: Uploading) -> Response:
    session, upload = posted
    if not upload.data:
        return _page(request, bench, session, {"problems": ["请选择要上传的名单文件。"]}, 422)
    name = upload.filename[:100]
    try:
        draft = watch_list.stage(
            bench.db,
            upload.data,
            name,
            session.account.login,
            stamp(bench.clock.now()),
            bench.clock.today(),
        )
    except watch_list.WatchProblem as exc:
        return _page(request, bench, session, {"problems": exc.problems, "filename": name}, 422)
    return _page(request, bench, session, {"draft": draft, "filename": name})


@router.post("/watch-list/publish")
def publish(request: Request, bench: Bench, form: auth.PostedForm, session: Publishing) -> Response:
    if form.text("confirm", 10) != "yes":
        return _page(request, bench, session, {"problems": ["请先勾选确认，再发布。"]}, 422)
    number = form.text("list", 12)
    try:
        version = watch_list.publish(
            bench.db,
            int(number) if number.isdigit() else 0,
            session.account.login,
            stamp(bench.clock.now()),
            address(request),
        )
    except watch_list.WatchProblem as exc:
        return _page(request, bench, session, {"problems": exc.problems}, 422)
    sessions.set_flash(
        bench.db,
        session.key,
        sessions.Flash(
            f"已发布监测台账第{version.id}版（{version.people}人）：各站点下次同步时收到本站人员。"
        ),
    )
    return RedirectResponse(f"{PREFIX}/watch-list", status_code=303)


@router.get("/watch-list/{list_id}/{row_no}")
def person_page(
    request: Request, list_id: int, row_no: int, bench: Bench, session: Reader
) -> Response:
    detail = watch_list.person(
        bench.db,
        list_id,
        row_no,
        session.account.login,
        stamp(bench.clock.now()),
        address(request),
    )
    if detail is None:
        raise auth.Refused(404, "监测台账中没有此人。")
    return render(request, session, "watch_person.html", {"person": detail})
