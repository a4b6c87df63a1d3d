"""What a case is: its states, the applicant and agent, its items and materials."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from counterapp.clock import parse_stamp
from counterapp.idnumber import IdNumberError, normalise, parse_id_number
from counterapp.typed_text import REASON_MAX, TextRule, checked, name_problem, one_line


class CaseState(StrEnum):
    RECEIVED = "received"
    MATERIALS_INCOMPLETE = "materials_incomplete"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    FORWARDED = "forwarded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CaseState.RECEIVED: "已接件",
    CaseState.MATERIALS_INCOMPLETE: "材料不全待补正",
    CaseState.ACCEPTED: "已受理",
    CaseState.COMPLETED: "已办结",
    CaseState.FORWARDED: "已转报上级（帮办代办）",
    CaseState.CLOSED: "已归档",
}

_C = CaseState
# received → materials incomplete / accepted → completed / forwarded upward → closed.
# A case gets one one-time notice only: nothing leads back to MATERIALS_INCOMPLETE.
ALLOWED_MOVES = {
    _C.RECEIVED: frozenset({_C.MATERIALS_INCOMPLETE, _C.ACCEPTED, _C.CLOSED}),
    _C.MATERIALS_INCOMPLETE: frozenset({_C.ACCEPTED, _C.CLOSED}),
    _C.ACCEPTED: frozenset({_C.COMPLETED, _C.FORWARDED}),
    _C.COMPLETED: frozenset({_C.CLOSED}),
    _C.FORWARDED: frozenset({_C.CLOSED}),
}
# The county's decisions on a forwarded case, as the sync brings them down.
COUNTY_STATUS_LABELS = {
    "received": "县中心已接收",
    "processing": "县中心办理中",
    "done": "县中心已办结",
    "returned": "县中心已退回",
}
OPEN_STATES = (_C.RECEIVED, _C.MATERIALS_INCOMPLETE, _C.ACCEPTED, _C.FORWARDED)
# A forwarded case the county hub has not acknowledged yet (no hub set, offline, not synced).
FORWARD_PENDING_LABEL = "待上传（帮办代办）"


def state_text(state: CaseState, *, upload_pending: bool, county_status: str | None) -> str:
    """The state as the clerk reads it. A forwarded case says 已转报上级 only once the hub has
    acknowledged it (nothing of it waits in the outbox) or the county has decided on it;
    until then 待上传. The county's decision, once down, follows the state."""
    county = COUNTY_STATUS_LABELS.get(county_status or "")
    if state == _C.FORWARDED and upload_pending and county is None:
        return FORWARD_PENDING_LABEL
    return f"{state.label} · {county}" if county else state.label


_PHONE = re.compile(r"(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8})", re.ASCII)


class CaseError(ValueError):
    """A case action cannot be done as asked; str() is a message for the clerk."""


def normalise_phone(text: str) -> str:
    """Full-width digits and hyphens as half-width (NFKC), spaces of any width removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def phone_problem(phone: str) -> str | None:
    """What is wrong with a (normalised, non-empty) phone number, or None."""
    if _PHONE.fullmatch(phone):
        return None
    return "联系电话格式不正确（11位手机号或带区号的固定电话）"


def _person_problems(name: str, id_number: str, phone: str, today: date) -> dict[str, str]:
    """Field name → what is wrong with it, worded to stand under the field (no role)."""
    found = {}
    if (problem := name_problem(name)) is not None:
        found["name"] = problem
    try:
        parse_id_number(id_number, today)
    except IdNumberError as exc:
        found["id_number"] = str(exc)
    if phone and (problem := phone_problem(phone)) is not None:
        found["phone"] = problem
    return found


class Person(NamedTuple):
    """The applicant (申请人)."""

    name: str
    id_number: str
    phone: str = ""

    def normalised(self) -> Person:
        """As stored: name trimmed, ID number and phone in half-width without spaces."""
        return Person(self.name.strip(), normalise(self.id_number), normalise_phone(self.phone))

    def field_problems(self, today: date) -> dict[str, str]:
        """Field name (`name`, `id_number`, `phone`) → message, for showing under each field."""
        person = self.normalised()
        return _person_problems(person.name, person.id_number, person.phone, today)

    def problems(self, role: str, today: date) -> list[str]:
        return [f"{role}{message}" for message in self.field_problems(today).values()]


class Agent(NamedTuple):
    """The agent applying on the applicant's behalf (代办人): a person, their relation to the
    applicant and how they showed their authority."""

    name: str
    id_number: str
    phone: str = ""
    relation: str = ""  # e.g. 子女, 配偶, 村医
    authorisation: str = ""  # how authority was shown, e.g. 授权委托书

    def normalised(self) -> Agent:
        person = Person(self.name, self.id_number, self.phone).normalised()
        return Agent(*person, one_line(self.relation), one_line(self.authorisation))

    def field_problems(self, today: date) -> dict[str, str]:
        """As `Person.field_problems`, plus `relation` and `authorisation`."""
        agent = self.normalised()
        found = _person_problems(agent.name, agent.id_number, agent.phone, today)
        for field, rule in _AGENT_TEXTS.items():
            try:
                checked(getattr(agent, field), rule, CaseError)
            except CaseError as problem:
                found[field] = str(problem)
        return found

    def problems(self, role: str, today: date) -> list[str]:
        return [
            message if field in _AGENT_ONLY else f"{role}{message}"
            for field, message in self.field_problems(today).items()
        ]


_AGENT_TEXTS = {
    "relation": TextRule("代办人与申请人的关系", limit=20, required="须填写代办人与申请人的关系"),
    "authorisation": TextRule(
        "代办授权方式", limit=REASON_MAX, required="须记录代办授权方式（如授权委托书）"
    ),
}
_AGENT_ONLY = tuple(_AGENT_TEXTS)


class CaseItem(NamedTuple):
    item_code: str
    title: str
    mode: str  # LevelMode value: handle / collect / assist
    kind: str  # ItemKind value: instant / promised
    limit_minutes: int | None
    limit_working_days: int | None
    due_at: str | None  # a stamp for instant items, an ISO day for working-day items
    due_provisional: bool
    completed_at: str | None

    @property
    def forwarded_upward(self) -> bool:
        return self.mode != "handle"


class CaseMaterial(NamedTuple):
    key: str
    name: str
    form: str
    copies: int  # 份数; the column case_materials.count
    required: bool
    condition: str | None
    applies: bool  # required ones always; conditional ones once the clerk says so
    received: bool

    @property
    def missing(self) -> bool:
        return self.applies and not self.received


class Case(NamedTuple):
    id: int
    uuid: str
    case_no: str
    day: date
    ticket_id: int | None
    catalogue_version: str
    state: CaseState
    applicant: Person
    agent: Agent | None
    owner_clerk_id: int
    handler_clerk_id: int
    opened_at: datetime
    accepted_at: datetime | None
    supply_due: date | None
    supply_due_provisional: bool
    forward_due: date | None
    forward_due_provisional: bool
    forwarded_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    version: int
    items: tuple[CaseItem, ...]
    materials: tuple[CaseMaterial, ...]

    @property
    def missing_materials(self) -> list[CaseMaterial]:
        return [material for material in self.materials if material.missing]

    @property
    def needs_forwarding(self) -> bool:
        return any(item.forwarded_upward for item in self.items)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else parse_stamp(text)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


# One round trip per case: its items and materials come along as JSON arrays, in the column
# order that CaseItem and CaseMaterial take them.
CASE_QUERY = """
SELECT c.*,
  (SELECT json_group_array(json_array(item_code, title, mode, kind, limit_minutes,
                                      limit_working_days, due_at, due_provisional, completed_at))
   FROM (SELECT * FROM case_items WHERE case_id = c.id ORDER BY id)) AS items_json,
  (SELECT json_group_array(json_array(material_key, name, form, count, required, condition,
                                      applies, received))
   FROM (SELECT * FROM case_materials WHERE case_id = c.id ORDER BY id)) AS materials_json
FROM cases AS c WHERE c.id = ?
"""


def case_from_row(row: sqlite3.Row) -> Case:
    """A Case from one row of CASE_QUERY."""
    agent = None
    if row["agent_name"] is not None:
        agent = Agent(
            name=row["agent_name"],
            id_number=row["agent_id_number"],
            phone=row["agent_phone"] or "",
            relation=row["agent_relation"] or "",
            authorisation=row["authorisation"] or "",
        )
    return Case(
        id=row["id"],
        uuid=row["uuid"],
        case_no=row["case_no"],
        day=date.fromisoformat(row["day"]),
        ticket_id=row["ticket_id"],
        catalogue_version=row["catalogue_version"],
        state=CaseState(row["state"]),
        applicant=Person(row["applicant_name"], row["applicant_id_number"], row["applicant_phone"]),
        agent=agent,
        owner_clerk_id=row["owner_clerk_id"],
        handler_clerk_id=row["handler_clerk_id"],
        opened_at=parse_stamp(row["opened_at"]),
        accepted_at=_moment(row["accepted_at"]),
        supply_due=_day(row["supply_due"]),
        supply_due_provisional=bool(row["supply_due_provisional"]),
        forward_due=_day(row["forward_due"]),
        forward_due_provisional=bool(row["forward_due_provisional"]),
        forwarded_at=_moment(row["forwarded_at"]),
        completed_at=_moment(row["completed_at"]),
        closed_at=_moment(row["closed_at"]),
        close_reason=row["close_reason"],
        version=row["version"],
        items=tuple(
            CaseItem(code, title, mode, kind, minutes, days, due, bool(provisional), done)
            for code, title, mode, kind, minutes, days, due, provisional, done in json.loads(
                row["items_json"]
            )
        ),
        materials=tuple(
            CaseMaterial(
                key, name, form, copies, bool(required), condition, bool(applies), bool(received)
            )
            for key, name, form, copies, required, condition, applies, received in json.loads(
                row["materials_json"]
            )
        ),
    )
