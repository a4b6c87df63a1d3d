"""转报办件: every forwarded case of the county, filtered, sorted and paged (`hub.inbox`), with
its charts, and 接收 / 办理中 for many cases at once.

Without JavaScript the filter form is a GET and the bulk form a POST that redirects back; with
htmx both replace only the list (`_inbox_list.html`) and the address bar follows the filters.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from counterapp.clock import stamp
from hub import inbox, staff
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, address, is_htmx, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/inbox", "转报办件", "read_cases")
LIST_TARGET = "#inbox-list"
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_cases"))]
Decider = Annotated[sessions.Session, Depends(auth.changing("decide"))]


def signature(account: staff.Account) -> str:
    """How a decision names who made it."""
    return f"{account.name}（{account.login}）"


def _list_context(
    bench: Bench,
    session: sessions.Session,
    filters: inbox.Filters,
    message: sessions.Flash | None = None,
) -> dict[str, Any]:
    today = bench.clock.today()
    return {
        "filters": filters,
        "today": today,
        "message": message,
        "listing": inbox.listing(bench.db, filters, today, bench.calendar),
        "can_decide": session.account.may("decide"),
        "bulk": [(status, inbox.ACTIONS[status]) for status in inbox.BULK_ACTIONS],
        "query": urlencode(filters.params()),
        "page_url": lambda page: f"{PREFIX}/inbox?{urlencode(filters.params(page=page))}",
    }


@router.get("/inbox")
def inbox_page(request: Request, bench: Bench, session: Reader) -> Response:
    filters = inbox.Filters.parse(request.query_params)
    context = _list_context(bench, session, filters)
    if is_htmx(request) and request.headers.get("HX-Target", "").endswith(LIST_TARGET):
        return render(request, session, "_inbox_list.html", context)
    today = bench.clock.today()
    context.update(
        summary=inbox.summary(bench.db, today),
        states=inbox.STATES,
        sorts={key: label for key, (_, label) in inbox.SORTS.items()},
        stations=inbox.stations(bench.db),
        items=inbox.items(bench.db),
        chart=script_json(inbox.chart(bench.db, today)),
    )
    return render(request, session, "inbox.html", context)


def script_json(value: Any) -> str:
    """JSON to put inside a `<script type="application/json">`: no "<" can end the element
    (a station's name is the county's text, but text all the same)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def describe(outcome: inbox.Outcome, action: str) -> sessions.Flash:
    parts = []
    if outcome.decided:
        parts.append(f"已{action} {len(outcome.decided)} 件")
    if outcome.refused:
        reasons = "；".join(f"{case}：{why}" for case, why in outcome.refused[:5])
        more = f" 等 {len(outcome.refused)} 件" if len(outcome.refused) > 5 else ""
        parts.append(f"未处理 {reasons}{more}")
    return sessions.Flash("。".join(parts) or "没有办件被处理", error=bool(outcome.refused))


@router.post("/inbox/decide")
def decide_many(
    request: Request, bench: Bench, form: auth.PostedForm, session: Decider
) -> Response:
    back = dict(parse_qsl(form.text("back", 1000)))
    filters = inbox.Filters.parse(back)
    status = form.text("status", 16)
    cases = form.all("case", 64)[: inbox.PAGE_SIZE]
    if status not in inbox.BULK_ACTIONS:
        message = sessions.Flash(
            "批量处理只能接收或标记办理中；办结、退回请在办件页逐件办理", error=True
        )
    elif not cases:
        message = sessions.Flash("请先勾选要处理的办件", error=True)
    else:
        outcome = inbox.decide(
            bench.db,
            cases,
            status,
            "",
            signature(session.account),
            stamp(bench.clock.now()),
            address(request),
            session.account.login,
        )
        message = describe(outcome, inbox.ACTIONS[status])
    if is_htmx(request):
        return render(
            request, session, "_inbox_list.html", _list_context(bench, session, filters, message)
        )
    sessions.set_flash(bench.db, session.key, message)
    return RedirectResponse(f"{PREFIX}/inbox?{urlencode(filters.params())}", status_code=303)
