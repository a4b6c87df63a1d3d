"""站点监管: every station of the county with its card (绿灯 / 黄牌 / 红牌, `hub.station_rules`,
the rules written on the page), filtered by level and card and sorted; and a station's own
page (its PCs, last uploads, overdue forwarded cases and bad ratings awaiting follow-up).

Without JavaScript the filter form is a GET; with htmx it replaces the table only
(`_supervision_list.html`) and the address bar follows the filters.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from counterapp.station import LEVEL_NAMES
from hub import follow_ups, station_rules, supervision
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, is_htmx, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/supervision", "站点监管", "read_stations")
LIST_TARGET = "#stations-list"
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_stations"))]
RULE_LIGHTS = (station_rules.RED, station_rules.YELLOW, station_rules.GREEN)


@router.get("/supervision")
def stations_page(request: Request, bench: Bench, session: Reader) -> Response:
    filters = supervision.Filters.parse(request.query_params)
    found = supervision.overview(bench.db, filters, bench.clock.today())
    context: dict[str, Any] = {
        "filters": filters,
        "overview": found,
        "today": bench.clock.today(),
        "query": urlencode(filters.params()),
    }
    if is_htmx(request) and request.headers.get("HX-Target", "").endswith(LIST_TARGET):
        return render(request, session, "_supervision_list.html", context)
    context.update(
        levels=LEVEL_NAMES,
        lights=station_rules.LIGHTS,
        sorts=supervision.SORTS,
        rules=[
            (light, station_rules.LIGHTS[light], station_rules.RULES[light])
            for light in RULE_LIGHTS
        ],
    )
    return render(request, session, "supervision.html", context)


@router.get("/supervision/{code}")
def station_page(request: Request, code: str, bench: Bench, session: Reader) -> Response:
    found = supervision.detail(bench.db, code[:32], bench.clock.today())
    if found is None:
        raise auth.Refused(404, "县中心没有登记这个站点。")
    return render(
        request,
        session,
        "supervision_station.html",
        {
            "station": found,
            "row": found.row,
            "today": bench.clock.today().isoformat(),
            "ratings": follow_ups.BAD_LEVELS,
            "can_read_cases": session.account.may("read_cases"),
        },
    )
