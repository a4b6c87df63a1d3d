"""The month's 红黄牌 and ranking of stations (统计台账): a monthly variant of station
supervision's cards (`hub.station_rules`), judged on the month's figures and nothing else.

Supervision's cards judge the state *now* (days without a sync, records pending, the
catalogue in use, cases overdue today); a month's card judges what the station did in that
month, by the rules its ledger measures — whether each figure's rule is met is decided once,
in `counterapp.ledger.figures`, and read here. The cards share supervision's names (绿灯 /
黄牌 / 红牌) and its threshold of overdue cases for a red card (`OVERDUE_RED`).

Ranking: green before yellow before red; then the share of rules met, the number of rules
judged, the on-the-spot rate, the instant items' mean time; then the station's code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from counterapp.ledger.figures import Figure
from hub.ledger import Station, by_key
from hub.station_rules import GREEN, LIGHTS, OVERDUE_RED, RED, YELLOW

RED_UNMET = 3  # this many rules not met make a red card
RULES = {
    RED: [
        "差评未在15个工作日内整改回访（差评按时回访率未达100%）",
        f"超期未办结办件{OVERDUE_RED}件及以上",
        f"{RED_UNMET}项及以上考核规则未达标",
    ],
    YELLOW: ["任一项考核规则未达标（见下方各项规则）"],
    GREEN: ["本月各项考核规则均达标，或本月没有可考核的业务"],
}
_ORDER = {GREEN: 0, YELLOW: 1, RED: 2}


@dataclass(frozen=True)
class Card:
    light: str
    reasons: tuple[str, ...]  # each rule not met: the figure, its value and its rule
    met: int
    judged: int

    @property
    def label(self) -> str:
        return LIGHTS[self.light]


@dataclass(frozen=True)
class Ranked:
    rank: int
    station: Station
    card: Card


def judge(found: list[Figure]) -> Card:
    judged = [figure for figure in found if figure.met is not None]
    unmet = [figure for figure in judged if figure.met is False]
    keys = by_key(found)
    overdue = keys["cases_overdue"].value if "cases_overdue" in keys else None
    red = (
        any(figure.key == "follow_up_on_time" for figure in unmet)
        or (overdue is not None and overdue >= OVERDUE_RED)
        or len(unmet) >= RED_UNMET
    )
    light = RED if red else YELLOW if unmet else GREEN
    reasons = tuple(f"{figure.label} {figure.text}（{figure.rule}）" for figure in unmet)
    return Card(light, reasons, len(judged) - len(unmet), len(judged))


def ranking(stations: Iterable[Station]) -> list[Ranked]:
    """Every station with its card, best first."""
    carded = [(station, judge(station.figures)) for station in stations]
    carded.sort(key=lambda pair: _sort_key(*pair))
    return [Ranked(n, station, card) for n, (station, card) in enumerate(carded, 1)]


def counts(ranked: Iterable[Ranked]) -> dict[str, int]:
    found = {RED: 0, YELLOW: 0, GREEN: 0}
    for one in ranked:
        found[one.card.light] += 1
    return found


def _sort_key(station: Station, card: Card) -> tuple[float, ...]:
    keys = by_key(station.figures)
    spot = keys["on_the_spot_rate"].value if "on_the_spot_rate" in keys else None
    instant = keys["instant_mean"].value if "instant_mean" in keys else None
    return (
        _ORDER[card.light],
        -(card.met / card.judged if card.judged else 1.0),
        -card.judged,  # of two stations meeting every rule, the one judged on more first
        -(spot if spot is not None else -1.0),
        instant if instant is not None else float("inf"),
        float(station.code) if station.code.isdigit() else 0.0,
    )
