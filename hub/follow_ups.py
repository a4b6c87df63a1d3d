"""Bad ratings awaiting follow-up (差评整改回访), as station supervision counts them: one row
of `follow_ups` per rating record with a follow-up due, read when the record arrives
(`hub.ingest`, in the batch's transaction) and kept at the record's newest version, so the
supervision page counts a county's waiting call-backs with an index instead of reading JSON.

As with forwarded cases, odd data never fails a batch: a rating without a due day is not
awaiting a follow-up. Nothing personal is kept (the citizen's name and phone stay in the
station's store).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING, Any

from hub import projections
from hub.forwarded import read_day, read_text

if TYPE_CHECKING:
    from hub.db import Database, Tx

log = logging.getLogger("hub")
TASK = "project-follow-ups"
# the bad levels of the national five-level scale (counterapp.ratings.RatingLevel)
BAD_LEVELS = {1: "非常不满意", 2: "不满意"}


@dataclass(frozen=True)
class FollowUp:
    """One row of `follow_ups`."""

    rating_uuid: str
    station: str
    version: int
    case_uuid: str | None
    level: int
    rated_at: str
    due: str
    followed_up_at: str | None


COLUMNS = (
    "rating_uuid",
    "station",
    "version",
    "case_uuid",
    "level",
    "rated_at",
    "due",
    "followed_up_at",
)
UPSERT = projections.upsert("follow_ups", "rating_uuid", COLUMNS)


def project(rating_uuid: str, station: str, version: int, data: Any) -> FollowUp | None:
    """The row of a rating record (`data` as JSON text or parsed), or None if no follow-up
    is due for it."""
    data = projections.document(data)
    if data is None:
        return None
    due = read_day(data.get("follow_up_due"))
    level = data.get("level")
    if due is None or type(level) is not int:
        return None
    return FollowUp(
        rating_uuid=rating_uuid,
        station=station,
        version=version,
        case_uuid=read_text(data.get("case_uuid"), 36),
        level=level,
        rated_at=read_text(data.get("rated_at"), 32) or due,
        due=due,
        followed_up_at=read_text(data.get("followed_up_at"), 32),
    )


def from_rows(rows: Sequence[Sequence[Any]]) -> list[FollowUp]:
    """The rows of a batch's `records` rows (uuid, type, station, source, version, day, data,
    …) that are ratings with a follow-up due."""
    found = []
    for row in rows:
        if row[1] == "rating":
            follow_up = project(row[0], row[2], row[4], row[6])
            if follow_up is not None:
                found.append(follow_up)
    return found


def store(tx: Tx, follow_ups: Sequence[FollowUp]) -> None:
    """Insert or update the rows (an older version never replaces a newer one)."""
    if follow_ups:
        tx.executemany(UPSERT, [astuple(f) for f in follow_ups])


def backfill(db: Database, chunk: int = 2000) -> int:
    """Project the bad ratings a hub held before migration 0008 (once); returns how many."""
    done = projections.backfill(db, "rating", project, store, chunk=chunk)
    with db.transaction() as tx:
        tx.execute("DELETE FROM hub_tasks WHERE name = ?", (TASK,))
    if done:
        log.info("supervision: %d bad ratings held before the upgrade projected", done)
    return done
