"""Finding cases for the window: search by name, ID, case number, date and state, the list
of open cases by urgency (限时办结), the case a queue ticket belongs to, and what an ID
number was used for before (the names and cases recorded under it).

Read-only queries returning small summaries (not whole `Case` objects), so a list of a few
hundred rows costs one query.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from counterapp.case_model import OPEN_STATES, CaseState, state_text
from counterapp.clock import CST, parse_stamp
from counterapp.deadlines import due_moment, is_overdue
from counterapp.idnumber import normalise
from db.store import Store

_SUMMARY_COLUMNS = """
  c.id, c.case_no, c.day, c.state, c.applicant_name, c.applicant_id_number, c.opened_at,
  c.owner_clerk_id, c.handler_clerk_id, coalesce(k.name, '') AS owner_name,
  c.supply_due, c.supply_due_provisional, c.forward_due, c.forward_due_provisional,
  c.county_status, c.close_reason, c.accepted_at IS NULL AS never_accepted,
  EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = c.uuid AND o.acked_at IS NULL)
    AS upload_pending,
  (SELECT json_group_array(json_array(title, mode, due_at, due_provisional, completed_at))
   FROM (SELECT * FROM case_items WHERE case_id = c.id ORDER BY id)) AS items_json
"""
_FROM = " FROM cases AS c LEFT JOIN clerks AS k ON k.id = c.owner_clerk_id "


class ItemDue(NamedTuple):
    title: str
    mode: str
    due_at: str | None
    due_provisional: bool
    completed_at: str | None


class CaseSummary(NamedTuple):
    id: int
    case_no: str
    day: date
    state: CaseState
    applicant_name: str
    applicant_id_number: str
    opened_at: datetime
    owner_clerk_id: int
    handler_clerk_id: int
    owner_name: str
    supply_due: date | None
    supply_due_provisional: bool
    forward_due: date | None
    forward_due_provisional: bool
    county_status: str | None  # the county's decision on a forwarded case, if any
    items: tuple[ItemDue, ...]
    withdrawn: bool = False  # closed before it was ever accepted (撤销)
    close_reason: str | None = None
    upload_pending: bool = False  # a change of it waits in the sync outbox

    @property
    def state_text(self) -> str:
        """The state, with the county's decision once one has come down (待上传 for a
        forwarded case the hub has not acknowledged); a withdrawn case says so with its
        reason."""
        if self.withdrawn:
            return f"已撤销（{self.close_reason}）" if self.close_reason else "已撤销"
        return state_text(
            self.state, upload_pending=self.upload_pending, county_status=self.county_status
        )

    @property
    def item_titles(self) -> str:
        return "；".join(item.title for item in self.items)

    @property
    def needs_forwarding(self) -> bool:
        return any(item.mode != "handle" for item in self.items)


def _summary(row: sqlite3.Row) -> CaseSummary:
    return CaseSummary(
        id=row["id"],
        case_no=row["case_no"],
        day=date.fromisoformat(row["day"]),
        state=CaseState(row["state"]),
        applicant_name=row["applicant_name"],
        applicant_id_number=row["applicant_id_number"],
        opened_at=parse_stamp(row["opened_at"]),
        owner_clerk_id=row["owner_clerk_id"],
        handler_clerk_id=row["handler_clerk_id"],
        owner_name=row["owner_name"],
        supply_due=None if row["supply_due"] is None else date.fromisoformat(row["supply_due"]),
        supply_due_provisional=bool(row["supply_due_provisional"]),
        forward_due=None if row["forward_due"] is None else date.fromisoformat(row["forward_due"]),
        forward_due_provisional=bool(row["forward_due_provisional"]),
        county_status=row["county_status"],
        items=tuple(
            ItemDue(title, mode, due, bool(provisional), done)
            for title, mode, due, provisional, done in json.loads(row["items_json"])
        ),
        withdrawn=row["state"] == CaseState.CLOSED and bool(row["never_accepted"]),
        close_reason=row["close_reason"],
        upload_pending=bool(row["upload_pending"]),
    )


def search(
    store: Store,
    text: str = "",
    *,
    day_from: date | None = None,
    day_to: date | None = None,
    states: Iterable[CaseState] = (),
    limit: int = 200,
) -> list[CaseSummary]:
    """Cases matching all the given criteria, newest first.

    `text` matches a case number (from its start), the applicant's ID number (whole, or its
    last digits from 4 on) or the applicant's or agent's name (any part).
    """
    where: list[str] = []
    params: list[object] = []
    text = text.strip()
    if text:
        number = normalise(text)
        clauses = [
            "c.case_no LIKE ? ESCAPE '\\'",
            "c.applicant_id_number = ?",
            "c.applicant_name LIKE ? ESCAPE '\\'",
            "c.agent_name LIKE ? ESCAPE '\\'",
        ]
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [escaped + "%", number, f"%{escaped}%", f"%{escaped}%"]
        if 4 <= len(number) < 18 and number.rstrip("X").isdigit():
            clauses.append("c.applicant_id_number LIKE ?")
            params.append("%" + number)
        where.append("(" + " OR ".join(clauses) + ")")
    if day_from is not None:
        where.append("c.day >= ?")
        params.append(day_from.isoformat())
    if day_to is not None:
        where.append("c.day <= ?")
        params.append(day_to.isoformat())
    wanted = [state.value for state in states]
    if wanted:
        where.append(f"c.state IN ({', '.join('?' * len(wanted))})")
        params += wanted
    sql = "SELECT " + _SUMMARY_COLUMNS + _FROM
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.id DESC LIMIT ?"
    return [_summary(row) for row in store.all(sql, (*params, limit))]


class IdHistory(NamedTuple):
    """What the station has recorded under one ID number as the applicant's."""

    id_number: str
    names: tuple[str, ...]  # every name used with it, most recently used first
    cases: tuple[CaseSummary, ...]  # its most recent cases, newest first

    def other_names(self, name: str) -> list[str]:
        """Names used with this number that are not `name` (spaces ignored): a typo in the
        number, or a person recorded under two names; either way the clerk should look."""
        typed = "".join(name.split())
        return [used for used in self.names if "".join(used.split()) != typed]


def id_history(store: Store, id_number: str, limit: int = 10) -> IdHistory:
    """The names and recent cases recorded under `id_number` (normalised first)."""
    number = normalise(id_number)
    names = store.all(
        "SELECT applicant_name FROM cases WHERE applicant_id_number = ? "
        "GROUP BY applicant_name ORDER BY max(id) DESC",
        (number,),
    )
    rows = store.all(
        "SELECT " + _SUMMARY_COLUMNS + _FROM + " WHERE c.applicant_id_number = ? "
        "ORDER BY c.id DESC LIMIT ?",
        (number, limit),
    )
    return IdHistory(
        number, tuple(row["applicant_name"] for row in names), tuple(_summary(row) for row in rows)
    )


def forward_pending(store: Store, case_id: int) -> bool:
    """Whether the county may not have a forwarded case yet: a change of it still waits in
    the sync outbox (never sent, or its batch not acknowledged) and no decision on it has
    come down. `state_text` then says 待上传."""
    return bool(
        store.scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = c.uuid "
            "AND o.acked_at IS NULL) AND c.county_status IS NULL FROM cases AS c WHERE c.id = ?",
            (case_id,),
        )
    )


def case_for_ticket(store: Store, ticket_id: int) -> int | None:
    """The newest case opened for a queue ticket, if any."""
    case_id: int | None = store.scalar(
        "SELECT id FROM cases WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (ticket_id,)
    )
    return case_id


# --- open cases by urgency -------------------------------------------------------------------
class DueKind:
    SUPPLY = "补正材料期限"
    FORWARD = "转报上级期限"
    COMPLETE = "办结期限"
    UPPER = "上级办结期限"
    NONE = "尚未受理"


class DeadlineRow(NamedTuple):
    case: CaseSummary
    kind: str
    due: str | None  # a stamp (minute limits) or an ISO day (working-day limits)
    provisional: bool
    overdue: bool

    @property
    def due_moment(self) -> datetime | None:
        return None if self.due is None else due_moment(self.due)


def _earliest(items: Iterable[ItemDue]) -> ItemDue | None:
    pending = [item for item in items if item.completed_at is None and item.due_at]
    return min(pending, key=lambda item: due_moment(item.due_at or "")) if pending else None


def deadline_of(case: CaseSummary, now: datetime) -> DeadlineRow:
    """The deadline that governs an open case now."""
    due: str | None = None
    provisional = False
    kind = DueKind.NONE
    if case.state == CaseState.MATERIALS_INCOMPLETE and case.supply_due is not None:
        kind, due, provisional = (
            DueKind.SUPPLY,
            case.supply_due.isoformat(),
            case.supply_due_provisional,
        )
    elif case.state == CaseState.ACCEPTED and case.needs_forwarding and case.forward_due:
        kind, due, provisional = (
            DueKind.FORWARD,
            case.forward_due.isoformat(),
            case.forward_due_provisional,
        )
    elif case.state in (CaseState.ACCEPTED, CaseState.FORWARDED):
        item = _earliest(case.items)
        if item is not None:
            kind = DueKind.UPPER if case.state == CaseState.FORWARDED else DueKind.COMPLETE
            due, provisional = item.due_at, item.due_provisional
    overdue = due is not None and is_overdue(due, now)
    return DeadlineRow(case, kind, due, provisional, overdue)


def open_deadlines(store: Store, now: datetime, limit: int = 500) -> list[DeadlineRow]:
    """The station's open cases, most urgent first: overdue, then by deadline, then the
    cases not yet accepted (oldest first)."""
    marks = ", ".join("?" * len(OPEN_STATES))
    rows = store.all(
        "SELECT " + _SUMMARY_COLUMNS + _FROM + f" WHERE c.state IN ({marks}) ORDER BY c.id LIMIT ?",
        (*[s.value for s in OPEN_STATES], limit),
    )
    found = [deadline_of(_summary(row), now) for row in rows]
    far = datetime.max.replace(tzinfo=CST)
    return sorted(
        found, key=lambda row: (not row.overdue, row.due_moment or far, row.case.opened_at)
    )
