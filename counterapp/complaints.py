"""The complaints register (投诉登记): a complaint received at the window, by phone or passed on
by the 12345 hotline, handled and closed with a result and the complainant's feedback.

Seed 002 asks stations to keep complaint channels open and to tell both sides the result; no
seed sets a time limit, so a complaint is due **15 working days** after the day it was received,
as a bad rating's follow-up is (国办发〔2019〕51号) and as 12345 hotline work orders commonly are.

received → handling (the first note) → closed (result and feedback). Handling notes are events
(append-only); every change is journalled and queued as a `complaint` record, which the
outbox sends only once the hub has announced it takes complaints (`counterapp.sync.outbox`).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from counterapp import deadlines, journal
from counterapp.case_model import normalise_phone, phone_problem
from counterapp.clock import Clock, parse_stamp, stamp
from counterapp.idnumber import IdNumberError, normalise, parse_id_number
from counterapp.ledger.facts import ComplaintFact
from counterapp.states import TransitionError, check_move
from counterapp.typed_text import TextRule, checked, name_problem
from counterapp.workdays import WorkCalendar
from db.store import Store

COMPLAINT_WORKING_DAYS = 15
ABOUT = TextRule("投诉内容", limit=500, required="请填写投诉内容", multiline=True)
NOTE = TextRule("处理情况", limit=500, required="请填写处理情况", multiline=True)
RESULT = TextRule("处理结果", limit=500, required="请填写处理结果", multiline=True)


class ComplaintError(ValueError):
    """A complaint action cannot be done as asked; str() is a message for the clerk."""


class Channel(StrEnum):
    WINDOW = "window"
    PHONE = "phone"
    HOTLINE = "hotline"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"window": "窗口", "phone": "电话", "hotline": "12345转办", "other": "其他"}[self]


class Feedback(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        return {
            "satisfied": "满意",
            "basically_satisfied": "基本满意",
            "dissatisfied": "不满意",
        }[self]


class ComplaintState(StrEnum):
    RECEIVED = "received"
    HANDLING = "handling"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


_S = ComplaintState
STATE_LABELS = {_S.RECEIVED: "已登记", _S.HANDLING: "处理中", _S.CLOSED: "已办结"}
ALLOWED_MOVES = {
    _S.RECEIVED: frozenset({_S.HANDLING, _S.CLOSED}),
    _S.HANDLING: frozenset({_S.HANDLING, _S.CLOSED}),
}


class NewComplaint(NamedTuple):
    """What the clerk types into 投诉登记."""

    channel: Channel
    name: str
    phone: str
    about: str
    id_number: str = ""
    case_no: str = ""
    clerk_login: str = ""


class Complaint(NamedTuple):
    id: int
    uuid: str
    complaint_no: str
    received_at: str
    channel: Channel
    name: str
    phone: str
    id_number: str | None
    case_no: str | None
    clerk_name: str | None  # the clerk complained about
    about: str
    due: str
    due_provisional: bool
    state: ComplaintState
    result: str | None
    feedback: Feedback | None
    closed_at: str | None

    def overdue(self, now: datetime) -> bool:
        """Open past its deadline, or closed after it."""
        if self.closed_at is not None:
            return parse_stamp(self.closed_at) > deadlines.due_moment(self.due)
        return deadlines.is_overdue(self.due, now)


class Note(NamedTuple):
    at: str
    kind: str
    text: str


_SELECT = (
    "SELECT p.*, c.case_no, k.name AS clerk_name FROM complaints AS p "
    "LEFT JOIN cases AS c ON c.id = p.case_id LEFT JOIN clerks AS k ON k.id = p.clerk_id"
)


def _complaint(r: sqlite3.Row) -> Complaint:
    return Complaint(
        id=r["id"],
        uuid=r["uuid"],
        complaint_no=r["complaint_no"],
        received_at=r["received_at"],
        channel=Channel(r["channel"]),
        name=r["name"],
        phone=r["phone"],
        id_number=r["id_number"],
        case_no=r["case_no"],
        clerk_name=r["clerk_name"],
        about=r["about"],
        due=r["due"],
        due_provisional=bool(r["due_provisional"]),
        state=ComplaintState(r["state"]),
        result=r["result"],
        feedback=None if r["feedback"] is None else Feedback(r["feedback"]),
        closed_at=r["closed_at"],
    )


def problems(new: NewComplaint, today: date) -> dict[str, str]:
    """Field (`name`, `phone`, `id_number`, `about`) → what is wrong, in Chinese."""
    found: dict[str, str] = {}
    if (problem := name_problem(new.name.strip())) is not None:
        found["name"] = f"投诉人{problem}"
    phone = normalise_phone(new.phone)
    if not phone:
        found["phone"] = "请填写投诉人的联系电话，以便反馈处理结果"
    elif (problem := phone_problem(phone)) is not None:
        found["phone"] = problem
    if new.id_number.strip():
        try:
            parse_id_number(new.id_number, today)
        except IdNumberError as exc:
            found["id_number"] = f"投诉人{exc}"
    try:
        checked(new.about, ABOUT, ComplaintError)
    except ComplaintError as exc:
        found["about"] = str(exc)
    return found


class ComplaintService:
    def __init__(self, store: Store, clock: Clock, calendar: WorkCalendar) -> None:
        self._store = store
        self._clock = clock
        self._calendar = calendar

    def register(self, new: NewComplaint, clerk_id: int | None) -> Complaint:
        """Register a complaint; bad input raises ComplaintError and stores nothing."""
        now = self._clock.now()
        found = problems(new, now.date())
        if found:
            raise ComplaintError("；".join(found.values()))
        case_id = self._case_id(new.case_no.strip())
        target_clerk = self._clerk_id(new.clerk_login.strip())
        due = deadlines.working_days_after(self._calendar, now.date(), COMPLAINT_WORKING_DAYS)
        uuid = journal.new_uuid()
        with self._store.transaction():
            day = now.date()
            sequence = 1 + self._store.scalar(
                "SELECT count(*) FROM complaints WHERE substr(received_at, 1, 10) = ?",
                (day.isoformat(),),
            )
            complaint_no = f"TS{day:%Y%m%d}{sequence:03d}"
            self._store.insert(
                "complaints",
                {
                    "uuid": uuid,
                    "complaint_no": complaint_no,
                    "received_at": stamp(now),
                    "channel": new.channel.value,
                    "name": new.name.strip(),
                    "phone": normalise_phone(new.phone),
                    "id_number": normalise(new.id_number) or None,
                    "case_id": case_id,
                    "clerk_id": target_clerk,
                    "about": checked(new.about, ABOUT, ComplaintError),
                    "due": due.text,
                    "due_provisional": int(due.provisional),
                    "state": ComplaintState.RECEIVED.value,
                    "received_by": clerk_id,
                },
            )
            journal.record(
                self._store,
                subject="complaint",
                subject_uuid=uuid,
                kind="received",
                at=stamp(now),
                clerk_id=clerk_id,
                data={"channel": new.channel.value},
                outbox_version=1,
            )
        return self.by_uuid(uuid)

    def add_note(self, complaint_id: int, note: str, clerk_id: int | None) -> Complaint:
        """Append a handling note (处理情况); the complaint is then being handled."""
        text = checked(note, NOTE, ComplaintError)
        return self._change(
            complaint_id, ComplaintState.HANDLING, "note", {"note": text}, {}, clerk_id
        )

    def close(
        self, complaint_id: int, result: str, feedback: Feedback, clerk_id: int | None
    ) -> Complaint:
        """Close with the result told to the complainant and their feedback."""
        text = checked(result, RESULT, ComplaintError)
        now = stamp(self._clock.now())
        fields = {"result": text, "feedback": feedback.value, "closed_at": now}
        data = {"result": text, "feedback": feedback.value}
        return self._change(complaint_id, ComplaintState.CLOSED, "closed", data, fields, clerk_id)

    def _change(
        self,
        complaint_id: int,
        target: ComplaintState,
        kind: str,
        data: dict[str, str],
        fields: dict[str, str],
        clerk_id: int | None,
    ) -> Complaint:
        now = stamp(self._clock.now())
        with self._store.transaction():
            row = self._store.one(
                "SELECT uuid, complaint_no, state, version FROM complaints WHERE id = ?",
                (complaint_id,),
            )
            if row is None:
                raise ComplaintError("找不到该投诉记录")
            try:
                check_move(
                    ALLOWED_MOVES,
                    ComplaintState(row["state"]),
                    target,
                    STATE_LABELS,
                    f"投诉{row['complaint_no']}",
                )
            except TransitionError as exc:
                raise ComplaintError(str(exc)) from exc
            version = row["version"] + 1
            self._store.update(
                "complaints", complaint_id, {**fields, "state": target.value, "version": version}
            )
            journal.record(
                self._store,
                subject="complaint",
                subject_uuid=row["uuid"],
                kind=kind,
                at=now,
                clerk_id=clerk_id,
                data=data,
                outbox_version=version,
            )
        return self.by_uuid(row["uuid"])

    def _case_id(self, case_no: str) -> int | None:
        if not case_no:
            return None
        case_id: int | None = self._store.scalar(
            "SELECT id FROM cases WHERE case_no = ?", (case_no,)
        )
        if case_id is None:
            raise ComplaintError(f"本站没有办件号为 {case_no} 的办件，请核对")
        return case_id

    def _clerk_id(self, login: str) -> int | None:
        if not login:
            return None
        clerk_id: int | None = self._store.scalar("SELECT id FROM clerks WHERE login = ?", (login,))
        if clerk_id is None:
            raise ComplaintError(f"本站没有工号为 {login} 的经办人员，请核对")
        return clerk_id

    def by_uuid(self, uuid: str) -> Complaint:
        return _complaint(self._store.row(_SELECT + " WHERE p.uuid = ?", (uuid,)))

    def get(self, complaint_id: int) -> Complaint:
        row = self._store.one(_SELECT + " WHERE p.id = ?", (complaint_id,))
        if row is None:
            raise ComplaintError("找不到该投诉记录")
        return _complaint(row)

    def listing(self, include_closed: bool = True, limit: int = 500) -> list[Complaint]:
        """Open complaints first (by deadline), then closed ones (newest first)."""
        where = "" if include_closed else " WHERE p.state <> 'closed'"
        rows = self._store.all(
            _SELECT + where + " ORDER BY p.state = 'closed', "
            "CASE WHEN p.state = 'closed' THEN '' ELSE p.due END, p.received_at DESC LIMIT ?",
            (limit,),
        )
        return [_complaint(row) for row in rows]

    def overdue(self, now: datetime) -> list[Complaint]:
        """Open complaints past their deadline, most overdue first."""
        return [c for c in self.listing(include_closed=False) if c.overdue(now)]

    def notes(self, complaint: Complaint) -> list[Note]:
        """Its history: received, each handling note, closed — oldest first."""
        found = []
        for event in journal.events_of(self._store, complaint.uuid):
            data = event["data"]
            text = data.get("note") or data.get("result") or ""
            if event["kind"] == "received":
                text = f"登记（{Channel(data.get('channel', 'other')).label}）"
            elif event["kind"] == "closed":
                text = f"办结：{text}（{Feedback(data['feedback']).label}）"
            found.append(Note(event["at"], event["kind"], text))
        return found


def complaint_facts(store: Store, first: date, last: date) -> list[ComplaintFact]:
    """The complaints received from `first` to `last` (days), as the ledger's figures
    (complaints received, closed on time) count them."""
    rows = store.all(
        "SELECT received_at, due, closed_at FROM complaints "
        "WHERE received_at >= ? AND received_at < ? ORDER BY received_at",
        (first.isoformat(), (last + timedelta(days=1)).isoformat()),
    )
    return [
        ComplaintFact(
            received_at=parse_stamp(row["received_at"]),
            due=deadlines.due_moment(row["due"]),
            closed_at=None if row["closed_at"] is None else parse_stamp(row["closed_at"]),
        )
        for row in rows
    ]
