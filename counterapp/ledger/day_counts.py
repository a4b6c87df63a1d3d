"""A period's `Tally` of each day (and each station), gathered from the rows of grouped
counting queries: the station's over its own tables (`station_tally`) and the county hub's
over its ledger rows (`hub.ledger_tally`) return the same columns, so both fill a tally the
same way here.

The rows, after the keys (the day, or the station and the day):
- tickets: issued, served, consulted, no-show, unserved, transferred, and the waits;
- cases: cases, open, overdue, forwards judged, forwards on time;
- items (by item code and kind): title, limit minutes, limit working days, items, judged,
  on time, finished here, seconds of those, on the spot;
- ratings: levels 1…5, bad ones judged, bad ones on time;
- complaints: received, judged, on time.
A NULL sum (no row to add) counts 0. `late_sql` is what both queries judge a due by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

from counterapp.ledger.figures import ItemRow, Tally, limit_text

TICKET_FIELDS = ("issued", "served", "consulted", "no_show", "unserved", "transferred")
CASE_FIELDS = ("cases", "open", "overdue", "forwards_judged", "forwards_on_time")
Key = TypeVar("Key", bound=Hashable)  # a day, or a station's day


def late_sql(done: str, due: str, as_of: str) -> str:
    """`figures._late` in SQL over ISO 8601 stamps in +08:00, which compare as text: 1 late,
    0 on time, NULL not judged (no due, or not done and not yet due). `due` is an expression
    giving the moment the due runs out."""
    return (
        f"(CASE WHEN {due} IS NULL THEN NULL "
        f"WHEN {done} IS NOT NULL AND {done} <= {as_of} "
        f"THEN (CASE WHEN {done} > {due} THEN 1 ELSE 0 END) "
        f"WHEN {as_of} > {due} THEN 1 END)"
    )


class DayCounts(Generic[Key]):
    """The tally fields of each key (a day, or a station's day), and the counts per item."""

    def __init__(self) -> None:
        self._fields: dict[Key, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
        self._items: dict[str, _ItemCount] = {}

    def tickets(self, key: Key, counts: Sequence[Any], waits: tuple[int, ...]) -> None:
        self._fields[key].update(zip(TICKET_FIELDS, _ints(counts), strict=True), waits=waits)

    def cases(self, key: Key, counts: Sequence[Any]) -> None:
        self._fields[key].update(zip(CASE_FIELDS, _ints(counts), strict=True))

    def items(self, key: Key, code: str, kind: str, row: Sequence[Any]) -> None:
        title, minutes, working_days, *sums = row
        total, judged, on_time, here, seconds, spot = _ints(sums)
        counted = self._fields[key]
        counted["items"] += total
        counted["items_judged"] += judged
        counted["items_on_time"] += on_time
        counted["on_the_spot"] += spot
        if kind == "instant":
            counted["instant"] += here
            counted["instant_seconds"] += seconds
        item = self._items.setdefault(code, _ItemCount(title, kind, minutes, working_days))
        item.add(title, kind, minutes, working_days, total, judged, on_time, here, seconds)

    def ratings(self, key: Key, counts: Sequence[Any]) -> None:
        *levels, bad_judged, bad_on_time = _ints(counts)
        self._fields[key].update(
            levels=tuple(levels), bad_judged=bad_judged, bad_on_time=bad_on_time
        )

    def complaints(self, key: Key, counts: Sequence[Any]) -> None:
        received, judged, on_time = _ints(counts)
        self._fields[key].update(
            complaints=received, complaints_judged=judged, complaints_on_time=on_time
        )

    def tally(self, key: Key) -> Tally:
        """The key's tally (empty if no row named it)."""
        return Tally(**self._fields.get(key, {}))

    def counted(self) -> list[Key]:
        """The keys some row named."""
        return list(self._fields)

    def item_rows(self) -> list[ItemRow]:
        """Handling time per item (`figures.item_rows`), by item code."""
        return [item.row(code) for code, item in sorted(self._items.items())]


def _ints(values: Sequence[Any]) -> list[int]:
    return [int(value or 0) for value in values]


class _ItemCount:
    """One item's counts over the period's days (its title, kind and limit: the least seen,
    as `figures.item_rows` takes them)."""

    def __init__(
        self, title: str, kind: str, minutes: int | None, working_days: int | None
    ) -> None:
        self.title, self.kind = title, kind
        self.minutes, self.working_days = minutes, working_days
        self.items = self.judged = self.on_time = self.here = self.seconds = 0

    def add(
        self,
        title: str,
        kind: str,
        minutes: int | None,
        working_days: int | None,
        *counts: int,
    ) -> None:
        self.title, self.kind = min(self.title, title), min(self.kind, kind)
        self.minutes = _least(self.minutes, minutes)
        self.working_days = _least(self.working_days, working_days)
        items, judged, on_time, here, seconds = counts
        self.items += items
        self.judged += judged
        self.on_time += on_time
        self.here += here
        self.seconds += seconds

    def row(self, code: str) -> ItemRow:
        return ItemRow(
            code,
            self.title,
            self.kind,
            limit_text(self.minutes, self.working_days),
            self.items,
            self.here,
            self.on_time,
            self.judged - self.on_time,
            self.seconds / self.here / 60 if self.here else None,
        )


def _least(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)
