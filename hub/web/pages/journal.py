"""日志 (supervisor, admin): the staff journal (`hub.audit`), newest first, by person, case
number, kind or day — who saw which citizen's full data, who decided what, every sign-in."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from hub import audit
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, render

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/journal", "日志", "read_journal")
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_journal"))]
PAGE_SIZE = 100
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@router.get("/journal")
def journal_page(request: Request, bench: Bench, session: Reader) -> Response:
    params = request.query_params
    day = params.get("day", "")
    query = audit.Query(
        login=params.get("login", "").strip()[:32],
        case_no=params.get("case_no", "").strip()[:64],
        kind=params.get("kind", "") if params.get("kind") in audit.KINDS else "",
        day=day if _DAY.fullmatch(day) else "",
    )
    page_text = params.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 10**6 else 1
    entries, total = audit.entries(bench.db, query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    shown = {key: value for key, value in vars(query).items() if value}
    return render(
        request,
        session,
        "journal.html",
        {
            "entries": entries,
            "total": total,
            "page": page,
            "pages": pages,
            "query": query,
            "kinds": audit.KINDS,
            "page_url": lambda n: f"{PREFIX}/journal?{urlencode({**shown, 'page': n})}",
        },
    )
