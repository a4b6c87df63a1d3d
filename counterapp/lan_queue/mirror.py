"""Mirror rows: a client's local copy of the host's tickets, so cases and print records link
to a local `tickets.id`; and of the host's clerks — the station's accounts — so a window PC's
login lists them, knows the admin and can check a PIN while the host cannot be reached (the
host acts only as clerks it knows, and judges their PINs itself, `sessions`). The returned
tickets carry the mirror's id; the host is addressed by uuid. A ticket's mirror only moves
forward (a higher version) and never touches this PC's own tickets.

A mirror's `number` column is only a local placeholder, the next free negative number of its
day and lane: the host's number is in its `code` and in every ticket returned. Negative, it
never meets this PC's own numbers (UNIQUE (day, lane, number)); and when another PC becomes the
host during a day, the new host's A001 never meets the old host's mirrored A001.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from counterapp import accounts
from counterapp.clock import Clock, stamp
from counterapp.queue import QueueError, Ticket
from db.settings import Settings
from db.store import Store

# A changed PIN hash (the admin set a new PIN on the host) also ends this PC's own count of
# wrong PINs: the count was against the old PIN. Lockout counts never travel: each place
# counts what is typed there, and while the host can be reached it judges every PIN itself.
_CLERK_UPSERT = """
INSERT INTO clerks (uuid, login, name, created_at, role, pin_hash, pin_set_at)
VALUES (:uuid, :login, :name, :now, :role, :pin_hash, :now)
ON CONFLICT (login) DO UPDATE SET
    name = excluded.name, role = excluded.role, active = 1, deactivated_at = NULL,
    failed_logins = iif(pin_hash IS excluded.pin_hash, failed_logins, 0),
    locked_until = iif(pin_hash IS excluded.pin_hash, locked_until, NULL),
    pin_set_at = iif(pin_hash IS excluded.pin_hash, pin_set_at, excluded.pin_set_at),
    pin_hash = excluded.pin_hash
"""
_CLERK_GONE = """
UPDATE clerks SET active = 0, deactivated_at = coalesce(deactivated_at, :now)
WHERE active = 1 AND login NOT IN (SELECT value FROM json_each(:logins))
"""

_UPSERT = """
INSERT INTO tickets (uuid, day, lane, number, code, priority_reason, status, window_no,
                     target_window, issued_at, queued_at, called_at, serving_at, finished_at,
                     recalls, version, end_reason, mirror)
VALUES (:uuid, :day, :lane,
        (SELECT coalesce(min(number), 0) - 1 FROM tickets
         WHERE day = :day AND lane = :lane AND number < 0),
        :code, :priority_reason, :status, :window_no, :target_window, :issued_at, :issued_at,
        :called_at, :serving_at, :finished_at, :recalls, :version, :end_reason, 1)
ON CONFLICT (uuid) DO UPDATE SET
    status = excluded.status, window_no = excluded.window_no,
    target_window = excluded.target_window, called_at = excluded.called_at,
    serving_at = excluded.serving_at, finished_at = excluded.finished_at,
    recalls = excluded.recalls, version = excluded.version, end_reason = excluded.end_reason
WHERE excluded.version > tickets.version AND tickets.mirror = 1
"""


def _optional(moment: datetime | None) -> str | None:
    return None if moment is None else stamp(moment)


def keep(store: Store, tickets: Iterable[Ticket]) -> list[Ticket]:
    """Store or refresh the mirrors of the host's `tickets`; return them with local ids."""
    kept = []
    with store.transaction():
        for ticket in tickets:
            store.execute(
                _UPSERT,
                {
                    "uuid": ticket.uuid,
                    "day": ticket.day.isoformat(),
                    "lane": ticket.lane.value,
                    "code": ticket.code,
                    "priority_reason": ticket.priority_reason,
                    "status": ticket.status.value,
                    "window_no": ticket.window_no,
                    "target_window": ticket.target_window,
                    "issued_at": stamp(ticket.issued_at),
                    "called_at": _optional(ticket.called_at),
                    "serving_at": _optional(ticket.serving_at),
                    "finished_at": _optional(ticket.finished_at),
                    "recalls": ticket.recalls,
                    "version": ticket.version,
                    "end_reason": ticket.end_reason,
                },
            )
            local_id = store.scalar("SELECT id FROM tickets WHERE uuid = ?", (ticket.uuid,))
            kept.append(ticket._replace(id=local_id))
    return kept


def uuid_of(store: Store, local_id: int) -> str:
    """The uuid of the host's ticket behind a local id (only mirrors are the host's)."""
    found: str | None = store.scalar(
        "SELECT uuid FROM tickets WHERE id = ? AND mirror = 1", (local_id,)
    )
    if found is None:
        raise QueueError(f"没有编号为 {local_id} 的排队号")
    return found


def keep_clerks(
    store: Store, clerks: Iterable[dict[str, str | None]], idle_lock_minutes: int, clock: Clock
) -> None:
    """Make this PC's clerks the host's active ones (`host_app.station_clerks`): add those it
    lacks (with the host's uuid), take name, role and PIN hash for those it has by login, and
    deactivate every other (deactivated on the host, or known only here), never deleting one:
    their names stay on the cases they own. The station's idle lock is the host's too. Not
    journalled: the host journals its accounts' changes."""
    now = stamp(clock.now())
    logins = []
    with store.transaction():
        Settings(store).set(accounts.IDLE_LOCK_SETTING, idle_lock_minutes)
        for clerk in clerks:
            store.execute(_CLERK_UPSERT, {**clerk, "now": now})
            logins.append(clerk["login"])
        store.execute(_CLERK_GONE, {"now": now, "logins": json.dumps(logins)})
