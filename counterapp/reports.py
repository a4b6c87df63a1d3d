"""The daily ledger (台账): what was served, how fast, how it ended, how it was rated."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from db.store import Store


class DailyReport(NamedTuple):
    day: date
    tickets_issued: int
    tickets_served: int
    tickets_no_show: int
    tickets_consulted: int  # ended without a case (仅咨询 / 无需办件)
    consulted_by_reason: dict[str, int]
    average_wait_minutes: float | None
    cases_opened: int
    cases_by_state: dict[str, int]
    items_total: int
    items_done_on_the_spot: int  # completed the day they were opened, at this station
    items_forwarded: int
    items_by_code: dict[str, int]
    ratings_by_level: dict[int, int]

    @property
    def on_the_spot_rate(self) -> float | None:
        """Share of items finished on the spot (target: at least 90%)."""
        return None if self.items_total == 0 else self.items_done_on_the_spot / self.items_total


def daily_report(store: Store, day: date) -> DailyReport:
    key = day.isoformat()
    tickets = store.row(
        "SELECT count(*) AS issued, "
        "       sum(status = 'done') AS served, sum(status = 'no_show') AS no_show, "
        "       sum(status = 'consulted') AS consulted, "
        "       avg((julianday(called_at) - julianday(issued_at)) * 1440) AS wait "
        "FROM tickets WHERE day = ? AND mirror = 0",
        (key,),
    )
    reasons: dict[str, int] = store.mapping(
        "SELECT end_reason, count(*) FROM tickets WHERE day = ? AND mirror = 0 "
        "AND status = 'consulted' GROUP BY end_reason ORDER BY count(*) DESC, end_reason",
        (key,),
    )
    by_state: dict[str, int] = store.mapping(
        "SELECT state, count(*) FROM cases WHERE day = ? GROUP BY state", (key,)
    )
    items = store.row(
        "SELECT count(*) AS total, "
        "       sum(i.mode = 'handle' AND substr(i.completed_at, 1, 10) = c.day) AS on_spot, "
        "       sum(i.mode != 'handle') AS forwarded "
        "FROM cases AS c JOIN case_items AS i ON i.case_id = c.id WHERE c.day = ?",
        (key,),
    )
    by_code: dict[str, int] = store.mapping(
        "SELECT i.item_code, count(*) FROM cases AS c JOIN case_items AS i ON i.case_id = c.id "
        "WHERE c.day = ? GROUP BY i.item_code ORDER BY i.item_code",
        (key,),
    )
    ratings: dict[int, int] = store.mapping(
        "SELECT r.level, count(*) FROM cases AS c JOIN ratings AS r ON r.case_id = c.id "
        "WHERE c.day = ? GROUP BY r.level",
        (key,),
    )
    return DailyReport(
        day=day,
        tickets_issued=tickets["issued"],
        tickets_served=tickets["served"] or 0,
        tickets_no_show=tickets["no_show"] or 0,
        tickets_consulted=tickets["consulted"] or 0,
        consulted_by_reason=reasons,
        average_wait_minutes=tickets["wait"],
        cases_opened=sum(by_state.values()),
        cases_by_state=by_state,
        items_total=items["total"],
        items_done_on_the_spot=items["on_spot"] or 0,
        items_forwarded=items["forwarded"] or 0,
        items_by_code=by_code,
        ratings_by_level=ratings,
    )
