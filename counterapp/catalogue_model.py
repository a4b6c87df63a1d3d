"""Typed model of the service catalogue (服务事项目录).

The catalogue says which items (事项) exist, what each needs (materials, time limit, steps)
and which items each station level handles itself. It is read-only data: the loader in
`counterapp.catalogue` builds it from TOML files or from a document pushed by the county,
and `Catalogue.to_document()` gives the canonical JSON-ready form back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

LEVEL_CODES: tuple[str, ...] = ("town", "hospital", "clinic", "village")


class ItemKind(StrEnum):
    """How an item is completed: on the spot (即办件) or by a promised date (承诺件)."""

    INSTANT = "instant"
    PROMISED = "promised"

    @property
    def label(self) -> str:
        return {"instant": "即办件", "promised": "承诺件"}[self.value]


class MaterialForm(StrEnum):
    """Whether the citizen brings the original, a copy, or both."""

    ORIGINAL = "original"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"

    @property
    def label(self) -> str:
        return {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"}[
            self.value
        ]


class LevelMode(StrEnum):
    """What a station level does with an item.

    HANDLE and COLLECT are written in levels.toml; ASSIST (帮办代办) is implied for every
    item that a level does not list.
    """

    HANDLE = "handle"
    COLLECT = "collect"
    ASSIST = "assist"

    @property
    def label(self) -> str:
        return {"handle": "本级办理", "collect": "收集材料转报", "assist": "帮办代办"}[self.value]


class Material(NamedTuple):
    """One material (申请材料) an item needs.

    The same `key` means the same material everywhere in a catalogue (same name, form and
    obtain text), so the UI can merge the materials of several items.
    """

    key: str
    name: str
    form: MaterialForm
    copies: int  # 份数; "count" in catalogue documents (a NamedTuple's `count` is tuple.count)
    required: bool
    condition: str | None  # set exactly when required is False: when the material is needed
    obtain: str

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "form": self.form.value,
            "count": self.copies,
            "required": self.required,
        }
        if self.condition is not None:
            doc["condition"] = self.condition
        doc["obtain"] = self.obtain
        return doc


@dataclass(frozen=True)
class TimeLimit:
    """办理时限: minutes for instant items, working days for promised ones (exactly one set)."""

    minutes: int | None = None
    working_days: int | None = None

    def __post_init__(self) -> None:
        if (self.minutes is None) == (self.working_days is None):
            raise ValueError("TimeLimit needs exactly one of minutes or working_days")

    @property
    def label(self) -> str:
        if self.minutes is not None:
            return f"{self.minutes}分钟"
        return f"{self.working_days}个工作日"

    def to_document(self) -> dict[str, int]:
        if self.minutes is not None:
            return {"minutes": self.minutes}
        assert self.working_days is not None
        return {"working_days": self.working_days}


class Item(NamedTuple):
    """One service item: 主项 / 子项 with everything the counter and the slip need."""

    code: str
    main: str
    sub: str
    applicants: str
    kind: ItemKind
    time_limit: TimeLimit
    handled_by: str
    steps: tuple[str, ...]
    progress_query: str | None  # None: use the catalogue's default
    materials: tuple[Material, ...]
    # Other names clerks and citizens use for it (俗称, e.g. 慢特病): found by the item search,
    # never printed. Optional, so a catalogue without aliases keeps its document and digest.
    aliases: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The display title: 主项 / 子项, or just the main item when main and sub are equal."""
        return self.main if self.main == self.sub else f"{self.main} / {self.sub}"

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "code": self.code,
            "main": self.main,
            "sub": self.sub,
            "applicants": self.applicants,
            "kind": self.kind.value,
            "time_limit": self.time_limit.to_document(),
            "handled_by": self.handled_by,
            "steps": list(self.steps),
        }
        if self.progress_query is not None:
            doc["progress_query"] = self.progress_query
        doc["materials"] = [m.to_document() for m in self.materials]
        if self.aliases:
            doc["aliases"] = list(self.aliases)
        return doc


class Level(NamedTuple):
    """A station level and its checklist, in the published order."""

    code: str
    name: str
    entries: tuple[tuple[str, LevelMode], ...]  # (item code, HANDLE or COLLECT)

    def to_document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "items": [{"code": code, "mode": mode.value} for code, mode in self.entries],
        }


class Rules(NamedTuple):
    """Counter rules that come with the catalogue."""

    forward_submit_working_days: int  # 帮办代办: submit upward within this many working days
    supply_missing_working_days: int  # time the citizen has to bring missing materials
    instant_target_minutes: int  # 即办件 average target

    def to_document(self) -> dict[str, int]:
        return {
            "forward_submit_working_days": self.forward_submit_working_days,
            "supply_missing_working_days": self.supply_missing_working_days,
            "instant_target_minutes": self.instant_target_minutes,
        }


class Catalogue(NamedTuple):
    """A complete, validated catalogue. Build it with `counterapp.catalogue` loaders."""

    version: str
    issuer: str
    is_default: bool
    published: date
    rules: Rules
    progress_query: str  # default 查询方式
    supervision_phone: str  # default 监督电话
    agent_materials: tuple[Material, ...]  # added when an agent (代办人) applies
    items: dict[str, Item]  # by code, in file order
    levels: dict[str, Level]  # by level code, in LEVEL_CODES order

    def __hash__(self) -> int:  # the dict fields are not hashable; equal catalogues share these
        return hash((self.version, self.published))

    def item(self, code: str) -> Item:
        try:
            return self.items[code]
        except KeyError:
            raise KeyError(f"unknown item code {code!r} in catalogue {self.version}") from None

    def level(self, level_code: str) -> Level:
        try:
            return self.levels[level_code]
        except KeyError:
            raise KeyError(
                f"unknown level code {level_code!r} (expected one of {', '.join(LEVEL_CODES)})"
            ) from None

    def mode_for(self, level_code: str, item_code: str) -> LevelMode:
        """How `level_code` deals with the item: its listed mode, or ASSIST when not listed."""
        self.item(item_code)  # unknown items are an error, not ASSIST
        for code, mode in self.level(level_code).entries:
            if code == item_code:
                return mode
        return LevelMode.ASSIST

    def checklist(self, level_code: str) -> list[tuple[Item, LevelMode]]:
        """The level's own list, in the published order."""
        return [(self.items[code], mode) for code, mode in self.level(level_code).entries]

    def choosable(self, level_code: str) -> list[tuple[Item, LevelMode]]:
        """Everything a clerk at this level can pick: the checklist, then the rest as ASSIST."""
        listed = self.checklist(level_code)
        seen = {item.code for item, _ in listed}
        rest = [(item, LevelMode.ASSIST) for code, item in self.items.items() if code not in seen]
        return listed + rest

    def progress_query_for(self, item_code: str) -> str:
        """查询方式 for an item: its own text, or the catalogue default."""
        return self.item(item_code).progress_query or self.progress_query

    def to_document(self) -> dict[str, Any]:
        """Canonical JSON-serialisable form, as pushed by the county (dates as ISO strings)."""
        return {
            "catalogue": {
                "version": self.version,
                "issuer": self.issuer,
                "is_default": self.is_default,
                "published": self.published.isoformat(),
                "rules": self.rules.to_document(),
                "contact": {
                    "progress_query": self.progress_query,
                    "supervision_phone": self.supervision_phone,
                },
                "agent_materials": [m.to_document() for m in self.agent_materials],
            },
            "items": [item.to_document() for item in self.items.values()],
            "levels": {code: level.to_document() for code, level in self.levels.items()},
        }
