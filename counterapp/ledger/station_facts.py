"""The station's facts for a period, read from its store: a few indexed queries, no figure.
The window, the exports and the command line count the same rows in SQL (`station_tally`);
these facts are what `figures.tally`, the definition, counts: the tests check both agree.

Mirror tickets (a window PC's copies of its queue host's tickets) are never counted: the
host's store holds the ticket. A month of a busy station is tens of thousands of rows, so the
rows come as plain tuples and each stamp is parsed once (`datetime.fromisoformat`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from counterapp.complaints import complaint_facts
from counterapp.deadlines import due_moment
from counterapp.ledger.facts import CaseFact, Facts, ItemFact, RatingFact, TicketFact
from counterapp.ledger.figures import Period
from db.store import Store

_stamp = datetime.fromisoformat
_day = date.fromisoformat


def read(store: Store, period: Period) -> Facts:
    first, last = period.first.isoformat(), period.last.isoformat()
    after = (period.last + timedelta(days=1)).isoformat()
    return Facts(
        tickets=_tickets(store, first, last, after),
        cases=_cases(store, first, last),
        items=_items(store, first, last),
        ratings=_ratings(store, first, last),
        complaints=complaint_facts(store, period.first, period.last),
    )


def consulted_reasons(store: Store, period: Period) -> dict[str, int]:
    """Why the period's consultation-only tickets (仅咨询) ended without a case, most first."""
    found: dict[str, int] = store.mapping(
        "SELECT end_reason, count(*) FROM tickets WHERE day BETWEEN ? AND ? AND mirror = 0 "
        "AND status = 'consulted' GROUP BY end_reason ORDER BY count(*) DESC, end_reason",
        (period.first.isoformat(), period.last.isoformat()),
    )
    return found


def _tickets(store: Store, first: str, last: str, after: str) -> list[TicketFact]:
    transferred = {
        row[0]
        for row in store.tuples(
            "SELECT subject_uuid FROM events WHERE subject = 'ticket' AND kind = 'transferred' "
            "AND at >= ? AND at < ?",
            (first, after),
        )
    }
    return [
        TicketFact(
            _day(day),
            lane,
            status,
            _stamp(issued),
            called and _stamp(called),
            finished and _stamp(finished),
            window,
            uuid in transferred,
        )
        for day, lane, status, issued, called, finished, window, uuid in store.tuples(
            "SELECT day, lane, status, issued_at, called_at, finished_at, window_no, uuid "
            "FROM tickets WHERE day BETWEEN ? AND ? AND mirror = 0",
            (first, last),
        )
    ]


def _cases(store: Store, first: str, last: str) -> list[CaseFact]:
    return [
        CaseFact(
            case_no,
            _day(day),
            _stamp(opened),
            accepted and _stamp(accepted),
            forward_due and due_moment(forward_due),
            forwarded and _stamp(forwarded),
            completed and _stamp(completed),
            closed and _stamp(closed),
        )
        for case_no, day, opened, accepted, forward_due, forwarded, completed, closed in (
            store.tuples(
                "SELECT case_no, day, opened_at, accepted_at, forward_due, forwarded_at, "
                "completed_at, closed_at FROM cases WHERE day BETWEEN ? AND ?",
                (first, last),
            )
        )
    ]


def _items(store: Store, first: str, last: str) -> list[ItemFact]:
    return [
        ItemFact(
            case_no,
            _day(day),
            code,
            title,
            kind,
            mode,
            minutes,
            working_days,
            _stamp(opened),
            due and due_moment(due),
            completed and _stamp(completed),
        )
        for (
            case_no,
            day,
            code,
            title,
            kind,
            mode,
            minutes,
            working_days,
            opened,
            due,
            completed,
        ) in store.tuples(
            "SELECT c.case_no, c.day, i.item_code, i.title, i.kind, i.mode, i.limit_minutes, "
            "i.limit_working_days, c.opened_at, i.due_at, i.completed_at "
            "FROM cases AS c JOIN case_items AS i ON i.case_id = c.id "
            "WHERE c.day BETWEEN ? AND ?",
            (first, last),
        )
    ]


def _ratings(store: Store, first: str, last: str) -> list[RatingFact]:
    return [
        RatingFact(
            case_no,
            _day(day),
            level,
            _stamp(rated),
            due and due_moment(due),
            followed and _stamp(followed),
        )
        for case_no, day, level, rated, due, followed in store.tuples(
            "SELECT c.case_no, c.day, r.level, r.rated_at, r.follow_up_due, r.followed_up_at "
            "FROM ratings AS r JOIN cases AS c ON c.id = r.case_id "
            "WHERE c.day BETWEEN ? AND ?",
            (first, last),
        )
    ]
