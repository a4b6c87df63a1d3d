"""A ticket as JSON between the queue host and its clients (ISO dates, enum values), and the
headers of a state change that may be repeated (`once`) and of a clerk's action (`sessions`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from counterapp.clock import parse_stamp
from counterapp.queue import Lane, Ticket, TicketStatus

REQUEST_ID = "Idempotency-Key"  # a state change's id, the same on its repeat
FIRST_SENT_AGO = "Queue-Request-Age"  # a repeat: seconds since its first try left the client
CLERK_SESSION = "Queue-Clerk-Session"  # an action: the session of the clerk signed in at the PC


def to_wire(ticket: Ticket) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in ticket._asdict().items()
    }


def from_wire(data: dict[str, Any]) -> Ticket:
    def moment(name: str) -> datetime | None:
        return None if data[name] is None else parse_stamp(data[name])

    return Ticket(
        id=int(data["id"]),
        uuid=data["uuid"],
        day=date.fromisoformat(data["day"]),
        lane=Lane(data["lane"]),
        number=int(data["number"]),
        code=data["code"],
        status=TicketStatus(data["status"]),
        priority_reason=data["priority_reason"],
        window_no=data["window_no"],
        target_window=data["target_window"],
        issued_at=parse_stamp(data["issued_at"]),
        called_at=moment("called_at"),
        serving_at=moment("serving_at"),
        finished_at=moment("finished_at"),
        recalls=int(data["recalls"]),
        version=int(data["version"]),
        end_reason=data.get("end_reason"),  # absent from a host older than schema 5
    )
