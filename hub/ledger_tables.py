"""Every table of the ledger's pages, made once: the page renders it as HTML, the export
writes the same rows to XLSX (`hub.xlsx`), so "export this table" gives what is on screen.

A cell keeps the text the page shows, the value the workbook stores (numbers as numbers)
and whether a rule is not met (red on both)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from counterapp.ledger.figures import Figure, ItemRow
from counterapp.station import LEVEL_NAMES
from hub.ledger import CountyLedger, Station, StationLedger, by_key
from hub.ledger_cards import Ranked

# the figures of a row of stations or days (the full list is on the county's and each
# station's own table)
COLUMNS = (
    "tickets_issued",
    "tickets_served",
    "tickets_consulted",
    "tickets_no_show",
    "wait_mean",
    "wait_p90",
    "cases_opened",
    "instant_mean",
    "on_the_spot_rate",
    "forwarded_on_time",
    "items_on_time",
    "cases_open",
    "cases_overdue",
    "ratings_total",
    "follow_up_on_time",
    "complaints_received",
)


class Cell(NamedTuple):
    text: str
    value: float | int | str | None
    bad: bool = False


class Table(NamedTuple):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def text(value: str) -> Cell:
    return Cell(value, value)


def figure_cell(figure: Figure) -> Cell:
    value = None if figure.value is None else round(figure.value, 2)
    return Cell(figure.text, value, figure.met is False)


def heading(figure: Figure) -> str:
    return f"{figure.label}（{figure.unit}）"


def county_table(ledger: CountyLedger) -> Table:
    """The county's figures beside each level's, with the rule each one measures."""
    levels = list(ledger.levels)
    columns = ["分组", "指标", "全部站点", *(LEVEL_NAMES[level] for level in levels)]
    per_level = {level: by_key(found) for level, found in ledger.levels.items()}
    rows = [
        [
            text(figure.group),
            text(figure.label),
            figure_cell(figure),
            *(figure_cell(per_level[level][figure.key]) for level in levels),
            text(figure.rule),
            text(figure.target),
        ]
        for figure in ledger.county
    ]
    return Table("county", "全县及各层级", [*columns, "规则", "目标"], rows)


def stations_table(stations: list[Station]) -> Table:
    columns = ["站点编码", "站点", "层级"]
    if stations:
        keys = stations[0].figure
        columns += [heading(keys(key)) for key in COLUMNS]
    rows = [
        [text(s.code), text(s.name), text(s.level_name)]
        + [figure_cell(s.figure(key)) for key in COLUMNS]
        for s in stations
    ]
    return Table("stations", "各站点", columns, rows)


def days_table(days: list[tuple[date, list[Figure]]], title: str = "逐日") -> Table:
    columns = ["日期"]
    if days:
        first = by_key(days[0][1])
        columns += [heading(first[key]) for key in COLUMNS]
    rows = []
    for day, found in days:
        keys = by_key(found)
        rows.append([text(day.isoformat())] + [figure_cell(keys[key]) for key in COLUMNS])
    return Table("days", title, columns, rows)


def cards_table(ranked: list[Ranked]) -> Table:
    rows = [
        [
            Cell(str(one.rank), one.rank),
            text(one.station.code),
            text(one.station.name),
            text(one.station.level_name),
            Cell(one.card.label, one.card.label, one.card.light == "red"),
            Cell(f"{one.card.met} / {one.card.judged}", one.card.met),
            text("；".join(one.card.reasons)),
        ]
        for one in ranked
    ]
    columns = ["名次", "站点编码", "站点", "层级", "红黄牌", "达标规则", "未达标的规则"]
    return Table("cards", "红黄牌及排名", columns, rows)


def station_table(ledger: StationLedger) -> Table:
    rows = [
        [
            text(figure.group),
            text(figure.label),
            figure_cell(figure),
            text(figure.detail),
            text(figure.rule),
            text(figure.target),
            text({True: "达标", False: "未达标", None: ""}[figure.met]),
        ]
        for figure in ledger.station.figures
    ]
    columns = ["分组", "指标", "数值", "构成", "规则", "目标", "是否达标"]
    return Table("figures", ledger.station.name, columns, rows)


def items_table(items: list[ItemRow]) -> Table:
    rows = [
        [
            text(row.item_code),
            text(row.title),
            text({"instant": "即办件", "promised": "承诺件"}.get(row.kind, row.kind)),
            text(row.limit),
            Cell(str(row.items), row.items),
            Cell(str(row.finished_here), row.finished_here),
            Cell(str(row.on_time), row.on_time),
            Cell(str(row.late), row.late, row.late > 0),
            Cell(
                "—" if row.mean_minutes is None else f"{row.mean_minutes:.1f}",
                None if row.mean_minutes is None else round(row.mean_minutes, 2),
            ),
        ]
        for row in items
    ]
    columns = [
        "事项编码",
        "事项",
        "类型",
        "时限",
        "事项数",
        "本站办结",
        "按时",
        "逾期",
        "平均用时（分钟）",
    ]
    return Table("items", "各事项办理时间", columns, rows)
