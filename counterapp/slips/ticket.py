"""The queue ticket (排队号票) from the kiosk: number, lane, people ahead, time, station.

It carries no personal data (tickets are taken before anyone is identified) and, for the
priority lane, not the reason either: the hall may see the ticket.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer

from counterapp.queue import Lane
from counterapp.slips.blocks import para
from counterapp.slips.layout import Layout, build_pdf, styles
from counterapp.slips.texts import moment_text

TITLE = "排队号票"


class TicketFacts(NamedTuple):
    station_name: str
    code: str
    lane: Lane
    people_ahead: int
    issued_at: datetime


def ticket_story(facts: TicketFacts, layout: Layout) -> list[Flowable]:
    s = styles(layout)
    ahead = (
        f"您前面还有 {facts.people_ahead} 人等候"
        if facts.people_ahead
        else "您前面暂无等候，请留意叫号"
    )
    story: list[Flowable] = [
        para(facts.station_name, s.title),
        para(f"{TITLE}（{facts.lane.label}）", s.center),
        para(facts.code, s.big),
        para(ahead, s.center),
        para(f"取号时间：{moment_text(facts.issued_at)}", s.center),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=0.6, dash=(2, 2), color="black"),
        Spacer(1, 1 * mm),
        para("请留意叫号屏幕和语音提示，叫到号后请到指定窗口办理。", s.small),
        para("过号请到窗口说明，可重新排队。本号票当日有效。", s.small),
        para("请带好身份证件或医保电子凭证。", s.small),
    ]
    return story


def build_ticket(facts: TicketFacts, layout: Layout) -> bytes:
    return build_pdf(ticket_story(facts, layout), layout, title=f"{TITLE} {facts.code}")
