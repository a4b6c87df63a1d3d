"""统计台账: the ledger's figures for the county, each level and every station, for a day or
a month (`hub.ledger`), the month's 红黄牌 and ranking (`hub.ledger_cards`), charts, a
station's own ledger, and any table as XLSX (`hub.ledger_tables`, `hub.xlsx`).

Nothing personal is on these pages: counts, times and rates only, so every role reads them.
The period form is a GET (the address says what is shown; without JavaScript it works the
same).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from counterapp.ledger.figures import Figure
from counterapp.station import LEVEL_NAMES
from hub import ledger, ledger_cards, ledger_tables, station_rules, xlsx
from hub.ledger_tables import Table
from hub.web import auth, sessions
from hub.web.context import PREFIX, Bench, NavEntry, render
from hub.web.pages.inbox import script_json

router = APIRouter(prefix=PREFIX, include_in_schema=False)
NAV = NavEntry(PREFIX + "/ledger", "统计台账", "read_ledger")
Reader = Annotated[sessions.Session, Depends(auth.allowed("read_ledger"))]
CARD_LIGHTS = (station_rules.RED, station_rules.YELLOW, station_rules.GREEN)
CHART_FIGURES = ("on_the_spot_rate", "forwarded_on_time", "follow_up_on_time")


def _county_tables(bench: Bench, choice: ledger.Choice) -> tuple[ledger.CountyLedger, list[Table]]:
    found = ledger.county(bench.db, choice, bench.clock.now())
    tables = [ledger_tables.county_table(found)]
    if choice.kind == "month":
        tables.append(ledger_tables.cards_table(ledger_cards.ranking(found.stations)))
    tables.append(ledger_tables.stations_table(found.stations))
    if found.days:
        tables.append(ledger_tables.days_table(found.days))
    return found, tables


@router.get("/ledger")
def county_page(request: Request, bench: Bench, session: Reader) -> Response:
    choice = ledger.Choice.parse(request.query_params, bench.clock.today())
    found, tables = _county_tables(bench, choice)
    ranked = ledger_cards.ranking(found.stations) if choice.kind == "month" else []
    return render(
        request,
        session,
        "ledger.html",
        {
            "choice": choice,
            "ledger": found,
            "tables": tables,
            "kinds": ledger.KINDS,
            "levels": LEVEL_NAMES,
            "counts": ledger_cards.counts(ranked),
            "lights": station_rules.LIGHTS,
            "rules": [
                (light, station_rules.LIGHTS[light], ledger_cards.RULES[light])
                for light in CARD_LIGHTS
            ],
            "export": f"{PREFIX}/ledger/export?{urlencode(choice.params())}",
            "station_url": lambda code: (
                f"{PREFIX}/ledger/station/{code}?" + urlencode(choice.params(level=""))
            ),
            "chart": script_json(_chart(found)),
        },
    )


@router.get("/ledger/export")
def county_export(request: Request, bench: Bench, session: Reader) -> Response:
    choice = ledger.Choice.parse(request.query_params, bench.clock.today())
    _, tables = _county_tables(bench, choice)
    return _workbook(tables, request.query_params.get("table", ""), f"统计台账-{choice.day}")


@router.get("/ledger/station/{code}")
def station_page(request: Request, code: str, bench: Bench, session: Reader) -> Response:
    choice = ledger.Choice.parse(request.query_params, bench.clock.today())
    found, tables = _station_tables(bench, code, choice)
    return render(
        request,
        session,
        "ledger_station.html",
        {
            "choice": choice,
            "ledger": found,
            "tables": tables,
            "kinds": ledger.KINDS,
            "card": ledger_cards.judge(found.station.figures) if choice.kind == "month" else None,
            "export": f"{PREFIX}/ledger/station/{found.station.code}/export?"
            + urlencode(choice.params()),
            "back": f"{PREFIX}/ledger?{urlencode(choice.params())}",
            "chart": script_json({"days": _days_chart(found.days)}),
        },
    )


@router.get("/ledger/station/{code}/export")
def station_export(request: Request, code: str, bench: Bench, session: Reader) -> Response:
    choice = ledger.Choice.parse(request.query_params, bench.clock.today())
    found, tables = _station_tables(bench, code, choice)
    name = f"统计台账-{found.station.code}-{choice.day}"
    return _workbook(tables, request.query_params.get("table", ""), name)


def _station_tables(
    bench: Bench, code: str, choice: ledger.Choice
) -> tuple[ledger.StationLedger, list[Table]]:
    found = ledger.station(bench.db, code[:32], choice, bench.clock.now())
    if found is None:
        raise auth.Refused(404, "县中心没有登记这个站点。")
    tables = [ledger_tables.station_table(found), ledger_tables.items_table(found.items)]
    if found.days:
        tables.append(ledger_tables.days_table(found.days))
    return found, tables


def _workbook(tables: list[Table], key: str, name: str) -> Response:
    """One table of the page (`table=` its key), or all of them (`table=all`)."""
    chosen = tables if key == "all" else [t for t in tables if t.key == key]
    if not chosen:
        raise auth.Refused(404, "这个页面没有这张表。")
    filename = f"{name}.xlsx" if key == "all" else f"{name}-{chosen[0].title}.xlsx"
    return Response(
        xlsx.workbook(chosen),
        media_type=xlsx.MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def _chart(found: ledger.CountyLedger) -> dict[str, Any]:
    """The county page's charts: each level's rates against their targets, and each day."""
    levels = list(found.levels)
    return {
        "levels": [LEVEL_NAMES[level] for level in levels],
        "rates": [
            {
                "name": ledger.by_key(found.county)[key].label,
                "values": [_value(ledger.by_key(found.levels[level])[key]) for level in levels],
                "met": [ledger.by_key(found.levels[level])[key].met for level in levels],
            }
            for key in CHART_FIGURES
        ],
        "days": _days_chart(found.days),
    }


def _days_chart(days: list[tuple[Any, list[Figure]]]) -> dict[str, list[Any]]:
    keyed = [(day, ledger.by_key(found)) for day, found in days]
    return {
        "days": [day.strftime("%d") for day, _ in keyed],
        "tickets": [_value(keys["tickets_issued"]) for _, keys in keyed],
        "cases": [_value(keys["cases_opened"]) for _, keys in keyed],
        "spot": [_value(keys["on_the_spot_rate"]) for _, keys in keyed],
    }


def _value(figure: Figure) -> float | None:
    return None if figure.value is None else round(figure.value, 1)
