"""What changes between two catalogues, in words the county's admin reads before publishing
(发布): items added, removed and changed, and per changed item its materials, time limit,
handling office and what each station level does with it.

Pure: two `Catalogue`s in, a `CatalogueDiff` of Chinese lines out; the workbench renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from counterapp.catalogue_model import Catalogue, Item, LevelMode, Material

_ITEM_FIELDS = (  # (attribute, label): simple text fields compared as they are
    ("main", "主项"),
    ("sub", "子项"),
    ("applicants", "申请对象"),
    ("handled_by", "办理机构"),
    ("progress_query", "查询方式"),
)


class ItemChange(NamedTuple):
    """A changed item: its code and new title, and one line per change."""

    code: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueDiff:
    old_version: str | None
    new_version: str
    general: tuple[str, ...] = ()  # rules, contact, agent materials
    added: tuple[ItemChange, ...] = ()  # lines: the levels that handle or collect it
    removed: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.general or self.added or self.removed or self.changed)


def material_text(material: Material) -> str:
    """A material as the slip names it: name (form, copies[, when])."""
    when = f"，{material.condition}时" if material.condition else ""
    return f"{material.name}（{material.form.label}{material.copies}份{when}）"


def _material_lines(old: tuple[Material, ...], new: tuple[Material, ...]) -> list[str]:
    before, after = {m.key: m for m in old}, {m.key: m for m in new}
    lines = [f"新增材料：{material_text(m)}" for key, m in after.items() if key not in before]
    lines += [f"删除材料：{material_text(m)}" for key, m in before.items() if key not in after]
    for key, was in before.items():
        now = after.get(key)
        if now is None or now == was:
            continue
        parts = []
        if now.name != was.name:
            parts.append(f"名称 {was.name} → {now.name}")
        if now.form != was.form:
            parts.append(f"形式 {was.form.label} → {now.form.label}")
        if now.copies != was.copies:
            parts.append(f"份数 {was.copies} → {now.copies}")
        if (now.required, now.condition) != (was.required, was.condition):
            parts.append(f"{_need(was)} → {_need(now)}")
        if now.obtain != was.obtain:
            parts.append(f"获取方式 {was.obtain} → {now.obtain}")
        lines.append(f"材料“{now.name}”变更：" + "；".join(parts))
    if [m.key for m in old if m.key in after] != [m.key for m in new if m.key in before]:
        lines.append("材料顺序调整")
    return lines


def _need(material: Material) -> str:
    return "必需" if material.required else f"{material.condition}时需要"


def _level_lines(old: Catalogue, new: Catalogue, code: str) -> list[str]:
    lines = []
    for level, named in new.levels.items():
        was = old.mode_for(level, code) if level in old.levels else LevelMode.ASSIST
        now = new.mode_for(level, code)
        if was != now:
            lines.append(f"{named.name}：{was.label} → {now.label}")
    return lines


def _item_lines(old: Catalogue, new: Catalogue, code: str) -> list[str]:
    was, now = old.items[code], new.items[code]
    lines = []
    if was.kind != now.kind:
        lines.append(f"办件类型 {was.kind.label} → {now.kind.label}")
    if was.time_limit != now.time_limit:
        lines.append(f"办理时限 {was.time_limit.label} → {now.time_limit.label}")
    for name, label in _ITEM_FIELDS:
        before, after = getattr(was, name), getattr(now, name)
        if before != after:
            lines.append(f"{label} {before or '（目录默认）'} → {after or '（目录默认）'}")
    if was.steps != now.steps:
        lines.append(f"办理流程 {'→'.join(was.steps)} 改为 {'→'.join(now.steps)}")
    if was.aliases != now.aliases:
        lines.append(f"俗称 {'、'.join(was.aliases) or '无'} → {'、'.join(now.aliases) or '无'}")
    lines += _material_lines(was.materials, now.materials)
    lines += _level_lines(old, new, code)
    return lines


def _levels_of(catalogue: Catalogue, item: Item) -> tuple[str, ...]:
    """For an added or removed item: which levels handle or collect it (the rest assist)."""
    lines = [
        f"{level.name}：{catalogue.mode_for(code, item.code).label}"
        for code, level in catalogue.levels.items()
        if catalogue.mode_for(code, item.code) is not LevelMode.ASSIST
    ]
    return tuple(lines) or ("各级均为帮办代办",)


def _general_lines(old: Catalogue, new: Catalogue) -> list[str]:
    lines = []
    rules = (
        ("forward_submit_working_days", "帮办代办报送时限（工作日）"),
        ("supply_missing_working_days", "补齐材料时限（工作日）"),
        ("instant_target_minutes", "即办件目标时长（分钟）"),
    )
    for name, label in rules:
        before, after = getattr(old.rules, name), getattr(new.rules, name)
        if before != after:
            lines.append(f"{label} {before} → {after}")
    for name, label in (
        ("issuer", "发布单位"),
        ("progress_query", "默认查询方式"),
        ("supervision_phone", "监督电话"),
    ):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            lines.append(f"{label} {before} → {after}")
    lines += [f"代办人{line}" for line in _material_lines(old.agent_materials, new.agent_materials)]
    return lines


def diff(old: Catalogue | None, new: Catalogue) -> CatalogueDiff:
    """What publishing `new` changes for stations that hold `old` (None: nothing yet, every
    item is new)."""
    if old is None:
        added = tuple(
            ItemChange(code, item.title, _levels_of(new, item)) for code, item in new.items.items()
        )
        return CatalogueDiff(None, new.version, added=added)
    changed = []
    for code in new.items:
        if code in old.items:
            lines = _item_lines(old, new, code)
            if lines:
                changed.append(ItemChange(code, new.items[code].title, tuple(lines)))
    return CatalogueDiff(
        old.version,
        new.version,
        general=tuple(_general_lines(old, new)),
        added=tuple(
            ItemChange(code, item.title, _levels_of(new, item))
            for code, item in new.items.items()
            if code not in old.items
        ),
        removed=tuple(
            ItemChange(code, item.title, ())
            for code, item in old.items.items()
            if code not in new.items
        ),
        changed=tuple(changed),
    )
