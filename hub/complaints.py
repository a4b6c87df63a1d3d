"""The complaints stations register (投诉, `counterapp.complaints`), as the county lists them:
one row of `complaints` per `complaint` record, read when the record arrives (`hub.ingest`, in
the batch's transaction) and kept at the record's newest version, so the county's list is an
indexed query, not JSON read per request.

As with forwarded cases, odd data never fails a batch: a record without its number, receipt
or deadline is simply not listed. The complainant's name is kept masked (张*三); the record
itself, with name and phone, stays in `records` for those who handle it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from counterapp.privacy import mask_name
from hub import projections
from hub.forwarded import read_day, read_text

if TYPE_CHECKING:
    from hub.db import Database, Tx

CHANNELS = {"window": "窗口", "phone": "电话", "hotline": "12345转办", "other": "其他"}
STATES = {"received": "已登记", "handling": "处理中", "closed": "已办结"}
FEEDBACK = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


@dataclass(frozen=True)
class CountyComplaint:
    """One row of `complaints`."""

    complaint_uuid: str
    station: str
    version: int
    complaint_no: str
    received_at: str
    channel: str
    complainant: str  # masked
    case_no: str | None
    about: str
    due: str
    state: str
    feedback: str | None
    closed_at: str | None


COLUMNS = tuple(CountyComplaint.__dataclass_fields__)
UPSERT = projections.upsert("complaints", "complaint_uuid", COLUMNS)


def project(uuid: str, station: str, version: int, data: Any) -> CountyComplaint | None:
    """The row of a complaint record (`data` as JSON text or parsed), or None if it lacks
    what the list needs."""
    data = projections.document(data)
    if data is None:
        return None
    number = read_text(data.get("complaint_no"), 32)
    received_at = read_text(data.get("received_at"), 32)
    due = read_day(data.get("due"))
    if number is None or received_at is None or read_day(received_at) is None or due is None:
        return None
    return CountyComplaint(
        complaint_uuid=uuid,
        station=station,
        version=version,
        complaint_no=number,
        received_at=received_at,
        channel=read_text(data.get("channel"), 16) or "other",
        complainant=mask_name(read_text(data.get("name"), 60) or ""),
        case_no=read_text(data.get("case_no"), 64),
        about=read_text(data.get("about"), 500) or "",
        due=due,
        state=read_text(data.get("state"), 16) or "received",
        feedback=read_text(data.get("feedback"), 32),
        closed_at=read_text(data.get("closed_at"), 32),
    )


def from_rows(rows: Sequence[Sequence[Any]]) -> list[CountyComplaint]:
    """The rows of a batch's `records` rows (uuid, type, station, source, version, day, data,
    …) that are complaints."""
    found = []
    for row in rows:
        if row[1] == "complaint":
            complaint = project(row[0], row[2], row[4], row[6])
            if complaint is not None:
                found.append(complaint)
    return found


def store(tx: Tx, complaints: Sequence[CountyComplaint]) -> None:
    """Insert or update the rows (an older version never replaces a newer one)."""
    if complaints:
        tx.executemany(UPSERT, [astuple(c) for c in complaints])


@dataclass(frozen=True)
class Listed:
    """A complaint as the county's page shows it."""

    row: CountyComplaint
    station_name: str
    overdue: bool

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.row.channel, self.row.channel)

    @property
    def state_label(self) -> str:
        return STATES.get(self.row.state, self.row.state)

    @property
    def feedback_label(self) -> str:
        return FEEDBACK.get(self.row.feedback or "", "")


def listing(
    db: Database, today: date, station: str | None = None, open_only: bool = False
) -> list[Listed]:
    """The county's complaints, per station: open ones first by deadline, then closed ones,
    newest first. Overdue: open after its deadline day, or closed after it."""
    where, params = [], []
    if station:
        where.append("c.station = ?")
        params.append(station)
    if open_only:
        where.append("c.closed_at IS NULL")
    sql = (
        f"SELECT {', '.join('c.' + column for column in COLUMNS)}, s.name FROM complaints AS c "
        "LEFT JOIN stations AS s ON s.code = c.station"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.station, c.closed_at IS NOT NULL, "
        "CASE WHEN c.closed_at IS NULL THEN c.due ELSE '' END, c.received_at DESC LIMIT 2000"
    )
    with db.transaction(write=False) as tx:
        rows = tx.all(sql, tuple(params))
    found = []
    for *values, name in rows:
        row = CountyComplaint(*values)
        overdue = (row.closed_at or "")[:10] > row.due or (
            row.closed_at is None and today.isoformat() > row.due
        )
        found.append(Listed(row, name or row.station, overdue))
    return found
