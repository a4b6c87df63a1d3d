"""The supervision page's cards at the edge of every threshold (`hub.station_rules`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from hub import station_rules as rules
from hub.station_rules import GREEN, OFF, RED, YELLOW, Facts, judge

TODAY = date(2026, 11, 25)
CALM = Facts(
    revoked=False,
    last_sync_day=TODAY,
    registered_day=date(2026, 1, 5),
    pending=0,
    late_recent=0,
    overdue_open=0,
    follow_ups_waiting=0,
    follow_ups_overdue=0,
    catalogue_version="county-2026.3",
    catalogue_reported=True,
    active_catalogue="county-2026.3",
    active_since=date(2026, 10, 1),
)


def light(**changes) -> str:
    return judge(replace(CALM, **changes), TODAY).light


def test_a_station_with_nothing_to_note_is_green():
    assert judge(CALM, TODAY) == rules.Verdict(GREEN, ())


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (rules.SILENT_YELLOW_DAYS, GREEN),
        (rules.SILENT_YELLOW_DAYS + 1, YELLOW),
        (rules.SILENT_RED_DAYS, YELLOW),
        (rules.SILENT_RED_DAYS + 1, RED),
    ],
)
def test_silence_in_days_since_the_last_sync(days, expected):
    assert light(last_sync_day=TODAY - timedelta(days=days)) == expected


def test_a_station_never_synced_counts_from_its_registration():
    never = replace(CALM, last_sync_day=None, registered_day=TODAY - timedelta(days=8))
    assert judge(never, TODAY) == rules.Verdict(RED, ("8天登记后从未同步",))
    assert light(last_sync_day=None, registered_day=TODAY) == GREEN


def test_pending_uploads():
    assert light(pending=rules.PENDING_YELLOW) == GREEN
    assert light(pending=rules.PENDING_YELLOW + 1) == YELLOW


def test_late_forwarding_and_overdue_cases():
    assert light(late_recent=1) == YELLOW
    assert light(late_recent=rules.LATE_RED - 1) == YELLOW
    assert light(late_recent=rules.LATE_RED) == RED
    assert light(overdue_open=1) == YELLOW
    assert light(overdue_open=rules.OVERDUE_RED - 1) == YELLOW
    assert light(overdue_open=rules.OVERDUE_RED) == RED


def test_bad_ratings_waiting_and_overdue():
    assert light(follow_ups_waiting=1) == YELLOW
    verdict = judge(replace(CALM, follow_ups_waiting=2, follow_ups_overdue=1), TODAY)
    assert verdict == rules.Verdict(RED, ("差评逾期未回访1件",))


def test_an_old_catalogue_after_the_grace_days():
    published = TODAY - timedelta(days=rules.CATALOGUE_GRACE_DAYS)
    old = {"catalogue_version": "county-2026.2", "active_since": published}
    assert light(**old) == GREEN
    assert light(**{**old, "active_since": published - timedelta(days=1)}) == YELLOW
    # what the hub cannot know is not held against a station
    assert light(catalogue_version=None, catalogue_reported=False) == GREEN


def test_the_worst_card_wins_and_every_reason_is_given():
    verdict = judge(
        replace(CALM, last_sync_day=TODAY - timedelta(days=4), overdue_open=rules.OVERDUE_RED),
        TODAY,
    )
    assert verdict.light == RED and verdict.label == "红牌"
    assert verdict.reasons == ("4天未同步", f"转报办件超期未办结{rules.OVERDUE_RED}件")


def test_a_revoked_station_gets_no_card():
    assert light(revoked=True, last_sync_day=None) == OFF


def test_the_rules_on_the_page_name_the_thresholds():
    assert f"超过{rules.SILENT_RED_DAYS}天未同步" in rules.RULES[RED][0]
    assert f"超过{rules.SILENT_YELLOW_DAYS}天未同步（静默站点）" in rules.RULES[YELLOW]
