"""Reading typed fields out of parsed TOML/JSON, collecting every problem on the way.

The catalogue validator uses a `FieldReader` per location (file or document, item or level,
and a path inside it) so that each problem names exactly where it is, and reading never stops
at the first one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeGuard, TypeVar

MISSING = object()
_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


class Problem(NamedTuple):
    """One thing wrong with a catalogue: where (file or document, item or level code) and what."""

    source: str
    item: str  # item code, level code, or "" for the catalogue as a whole
    message: str

    def __str__(self) -> str:
        where = f"{self.source} [{self.item}]" if self.item else self.source
        return f"{where}: {self.message}"


class CatalogueInvalid(Exception):
    """A catalogue that failed validation; `problems` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"catalogue has {len(self.problems)} problem(s):\n{lines}")


def type_name(value: object) -> str:
    for kind, name in (
        (bool, "boolean"),
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        (list, "array"),
        (dict, "table"),
        (datetime, "datetime"),
        (date, "date"),
    ):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


class FieldReader:
    """Reads typed fields, reporting problems with the current location."""

    def __init__(self, problems: list[Problem], source: str, item: str = "", where: str = ""):
        self.problems, self.source, self.item, self.where = problems, source, item, where

    def at(self, where: str) -> FieldReader:
        """A context one step deeper, e.g. "material 'identity'"."""
        return FieldReader(
            self.problems, self.source, self.item, f"{self.where}, {where}" if self.where else where
        )

    def for_item(self, item: str) -> FieldReader:
        return FieldReader(self.problems, self.source, item)

    def report(self, message: str) -> None:
        text = f"{self.where}: {message}" if self.where else message
        self.problems.append(Problem(self.source, self.item, text))

    def table(self, value: object, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(f"{what} must be a table, got {type_name(value)}")
        return None

    def known_fields(self, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
        for name in table:
            if name not in allowed:
                self.report(f"unknown field {name!r} (allowed: {', '.join(allowed)})")

    def raw(self, table: dict[str, Any], name: str, optional: bool = False) -> Any:
        """The field's value, or MISSING (reported unless the field is optional)."""
        if name in table and not (optional and table[name] is None):
            return table[name]
        if not optional:
            self.report(f"missing field {name!r}")
        return MISSING

    def _is(self, value: object, kind: type[_T], label: str, name: str) -> TypeGuard[_T]:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return True
        self.report(f"field {name!r} must be {label}, got {type_name(value)}")
        return False

    def text(self, table: dict[str, Any], name: str, optional: bool = False) -> str | None:
        value = self.raw(table, name, optional)
        if value is MISSING or not self._is(value, str, "a string", name):
            return None
        if not value.strip():
            self.report(f"field {name!r} must not be empty")
            return None
        return value

    def number(self, table: dict[str, Any], name: str, most: int) -> int | None:
        """A required integer from 1 to `most` (a count or time limit the counter can use:
        stored in an SQLite integer, added to a date)."""
        value = self.raw(table, name)
        if value is MISSING or not self._is(value, int, "an integer", name):
            return None
        if not 1 <= value <= most:
            self.report(f"field {name!r} must be from 1 to {most}, got {value}")
            return None
        return value

    def flag(self, table: dict[str, Any], name: str) -> bool | None:
        value = self.raw(table, name)
        return value if value is not MISSING and self._is(value, bool, "a boolean", name) else None

    def array(self, table: dict[str, Any], name: str, optional: bool = False) -> list[Any] | None:
        """A list; an optional missing one is empty."""
        value = self.raw(table, name, optional)
        if value is MISSING:
            return [] if optional else None
        return value if self._is(value, list, "an array", name) else None

    def subtable(self, table: dict[str, Any], name: str) -> dict[str, Any] | None:
        value = self.raw(table, name)
        return None if value is MISSING else self.table(value, f"field {name!r}")

    def choice(
        self,
        table: dict[str, Any],
        name: str,
        enum: type[_E],
        allowed: tuple[_E, ...] | None = None,
    ) -> _E | None:
        value = self.raw(table, name)
        if value is MISSING or not self._is(value, str, "a string", name):
            return None
        options = allowed or tuple(enum)
        if value not in {option.value for option in options}:
            expected = ", ".join(option.value for option in options)
            self.report(f"field {name!r} has unknown value {value!r} (expected one of: {expected})")
            return None
        return enum(value)

    def day(self, table: dict[str, Any], name: str) -> date | None:
        """A date: a TOML date, or an ISO "YYYY-MM-DD" string (JSON)."""
        value = self.raw(table, name)
        if value is MISSING:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.report(f"field {name!r} must be a date (YYYY-MM-DD), got {value!r}")
        return None
