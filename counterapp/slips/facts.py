"""Everything a case slip shows, gathered from the store into plain text values.

Personal data on a slip handed to the citizen: the applicant's and the agent's names are shown
in full (it is the citizen's own document, and the name is how the clerk and the county match a
slip to its owner); ID numbers are masked (3701**********123X) and phone numbers too
(138****5678): neither is needed to use the slip, and a lost slip then gives little away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from counterapp import catalogue_store
from counterapp.app import Counter
from counterapp.case_model import Case
from counterapp.catalogue_model import Material
from counterapp.privacy import mask_id_number, mask_phone
from counterapp.slips import texts, verification
from counterapp.slips.records import SlipKind, prints_of_case
from counterapp.station import Station, get_clerk


class ItemLine(NamedTuple):
    title: str
    handling: str  # 即办件 · 本级办理
    limit: str  # 20个工作日
    deadline: str  # 2026年12月23日前 / 自受理之日起计算
    handled_by: str


class MaterialLine(NamedTuple):
    name: str
    requirement: str  # 原件 1份
    status: str  # 已收取 / 尚缺 / 不涉及
    missing: bool
    obtain: str


class Reprint(NamedTuple):
    reason: str
    at: datetime
    clerk_name: str


class CaseFacts(NamedTuple):
    station: Station
    case: Case
    issued_at: datetime
    applicant: tuple[tuple[str, str], ...]  # (label, value) rows, personal data masked
    items: tuple[ItemLine, ...]
    materials: tuple[MaterialLine, ...]
    continuation: tuple[str, ...]
    progress_queries: tuple[str, ...]
    supervision_phone: str
    owner: str  # 首问负责人: name (工号)
    handler: str | None  # the clerk handling it now, when another than the owner
    code: str
    qr_text: str
    reprint: Reprint | None
    content: dict[str, Any]  # what the code covers (`slip_content`)

    @property
    def case_no(self) -> str:
        return self.case.case_no


def _clerk_label(counter: Counter, clerk_id: int) -> str:
    clerk = get_clerk(counter.store, clerk_id)
    return f"{clerk.name}（工号{clerk.login}）"


def _people(case: Case) -> tuple[tuple[str, str], ...]:
    rows = [("申请人", case.applicant.name), ("身份证号", mask_id_number(case.applicant.id_number))]
    if case.applicant.phone:
        rows.append(("联系电话", mask_phone(case.applicant.phone)))
    if case.agent is not None:
        agent = case.agent
        relation = f"（{agent.relation}）" if agent.relation else ""
        rows.append(("代办人", f"{agent.name}{relation}"))
        rows.append(("代办人证件", mask_id_number(agent.id_number)))
    return tuple(rows)


def slip_content(
    kind: SlipKind,
    print_no: int,
    issued_at: datetime,
    case: Case,
    items: tuple[ItemLine, ...],
    materials: tuple[MaterialLine, ...],
) -> dict[str, Any]:
    """What one print of a slip says, as its verification code covers it and the county shows
    it to compare with the paper: texts as printed, the ID number masked as on the slip."""
    content: dict[str, Any] = {
        "kind": kind.value,
        "print_no": print_no,
        "issued_at": texts.moment_text(issued_at),
        "applicant": case.applicant.name,
        "id_number": mask_id_number(case.applicant.id_number),
        "state": case.state.label,
        "items": [{"name": item.title, "value": item.deadline} for item in items],
        "materials": [{"name": m.name, "value": m.status} for m in materials],
    }
    if case.accepted_at is not None:
        content["accepted_at"] = texts.moment_text(case.accepted_at)
    return content


def case_facts(
    counter: Counter,
    case: Case,
    kind: SlipKind,
    *,
    clerk_id: int,
    reprint_reason: str | None = None,
) -> CaseFacts:
    """The facts of `case`'s slip of `kind` as printed now by `clerk_id` (a reprint when a
    reason is given)."""
    station = counter.station
    assert station is not None
    catalogue = catalogue_store.catalogue_version(counter.store, case.catalogue_version)
    materials_by_key: dict[str, Material] = {m.key: m for m in catalogue.agent_materials}
    for item in catalogue.items.values():
        for material in item.materials:
            materials_by_key.setdefault(material.key, material)
    handled_by = {code: item.handled_by for code, item in catalogue.items.items()}
    items = tuple(
        ItemLine(
            title=item.title,
            handling=texts.handling_text(item),
            limit=texts.limit_text(item),
            deadline=texts.deadline_text(item),
            handled_by=station.name
            if not item.forwarded_upward
            else handled_by.get(item.item_code, "上级经办机构"),
        )
        for item in case.items
    )
    materials = tuple(
        MaterialLine(
            name=texts.material_name(m),
            requirement=texts.requirement_text(m),
            status=texts.status_text(m),
            missing=m.missing,
            obtain=materials_by_key[m.key].obtain if m.key in materials_by_key else "",
        )
        for m in case.materials
    )
    queries = tuple(
        dict.fromkeys(
            catalogue.progress_query_for(item.item_code)
            if item.item_code in catalogue.items
            else catalogue.progress_query
            for item in case.items
        )
    )
    phone = station.supervision_phone or catalogue.supervision_phone
    if station.supervision_phone and catalogue.supervision_phone not in phone:
        phone = f"{station.supervision_phone}（本站）；{catalogue.supervision_phone}"
    now = counter.clock.now()
    content = slip_content(
        kind, len(prints_of_case(counter, case.id, kind)), now, case, items, materials
    )
    code = verification.code_for(counter, case, content)
    return CaseFacts(
        station=station,
        case=case,
        issued_at=now,
        applicant=_people(case),
        items=items,
        materials=materials,
        continuation=tuple(
            texts.continuation(
                case,
                handled_by,
                catalogue.rules.supply_missing_working_days,
                catalogue.rules.forward_submit_working_days,
            )
        ),
        progress_queries=queries,
        supervision_phone=phone,
        owner=_clerk_label(counter, case.owner_clerk_id),
        handler=None
        if case.handler_clerk_id == case.owner_clerk_id
        else _clerk_label(counter, case.handler_clerk_id),
        code=code,
        qr_text=verification.qr_payload(case.case_no, code),
        reprint=None
        if reprint_reason is None
        else Reprint(reprint_reason, now, _clerk_label(counter, clerk_id)),
        content=content,
    )
