"""Wording on the slips: dates, deadlines, materials, and how a case goes on."""

from __future__ import annotations

from datetime import date, datetime

from counterapp.case_model import Case, CaseItem, CaseMaterial, CaseState
from counterapp.catalogue_model import ItemKind, LevelMode, MaterialForm
from counterapp.clock import parse_stamp

PROVISIONAL = "（暂定，以正式节假日安排为准）"
FROM_ACCEPTANCE = "自受理之日起计算"


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def moment_text(moment: datetime) -> str:
    return f"{day_text(moment.date())} {moment:%H:%M}"


def limit_text(item: CaseItem) -> str:
    if item.limit_minutes is not None:
        return f"{item.limit_minutes}分钟"
    return f"{item.limit_working_days}个工作日"


def handling_text(item: CaseItem) -> str:
    """e.g. 承诺件 · 收集材料转报"""
    return f"{ItemKind(item.kind).label} · {LevelMode(item.mode).label}"


def deadline_text(item: CaseItem) -> str:
    """The computed deadline, or how it will be computed when the case is not accepted yet."""
    if item.due_at is None:
        return FROM_ACCEPTANCE
    if len(item.due_at) == 10:
        text = f"{day_text(date.fromisoformat(item.due_at))}前"
    else:
        text = f"{moment_text(parse_stamp(item.due_at))}前"
    return text + (PROVISIONAL if item.due_provisional else "")


def due_day_text(day: date, provisional: bool) -> str:
    return day_text(day) + (PROVISIONAL if provisional else "")


def requirement_text(material: CaseMaterial) -> str:
    return f"{MaterialForm(material.form).label} {material.copies}份"


def status_text(material: CaseMaterial) -> str:
    if not material.applies:
        return "不涉及"
    return "已收取" if material.received else "尚缺"


def material_name(material: CaseMaterial) -> str:
    if material.required or not material.condition:
        return material.name
    return f"{material.name}（{material.condition}提供）"


def continuation(
    case: Case, handled_by: dict[str, str], supply_days: int, forward_days: int
) -> list[str]:
    """How the case goes on from here, in the citizen's terms (one paragraph per line)."""
    lines: list[str] = []
    missing = case.missing_materials
    state = case.state
    if state == CaseState.RECEIVED and missing:
        lines.append(
            f"您的申请材料尚缺{len(missing)}项（见上列“尚缺”），请自本告知单出具之日起"
            f"{supply_days}个工作日内补齐；材料齐全后即予受理，办理时限自受理之日起计算。"
        )
    elif state == CaseState.RECEIVED:
        lines.append("申请材料已齐全，窗口将当场受理，办理时限自受理之日起计算。")
    elif state == CaseState.MATERIALS_INCOMPLETE and not missing:
        lines.append("告知的所缺材料已全部补齐，窗口将予受理，办理时限自受理之日起计算。")
    elif state == CaseState.MATERIALS_INCOMPLETE:
        due = (
            ""
            if case.supply_due is None
            else (
                f"请于{due_day_text(case.supply_due, case.supply_due_provisional)}前"
                f"（{supply_days}个工作日内）"
            )
        )
        lines.append(
            f"待补正：{due}补齐上列“尚缺”的{len(missing)}项材料，可到本窗口提交；"
            "材料齐全后即予受理，办理时限自受理之日起计算。"
        )
    elif state == CaseState.ACCEPTED:
        when = moment_text(case.accepted_at) if case.accepted_at else ""
        lines.append(f"已于{when}受理。" if when else "已受理。")
    elif state == CaseState.COMPLETED:
        when = moment_text(case.completed_at) if case.completed_at else ""
        lines.append(f"已于{when}当场办结。" if when else "已办结。")
    elif state == CaseState.FORWARDED:
        when = moment_text(case.forwarded_at) if case.forwarded_at else ""
        lines.append(f"本站已于{when}将材料报送上级经办机构（帮办代办）。")
    elif state == CaseState.CLOSED:
        lines.append("本件已归档。" + (f"原因：{case.close_reason}" if case.close_reason else ""))
    if state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE, CaseState.ACCEPTED):
        lines += _item_outlook(case, handled_by, forward_days)
    return lines


def _item_outlook(case: Case, handled_by: dict[str, str], forward_days: int) -> list[str]:
    lines: list[str] = []
    here = [item for item in case.items if not item.forwarded_upward]
    upward = [item for item in case.items if item.forwarded_upward]
    instant_here = [item for item in here if item.kind == ItemKind.INSTANT.value]
    promised_here = [item for item in here if item.kind == ItemKind.PROMISED.value]
    if instant_here:
        lines.append("即办件（" + "、".join(i.title for i in instant_here) + "）受理后当场办结。")
    for item in promised_here:
        lines.append(f"“{item.title}”由本站办理，{deadline_text(item)}办结。")
    if upward:
        targets = "、".join(sorted({handled_by.get(i.item_code, "上级经办机构") for i in upward}))
        names = "、".join(i.title for i in upward)
        if case.forward_due is not None:
            by = due_day_text(case.forward_due, case.forward_due_provisional)
            lines.append(f"“{names}”由本站帮办代办，于{by}前将材料报送{targets}办理。")
        else:
            lines.append(
                f"“{names}”由本站帮办代办，材料齐全受理后{forward_days}个工作日内"
                f"报送{targets}办理。"
            )
    return lines
