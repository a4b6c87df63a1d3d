"""The station's facts for a period, read from its store: a few indexed queries, no figure.

Mirror tickets (a window PC's copies of its queue host's tickets) are never counted: the
host's store holds the ticket."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from counterapp.clock import parse_stamp
from counterapp.complaints import complaint_facts
from counterapp.deadlines import due_moment
from counterapp.ledger.facts import (
    CaseFact,
    Facts,
    ItemFact,
    RatingFact,
    TicketFact,
)
from counterapp.ledger.figures import Figure, Period, compute
from counterapp.workdays import WorkCalendar
from db.store import Store


def read(store: Store, period: Period) -> Facts:
    first, last = period.first.isoformat(), period.last.isoformat()
    after = (period.last + timedelta(days=1)).isoformat()
    return Facts(
        tickets=_tickets(store, first, last, after),
        cases=_cases(store, first, last),
        items=_items(store, first, last),
        ratings=_ratings(store, first, after),
        complaints=complaint_facts(store, period.first, period.last),
    )


def ledger(store: Store, period: Period, calendar: WorkCalendar, now: datetime) -> list[Figure]:
    """The period's figures as of now (or the period's end, if it is past)."""
    return compute(period, read(store, period), calendar, min(now, period.end()))


def _tickets(store: Store, first: str, last: str, after: str) -> list[TicketFact]:
    transferred = {
        row[0]
        for row in store.all(
            "SELECT subject_uuid FROM events WHERE subject = 'ticket' AND kind = 'transferred' "
            "AND at >= ? AND at < ?",
            (first, after),
        )
    }
    return [
        TicketFact(
            date.fromisoformat(row[0]),
            row[1],
            row[2],
            parse_stamp(row[3]),
            _moment(row[4]),
            _moment(row[5]),
            row[6],
            row[7] in transferred,
        )
        for row in store.all(
            "SELECT day, lane, status, issued_at, called_at, finished_at, window_no, uuid "
            "FROM tickets WHERE day BETWEEN ? AND ? AND mirror = 0",
            (first, last),
        )
    ]


def _cases(store: Store, first: str, last: str) -> list[CaseFact]:
    return [
        CaseFact(
            row[0],
            date.fromisoformat(row[1]),
            row[2],
            parse_stamp(row[3]),
            _moment(row[4]),
            _due(row[5]),
            _moment(row[6]),
            _moment(row[7]),
            _moment(row[8]),
        )
        for row in store.all(
            "SELECT case_no, day, state, opened_at, accepted_at, forward_due, forwarded_at, "
            "completed_at, closed_at FROM cases WHERE day BETWEEN ? AND ?",
            (first, last),
        )
    ]


def _items(store: Store, first: str, last: str) -> list[ItemFact]:
    return [
        ItemFact(
            row[0],
            date.fromisoformat(row[1]),
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            parse_stamp(row[8]),
            _due(row[9]),
            _moment(row[10]),
        )
        for row in store.all(
            "SELECT c.case_no, c.day, i.item_code, i.title, i.kind, i.mode, i.limit_minutes, "
            "i.limit_working_days, c.opened_at, i.due_at, i.completed_at "
            "FROM cases AS c JOIN case_items AS i ON i.case_id = c.id "
            "WHERE c.day BETWEEN ? AND ?",
            (first, last),
        )
    ]


def _ratings(store: Store, first: str, after: str) -> list[RatingFact]:
    return [
        RatingFact(row[0], row[1], parse_stamp(row[2]), _due(row[3]), _moment(row[4]))
        for row in store.all(
            "SELECT c.case_no, r.level, r.rated_at, r.follow_up_due, r.followed_up_at "
            "FROM ratings AS r JOIN cases AS c ON c.id = r.case_id "
            "WHERE r.rated_at >= ? AND r.rated_at < ?",
            (first, after),
        )
    ]


def _moment(text: str | None) -> datetime | None:
    return None if text is None else parse_stamp(text)


def _due(text: str | None) -> datetime | None:
    return None if text is None else due_moment(text)
