"""The facts a figure is computed from: plain values both the station (from its SQLite
tables) and the county hub (from the synced records) can produce.

Every moment is an aware datetime (+08:00); every due is the moment it runs out
(`deadlines.due_moment`: a day deadline runs to the end of its day). Nothing here is
derived: whether an item was finished on the spot, on time or late is decided once, in
`figures`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple


class TicketFact(NamedTuple):
    day: date
    lane: str  # 'normal' | 'priority'
    status: str  # queue.TicketStatus value: done, no_show, consulted, closed_unserved, …
    issued_at: datetime
    called_at: datetime | None  # the last call (a transferred ticket is called again)
    finished_at: datetime | None
    window: int | None
    transferred: bool  # sent to another window at least once


class CaseFact(NamedTuple):
    case_no: str
    day: date  # the service day it was opened
    state: str  # case_model.CaseState value
    opened_at: datetime
    accepted_at: datetime | None
    forward_due: datetime | None  # set at acceptance for a case with items to forward
    forwarded_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None


class ItemFact(NamedTuple):
    case_no: str
    day: date  # the case's day
    item_code: str
    title: str
    kind: str  # 'instant' (即办件) | 'promised' (承诺件)
    mode: str  # 'handle' (this station) | 'collect' | 'assist' (forwarded upward)
    limit_minutes: int | None
    limit_working_days: int | None
    opened_at: datetime  # the case's
    due: datetime | None  # set at acceptance
    completed_at: datetime | None  # finished by this station


class RatingFact(NamedTuple):
    case_no: str
    level: int  # 1 非常不满意 … 5 非常满意
    rated_at: datetime
    follow_up_due: datetime | None  # bad ratings only
    followed_up_at: datetime | None


class ComplaintFact(NamedTuple):
    received_at: datetime
    due: datetime
    closed_at: datetime | None


class Facts(NamedTuple):
    """Everything one ledger is computed from; each list may hold facts outside the period
    (they are filtered by `figures`)."""

    tickets: list[TicketFact]
    cases: list[CaseFact]
    items: list[ItemFact]
    ratings: list[RatingFact]
    complaints: list[ComplaintFact]
