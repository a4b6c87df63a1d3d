"""投诉: the complaints the stations registered (`hub.complaints`), per station, open ones first
by deadline, overdue ones marked; the complainant masked. Read by clerks and supervisors (those
who read cases); filtered by station and by 未办结 with a plain GET."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from hub import complaints
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/complaints", "投诉", "read_cases")
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_cases"))]


@router.get("/complaints")
def complaints_page(request: Request, bench: Bench, session: Reader) -> Response:
    station = request.query_params.get("station", "")[:32].strip() or None
    open_only = request.query_params.get("open") == "1"
    today = bench.clock.today()
    found = complaints.listing(bench.db, today, station, open_only)
    with bench.db.transaction(write=False) as tx:
        stations = tx.all("SELECT code, name FROM stations ORDER BY code")
    groups: dict[str, list[complaints.Listed]] = {}
    for listed in found:
        groups.setdefault(listed.station_name, []).append(listed)
    return render(
        request,
        session,
        "complaints.html",
        {
            "groups": groups,
            "total": len(found),
            "overdue": sum(1 for listed in found if listed.overdue),
            "stations": stations,
            "station": station or "",
            "open_only": open_only,
            "today": today.isoformat(),
        },
    )
