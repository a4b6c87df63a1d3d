"""事项目录 (admin): the county's catalogue — upload a file (the JSON `counterapp catalogue
--export` writes), read every problem or what it changes against the active version, then
发布 after confirming; stations take it at their next sync (`hub.publishing`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import feeds, publishing
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/catalogue", "事项目录", "publish")
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
    active = feeds.active_catalogue(bench.db)
    return render(
        request,
        session,
        "catalogue.html",
        {
            "active": active,
            "versions": publishing.catalogue_versions(bench.db),
            "max_kb": publishing.CATALOGUE_MAX_BYTES // 1024,
            **(extra or {}),
        },
        status,
    )


@router.get("/catalogue")
def catalogue_page(request: Request, bench: Bench, session: Admin) -> Response:
    return _page(request, bench, session)


@router.post("/catalogue/upload")
def upload(request: Request, bench: Bench, posted: Uploading) -> Response:
    session, upload = posted
    if not upload.data:
        return _page(request, bench, session, {"problems": ["请选择要上传的目录文件。"]}, 422)
    try:
        draft = publishing.stage_catalogue(
            bench.db,
            upload.data,
            upload.filename[:100],
            session.account.login,
            stamp(bench.clock.now()),
        )
    except publishing.PublishProblem as exc:
        return _page(
            request, bench, session, {"problems": exc.problems, "filename": upload.filename}, 422
        )
    return _page(request, bench, session, {"draft": draft, "filename": upload.filename})


@router.post("/catalogue/publish")
def publish(request: Request, bench: Bench, form: auth.PostedForm, session: Publishing) -> Response:
    if form.text("confirm", 10) != "yes":
        return _page(request, bench, session, {"problems": ["请先勾选确认，再发布。"]}, 422)
    try:
        version = publishing.publish_catalogue(
            bench.db,
            form.text("sha256", 64),
            session.account.login,
            stamp(bench.clock.now()),
            address(request),
        )
    except publishing.PublishProblem as exc:
        return _page(request, bench, session, {"problems": exc.problems}, 422)
    sessions.set_flash(
        bench.db,
        session.key,
        sessions.Flash(f"已发布事项目录 {version}：各站点下次同步时启用。"),
    )
    return RedirectResponse(f"{PREFIX}/catalogue", status_code=303)
