"""Cases at the counter: open, tick materials, accept or notify, finish or forward, hand over.

Every change made here goes through `_change`, which checks the state machine, bumps the case
version and writes the event and the outbox row in the same transaction as the change itself.
(Elsewhere, recording a print bumps the version too, `counterapp.slips.records`, and the
retention period's erasure masks personal fields, `counterapp.retention`.)
The clerk who opens the case is its owner (首问负责) for good; a hand-over only changes who is
handling it, and is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from counterapp import catalogue_store, deadlines, journal
from counterapp.case_model import (
    ALLOWED_MOVES,
    CASE_QUERY,
    STATE_LABELS,
    Agent,
    Case,
    CaseError,
    CaseItem,
    CaseMaterial,
    CaseState,
    Person,
    case_from_row,
)
from counterapp.catalogue import Catalogue, Material
from counterapp.clock import Clock, stamp
from counterapp.idnumber import normalise
from counterapp.queue import Queue, TicketStatus
from counterapp.states import check_move
from counterapp.typed_text import TextRule, checked
from counterapp.workdays import WorkCalendar
from db.store import Store

WITHDRAW_REASON = TextRule("撤销原因")
HAND_OVER_REASON = TextRule("交接原因", required="交接须注明原因")
FORWARD_NOTE = TextRule("转报说明", limit=200)


def case_number(station_code: str, day: date, window_no: int, sequence: int) -> str:
    """E.g. 370883101-20261125-02-0007: unique per station even with one store per window PC."""
    return f"{station_code}-{day:%Y%m%d}-{window_no:02d}-{sequence:04d}"


def merged_materials(
    catalogue: Catalogue, item_codes: list[str], with_agent: bool
) -> list[Material]:
    """One list for all chosen items: a material shared by several items appears once, with
    the most copies, and is required if any item requires it."""
    merged: dict[str, Material] = {}
    sources = [material for code in item_codes for material in catalogue.item(code).materials]
    if with_agent:
        sources += list(catalogue.agent_materials)
    for material in sources:
        seen = merged.get(material.key)
        if seen is None:
            merged[material.key] = material
        else:
            merged[material.key] = Material(
                key=seen.key,
                name=seen.name,
                form=seen.form,
                copies=max(seen.copies, material.copies),
                required=seen.required or material.required,
                condition=None if (seen.required or material.required) else seen.condition,
                obtain=seen.obtain,
            )
    return list(merged.values())


def _column(value: Any) -> Any:
    """The stored form of a Case attribute value."""
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    return value


class CaseService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        station_code: str,
        window_no: int,
        level: str,
        calendar: WorkCalendar,
        queue: Queue,
    ) -> None:
        self._store = store
        self._clock = clock
        self._station_code = station_code
        self._window_no = window_no
        self._level = level
        self._calendar = calendar
        self._queue = queue

    def set_calendar(self, calendar: WorkCalendar) -> None:
        """Use a newly pushed calendar for deadlines computed from now on."""
        self._calendar = calendar

    # --- reading ---------------------------------------------------------------------------
    def get(self, case_id: int) -> Case:
        row = self._store.one(CASE_QUERY, (case_id,))
        if row is None:
            raise CaseError(f"没有编号为 {case_id} 的办件")
        return case_from_row(row)

    def find(self, text: str) -> list[Case]:
        """Cases by case number or the applicant's ID number, newest first."""
        text = text.strip()
        rows = self._store.all(
            "SELECT id FROM cases WHERE case_no = ? OR applicant_id_number = ? "
            "ORDER BY id DESC LIMIT 50",
            (text, normalise(text)),
        )
        return [self.get(row["id"]) for row in rows]

    # --- opening ---------------------------------------------------------------------------
    def open_case(
        self,
        applicant: Person,
        item_codes: list[str],
        clerk_id: int,
        *,
        ticket_id: int | None = None,
        agent: Agent | None = None,
    ) -> Case:
        """Open a case for a called ticket (or a walk-in) with the chosen items."""
        applicant = applicant.normalised()
        if agent is not None:
            agent = agent.normalised()
        catalogue = catalogue_store.active_catalogue(self._store)
        if catalogue is None:
            raise CaseError("尚未载入事项目录，无法办件")
        problems = applicant.problems("申请人", self._clock.today())
        if agent is not None:
            problems += agent.problems("代办人", self._clock.today())
            if agent.id_number == applicant.id_number:
                problems.append("代办人不能是申请人本人")
        problems += self._item_problems(catalogue, item_codes)
        if problems:
            raise CaseError("；".join(problems))
        now = self._clock.now()
        day = now.date()
        with self._store.transaction():
            if ticket_id is not None:
                ticket = self._queue.get(ticket_id)
                if ticket.status == TicketStatus.CALLED:
                    self._queue.start_serving(ticket_id, clerk_id)
                elif ticket.status != TicketStatus.SERVING:
                    raise CaseError(
                        f"{ticket.code} 号当前为「{ticket.status.label}」，不能开始办件"
                    )
            sequence = 1 + self._store.scalar(
                "SELECT count(*) FROM cases WHERE day = ?", (day.isoformat(),)
            )
            case_uuid = journal.new_uuid()
            case_id = self._store.insert(
                "cases",
                {
                    "uuid": case_uuid,
                    "case_no": case_number(self._station_code, day, self._window_no, sequence),
                    "day": day.isoformat(),
                    "ticket_id": ticket_id,
                    "catalogue_version": catalogue.version,
                    "state": CaseState.RECEIVED.value,
                    "applicant_name": applicant.name,
                    "applicant_id_number": applicant.id_number,
                    "applicant_phone": applicant.phone,
                    **self._agent_columns(agent),
                    "owner_clerk_id": clerk_id,
                    "handler_clerk_id": clerk_id,
                    "opened_at": stamp(now),
                    "updated_at": stamp(now),
                },
            )
            self._write_items(case_id, catalogue, item_codes, agent is not None)
            journal.record(
                self._store,
                subject="case",
                subject_uuid=case_uuid,
                kind="opened",
                at=stamp(now),
                clerk_id=clerk_id,
                data={"items": item_codes, "ticket_id": ticket_id, "with_agent": agent is not None},
                outbox_version=1,
            )
        return self.get(case_id)

    def change_items(self, case_id: int, item_codes: list[str], clerk_id: int) -> Case:
        """Correct the chosen items before acceptance; materials already received stay ticked."""
        case = self.get(case_id)
        if case.state != CaseState.RECEIVED:
            raise CaseError("只有尚未受理、未出具告知单的办件才能更改事项")
        catalogue = catalogue_store.catalogue_version(self._store, case.catalogue_version)
        problems = self._item_problems(catalogue, item_codes)
        if problems:
            raise CaseError("；".join(problems))
        received = frozenset(m.key for m in case.materials if m.received)
        with self._store.transaction():
            self._store.execute("DELETE FROM case_items WHERE case_id = ?", (case_id,))
            self._store.execute("DELETE FROM case_materials WHERE case_id = ?", (case_id,))
            self._write_items(case_id, catalogue, item_codes, case.agent is not None, received)
            self._change(case, "items_changed", clerk_id, data={"items": item_codes})
        return self.get(case_id)

    # --- materials -------------------------------------------------------------------------
    def mark_material(self, case_id: int, key: str, received: bool, clerk_id: int) -> Case:
        case = self._editable(case_id)
        self._material(case, key)
        with self._store.transaction():
            self._store.execute(
                "UPDATE case_materials SET received = ?, received_at = ? "
                "WHERE case_id = ? AND material_key = ?",
                (int(received), stamp(self._clock.now()) if received else None, case_id, key),
            )
            materials = tuple(
                m._replace(received=received) if m.key == key else m for m in case.materials
            )
            return self._change(
                case,
                "material_received" if received else "material_unticked",
                clerk_id,
                data={"material": key},
                materials=materials,
            )

    def set_condition_applies(self, case_id: int, key: str, applies: bool, clerk_id: int) -> Case:
        """Say whether a conditional material's condition holds for this applicant."""
        case = self._editable(case_id)
        material = self._material(case, key)
        if material.required:
            raise CaseError(f"「{material.name}」是必交材料，不是条件材料")
        with self._store.transaction():
            self._store.execute(
                "UPDATE case_materials SET applies = ? WHERE case_id = ? AND material_key = ?",
                (int(applies), case_id, key),
            )
            materials = tuple(
                m._replace(applies=applies) if m.key == key else m for m in case.materials
            )
            return self._change(
                case,
                "condition_set",
                clerk_id,
                data={"material": key, "applies": applies},
                materials=materials,
            )

    # --- outcomes --------------------------------------------------------------------------
    def notify_missing(self, case_id: int, clerk_id: int) -> Case:
        """Issue the one-time notice (一次性告知): the case waits for the missing materials."""
        case = self.get(case_id)
        missing = case.missing_materials
        if not missing:
            raise CaseError("材料已齐全，应直接受理，无须出具补正告知")
        rules = self._catalogue_of(case).rules
        due = self._calendar.add_working_days(
            self._clock.today(), rules.supply_missing_working_days
        )
        with self._store.transaction():
            return self._change(
                case,
                "notice_issued",
                clerk_id,
                data={"missing": [m.key for m in missing]},
                state=CaseState.MATERIALS_INCOMPLETE,
                supply_due=due.day,
                supply_due_provisional=due.provisional,
            )

    def accept(self, case_id: int, clerk_id: int) -> Case:
        """Accept (受理) a case whose materials are complete; its deadlines are fixed now."""
        case = self.get(case_id)
        if case.missing_materials:
            names = "、".join(m.name for m in case.missing_materials)
            raise CaseError(f"材料不全，不能受理。尚缺：{names}")
        now = self._clock.now()
        rules = self._catalogue_of(case).rules
        forward: dict[str, Any] = {}
        if case.needs_forwarding:
            forward_due = self._calendar.add_working_days(
                now.date(), rules.forward_submit_working_days
            )
            forward = {
                "forward_due": forward_due.day,
                "forward_due_provisional": forward_due.provisional,
            }
        items = []
        with self._store.transaction():
            for item in case.items:
                item_due = deadlines.item_due(
                    self._calendar, now, item.limit_minutes, item.limit_working_days
                )
                self._store.execute(
                    "UPDATE case_items SET due_at = ?, due_provisional = ? "
                    "WHERE case_id = ? AND item_code = ?",
                    (item_due.text, int(item_due.provisional), case_id, item.item_code),
                )
                items.append(
                    item._replace(due_at=item_due.text, due_provisional=item_due.provisional)
                )
            return self._change(
                case,
                "accepted",
                clerk_id,
                items=tuple(items),
                state=CaseState.ACCEPTED,
                accepted_at=now,
                **forward,
            )

    def complete(self, case_id: int, clerk_id: int) -> Case:
        """Finished by this station (办结); not for cases with items to forward."""
        case = self.get(case_id)
        if case.state == CaseState.ACCEPTED and case.needs_forwarding:
            raise CaseError("本件含须转报上级的事项，应办理转报（帮办代办）")
        return self._finish(case, clerk_id, "completed", {}, CaseState.COMPLETED, lambda item: True)

    def forward(self, case_id: int, clerk_id: int, note: str = "") -> Case:
        """Submit the case upward (帮办代办); items this station handles itself are done now."""
        note = checked(note, FORWARD_NOTE, CaseError)
        case = self.get(case_id)
        if case.state == CaseState.ACCEPTED and not case.needs_forwarding:
            raise CaseError("本件事项均由本站办理，无须转报")
        return self._finish(
            case,
            clerk_id,
            "forwarded",
            {"note": note},
            CaseState.FORWARDED,
            lambda item: not item.forwarded_upward,
        )

    def close(self, case_id: int, clerk_id: int, reason: str = "") -> Case:
        """Archive a finished case, or withdraw an unfinished one (a reason is then required)."""
        reason = checked(reason, WITHDRAW_REASON, CaseError)
        case = self.get(case_id)
        unfinished = case.state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE)
        if unfinished and not reason:
            raise CaseError("未办结的办件撤销时须注明原因")
        with self._store.transaction():
            return self._change(
                case,
                "closed",
                clerk_id,
                state=CaseState.CLOSED,
                closed_at=self._clock.now(),
                close_reason=reason or None,
            )

    def hand_over(self, case_id: int, from_clerk: int, to_clerk: int, reason: str) -> Case:
        """Another clerk takes over the handling; the first-contact clerk stays the owner."""
        case = self.get(case_id)
        if from_clerk == to_clerk:
            raise CaseError("交接双方不能是同一人")
        reason = checked(reason, HAND_OVER_REASON, CaseError)
        if self._store.scalar("SELECT active FROM clerks WHERE id = ?", (to_clerk,)) != 1:
            raise CaseError("接手人员不存在或已停用")
        with self._store.transaction():
            return self._change(
                case,
                "handed_over",
                from_clerk,
                handler_clerk_id=to_clerk,
                data={"from": from_clerk, "to": to_clerk, "reason": reason},
            )

    # --- internals -------------------------------------------------------------------------
    def _finish(
        self,
        case: Case,
        clerk_id: int,
        kind: str,
        data: dict[str, Any],
        target: CaseState,
        done_here: Callable[[CaseItem], bool],
    ) -> Case:
        """Complete or forward: the items this station finishes get their completion time."""
        now = self._clock.now()
        moment_field = "completed_at" if target == CaseState.COMPLETED else "forwarded_at"
        with self._store.transaction():
            changed = self._change(
                case, kind, clerk_id, data=data, state=target, **{moment_field: now}
            )
            items = tuple(
                item._replace(completed_at=stamp(now)) if done_here(item) else item
                for item in case.items
            )
            for item in items:
                if item.completed_at is not None:
                    self._store.execute(
                        "UPDATE case_items SET completed_at = ? WHERE case_id = ? "
                        "AND item_code = ?",
                        (item.completed_at, case.id, item.item_code),
                    )
        return changed._replace(items=items)

    def _change(
        self,
        case: Case,
        kind: str,
        clerk_id: int,
        data: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Case:
        """The one place this service changes a case: state check, version, event and outbox
        together.

        `fields` are Case attributes with their new values; the stored columns follow from
        them, and the returned Case is built from them without reading the store again.
        """
        if "state" in fields:
            check_move(
                ALLOWED_MOVES, case.state, fields["state"], STATE_LABELS, f"办件{case.case_no}"
            )
        now = stamp(self._clock.now())
        version = case.version + 1
        columns = {
            name: _column(value)
            for name, value in fields.items()
            if name not in ("items", "materials")
        }
        self._store.update("cases", case.id, {**columns, "version": version, "updated_at": now})
        journal.record(
            self._store,
            subject="case",
            subject_uuid=case.uuid,
            kind=kind,
            at=now,
            clerk_id=clerk_id,
            data=data,
            outbox_version=version,
        )
        return case._replace(version=version, **fields)

    def _editable(self, case_id: int) -> Case:
        case = self.get(case_id)
        if case.state not in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE):
            raise CaseError(f"办件当前为「{case.state.label}」，材料已不能更改")
        return case

    @staticmethod
    def _material(case: Case, key: str) -> CaseMaterial:
        for material in case.materials:
            if material.key == key:
                return material
        raise CaseError(f"本件没有「{key}」这项材料")

    def _catalogue_of(self, case: Case) -> Catalogue:
        return catalogue_store.catalogue_version(self._store, case.catalogue_version)

    @staticmethod
    def _item_problems(catalogue: Catalogue, item_codes: list[str]) -> list[str]:
        if not item_codes:
            return ["请至少选择一个办理事项"]
        if len(set(item_codes)) != len(item_codes):
            return ["同一事项不能重复选择"]
        unknown = [code for code in item_codes if code not in catalogue.items]
        return [f"事项目录（{catalogue.version}）中没有事项 {code}" for code in unknown]

    @staticmethod
    def _agent_columns(agent: Agent | None) -> dict[str, Any]:
        if agent is None:
            return {}
        return {
            "agent_name": agent.name,
            "agent_id_number": agent.id_number,
            "agent_phone": agent.phone,
            "agent_relation": agent.relation,
            "authorisation": agent.authorisation,
        }

    def _write_items(
        self,
        case_id: int,
        catalogue: Catalogue,
        item_codes: list[str],
        with_agent: bool,
        received: frozenset[str] = frozenset(),
    ) -> None:
        for code in item_codes:
            item = catalogue.item(code)
            self._store.insert(
                "case_items",
                {
                    "case_id": case_id,
                    "item_code": code,
                    "title": item.title,
                    "mode": catalogue.mode_for(self._level, code).value,
                    "kind": item.kind.value,
                    "limit_minutes": item.time_limit.minutes,
                    "limit_working_days": item.time_limit.working_days,
                },
            )
        now = stamp(self._clock.now())
        for material in merged_materials(catalogue, item_codes, with_agent):
            got = material.key in received
            self._store.insert(
                "case_materials",
                {
                    "case_id": case_id,
                    "material_key": material.key,
                    "name": material.name,
                    "form": material.form.value,
                    "count": material.copies,
                    "required": int(material.required),
                    "condition": material.condition,
                    "applies": int(material.required),
                    "received": int(got),
                    "received_at": now if got else None,
                },
            )
