"""The supervision page's 绿灯 / 黄牌 / 红牌: one rule set, its thresholds named here, its
wording shown on the page (`RULES`) so the county reads exactly what decides a station's card.

A station gets the worst card any rule gives it, with every reason; a revoked station gets
none (停用). Days are calendar days on the hub's clock: a village without network still owes
the county a USB file within the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SILENT_YELLOW_DAYS = 3  # 静默站点: no sync for more than this many days
SILENT_RED_DAYS = 7
PENDING_YELLOW = 100  # records the station reported still waiting to upload
LATE_WINDOW_DAYS = 30  # forwarded late (逾期转报) counts over this many days
LATE_RED = 3  # …this many late forwards in the window
OVERDUE_RED = 5  # forwarded cases past the county's time limit, still open
CATALOGUE_GRACE_DAYS = 3  # days a station has to take up a newly published catalogue

GREEN, YELLOW, RED, OFF = "green", "yellow", "red", "off"
LIGHTS = {GREEN: "绿灯", YELLOW: "黄牌", RED: "红牌", OFF: "停用"}
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}

RULES = {
    RED: [
        f"超过{SILENT_RED_DAYS}天未同步（登记后从未同步的，自登记之日起算）",
        f"近{LATE_WINDOW_DAYS}天逾期转报（超过3个工作日才转报县中心）{LATE_RED}件及以上",
        f"转报县中心的办件超期未办结{OVERDUE_RED}件及以上",
        "有逾期未回访的差评（不满意、非常不满意）",
    ],
    YELLOW: [
        f"超过{SILENT_YELLOW_DAYS}天未同步（静默站点）",
        f"站点报告待上传记录超过{PENDING_YELLOW}条",
        f"近{LATE_WINDOW_DAYS}天有逾期转报",
        "有转报县中心的办件超期未办结",
        "有待回访的差评",
        f"县中心发布新事项目录超过{CATALOGUE_GRACE_DAYS}天，站点仍报告使用旧版本",
    ],
    GREEN: ["以上情形均没有"],
}


@dataclass(frozen=True)
class Facts:
    """What the hub knows of one station, as the rules read it."""

    revoked: bool
    last_sync_day: date | None
    registered_day: date
    pending: int
    late_recent: int
    overdue_open: int
    follow_ups_waiting: int
    follow_ups_overdue: int
    catalogue_version: str | None
    catalogue_reported: bool  # the station has said which catalogue it uses
    active_catalogue: str | None
    active_since: date | None


@dataclass(frozen=True)
class Verdict:
    light: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return LIGHTS[self.light]


def silent_days(facts: Facts, today: date) -> int:
    """Whole days since the last sync (or, never synced, since registration)."""
    return (today - (facts.last_sync_day or facts.registered_day)).days


def judge(facts: Facts, today: date) -> Verdict:
    if facts.revoked:
        return Verdict(OFF, ("已停用（令牌已吊销）",))
    found: list[tuple[str, str]] = []
    silent = silent_days(facts, today)
    never = "登记后从未同步" if facts.last_sync_day is None else "未同步"
    if silent > SILENT_RED_DAYS:
        found.append((RED, f"{silent}天{never}"))
    elif silent > SILENT_YELLOW_DAYS:
        found.append((YELLOW, f"{silent}天{never}"))
    if facts.pending > PENDING_YELLOW:
        found.append((YELLOW, f"待上传{facts.pending}条"))
    if facts.late_recent:
        light = RED if facts.late_recent >= LATE_RED else YELLOW
        found.append((light, f"近{LATE_WINDOW_DAYS}天逾期转报{facts.late_recent}件"))
    if facts.overdue_open:
        light = RED if facts.overdue_open >= OVERDUE_RED else YELLOW
        found.append((light, f"转报办件超期未办结{facts.overdue_open}件"))
    if facts.follow_ups_overdue:
        found.append((RED, f"差评逾期未回访{facts.follow_ups_overdue}件"))
    elif facts.follow_ups_waiting:
        found.append((YELLOW, f"差评待回访{facts.follow_ups_waiting}件"))
    if _catalogue_behind(facts, today):
        found.append((YELLOW, f"仍使用事项目录 {facts.catalogue_version or '（无）'}"))
    if not found:
        return Verdict(GREEN, ())
    worst = max((light for light, _ in found), key=_RANK.__getitem__)
    return Verdict(worst, tuple(reason for _, reason in found))


def _catalogue_behind(facts: Facts, today: date) -> bool:
    """A station that reported a catalogue other than the active one, published more than
    the grace days ago (a station that never said — a USB-only village, an old version —
    is not judged on what the hub cannot know)."""
    return (
        facts.catalogue_reported
        and facts.active_catalogue is not None
        and facts.active_since is not None
        and facts.catalogue_version != facts.active_catalogue
        and (today - facts.active_since).days > CATALOGUE_GRACE_DAYS
    )
