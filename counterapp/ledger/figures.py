"""The figures of the ledger (台账), each with the rule it measures and whether it is met.

The one definition of every figure, in two steps: `tally` counts the facts into a `Tally`
(additive: days add up to a month, stations to a county), and `figures_of` turns a tally into
the figures with their rules, targets and verdicts. `compute` is both. Pure: facts in,
figures out; "now" is `as_of` (an item not finished is late only once its due has passed by
then). The station counts the same tally in SQL for speed (`station_tally`, checked against
`tally` by the tests); the hub may too, and every side calls `figures_of`.

Who counts where:
- tickets by their service day; cases, their items and their ratings by the day the case
  was opened; complaints by the day they were received.
- waiting time: issue to first call in whole seconds, tickets that were called (a
  transferred ticket keeps its first call); P90 by nearest rank.
- handling time of an item: case opened to item finished by this station, whole seconds.
- on the spot (当场办结): an item this station handles, finished on the day its case was
  opened; every item of the period's cases counts in the denominator (an item forwarded
  upward, a case waiting for materials or withdrawn is not finished on the spot).
- on time: finished (forwarded, followed up, closed) by its stored due; one not finished
  whose due has passed is late; one not finished and not yet due is not judged. "Finished"
  means by `as_of`: a ledger of a past moment judges what was known then.
- open: a case of the period not completed, forwarded or closed by `as_of`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any, NamedTuple

from counterapp.clock import CST
from counterapp.ledger.facts import CaseFact, Facts, ItemFact
from counterapp.workdays import WorkCalendar

INSTANT_MEAN_MINUTES = 10  # 即办件平均办理时间不超过10分钟
ON_THE_SPOT_RATE = 0.90  # 当场办结率不低于90%
FORWARD_WORKING_DAYS = 3  # 材料齐全后3个工作日内报送 (帮办代办)
FOLLOW_UP_WORKING_DAYS = 15  # 差评15个工作日内整改回访 (国办发〔2019〕51号)
LEVEL_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_LEVELS = (1, 2)
GROUPS = ("取号", "办件", "评价", "投诉")


class Period(NamedTuple):
    first: date
    last: date

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def end(self) -> datetime:
        """The last moment of the period (the `as_of` of a period wholly past)."""
        return datetime.combine(self.last, time(23, 59, 59), CST)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} 至 {self.last.isoformat()}"


class Figure(NamedTuple):
    key: str
    group: str  # one of GROUPS
    label: str
    value: float | None  # None: nothing to measure in the period
    unit: str  # 张, 件, 项, 条, 分钟, 工作日, %
    rule: str  # the rule it measures, in Chinese ('' for a plain count)
    target: str  # e.g. '≥ 90%' ('' for a plain count)
    met: bool | None  # None: no rule, or nothing to judge
    detail: str = ""  # what the value is made of, e.g. '45 / 50 项'

    @property
    def text(self) -> str:
        """The value as the ledger prints it."""
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{self.value:.1f}%"
        if self.unit in ("分钟", "工作日"):
            return f"{self.value:.1f} {self.unit}"
        return f"{self.value:g} {self.unit}"


class ItemRow(NamedTuple):
    """Handling time of one catalogue item against its limit."""

    item_code: str
    title: str
    kind: str
    limit: str  # e.g. '10 分钟', '20 个工作日'
    items: int
    finished_here: int
    on_time: int
    late: int  # finished after its due, or not finished and past it
    mean_minutes: float | None

    @property
    def met(self) -> bool | None:
        return None if self.on_time + self.late == 0 else self.late == 0


class Tally(NamedTuple):
    """What the figures are computed from, counted; every field adds up across days and
    stations (`merge`). Judged = on time + late (a pending one not yet due is neither)."""

    issued: int = 0
    served: int = 0
    consulted: int = 0
    no_show: int = 0
    unserved: int = 0
    transferred: int = 0
    waits: tuple[int, ...] = ()  # seconds from issue to first call, each called ticket
    cases: int = 0
    open: int = 0
    overdue: int = 0
    items: int = 0
    items_judged: int = 0  # items this station handles, on time or late
    items_on_time: int = 0
    instant: int = 0  # instant items finished here
    instant_seconds: int = 0
    on_the_spot: int = 0
    forwards_judged: int = 0
    forwards_on_time: int = 0
    levels: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # ratings of level 1 … 5
    bad_judged: int = 0
    bad_on_time: int = 0
    complaints: int = 0
    complaints_judged: int = 0
    complaints_on_time: int = 0


def merge(tallies: Iterable[Tally]) -> Tally:
    """The sum of tallies: counts added, waits joined, rating levels added level by level."""
    parts = list(tallies)
    if not parts:
        return Tally()
    fields: list[Any] = []
    for name, values in zip(Tally._fields, zip(*parts, strict=True), strict=True):
        if name == "waits":
            fields.append(tuple(chain.from_iterable(values)))
        elif name == "levels":
            fields.append(tuple(sum(level) for level in zip(*values, strict=True)))
        else:
            fields.append(sum(values))
    return Tally(*fields)


def compute(period: Period, facts: Facts, calendar: WorkCalendar, as_of: datetime) -> list[Figure]:
    """The period's figures, in the order the ledger shows them."""
    return figures_of(tally(period, facts, calendar, as_of))


def values(figures: list[Figure]) -> dict[str, float | None]:
    """Each figure's value by its key."""
    return {figure.key: figure.value for figure in figures}


def by_day(
    period: Period, facts: Facts, calendar: WorkCalendar, as_of: datetime
) -> dict[date, Tally]:
    """Each day's tally (for the charts and the daily sheet): the facts sorted into days once."""
    buckets: dict[date, Facts] = {day: Facts([], [], [], [], []) for day in period.days()}
    none = Facts([], [], [], [], [])  # where facts of other days go
    for ticket in facts.tickets:
        buckets.get(ticket.day, none).tickets.append(ticket)
    for case in facts.cases:
        buckets.get(case.day, none).cases.append(case)
    for item in facts.items:
        buckets.get(item.day, none).items.append(item)
    for rating in facts.ratings:
        buckets.get(rating.day, none).ratings.append(rating)
    for complaint in facts.complaints:
        buckets.get(complaint.received_at.date(), none).complaints.append(complaint)
    return {day: tally(Period.day(day), bucket, calendar, as_of) for day, bucket in buckets.items()}


def tally(period: Period, facts: Facts, calendar: WorkCalendar, as_of: datetime) -> Tally:
    """The period's facts counted: the one definition of what each figure counts."""
    tickets = [t for t in facts.tickets if period.contains(t.day)]
    cases = [c for c in facts.cases if period.contains(c.day)]
    items = [i for i in facts.items if period.contains(i.day)]
    ratings = [r for r in facts.ratings if period.contains(r.day)]
    complaints = [c for c in facts.complaints if period.contains(c.received_at.date())]
    handled = [i for i in items if i.mode == "handle"]
    judged = [_late(i.completed_at, i.due, as_of) for i in handled]
    instant = [handling_seconds(i) for i in handled if i.kind == "instant" and i.completed_at]
    forwarding = {i.case_no for i in items if i.mode != "handle"}
    forwards = [
        _late(c.forwarded_at, _forward_due(c, calendar), as_of)
        for c in cases
        if c.case_no in forwarding and c.accepted_at is not None
    ]
    open_cases = [c for c in cases if _open(c, as_of)]
    bad = [
        _late(r.followed_up_at, r.follow_up_due, as_of) for r in ratings if r.level in BAD_LEVELS
    ]
    answered = [_late(c.closed_at, c.due, as_of) for c in complaints]
    statuses = [t.status for t in tickets]
    levels = [r.level for r in ratings]
    return Tally(
        issued=len(tickets),
        served=statuses.count("done"),
        consulted=statuses.count("consulted"),
        no_show=statuses.count("no_show"),
        unserved=statuses.count("closed_unserved"),
        transferred=sum(t.transferred for t in tickets),
        waits=tuple(
            round((t.called_at - t.issued_at).total_seconds())
            for t in tickets
            if t.called_at is not None
        ),
        cases=len(cases),
        open=len(open_cases),
        overdue=len(_overdue_cases(open_cases, items, forwarding, calendar, as_of)),
        items=len(items),
        items_judged=len(judged) - judged.count(None),
        items_on_time=judged.count(False),
        instant=len(instant),
        instant_seconds=sum(instant),
        on_the_spot=sum(on_the_spot(i) for i in items),
        forwards_judged=len(forwards) - forwards.count(None),
        forwards_on_time=forwards.count(False),
        levels=(
            levels.count(1),
            levels.count(2),
            levels.count(3),
            levels.count(4),
            levels.count(5),
        ),
        bad_judged=len(bad) - bad.count(None),
        bad_on_time=bad.count(False),
        complaints=len(complaints),
        complaints_judged=len(answered) - answered.count(None),
        complaints_on_time=answered.count(False),
    )


def item_rows(period: Period, items: Iterable[ItemFact], as_of: datetime) -> list[ItemRow]:
    """Handling time per catalogue item against its limit, by item code."""
    grouped: dict[str, list[ItemFact]] = defaultdict(list)
    for item in items:
        if period.contains(item.day):
            grouped[item.item_code].append(item)
    rows = []
    for code, group in sorted(grouped.items()):
        here = [i for i in group if i.completed_at is not None and i.mode == "handle"]
        judged = [_late(i.completed_at, i.due, as_of) for i in group if i.mode == "handle"]
        minutes = [i.limit_minutes for i in group if i.limit_minutes is not None]
        working_days = [i.limit_working_days for i in group if i.limit_working_days is not None]
        rows.append(
            ItemRow(
                code,
                min(i.title for i in group),  # one title, kind and limit per code: the
                min(i.kind for i in group),  # least, should catalogues have differed
                limit_text(min(minutes, default=None), min(working_days, default=None)),
                len(group),
                len(here),
                judged.count(False),
                judged.count(True),
                _mean([handling_seconds(i) / 60 for i in here]),
            )
        )
    return rows


def limit_text(minutes: int | None, working_days: int | None) -> str:
    if minutes is not None:
        return f"{minutes} 分钟"
    if working_days is not None:
        return f"{working_days} 个工作日"
    return ""


def handling_seconds(item: ItemFact) -> int:
    assert item.completed_at is not None
    return round((item.completed_at - item.opened_at).total_seconds())


def on_the_spot(item: ItemFact) -> bool:
    return (
        item.mode == "handle"
        and item.completed_at is not None
        and item.completed_at.date() == item.day
    )


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value at least `share` of the values reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


# --- the figures of a tally -------------------------------------------------------------------
def figures_of(t: Tally) -> list[Figure]:
    """The figures in the order the ledger shows them: the one definition of each figure's
    formula, rule and target."""
    return [*_ticket_figures(t), *_case_figures(t), *_rating_figures(t), *_complaint_figures(t)]


def _ticket_figures(t: Tally) -> list[Figure]:
    waits = [seconds / 60 for seconds in t.waits]
    called = f"{len(waits)} 张"
    return [
        _count("tickets_issued", "取号", "取号", t.issued, "张"),
        _count("tickets_served", "取号", "办结（叫号后办理完毕）", t.served, "张"),
        _count("tickets_consulted", "取号", "仅咨询（无需办件）", t.consulted, "张"),
        _count("tickets_no_show", "取号", "过号未到", t.no_show, "张"),
        _count("tickets_unserved", "取号", "日终未办理", t.unserved, "张"),
        _count("tickets_transferred", "取号", "转窗口", t.transferred, "张"),
        Figure("wait_mean", "取号", "平均等候", _mean(waits), "分钟", "", "", None, called),
        Figure(
            "wait_p90",
            "取号",
            "等候时间（90%的人不超过）",
            percentile(waits, 0.9),
            "分钟",
            "",
            "",
            None,
            called,
        ),
    ]


def _case_figures(t: Tally) -> list[Figure]:
    instant_mean = t.instant_seconds / 60 / t.instant if t.instant else None
    return [
        _count("cases_opened", "办件", "受理办件", t.cases, "件"),
        _count("items_total", "办件", "办理事项", t.items, "项"),
        _rate(
            "items_on_time",
            "办件",
            "本站事项按时办结",
            t.items_on_time,
            t.items_judged,
            "限时办结制：每个事项在承诺时限内办结",
            1.0,
            "项",
        ),
        Figure(
            "instant_mean",
            "办件",
            "即办件平均办理时间",
            instant_mean,
            "分钟",
            "即办件平均办理时间不超过10分钟",
            f"≤ {INSTANT_MEAN_MINUTES} 分钟",
            None if instant_mean is None else instant_mean <= INSTANT_MEAN_MINUTES,
            f"{t.instant} 项",
        ),
        _rate(
            "on_the_spot_rate",
            "办件",
            "当场办结率",
            t.on_the_spot,
            t.items,
            "当场办结率不低于90%",
            ON_THE_SPOT_RATE,
            "项",
        ),
        _rate(
            "forwarded_on_time",
            "办件",
            "帮办代办按时报送",
            t.forwards_on_time,
            t.forwards_judged,
            f"帮办代办：材料齐全后{FORWARD_WORKING_DAYS}个工作日内报送上级",
            1.0,
            "件",
        ),
        _count("cases_open", "办件", "未办结办件", t.open, "件"),
        Figure(
            "cases_overdue",
            "办件",
            "超期未办结办件",
            t.overdue,
            "件",
            "限时办结制：不得超期",
            "0 件",
            t.overdue == 0,
        ),
    ]


def _rating_figures(t: Tally) -> list[Figure]:
    return [
        _count("ratings_total", "评价", "评价", sum(t.levels), "条"),
        *(
            _count(f"ratings_{level}", "评价", label, t.levels[level - 1], "条")
            for level, label in LEVEL_LABELS.items()
        ),
        _rate(
            "follow_up_on_time",
            "评价",
            "差评按时回访率",
            t.bad_on_time,
            t.bad_judged,
            f"差评{FOLLOW_UP_WORKING_DAYS}个工作日内整改回访",
            1.0,
            "条",
        ),
    ]


def _complaint_figures(t: Tally) -> list[Figure]:
    return [
        _count("complaints_received", "投诉", "受理投诉", t.complaints, "件"),
        _rate(
            "complaints_on_time",
            "投诉",
            "投诉按时办结",
            t.complaints_on_time,
            t.complaints_judged,
            "投诉在办理时限内办结",
            1.0,
            "件",
        ),
    ]


# --- helpers ---------------------------------------------------------------------------------
def _overdue_cases(
    open_cases: list[CaseFact],
    items: list[ItemFact],
    forwarding: set[str],
    calendar: WorkCalendar,
    as_of: datetime,
) -> list[CaseFact]:
    """Open cases past a due of this station: an item it handles not finished by now, or
    the forwarding."""
    past_items = {
        i.case_no
        for i in items
        if i.mode == "handle"
        and (i.completed_at is None or i.completed_at > as_of)
        and _late(None, i.due, as_of)
    }
    return [
        c
        for c in open_cases
        if c.case_no in past_items
        or (
            c.case_no in forwarding
            and c.accepted_at is not None
            and _late(c.forwarded_at, _forward_due(c, calendar), as_of)
        )
    ]


def _late(done: datetime | None, due: datetime | None, as_of: datetime) -> bool | None:
    """True late, False on time, None not judged (no due, or not done and not yet due)."""
    if due is None:
        return None
    if done is not None and done <= as_of:
        return done > due
    return True if as_of > due else None


def _open(case: CaseFact, as_of: datetime) -> bool:
    ends = (case.completed_at, case.forwarded_at, case.closed_at)
    return not any(end is not None and end <= as_of for end in ends)


def _forward_due(case: CaseFact, calendar: WorkCalendar) -> datetime | None:
    """The stored due, or for a record without one the rule's count of working days."""
    if case.forward_due is not None:
        return case.forward_due
    if case.accepted_at is None:
        return None
    day = calendar.add_working_days(case.accepted_at.date(), FORWARD_WORKING_DAYS).day
    return datetime.combine(day, time(23, 59, 59), CST)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _count(key: str, group: str, label: str, n: int, unit: str) -> Figure:
    return Figure(key, group, label, n, unit, "", "", None)


def _rate(
    key: str,
    group: str,
    label: str,
    hits: int,
    total: int,
    rule: str,
    target: float,
    unit: str,
) -> Figure:
    value = None if total == 0 else 100 * hits / total
    return Figure(
        key,
        group,
        label,
        value,
        "%",
        rule,
        f"≥ {target:.0%}" if target < 1 else "100%",
        None if total == 0 else hits / total >= target,
        f"{hits} / {total} {unit}",
    )
