"""Queue tickets (排队叫号): issue, call, recall, skip, hold, transfer, finish, end without a
case (仅咨询), close the day.

Tickets are numbered per service day and lane: A001… for the normal lane, Y001… for the
priority lane (绿色通道: the elderly, the disabled and other special groups, always with a
reason). `call_next` serves tickets transferred to the calling window first, then the priority
lane, then everyone else in order of arrival. A called citizen who needs no case (a question
only, gone, at the wrong window) ends the ticket with a reason (`end_without_case`). Nothing is
ever deleted: at the end of the day the tickets still open are closed as unserved and counted.
Rows marked `mirror` are copies of the station queue host's tickets (`counterapp.lan_queue`),
never part of this queue.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from counterapp import journal
from counterapp.clock import Clock, parse_stamp, stamp
from counterapp.states import check_move
from counterapp.typed_text import REASON_MAX, TextRule, checked
from counterapp.windows import MAX_WINDOWS
from db.store import Store


class Lane(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"

    @property
    def prefix(self) -> str:
        return {"normal": "A", "priority": "Y"}[self.value]

    @property
    def label(self) -> str:
        return {"normal": "普通", "priority": "优先（绿色通道）"}[self.value]


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    DONE = "done"
    NO_SHOW = "no_show"
    CONSULTED = "consulted"
    CLOSED_UNSERVED = "closed_unserved"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    TicketStatus.WAITING: "等候中",
    TicketStatus.CALLED: "已叫号",
    TicketStatus.SERVING: "办理中",
    TicketStatus.HELD: "暂停",
    TicketStatus.DONE: "已办结",
    TicketStatus.NO_SHOW: "过号",
    TicketStatus.CONSULTED: "仅咨询（无需办件）",
    TicketStatus.CLOSED_UNSERVED: "日终未办",
}

_S = TicketStatus
ALLOWED_MOVES = {
    _S.WAITING: frozenset({_S.CALLED, _S.CLOSED_UNSERVED}),
    _S.CALLED: frozenset(
        {_S.CALLED, _S.SERVING, _S.NO_SHOW, _S.WAITING, _S.CONSULTED, _S.CLOSED_UNSERVED}
    ),
    _S.SERVING: frozenset({_S.HELD, _S.DONE, _S.WAITING, _S.CONSULTED}),
    _S.HELD: frozenset({_S.SERVING, _S.CLOSED_UNSERVED}),
    _S.NO_SHOW: frozenset({_S.WAITING}),
}
# Closed as unserved at the end of the day; a no-show stays counted as a no-show.
OPEN_STATUSES = (_S.WAITING, _S.CALLED, _S.SERVING, _S.HELD)
END_REASON_MAX = REASON_MAX
END_REASON = TextRule("原因", required="结束本号须注明原因（如仅咨询、办事人已离开）")
PRIORITY_REASON = TextRule("优先原因")
HOLD_REASON = TextRule("暂停原因")
TRANSFER_REASON = TextRule("转窗口原因", required="转窗口须注明原因")


class QueueError(Exception):
    """A queue action cannot be done; str() is a message for the clerk."""


class Ticket(NamedTuple):
    id: int
    uuid: str
    day: date
    lane: Lane
    number: int
    code: str
    status: TicketStatus
    priority_reason: str | None
    window_no: int | None
    target_window: int | None
    issued_at: datetime
    called_at: datetime | None
    serving_at: datetime | None
    finished_at: datetime | None
    recalls: int
    version: int
    end_reason: str | None = None  # why it ended without a case (仅咨询)

    @property
    def waiting_seconds(self) -> int | None:
        """From issue to the first call."""
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    @property
    def serving_seconds(self) -> int | None:
        if self.serving_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.serving_at).total_seconds())


class DayClosing(NamedTuple):
    day: date
    issued: int
    served: int
    no_show: int
    unserved: int
    consulted: int = 0


def _moment(text: str | None) -> datetime | None:
    return None if text is None else parse_stamp(text)


class Queue(Protocol):
    """What the counter asks of a queue: this store's own (`TicketQueue`) or, on a queue
    client, the station's queue host's (`counterapp.lan_queue.client.RemoteQueue`)."""

    def get(self, ticket_id: int) -> Ticket: ...
    def waiting(self, window_no: int | None = None) -> list[Ticket]: ...
    def of_day(self, day: date) -> list[Ticket]: ...
    def of_today(self) -> list[Ticket]: ...
    def recent_calls(self, limit: int) -> list[Ticket]: ...
    def revision(self) -> str: ...
    def people_ahead(self, ticket: Ticket) -> int: ...
    def issue(self, lane: Lane, reason: str | None = None) -> Ticket: ...
    def call_next(self, window_no: int, clerk_id: int) -> Ticket | None: ...
    def recall(self, ticket_id: int, clerk_id: int) -> Ticket: ...
    def skip(self, ticket_id: int, clerk_id: int) -> Ticket: ...
    def requeue(self, ticket_id: int, clerk_id: int) -> Ticket: ...
    def start_serving(self, ticket_id: int, clerk_id: int) -> Ticket: ...
    def hold(self, ticket_id: int, clerk_id: int, reason: str = "") -> Ticket: ...
    def resume(self, ticket_id: int, window_no: int, clerk_id: int) -> Ticket: ...
    def transfer(self, ticket_id: int, to_window: int, clerk_id: int, reason: str) -> Ticket: ...
    def finish(self, ticket_id: int, clerk_id: int) -> Ticket: ...
    def end_without_case(self, ticket_id: int, clerk_id: int, reason: str) -> Ticket: ...
    def close_day(self, day: date) -> DayClosing: ...
    def close_past_days(self) -> list[DayClosing]: ...


def _ticket(row: sqlite3.Row) -> Ticket:
    return Ticket(
        id=row["id"],
        uuid=row["uuid"],
        day=date.fromisoformat(row["day"]),
        lane=Lane(row["lane"]),
        number=row["number"],
        code=row["code"],
        status=TicketStatus(row["status"]),
        priority_reason=row["priority_reason"],
        window_no=row["window_no"],
        target_window=row["target_window"],
        issued_at=parse_stamp(row["issued_at"]),
        called_at=_moment(row["called_at"]),
        serving_at=_moment(row["serving_at"]),
        finished_at=_moment(row["finished_at"]),
        recalls=row["recalls"],
        version=row["version"],
        end_reason=row["end_reason"],
    )


def refuse_if_case(store: Store, ticket_id: int, code: str) -> None:
    """A ticket with a case in `store` ends with its case (办结 or 撤销), never as 仅咨询."""
    case_no = store.scalar(
        "SELECT case_no FROM cases WHERE ticket_id = ? ORDER BY id DESC LIMIT 1", (ticket_id,)
    )
    if case_no is not None:
        raise QueueError(f"{code} 号已开办件 {case_no}：请在办件中办结或撤销，不能按“仅咨询”结束")


# Call order: tickets transferred to this window, then the priority lane, then arrival.
_CALL_ORDER = """
    SELECT * FROM tickets
    WHERE day = :day AND status = 'waiting' AND mirror = 0
      AND (target_window IS NULL OR target_window = :window)
    ORDER BY (target_window IS NOT NULL) DESC, (lane = 'priority') DESC, queued_at, id
"""


# The hall display's list: tickets at (or done at) a window, by their latest call event.
_RECENT_CALLS = """
    SELECT * FROM (
        SELECT t.*, (SELECT max(e.id) FROM events AS e WHERE e.subject_uuid = t.uuid
                     AND e.kind IN ('called', 'recalled')) AS last_call
        FROM tickets AS t
        WHERE t.day = :day AND t.mirror = 0 AND t.window_no IS NOT NULL
          AND t.called_at IS NOT NULL)
    ORDER BY last_call DESC, id DESC LIMIT :limit
"""


class TicketQueue:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # --- reading ---------------------------------------------------------------------------
    def get(self, ticket_id: int) -> Ticket:
        row = self._store.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        if row is None:
            raise QueueError(f"没有编号为 {ticket_id} 的排队号")
        return _ticket(row)

    def waiting(self, window_no: int | None = None) -> list[Ticket]:
        """Today's waiting tickets in the order `call_next` would take them."""
        if window_no is None:
            rows = self._store.all(
                "SELECT * FROM tickets WHERE day = ? AND status = 'waiting' AND mirror = 0 "
                "ORDER BY (lane = 'priority') DESC, queued_at, id",
                (self._clock.today().isoformat(),),
            )
        else:
            rows = self._store.all(
                _CALL_ORDER, {"day": self._clock.today().isoformat(), "window": window_no}
            )
        return [_ticket(row) for row in rows]

    def of_day(self, day: date) -> list[Ticket]:
        rows = self._store.all(
            "SELECT * FROM tickets WHERE day = ? AND mirror = 0 ORDER BY id", (day.isoformat(),)
        )
        return [_ticket(row) for row in rows]

    def of_today(self) -> list[Ticket]:
        """Today's tickets, today by this queue's clock (a queue host's, for its clients)."""
        return self.of_day(self._clock.today())

    def recent_calls(self, limit: int) -> list[Ticket]:
        """Today's tickets that were called to a window and are still there or done there,
        the latest call (or recall) first: what the hall display lists. A ticket sent back
        to waiting (transferred, re-queued) has no window and is not among them."""
        rows = self._store.all(
            _RECENT_CALLS, {"day": self._clock.today().isoformat(), "limit": limit}
        )
        return [_ticket(row) for row in rows]

    def revision(self) -> str:
        """A token that changes with every change to today's tickets (each change raises a
        ticket's version, an issue adds one): a display polls this and re-reads only when it
        moved. One indexed query, no ticket rows."""
        day = self._clock.today().isoformat()
        count, versions = self._store.row(
            "SELECT count(*), coalesce(sum(version), 0) FROM tickets WHERE day = ? AND mirror = 0",
            (day,),
        )
        return f"{day}:{count}:{versions}"

    def people_ahead(self, ticket: Ticket) -> int:
        """How many waiting tickets would be called before this one (for the ticket slip)."""
        order = [other.id for other in self.waiting()]
        return order.index(ticket.id) if ticket.id in order else 0

    # --- actions ---------------------------------------------------------------------------
    def issue(self, lane: Lane, reason: str | None = None) -> Ticket:
        reason = checked(reason or "", PRIORITY_REASON, QueueError) or None
        if lane == Lane.PRIORITY and reason is None:
            raise QueueError("优先号须注明原因（如老年人、残疾人、孕妇等）")
        now = self._clock.now()
        day = now.date().isoformat()
        with self._store.transaction():
            number = 1 + self._store.scalar(
                "SELECT coalesce(max(number), 0) FROM tickets "
                "WHERE day = ? AND lane = ? AND mirror = 0",
                (day, lane.value),
            )
            ticket_uuid = journal.new_uuid()
            ticket_id = self._store.insert(
                "tickets",
                {
                    "uuid": ticket_uuid,
                    "day": day,
                    "lane": lane.value,
                    "number": number,
                    "code": f"{lane.prefix}{number:03d}",
                    "priority_reason": reason,
                    "status": TicketStatus.WAITING.value,
                    "issued_at": stamp(now),
                    "queued_at": stamp(now),
                },
            )
            journal.record(
                self._store,
                subject="ticket",
                subject_uuid=ticket_uuid,
                kind="issued",
                at=stamp(now),
                data={"lane": lane.value, "reason": reason},
                outbox_version=1,
            )
        return self.get(ticket_id)

    def call_next(self, window_no: int, clerk_id: int) -> Ticket | None:
        """Call the next ticket to `window_no`, or return None when nobody is waiting."""
        with self._store.transaction():
            busy = self._store.one(
                "SELECT code FROM tickets WHERE window_no = ? AND status IN ('called', 'serving') "
                "AND day = ? AND mirror = 0",
                (window_no, self._clock.today().isoformat()),
            )
            if busy is not None:
                raise QueueError(
                    f"{window_no}号窗口的 {busy['code']} 号尚未办结或过号，不能叫下一号"
                )
            row = self._store.one(
                _CALL_ORDER + " LIMIT 1",
                {"day": self._clock.today().isoformat(), "window": window_no},
            )
            if row is None:
                return None
            return self._move(
                _ticket(row),
                TicketStatus.CALLED,
                "called",
                clerk_id,
                window_no=window_no,
                target_window=None,
                clerk_id=clerk_id,
                called_at=row["called_at"] or stamp(self._clock.now()),
            )

    def recall(self, ticket_id: int, clerk_id: int) -> Ticket:
        with self._store.transaction():
            ticket = self.get(ticket_id)
            if ticket.status != TicketStatus.CALLED:
                raise QueueError(f"{ticket.code} 号当前为「{ticket.status.label}」，不能重呼")
            return self._move(
                ticket, TicketStatus.CALLED, "recalled", clerk_id, recalls=ticket.recalls + 1
            )

    def skip(self, ticket_id: int, clerk_id: int) -> Ticket:
        """The called citizen did not come (过号)."""
        with self._store.transaction():
            return self._move(self.get(ticket_id), TicketStatus.NO_SHOW, "skipped", clerk_id)

    def requeue(self, ticket_id: int, clerk_id: int) -> Ticket:
        """A skipped citizen came back the same day: they join the end of their lane (过号重排)."""
        with self._store.transaction():
            ticket = self.get(ticket_id)
            if ticket.day != self._clock.today():
                raise QueueError(f"{ticket.code} 号是{ticket.day}的号，已过期，请重新取号")
            return self._move(
                ticket,
                TicketStatus.WAITING,
                "requeued",
                clerk_id,
                window_no=None,
                queued_at=stamp(self._clock.now()),
            )

    def start_serving(self, ticket_id: int, clerk_id: int) -> Ticket:
        with self._store.transaction():
            return self._move(
                self.get(ticket_id),
                TicketStatus.SERVING,
                "serving",
                clerk_id,
                clerk_id=clerk_id,
                serving_at=stamp(self._clock.now()),
            )

    def hold(self, ticket_id: int, clerk_id: int, reason: str = "") -> Ticket:
        """Pause, e.g. while the citizen fetches a copy; the window may call others meanwhile."""
        reason = checked(reason, HOLD_REASON, QueueError)
        with self._store.transaction():
            return self._move(
                self.get(ticket_id), TicketStatus.HELD, "held", clerk_id, data={"reason": reason}
            )

    def resume(self, ticket_id: int, window_no: int, clerk_id: int) -> Ticket:
        with self._store.transaction():
            return self._move(
                self.get(ticket_id), TicketStatus.SERVING, "resumed", clerk_id, window_no=window_no
            )

    def transfer(self, ticket_id: int, to_window: int, clerk_id: int, reason: str) -> Ticket:
        """Hand the ticket to another window; it keeps its place and is called there first."""
        reason = checked(reason, TRANSFER_REASON, QueueError)
        if not 1 <= to_window <= MAX_WINDOWS:
            raise QueueError(f"没有{to_window}号窗口：窗口号应为1-{MAX_WINDOWS}")
        with self._store.transaction():
            ticket = self.get(ticket_id)
            if ticket.window_no == to_window:
                raise QueueError("不能转给本窗口")
            return self._move(
                ticket,
                TicketStatus.WAITING,
                "transferred",
                clerk_id,
                window_no=None,
                target_window=to_window,
                data={"from": ticket.window_no, "to": to_window, "reason": reason},
            )

    def finish(self, ticket_id: int, clerk_id: int) -> Ticket:
        with self._store.transaction():
            return self._move(
                self.get(ticket_id),
                TicketStatus.DONE,
                "finished",
                clerk_id,
                finished_at=stamp(self._clock.now()),
            )

    def end_without_case(self, ticket_id: int, clerk_id: int, reason: str) -> Ticket:
        """The called citizen needs no case (仅咨询 / 无需办件): the ticket ends with a reason
        and counts as such in the day's figures. A ticket with a case ends with its case."""
        reason = checked(reason, END_REASON, QueueError)
        with self._store.transaction():
            ticket = self.get(ticket_id)
            refuse_if_case(self._store, ticket.id, ticket.code)
            return self._move(
                ticket,
                TicketStatus.CONSULTED,
                "ended_without_case",
                clerk_id,
                data={"reason": reason},
                end_reason=reason,
                finished_at=stamp(self._clock.now()),
            )

    def close_day(self, day: date) -> DayClosing:
        """End of day: close every open ticket of `day` and record the counts. Idempotent."""
        now = stamp(self._clock.now())
        with self._store.transaction():
            for ticket in self.of_day(day):
                if ticket.status == TicketStatus.SERVING:
                    self._move(
                        ticket, TicketStatus.DONE, "finished_at_closing", None, finished_at=now
                    )
                elif ticket.status in OPEN_STATUSES:
                    self._move(ticket, TicketStatus.CLOSED_UNSERVED, "closed_unserved", None)
            counts: dict[str, int] = self._store.mapping(
                "SELECT status, count(*) FROM tickets WHERE day = ? AND mirror = 0 GROUP BY status",
                (day.isoformat(),),
            )
            closing = DayClosing(
                day=day,
                issued=sum(counts.values()),
                served=counts.get("done", 0),
                no_show=counts.get("no_show", 0),
                unserved=counts.get("closed_unserved", 0),
                consulted=counts.get("consulted", 0),
            )
            self._store.execute(
                "INSERT INTO day_closings (day, closed_at, issued, served, no_show, unserved, "
                "consulted) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                "closed_at = excluded.closed_at, issued = excluded.issued, "
                "served = excluded.served, no_show = excluded.no_show, "
                "unserved = excluded.unserved, consulted = excluded.consulted",
                (
                    day.isoformat(),
                    now,
                    closing.issued,
                    closing.served,
                    closing.no_show,
                    closing.unserved,
                    closing.consulted,
                ),
            )
        return closing

    def close_past_days(self) -> list[DayClosing]:
        """At start-up: close every earlier day that still has open tickets."""
        days = self._store.all(
            "SELECT DISTINCT day FROM tickets WHERE day < ? AND mirror = 0 AND status IN "
            f"({', '.join('?' * len(OPEN_STATUSES))}) ORDER BY day",
            (self._clock.today().isoformat(), *OPEN_STATUSES),
        )
        return [self.close_day(date.fromisoformat(row["day"])) for row in days]

    # --- the one place a ticket changes -----------------------------------------------------
    # Every action reads its ticket inside its write transaction (BEGIN IMMEDIATE), so a
    # queue host's own window and a request from another PC never act on a stale ticket.
    def _move(
        self,
        ticket: Ticket,
        target: TicketStatus,
        kind: str,
        actor: int | None,
        data: dict[str, Any] | None = None,
        **fields: object,
    ) -> Ticket:
        check_move(ALLOWED_MOVES, ticket.status, target, STATUS_LABELS, f"{ticket.code} 号")
        version = ticket.version + 1
        self._store.update(
            "tickets", ticket.id, {"status": target.value, "version": version, **fields}
        )
        journal.record(
            self._store,
            subject="ticket",
            subject_uuid=ticket.uuid,
            kind=kind,
            at=stamp(self._clock.now()),
            clerk_id=actor,
            data=data,
            outbox_version=version,
        )
        return self.get(ticket.id)
