"""The county's inbox of forwarded cases (帮办代办): filters, sort and paging over
`forwarded_cases` (`hub.forwarded`), the figures of its charts, one case in full, and the
county's decisions on one case or many (`hub.feeds.record_decision`, the same code as
`hub.admin decide`). No web here: the workbench's pages (`hub.web.pages`) present it.

Time left is counted in working days (`counterapp.workdays`: the official calendar as the
`chinese_calendar` package knows it, weekends and the fixed holidays beyond, marked
provisional), from the day after today to the county's due day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from counterapp.workdays import WorkCalendar
from hub import audit, feeds
from hub.db import Database
from hub.forwarded import ITEM_SEPARATOR

STATUS_LABELS = {
    "new": "待接收",
    "received": "已接收",
    "processing": "办理中",
    "done": "已办结",
    "returned": "已退回",
}
ACTIONS = {"received": "接收", "processing": "办理中", "done": "办结", "returned": "退回"}
BULK_ACTIONS = ("received", "processing")  # the same for many cases; 办结 and 退回 one by one
OPEN_SQL = "status IN ('new', 'received', 'processing')"  # as the partial indexes say it
STATES = {"open": "未办结", **STATUS_LABELS, "all": "全部"}
SORTS = {
    "due": ("county_due, case_no", "县中心期限（最急在前）"),
    "newest": ("forwarded_at DESC, case_no", "转报时间（最新在前）"),
    "oldest": ("forwarded_at, case_no", "转报时间（最早在前）"),
    "station": ("station, county_due, case_no", "站点"),
}
PAGE_SIZE = 50
CHART_DAYS = 30
CHART_STATIONS = 10
CASE_NO_MAX = 64
EVENT_LABELS = {
    "opened": "开始办理",
    "items_changed": "调整事项",
    "material_received": "收取材料",
    "material_unticked": "取消已收材料",
    "condition_set": "确定材料适用情形",
    "notice_issued": "出具一次性告知（材料不全）",
    "accepted": "受理",
    "completed": "办结",
    "forwarded": "转报上级（帮办代办）",
    "closed": "归档",
    "handed_over": "移交经办人",
    "county_decision": "收到县中心决定",
    "notice_printed": "打印一次性告知单",
    "notice_reprinted": "补打一次性告知单",
    "receipt_printed": "打印受理回执",
    "receipt_reprinted": "补打受理回执",
}


@dataclass(frozen=True)
class Filters:
    """What the inbox shows: each field as the page's form sends it."""

    station: str = ""
    item: str = ""
    state: str = "open"
    overdue: bool = False  # still open after the county's due day
    late: bool = False  # the station forwarded after its 3-working-day deadline
    case_no: str = ""  # a case number, or its beginning
    sort: str = "due"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """From a query string; anything unknown falls back to the default."""
        page = params.get("page", "1")
        return cls(
            station=params.get("station", "").strip()[:32],
            item=params.get("item", "").strip()[:32],
            state=params.get("state", "open") if params.get("state") in STATES else "open",
            overdue=params.get("overdue") == "1",
            late=params.get("late") == "1",
            case_no=params.get("case_no", "").strip()[:CASE_NO_MAX],
            sort=params.get("sort", "due") if params.get("sort") in SORTS else "due",
            page=int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The non-default fields as query parameters (for links and hidden fields)."""
        changed = replace(self, **changes)
        default = Filters()
        found = {}
        for name in ("station", "item", "state", "case_no", "sort", "page"):
            value = getattr(changed, name)
            if value != getattr(default, name):
                found[name] = str(value)
        for name in ("overdue", "late"):
            if getattr(changed, name):
                found[name] = "1"
        return found

    def where(self, today: date) -> tuple[str, list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        if self.state == "open" or self.overdue:
            conditions.append(OPEN_SQL)
        if self.state not in ("open", "all"):
            conditions.append("status = ?")
            params.append(self.state)
        if self.overdue:
            conditions.append("county_due < ?")
            params.append(today.isoformat())
        if self.late:
            conditions.append("forwarded_late = 1")
        if self.station:
            conditions.append("station = ?")
            params.append(self.station)
        if self.item:
            conditions.append(
                "case_uuid IN (SELECT case_uuid FROM forwarded_items WHERE item_code = ?)"
            )
            params.append(self.item)
        if self.case_no:
            escaped = self.case_no.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append("case_no LIKE ? ESCAPE '\\'")
            params.append(escaped + "%")
        return " AND ".join(conditions) or "1 = 1", params


@dataclass(frozen=True)
class TimeLeft:
    """What is left of a time limit, in working days: 0 is the due day itself."""

    days: int
    provisional: bool

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def text(self) -> str:
        mark = "（暂定）" if self.provisional else ""
        if self.days < 0:
            return f"超期{-self.days}个工作日{mark}"
        if self.days == 0:
            return f"今日到期{mark}"
        return f"剩{self.days}个工作日{mark}"


def time_left(calendar: WorkCalendar, today: date, due: str, provisional: bool) -> TimeLeft:
    due_day = date.fromisoformat(due)
    days = calendar.working_days_between(today, due_day)
    tentative = provisional or calendar.day_info(max(due_day, today)).source == "fallback"
    return TimeLeft(days, tentative)


@dataclass(frozen=True)
class Row:
    case_uuid: str
    station: str
    station_name: str
    case_no: str
    applicant: str  # masked
    items: list[str]
    materials_received: int
    materials_total: int
    forward_due: str | None
    forwarded_at: str
    forwarded_late: bool
    county_due: str
    left: TimeLeft
    status: str
    decided_at: str | None
    station_seen: bool  # the station reported the latest decision back

    @property
    def status_text(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def open(self) -> bool:
        return self.status in ("new", "received", "processing")


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    total: int
    page: int
    pages: int


_ROW_COLUMNS = (
    "f.case_uuid, f.station, coalesce(s.name, f.station), f.case_no, f.applicant, "
    "f.items, f.materials_received, f.materials_total, f.forward_due, "
    "f.forwarded_at, f.forwarded_late, f.county_due, f.county_due_provisional, "
    "f.status, f.decided_at, f.station_status, f.station_decided_at"
)


def _row(r: Sequence[Any], calendar: WorkCalendar, today: date) -> Row:
    return Row(
        case_uuid=r[0],
        station=r[1],
        station_name=r[2],
        case_no=r[3],
        applicant=r[4],
        items=[t for t in str(r[5]).split(ITEM_SEPARATOR) if t],
        materials_received=int(r[6]),
        materials_total=int(r[7]),
        forward_due=r[8],
        forwarded_at=r[9],
        forwarded_late=bool(r[10]),
        county_due=r[11],
        left=time_left(calendar, today, r[11], bool(r[12])),
        status=r[13],
        decided_at=r[14],
        station_seen=r[14] is not None and r[15] == r[13] and r[16] == r[14],
    )


def listing(
    db: Database, filters: Filters, today: date, calendar: WorkCalendar, page_size: int = PAGE_SIZE
) -> Listing:
    """One page of the forwarded cases that pass `filters`, and how many pass."""
    where, params = filters.where(today)
    order = SORTS[filters.sort][0]
    with db.transaction(write=False) as tx:
        total = int(tx.scalar(f"SELECT count(*) FROM forwarded_cases WHERE {where}", params))
        pages = max(1, -(-total // page_size))
        page = min(filters.page, pages)
        rows = tx.all(
            f"SELECT {_ROW_COLUMNS} FROM (SELECT * FROM forwarded_cases "
            f"WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?) AS f "
            f"LEFT JOIN stations AS s ON s.code = f.station ORDER BY {order}",
            (*params, page_size, (page - 1) * page_size),
        )
    return Listing([_row(r, calendar, today) for r in rows], total, page, pages)


@dataclass(frozen=True)
class Summary:
    """The counts above the list: open cases by status, those past the county's due day."""

    by_status: dict[str, int]
    overdue: int

    @property
    def open(self) -> int:
        return sum(self.by_status.values())


def summary(db: Database, today: date) -> Summary:
    with db.transaction(write=False) as tx:
        rows = tx.all(
            f"SELECT status, count(*), sum(CASE WHEN county_due < ? THEN 1 ELSE 0 END) "
            f"FROM forwarded_cases WHERE {OPEN_SQL} GROUP BY status",
            (today.isoformat(),),
        )
    by_status = {status: 0 for status in ("new", "received", "processing")}
    by_status.update({r[0]: int(r[1]) for r in rows})
    return Summary(by_status, sum(int(r[2] or 0) for r in rows))


def chart(
    db: Database, today: date, days: int = CHART_DAYS, stations: int = CHART_STATIONS
) -> dict[str, Any]:
    """The figures of the inbox's charts: cases forwarded per day over the last `days` days
    (on time and late), and the stations with the most open cases past the county's due day."""
    first = today - timedelta(days=days - 1)
    with db.transaction(write=False) as tx:
        per_day = tx.all(
            "SELECT substr(forwarded_at, 1, 10), count(*), sum(forwarded_late) "
            "FROM forwarded_cases WHERE forwarded_at >= ? GROUP BY 1",
            (first.isoformat(),),
        )
        overdue = tx.all(
            f"SELECT coalesce(s.name, o.station), o.n FROM (SELECT station, "
            f"count(*) AS n FROM forwarded_cases WHERE {OPEN_SQL} AND "
            f"county_due < ? GROUP BY station ORDER BY n DESC, station LIMIT ?) "
            f"AS o LEFT JOIN stations AS s ON s.code = o.station "
            f"ORDER BY o.n DESC, o.station",
            (today.isoformat(), stations),
        )
    counted = {str(r[0]): (int(r[1]), int(r[2] or 0)) for r in per_day}
    labels = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    return {
        "days": [label[5:] for label in labels],
        "on_time": [
            counted.get(label, (0, 0))[0] - counted.get(label, (0, 0))[1] for label in labels
        ],
        "late": [counted.get(label, (0, 0))[1] for label in labels],
        "stations": [str(r[0]) for r in overdue],
        "overdue": [int(r[1]) for r in overdue],
    }


def stations(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every registered station, for the station filter."""
    with db.transaction(write=False) as tx:
        return [
            (str(r[0]), str(r[1])) for r in tx.all("SELECT code, name FROM stations ORDER BY code")
        ]


_item_cache: dict[str, list[tuple[str, str]]] = {}


def items(db: Database) -> list[tuple[str, str]]:
    """(code, name) of the items to filter by: the active catalogue's (read once per version),
    or, before the county has imported one, the codes the forwarded cases carry."""
    with db.transaction(write=False) as tx:
        active = tx.one("SELECT sha256 FROM catalogues WHERE active = 1")
        if active is None:
            return [
                (str(r[0]), str(r[0]))
                for r in tx.all("SELECT DISTINCT item_code FROM forwarded_items ORDER BY item_code")
            ]
        if active[0] not in _item_cache:
            document = json.loads(tx.scalar("SELECT document FROM catalogues WHERE active = 1"))
            found = []
            for item in document.get("items", []):
                name = item.get("sub") or item.get("main") or item.get("code")
                if item.get("main") and item.get("sub") and item["main"] != item["sub"]:
                    name = f"{item['main']}／{item['sub']}"
                found.append((str(item.get("code")), str(name)))
            _item_cache.clear()
            _item_cache[active[0]] = sorted(found)
    return _item_cache[active[0]]


# --- one case in full ------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    at: str
    status: str
    note: str | None
    by: str

    @property
    def status_text(self) -> str:
        return ACTIONS.get(self.status, self.status)


@dataclass(frozen=True)
class CaseDetail:
    row: Row
    data: dict[str, Any]  # the case record as the station sent it: full data
    decisions: list[Decision] = field(default_factory=list)

    @property
    def actions(self) -> list[tuple[str, str]]:
        """The decisions that may follow the case's status now, as (status, label)."""
        return [
            (status, label)
            for status, label in ACTIONS.items()
            if feeds.decision_problem(self.row.status, status, "-") is None
        ]

    def events(self) -> list[dict[str, str]]:
        found = []
        for event in self.data.get("events") or []:
            if isinstance(event, dict):
                kind = str(event.get("kind", ""))
                found.append(
                    {
                        "at": str(event.get("at", "")),
                        "what": EVENT_LABELS.get(kind, kind),
                        "clerk": str(event.get("clerk", "")),
                    }
                )
        return found


def case_detail(
    db: Database, case_uuid: str, today: date, calendar: WorkCalendar
) -> CaseDetail | None:
    with db.transaction(write=False) as tx:
        row = tx.one(
            f"SELECT {_ROW_COLUMNS} FROM forwarded_cases AS f LEFT JOIN stations AS s "
            f"ON s.code = f.station WHERE f.case_uuid = ?",
            (case_uuid,),
        )
        if row is None:
            return None
        data = tx.scalar("SELECT data FROM records WHERE uuid = ? AND type = 'case'", (case_uuid,))
        decisions = tx.all(
            "SELECT decided_at, status, note, decided_by FROM decisions "
            "WHERE case_uuid = ? ORDER BY id",
            (case_uuid,),
        )
    parsed = json.loads(data) if isinstance(data, str) else data
    return CaseDetail(
        _row(row, calendar, today),
        parsed if isinstance(parsed, dict) else {},
        [Decision(*d) for d in decisions],
    )


def note_view(
    db: Database, case_uuid: str, case_no: str, login: str, at: str, address: str
) -> None:
    """Journal that `login` saw this case's full data."""
    with db.transaction() as tx:
        audit.record(
            tx, at, login, "view_case", case_uuid=case_uuid, case_no=case_no, address=address
        )


# --- deciding ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    decided: list[str]  # case numbers
    refused: list[tuple[str, str]]  # (case number or UUID, why)


def decide(
    db: Database,
    case_uuids: Sequence[str],
    status: str,
    note: str,
    by: str,
    at: str,
    address: str,
    login: str | None = None,
) -> Outcome:
    """The same decision on each case, each in its own transaction with its journal entry
    (under `login`; `by` is how the decision names who made it); a case whose status does
    not allow it is left as it is and named with the reason."""
    decided: list[str] = []
    refused: list[tuple[str, str]] = []
    for case_uuid in dict.fromkeys(case_uuids):
        found = None
        try:
            with db.transaction() as tx:
                found = tx.one(
                    "SELECT station, case_no FROM forwarded_cases WHERE case_uuid = ?", (case_uuid,)
                )
                if found is None:
                    raise feeds.FeedProblem("县中心没有此转报办件")
                feeds.record_decision(tx, case_uuid, found[0], status, note, by, at)
                audit.record(
                    tx,
                    at,
                    login or by,
                    "decide",
                    case_uuid=case_uuid,
                    case_no=found[1],
                    detail=f"{ACTIONS.get(status, status)} {note.strip()}".strip(),
                    address=address,
                )
            decided.append(str(found[1]))
        except feeds.FeedProblem as exc:
            refused.append((str(found[1]) if found else case_uuid, str(exc)))
    return Outcome(decided, refused)
