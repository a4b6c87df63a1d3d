"""One period's ledger as the window shows it and the exports write it: the figures, the
handling time per item, each day's figures (for the charts and the daily sheet), and why
consultation-only tickets ended. Counted in SQL by day (`station_tally`), the period's tally
the days' sum, every figure made by `figures.figures_of` (the one definition)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from counterapp.ledger import station_facts, station_tally
from counterapp.ledger.figures import Figure, ItemRow, Period, figures_of, merge
from counterapp.workdays import WorkCalendar
from db.store import Store

# The figures the daily sheet and the charts show, in this order.
DAILY_KEYS = (
    "tickets_issued",
    "tickets_served",
    "tickets_consulted",
    "tickets_no_show",
    "wait_mean",
    "cases_opened",
    "items_total",
    "on_the_spot_rate",
    "instant_mean",
    "ratings_total",
)

KIND_LABELS = {"instant": "即办件", "promised": "承诺件"}
Progress = Callable[[int, str], None]  # percent done, what is being done (in Chinese)


class Ledger(NamedTuple):
    title: str  # the station's name
    period: Period
    as_of: datetime
    figures: list[Figure]
    items: list[ItemRow]
    days: list[tuple[date, list[Figure]]]
    reasons: dict[str, int]

    @property
    def not_met(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.met is False]


def verdict(met: bool | None) -> str:
    return "" if met is None else ("达标" if met else "未达标")


def station_ledger(
    store: Store,
    title: str,
    period: Period,
    calendar: WorkCalendar,
    now: datetime,
    progress: Progress | None = None,
) -> Ledger:
    """The station's ledger of a period as of now (what is known now is judged)."""
    report = progress or (lambda percent, step: None)
    report(0, "统计台账数据")
    days, items = station_tally.count(store, period, now)
    report(40, "计算统计指标")
    return Ledger(
        title,
        period,
        now,
        figures_of(merge(days.values())),
        items,
        [(day, figures_of(tally)) for day, tally in days.items()],
        station_facts.consulted_reasons(store, period),
    )
