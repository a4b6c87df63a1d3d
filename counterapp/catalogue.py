"""Loading and validating the service catalogue.

Two sources give the same `Catalogue`:

* `load_directory(path)` reads a catalogue directory: `catalogue.toml` (metadata, rules,
  contact, agent materials), `items/*.toml` (the items; files read in name order) and
  `levels.toml` (the four checklists);
* `parse_document(doc, source)` reads the canonical dict, e.g. a JSON document pushed by the
  county; `Catalogue.to_document()` produces that form.

Validation never stops at the first problem: it collects every `Problem` (naming the file
and the item or level) and raises `CatalogueInvalid` once with all of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from counterapp.catalogue_fields import (
    MISSING,
    CatalogueInvalid,
    FieldReader,
    Problem,
    type_name,
)
from counterapp.catalogue_model import (
    LEVEL_CODES,
    Catalogue,
    Item,
    ItemKind,
    Level,
    LevelMode,
    Material,
    MaterialForm,
    Rules,
    TimeLimit,
)

__all__ = [
    "LEVEL_CODES",
    "Catalogue",
    "CatalogueInvalid",
    "Item",
    "ItemKind",
    "Level",
    "LevelMode",
    "Material",
    "MaterialForm",
    "Problem",
    "Rules",
    "TimeLimit",
    "default_catalogue_dir",
    "load_directory",
    "parse_document",
]

_ITEM_CODE = re.compile(r"^YB(\d{2})(\d{2})$")
_MATERIAL_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOC_FIELDS = ("catalogue", "items", "levels")
_META_FIELDS = (
    "version",
    "issuer",
    "is_default",
    "published",
    "rules",
    "contact",
    "agent_materials",
)
_RULE_FIELDS = (
    "forward_submit_working_days",
    "supply_missing_working_days",
    "instant_target_minutes",
)
_CONTACT_FIELDS = ("progress_query", "supervision_phone")
_ITEM_FIELDS = (
    "code",
    "main",
    "sub",
    "applicants",
    "kind",
    "time_limit",
    "handled_by",
    "steps",
    "progress_query",
    "materials",
    "aliases",
)
ALIAS_MAX = 20  # characters: a colloquial name, not a description
# The largest numbers a catalogue may give: copies of a material, an instant item's minutes,
# working days of a time limit or a rule (a year). Anything larger is a typing error, and
# would fail only later, when a case is opened or its deadline computed.
MOST_COPIES = 99
MOST_MINUTES = 24 * 60
MOST_WORKING_DAYS = 365
_MOST = {
    "count": MOST_COPIES,
    "minutes": MOST_MINUTES,
    "working_days": MOST_WORKING_DAYS,
    "forward_submit_working_days": MOST_WORKING_DAYS,
    "supply_missing_working_days": MOST_WORKING_DAYS,
    "instant_target_minutes": MOST_MINUTES,
}
VERSION_MAX = 40  # characters of a version: printed on slips, compared at every start
_MATERIAL_FIELDS = ("key", "name", "form", "count", "required", "condition", "obtain")
_TIME_FIELDS = ("minutes", "working_days")
_LEVEL_FIELDS = ("name", "items")
_ENTRY_FIELDS = ("code", "mode")


def _parse_material(ctx: FieldReader, raw: object, index: int) -> Material | None:
    table = ctx.at(f"material #{index}").table(raw, "material")
    if table is None:
        return None
    key = table.get("key")
    ctx = ctx.at(f"material {key!r}" if isinstance(key, str) and key else f"material #{index}")
    key = ctx.text(table, "key")
    if key is not None and not _MATERIAL_KEY.match(key):
        ctx.report("key must be a lowercase slug like 'id-card'")
    ctx.known_fields(table, _MATERIAL_FIELDS)
    name, obtain = ctx.text(table, "name"), ctx.text(table, "obtain")
    form = ctx.choice(table, "form", MaterialForm)
    copies, required = ctx.number(table, "count", MOST_COPIES), ctx.flag(table, "required")
    condition = ctx.text(table, "condition", optional=True)
    if required is False and table.get("condition") is None:
        ctx.report("a conditional material (required = false) needs a 'condition'")
    if required is True and table.get("condition") is not None:
        ctx.report("'condition' is only allowed when required = false")
    if (
        key is None
        or not _MATERIAL_KEY.match(key)
        or name is None
        or obtain is None
        or form is None
        or copies is None
        or required is None
        or (condition is None) != required
    ):
        return None
    return Material(key, name, form, copies, required, condition, obtain)


def _parse_aliases(ctx: FieldReader, table: dict[str, Any]) -> tuple[str, ...] | None:
    """The optional other names of an item: distinct, non-empty, short, no outer spaces."""
    raws = ctx.array(table, "aliases", optional=True)
    if raws is None:
        return None
    ok = True
    for alias in raws:
        if not isinstance(alias, str) or not alias.strip():
            ctx.report(f"field 'aliases' must hold non-empty strings, got {alias!r}")
            ok = False
        elif alias != alias.strip() or len(alias) > ALIAS_MAX:
            ctx.report(
                f"alias {alias!r} must have no outer spaces and at most {ALIAS_MAX} characters"
            )
            ok = False
    duplicates = sorted({a for a in raws if isinstance(a, str) and raws.count(a) > 1})
    if duplicates:
        ctx.report(f"field 'aliases' lists {', '.join(map(repr, duplicates))} more than once")
        ok = False
    return tuple(raws) if ok else None


def _version(ctx: FieldReader, table: dict[str, Any]) -> str | None:
    """The version: one word of at most VERSION_MAX characters."""
    version = ctx.text(table, "version")
    if version is None:
        return None
    if len(version) > VERSION_MAX or len(version.split()) != 1 or not version.isprintable():
        ctx.report(
            f"field 'version' must be one word of at most {VERSION_MAX} printable "
            f"characters, got {version[: VERSION_MAX + 1]!r}"
        )
        return None
    return version


def _parse_time_limit(ctx: FieldReader, raw: object, kind: ItemKind | None) -> TimeLimit | None:
    ctx = ctx.at("time_limit")
    table = ctx.table(raw, "time_limit")
    if table is None:
        return None
    ctx.known_fields(table, _TIME_FIELDS)
    present = [name for name in _TIME_FIELDS if name in table]
    if len(present) != 1:
        ctx.report("needs exactly one of 'minutes' or 'working_days'")
        return None
    value = ctx.number(table, present[0], _MOST[present[0]])
    if kind is not None:
        expected = {ItemKind.INSTANT: "minutes", ItemKind.PROMISED: "working_days"}[kind]
        if present[0] != expected:
            ctx.report(f"an item of kind {kind.value!r} needs {expected!r}, not {present[0]!r}")
            return None
    return None if value is None else TimeLimit(**{present[0]: value})


class _Assembler:
    """Collects the parts of a catalogue from one or more sources and cross-checks them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.meta: dict[str, Any] | None = None
        self.items: dict[str, Item] = {}
        self.levels: dict[str, Level] | None = None
        self.item_sources: dict[str, str] = {}  # every item code seen -> its file
        self.failed_codes: set[str] = set()  # items with problems (already reported)
        self.unreadable: list[str] = []  # item files, or items, whose codes could not be read
        self._materials: dict[str, tuple[Material, str]] = {}  # key -> (first seen, where)
        self._mains: dict[str, tuple[str, str]] = {}  # main number -> (main name, item code)

    def ctx(self, source: str, item: str = "") -> FieldReader:
        return FieldReader(self.problems, source, item)

    def _materials_of(
        self, ctx: FieldReader, raws: list[Any], owner: str
    ) -> tuple[Material, ...] | None:
        """Parse a material list and check each key against the rest of the catalogue."""
        materials: list[Material] = []
        ok = True
        for index, raw in enumerate(raws, start=1):
            material = _parse_material(ctx, raw, index)
            if isinstance(raw, dict):
                self._check_shared(ctx, raw, owner)
            if material is None:
                ok = False
            elif any(m.key == material.key for m in materials):
                ctx.report(f"material key {material.key!r} appears twice")
                ok = False
            else:
                materials.append(material)
                self._materials.setdefault(material.key, (material, f"{owner} ({ctx.source})"))
        return tuple(materials) if ok else None

    def _check_shared(self, ctx: FieldReader, raw: dict[str, Any], owner: str) -> None:
        """The same key must mean the same name, form and obtain text everywhere."""
        key = raw.get("key")
        if not isinstance(key, str) or key not in self._materials:
            return
        first, where = self._materials[key]
        if where == f"{owner} ({ctx.source})":
            return  # a key repeated inside one list is reported as such
        diffs = [
            f"{field} {raw[field]!r} vs {str(getattr(first, field))!r}"
            for field in ("name", "form", "obtain")
            if isinstance(raw.get(field), str) and raw[field] != getattr(first, field)
        ]
        if diffs:
            ctx.report(
                f"material {key!r} differs from the same key in {where}: " + "; ".join(diffs)
            )

    def add_meta(self, source: str, raw: object) -> None:
        ctx = self.ctx(source)
        table = ctx.table(raw, "catalogue")
        if table is None:
            return
        ctx.known_fields(table, _META_FIELDS)
        meta: dict[str, Any] = {
            "version": _version(ctx, table),
            "issuer": ctx.text(table, "issuer"),
            "is_default": ctx.flag(table, "is_default"),
            "published": ctx.day(table, "published"),
            "rules": None,
            "progress_query": None,
            "supervision_phone": None,
        }
        if (rules := ctx.subtable(table, "rules")) is not None:
            rctx = ctx.at("rules")
            rctx.known_fields(rules, _RULE_FIELDS)
            values = [
                value
                for name in _RULE_FIELDS
                if (value := rctx.number(rules, name, _MOST[name])) is not None
            ]
            if len(values) == len(_RULE_FIELDS):
                meta["rules"] = Rules(*values)
        if (contact := ctx.subtable(table, "contact")) is not None:
            cctx = ctx.at("contact")
            cctx.known_fields(contact, _CONTACT_FIELDS)
            meta["progress_query"] = cctx.text(contact, "progress_query")
            meta["supervision_phone"] = cctx.text(contact, "supervision_phone")
        raws = ctx.array(table, "agent_materials", optional=True)
        meta["agent_materials"] = (
            None
            if raws is None
            else self._materials_of(ctx.at("agent_materials"), raws, "agent_materials")
        )
        if all(value is not None for value in meta.values()):
            self.meta = meta

    def add_items(self, source: str, raw: object) -> None:
        if not isinstance(raw, list):
            self.ctx(source).report(f"'items' must be an array of tables, got {type_name(raw)}")
            self.unreadable.append(source)
            return
        for index, raw_item in enumerate(raw, start=1):
            code = raw_item.get("code") if isinstance(raw_item, dict) else None
            duplicate = isinstance(code, str) and code in self.item_sources
            item = self._parse_item(self.ctx(source).at(f"item #{index}"), raw_item)
            if not isinstance(code, str):
                self.unreadable.append(f"{source} item #{index}")
            elif duplicate:
                self.ctx(source, code).report(
                    f"duplicate item code {code!r} (first defined in {self.item_sources[code]})"
                )
            else:
                self.item_sources[code] = source
                if item is None:
                    self.failed_codes.add(code)
                else:
                    self.items[code] = item

    def _parse_item(self, ctx: FieldReader, raw: object) -> Item | None:
        table = ctx.table(raw, "item")
        if table is None:
            return None
        code = ctx.text(table, "code")
        match = _ITEM_CODE.match(code) if code is not None else None
        if code is not None:
            ctx = ctx.for_item(code)
            if not match or "00" in match.groups():
                ctx.report(
                    f"code {code!r} must be 'YB' + 2-digit main number + 2-digit sub "
                    "number, both from 01"
                )
                match = None
        ctx.known_fields(table, _ITEM_FIELDS)
        main, sub = ctx.text(table, "main"), ctx.text(table, "sub")
        if match and main is not None:
            first_main, first_code = self._mains.setdefault(match[1], (main, code or ""))
            if first_main != main:
                ctx.report(
                    f"main number {match[1]} belongs to {first_main!r} ({first_code}), not {main!r}"
                )
        applicants, handled_by = ctx.text(table, "applicants"), ctx.text(table, "handled_by")
        kind = ctx.choice(table, "kind", ItemKind)
        raw_limit = ctx.raw(table, "time_limit")
        time_limit = None if raw_limit is MISSING else _parse_time_limit(ctx, raw_limit, kind)
        steps = ctx.array(table, "steps")
        if steps is not None and (
            not steps or not all(isinstance(s, str) and s.strip() for s in steps)
        ):
            ctx.report("field 'steps' must be a non-empty array of non-empty strings")
            steps = None
        progress_query = ctx.text(table, "progress_query", optional=True)
        query_ok = progress_query is not None or table.get("progress_query") is None
        raws = ctx.array(table, "materials", optional=True)
        materials = None if raws is None else self._materials_of(ctx, raws, f"item {code}")
        aliases = _parse_aliases(ctx, table)
        if (
            match is None
            or main is None
            or sub is None
            or applicants is None
            or kind is None
            or time_limit is None
            or handled_by is None
            or steps is None
            or not query_ok
            or materials is None
            or aliases is None
        ):
            return None
        return Item(
            match[0],
            main,
            sub,
            applicants,
            kind,
            time_limit,
            handled_by,
            tuple(steps),
            progress_query,
            materials,
            aliases,
        )

    def add_levels(self, source: str, raw: object) -> None:
        ctx = self.ctx(source)
        table = ctx.table(raw, "levels")
        if table is None:
            return
        for code in table:
            if code not in LEVEL_CODES:
                ctx.for_item(code).report(
                    f"unknown level code {code!r} (expected one of: {', '.join(LEVEL_CODES)})"
                )
        levels: dict[str, Level] = {}
        for code in LEVEL_CODES:
            if code not in table:
                ctx.for_item(code).report(f"level {code!r} is missing")
            elif (level := self._parse_level(ctx.for_item(code), code, table[code])) is not None:
                levels[code] = level
        if len(levels) == len(LEVEL_CODES):
            self.levels = levels

    def _parse_level(self, ctx: FieldReader, code: str, raw: object) -> Level | None:
        table = ctx.table(raw, f"level {code!r}")
        if table is None:
            return None
        ctx.known_fields(table, _LEVEL_FIELDS)
        name, raws = ctx.text(table, "name"), ctx.array(table, "items")
        ok = name is not None and raws is not None
        entries: list[tuple[str, LevelMode]] = []
        for index, raw_entry in enumerate(raws or [], start=1):
            ectx = ctx.at(f"entry #{index}")
            entry = ectx.table(raw_entry, "entry")
            if entry is None:
                ok = False
                continue
            ectx.known_fields(entry, _ENTRY_FIELDS)
            item_code = ectx.text(entry, "code")
            if entry.get("mode") == LevelMode.ASSIST.value:
                ectx.report(
                    "mode 'assist' must not be written: every item a level does not "
                    "list is offered there as assist"
                )
                mode = None
            else:
                mode = ectx.choice(entry, "mode", LevelMode, (LevelMode.HANDLE, LevelMode.COLLECT))
            if item_code is not None and item_code not in self.items:
                if item_code not in self.failed_codes:  # else its problems are reported already
                    hint = (
                        f" (it may be in {', '.join(self.unreadable)}, which could not be read)"
                        if self.unreadable
                        else ""
                    )
                    ectx.report(f"unknown item code {item_code!r}{hint}")
                item_code = None
            elif item_code is not None and any(c == item_code for c, _ in entries):
                ectx.report(f"item {item_code!r} is listed twice")
                item_code = None
            if item_code is None or mode is None:
                ok = False
            else:
                entries.append((item_code, mode))
        return Level(code, name, tuple(entries)) if ok and name is not None else None

    def finish(self) -> Catalogue:
        if self.problems or self.meta is None or self.levels is None:
            raise CatalogueInvalid(self.problems)
        return Catalogue(items=self.items, levels=self.levels, **self.meta)


def parse_document(doc: dict[str, Any], source: str) -> Catalogue:
    """Build a catalogue from its canonical dict (e.g. the JSON document pushed by the county)."""
    asm = _Assembler()
    ctx = asm.ctx(source)
    if ctx.table(doc, "the document") is not None:
        ctx.known_fields(doc, _DOC_FIELDS)
        for section in _DOC_FIELDS:
            if section not in doc:
                ctx.report(f"missing field {section!r}")
        if "catalogue" in doc:
            asm.add_meta(source, doc["catalogue"])
        if "items" in doc:
            asm.add_items(source, doc["items"])
        if "levels" in doc:
            asm.add_levels(source, doc["levels"])
    return asm.finish()


def _read_toml(ctx: FieldReader, path: Path, sections: tuple[str, ...]) -> dict[str, Any] | None:
    """Read one TOML file; a missing file, bad syntax or unknown top-level key is a problem."""
    import tomllib  # only when reading files: the window starts from the stored catalogue

    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        ctx.report("file not found")
        return None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        ctx.report(f"TOML syntax error: {exc}")
        return None
    except OSError as exc:
        ctx.report(f"cannot read the file: {exc}")
        return None
    ctx.known_fields(data, sections)
    return data


def load_directory(path: Path) -> Catalogue:
    """Load and validate a catalogue directory (catalogue.toml, items/*.toml, levels.toml)."""
    path = Path(path)
    asm = _Assembler()

    ctx = asm.ctx("catalogue.toml")
    sections = ("catalogue", "rules", "contact", "agent_materials")
    data = _read_toml(ctx, path / "catalogue.toml", sections)
    if data is not None and (meta := ctx.subtable(data, "catalogue")) is not None:
        # The file keeps [rules], [contact] and [[agent_materials]] beside [catalogue];
        # the canonical document nests them inside it.
        meta = dict(meta)
        for section in sections[1:]:
            if section in data and section in meta:
                ctx.report(f"{section!r} is given twice (inside [catalogue] and on its own)")
            elif section in data:
                meta[section] = data[section]
        asm.add_meta(ctx.source, meta)

    item_files = sorted((path / "items").glob("*.toml"))
    if not item_files:
        asm.ctx("items/").report("no item files (items/*.toml)")
    for item_file in item_files:
        ctx = asm.ctx(f"items/{item_file.name}")
        data = _read_toml(ctx, item_file, ("items",))
        if data is None:
            asm.unreadable.append(ctx.source)
        elif (items := ctx.array(data, "items")) is not None:
            asm.add_items(ctx.source, items)

    ctx = asm.ctx("levels.toml")
    data = _read_toml(ctx, path / "levels.toml", ("levels",))
    if data is not None and "levels" in data:
        asm.add_levels(ctx.source, data["levels"])
    elif data is not None:
        ctx.report("missing table [levels]")
    return asm.finish()


def default_catalogue_dir() -> Path:
    """The built-in default catalogue, shipped in the `resources` package."""
    import importlib.resources  # ~10 ms of imports, needed only on a store's first start

    return Path(str(importlib.resources.files("resources") / "catalogue"))
