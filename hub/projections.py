"""What the county's read models share (the inbox's `forwarded`, supervision's `follow_ups`,
the complaints list's `complaints`, the ledger's `ledger_rows`): each keeps one row per
record at the record's newest version, projected from its data in the batch's own
transaction, and fills itself once from the records an upgraded hub already held."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from hub.db import Database, Tx

Row = TypeVar("Row")


def upsert(table: str, key: str, columns: Sequence[str]) -> str:
    """INSERT of one row of `columns` (with `key`, `station` and `version`) that replaces a
    held row only with a newer version of the same station's record."""
    values = f"VALUES ({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) {values}{_newer(table, key, columns)}"


def merge(table: str, key: str, columns: Sequence[str], source: str) -> str:
    """`upsert` of every row of the table `source` (its rows unique by `key`)."""
    rows = f"SELECT {', '.join(columns)} FROM {source} WHERE true"  # SQLite: WHERE before ON
    return f"INSERT INTO {table} ({', '.join(columns)}) {rows}{_newer(table, key, columns)}"


def _newer(table: str, key: str, columns: Sequence[str]) -> str:
    """The conflict clause: a held row takes every column but its key and station from a
    newer version of the same station's record."""
    keys = {part.strip() for part in key.split(",")}
    kept = ", ".join(
        f"{column} = excluded.{column}" for column in columns if column not in keys | {"station"}
    )
    return (
        f" ON CONFLICT ({key}) DO UPDATE SET {kept} "
        f"WHERE excluded.version > {table}.version AND {table}.station = excluded.station"
    )


def document(data: Any) -> dict[str, Any] | None:
    """A record's data as stored (JSON text, or already parsed) as a dict; None if it is not
    one."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
            return None
    return data if isinstance(data, dict) else None


def backfill(
    db: Database,
    record_type: str,
    project: Callable[[str, str, int, Any], Row | None],
    store: Callable[[Tx, list[Row]], None],
    condition: str = "",
    chunk: int = 2000,
) -> int:
    """Project every held record of `record_type` (and `condition`, SQL over `records`), a
    chunk per transaction; returns how many rows were projected."""
    done, last = 0, 0
    while True:
        with db.transaction() as tx:
            rows = tx.all(
                f"SELECT id, uuid, station, version, data FROM records "
                f"WHERE type = ? AND id > ? {condition} ORDER BY id LIMIT ?",
                (record_type, last, chunk),
            )
            if not rows:
                return done
            found = [
                row
                for _, uuid, station, version, data in rows
                if (row := project(uuid, station, int(version), data)) is not None
            ]
            store(tx, found)
            done += len(found)
            last = int(rows[-1][0])
