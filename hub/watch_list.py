"""The county's watch list (监测台账) on the hub: versions uploaded and published by a county
clerk, each station's people sent down at sync, and the follow-up contacts stations send up.

- `stage`: an upload read and checked (`hub.watch_upload`); with no problem it is kept as a
  draft version, else nothing is kept and every problem is listed.
- `publish`: a draft becomes the list; a draft older than the list already published cannot
  (the feed's cursor is the version's id, so it only moves forward).
- `published_for`: the feed (`GET /v1/watch-list?after=…`): the newest published version
  after the cursor with the asking station's people only — an empty list when it has none,
  so people dropped from the list leave the station's list too.
- contacts: `watch_contact` records are projected into `watch_contacts` in the batch's
  transaction (`from_rows`, `store`), shown per person on the workbench.

Names and ID numbers are the citizens' data: lists show them masked (`counterapp.privacy`);
a person's page shows them in full and is journalled (`view_watch_person`), as a case's is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from counterapp.privacy import mask_id_number, mask_name
from counterapp.watch_rules import yuan
from hub import audit, watch_upload
from hub.db import Database, Tx


class WatchProblem(ValueError):
    """Refused; `problems` lists every reason, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Version:
    id: int
    filename: str
    people: int
    uploaded_by: str
    uploaded_at: str
    published_by: str | None
    published_at: str | None


@dataclass(frozen=True)
class Draft:
    version: Version
    by_station: list[tuple[str, str, int]]  # (code, name, people)
    by_category: dict[str, int]
    sample: list[Row]  # the first people, masked


class Row(NamedTuple):
    """A person as lists show them: masked."""

    list_id: int
    row_no: int
    station: str
    name: str  # masked
    id_number: str  # masked
    category: str
    cost: str  # yuan, "12,345.60"
    area: str
    contacts: int
    last_contact: str | None


class Contact(NamedTuple):
    station: str
    contacted_at: str
    method: str
    content: str
    note: str
    clerk: str


@dataclass(frozen=True)
class PersonDetail:
    list_id: int
    row_no: int
    station: str
    station_name: str
    name: str
    id_number: str
    category: str
    cost: str
    area: str
    contacts: list[Contact]


_VERSION = (
    "SELECT id, filename, people, uploaded_by, uploaded_at, published_by, published_at "
    "FROM watch_lists"
)


def _version(row: tuple[Any, ...]) -> Version:
    return Version(int(row[0]), row[1], int(row[2]), *row[3:])


def stations(db: Database) -> dict[str, str]:
    """Each registered station's code and name → its code (what an upload may name)."""
    with db.transaction(write=False) as tx:
        rows = tx.all("SELECT code, name FROM stations WHERE revoked_at IS NULL")
    found = {name: code for code, name in rows}
    found.update({code: code for code, _ in rows})
    return found


def stage(db: Database, raw: bytes, filename: str, by: str, now: str, today: date) -> Draft:
    """Check an upload and keep it as a draft; WatchProblem lists every problem (nothing
    kept then)."""
    try:
        checked = watch_upload.read(raw, filename, stations(db), today)
    except watch_upload.UploadRefused as exc:
        raise WatchProblem(exc.problems) from None
    if checked.problems:
        raise WatchProblem(checked.problems)
    with db.transaction() as tx:
        list_id = int(
            tx.scalar(
                "INSERT INTO watch_lists (sha256, filename, people, uploaded_by, uploaded_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (hashlib.sha256(raw).hexdigest(), filename, len(checked.people), by, now),
            )
        )
        tx.executemany(
            "INSERT INTO watch_people (list_id, row_no, station, id_number, name, category, "
            "cost_fen, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(list_id, *person) for person in checked.people],
        )
    return draft(db, list_id)


def draft(db: Database, list_id: int) -> Draft:
    with db.transaction(write=False) as tx:
        row = tx.one(_VERSION + " WHERE id = ?", (list_id,))
        if row is None:
            raise WatchProblem(["没有找到这份名单。"])
        counts = tx.all(
            "SELECT p.station, coalesce(s.name, p.station), count(*) FROM watch_people AS p "
            "LEFT JOIN stations AS s ON s.code = p.station WHERE p.list_id = ? "
            "GROUP BY p.station, s.name ORDER BY p.station",
            (list_id,),
        )
        categories = tx.all(
            "SELECT category, count(*) FROM watch_people WHERE list_id = ? GROUP BY category",
            (list_id,),
        )
    return Draft(
        _version(row),
        [(code, name, int(n)) for code, name, n in counts],
        {category: int(n) for category, n in categories},
        people(db, list_id, limit=20),
    )


def publish(db: Database, list_id: int, by: str, now: str, address: str) -> Version:
    """Make a draft the county's list; the stations take it at their next sync."""
    with db.transaction() as tx:
        row = tx.one(_VERSION + " WHERE id = ?", (list_id,))
        if row is None or row[6] is not None:
            raise WatchProblem(["没有找到待发布的名单（可能已发布），请重新上传。"])
        newer = tx.scalar(
            "SELECT max(id) FROM watch_lists WHERE published_at IS NOT NULL AND id > ?",
            (list_id,),
        )
        if newer is not None:
            raise WatchProblem(["此后已发布了更新的名单：这份草稿已过时，请重新上传。"])
        tx.execute(
            "UPDATE watch_lists SET published_by = ?, published_at = ? WHERE id = ?",
            (by, now, list_id),
        )
        audit.record(
            tx,
            now,
            by,
            "watch_list_published",
            detail=f"监测台账第{list_id}版，{row[2]}人",
            address=address,
        )
    return _version((*row[:5], by, now))


def versions(db: Database) -> list[Version]:
    with db.transaction(write=False) as tx:
        return [_version(r) for r in tx.all(_VERSION + " ORDER BY id DESC LIMIT 20")]


def current(db: Database) -> Version | None:
    with db.transaction(write=False) as tx:
        row = tx.one(_VERSION + " WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT 1")
    return None if row is None else _version(row)


def people(db: Database, list_id: int, station: str = "", limit: int = 500) -> list[Row]:
    """The people of a version (of one station, if given), highest cost first, masked, with
    the contacts received for each."""
    where, params = "p.list_id = ?", list[Any]([list_id])
    if station:
        where += " AND p.station = ?"
        params.append(station)
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT p.list_id, p.row_no, p.station, p.name, p.id_number, p.category, "
            "p.cost_fen, p.area, count(c.uuid), max(c.contacted_at) FROM watch_people AS p "
            "LEFT JOIN watch_contacts AS c ON c.id_number = p.id_number "
            "AND c.station = p.station "
            f"WHERE {where} GROUP BY p.list_id, p.row_no, p.station, p.name, p.id_number, "
            "p.category, p.cost_fen, p.area ORDER BY p.cost_fen DESC, p.row_no LIMIT ?",
            (*params, limit),
        )
    return [
        Row(
            int(r[0]),
            int(r[1]),
            r[2],
            mask_name(r[3]),
            mask_id_number(r[4]),
            r[5],
            yuan(int(r[6])),
            r[7],
            int(r[8]),
            r[9],
        )
        for r in rows
    ]


def person(
    db: Database, list_id: int, row_no: int, by: str, now: str, address: str
) -> PersonDetail | None:
    """One person in full with the contacts received; the view is journalled."""
    with db.transaction() as tx:
        row = tx.one(
            "SELECT p.station, coalesce(s.name, p.station), p.name, p.id_number, p.category, "
            "p.cost_fen, p.area FROM watch_people AS p LEFT JOIN stations AS s "
            "ON s.code = p.station WHERE p.list_id = ? AND p.row_no = ?",
            (list_id, row_no),
        )
        if row is None:
            return None
        found = tx.all(
            "SELECT station, contacted_at, method, content, coalesce(note, ''), "
            "coalesce(clerk, '') FROM watch_contacts WHERE id_number = ? AND station = ? "
            "ORDER BY contacted_at DESC",
            (row[3], row[0]),
        )
        audit.record(
            tx,
            now,
            by,
            "view_watch_person",
            detail=f"监测台账第{list_id}版第{row_no}行 {mask_id_number(row[3])}",
            address=address,
        )
    return PersonDetail(
        list_id,
        row_no,
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        yuan(int(row[5])),
        row[6],
        [Contact(*c) for c in found],
    )


def summary(db: Database, list_id: int) -> dict[str, int]:
    """People, people contacted at least once, contacts received: for the page's head."""
    with db.transaction(write=False) as tx:
        total = int(tx.scalar("SELECT count(*) FROM watch_people WHERE list_id = ?", (list_id,)))
        reached = int(
            tx.scalar(
                "SELECT count(*) FROM watch_people AS p WHERE p.list_id = ? AND EXISTS "
                "(SELECT 1 FROM watch_contacts AS c WHERE c.id_number = p.id_number "
                "AND c.station = p.station)",
                (list_id,),
            )
        )
    return {"people": total, "reached": reached}


# --- the feed down ----------------------------------------------------------------------------
def published_for(db: Database, station: str, after: int) -> list[dict[str, Any]]:
    """The newest list published after the cursor, with this station's people (or none)."""
    with db.transaction(write=False) as tx:
        row = tx.one(
            "SELECT id, published_at FROM watch_lists WHERE published_at IS NOT NULL "
            "AND id > ? ORDER BY id DESC LIMIT 1",
            (after,),
        )
        if row is None:
            return []
        found = tx.all(
            "SELECT id_number, name, category, cost_fen, area FROM watch_people "
            "WHERE list_id = ? AND station = ? ORDER BY row_no",
            (row[0], station),
        )
    return [
        {
            "id": int(row[0]),
            "published_at": row[1],
            "people": [
                {
                    "id_number": r[0],
                    "name": r[1],
                    "category": r[2],
                    "cost_fen": int(r[3]),
                    "area": r[4],
                }
                for r in found
            ],
        }
    ]


# --- contacts up ------------------------------------------------------------------------------
ContactRow = tuple[str, str, str, int | None, str, str, str, str | None, str | None, str]
_TEXT_MAX = 200


def from_rows(rows: Sequence[Sequence[Any]], now: str) -> list[ContactRow]:
    """The contacts among a batch's `records` rows (uuid, type, station, source, version,
    day, data, …), as rows of `watch_contacts`; a malformed one is left in `records` only."""
    found: list[ContactRow] = []
    for row in rows:
        if row[1] != "watch_contact":
            continue
        try:
            data = json.loads(row[6])
        except ValueError:
            continue  # the database refuses the batch for it
        if not isinstance(data, dict):
            continue
        texts = [data.get(key) for key in ("id_number", "contacted_at", "method", "content")]
        if not all(isinstance(t, str) and 0 < len(t) <= _TEXT_MAX for t in texts):
            continue
        note, clerk, listed = data.get("note"), data.get("clerk"), data.get("list")
        found.append(
            (
                row[0],
                row[2],
                str(texts[0]),
                listed if isinstance(listed, int) and not isinstance(listed, bool) else None,
                str(texts[1]),
                str(texts[2]),
                str(texts[3]),
                note[:_TEXT_MAX] if isinstance(note, str) else None,
                clerk[:_TEXT_MAX] if isinstance(clerk, str) else None,
                now,
            )
        )
    return found


def store(tx: Tx, contacts: Sequence[ContactRow]) -> None:
    """A contact is never edited at the station (version 1): the first copy stays."""
    if contacts:
        tx.executemany(
            "INSERT INTO watch_contacts (uuid, station, id_number, list_id, contacted_at, "
            "method, content, note, clerk, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (uuid) DO NOTHING",
            list(contacts),
        )
