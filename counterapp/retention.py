"""Personal data kept no longer than needed (PIPL art. 19): the retention period.

A case finished at the station (办结, 已转报上级, 关闭/撤销) keeps its applicant's and agent's
personal fields for `retention.years` years (default 3) after it last changed; then they are
erased: names masked (张*三), ID numbers masked (3701**********123X), phones removed. The
case itself stays, with its items, materials, rating and events, so every count of the
ledger (台账) and the reports stays as it was. The copies go too: the same values in the
case's events (a printed slip's content carries the applicant's name) and in its print
records; a slip still kept for printing loses its PDF and is taken off the list.

The seeds name no retention rule for stations. Three years is this program's choice: the
station is the front desk, the county keeps the case file (the hub has every case), and a
citizen who comes back within three years is still found by name and ID number. A county
may set another period (`counterapp retention --years N`, at least 1).

A case whose changes still wait for upload is not erased (the county would receive the
masked data): it is erased once its upload is acknowledged. Runs at start-up and when a day
is closed, in one transaction, journalled with the count and the cut-off (never a name);
secure_delete is on meanwhile, and the WAL is checkpointed after, so the old values are not
left in free pages or the log. Backups made before (kept N, `store.backups_kept`) still hold
them until they are pruned.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from counterapp import journal
from counterapp.clock import Clock, stamp
from counterapp.privacy import mask_id_number, mask_name
from db.settings import Settings
from db.store import Store

YEARS_SETTING = "retention.years"
DEFAULT_YEARS = 3
FINISHED_STATES = ("completed", "forwarded", "closed")
PERSONAL = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "agent_name",
    "agent_id_number",
    "agent_phone",
)
DROP_REASON = "保存期满，个人信息已删除"


class Erasure(NamedTuple):
    cases: int
    cutoff: str  # cases last changed before this moment were due


def years(settings: Settings) -> int:
    return max(1, int(settings.get(YEARS_SETTING, DEFAULT_YEARS)))


def set_years(settings: Settings, value: int) -> None:
    if value < 1:
        raise ValueError("个人信息保存期限至少为1年")
    settings.set(YEARS_SETTING, value)


def cutoff(now: datetime, years_kept: int) -> datetime:
    """`years_kept` years before `now` (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years_kept)
    except ValueError:
        return now.replace(year=now.year - years_kept, day=28)


def _masked(column: str, value: str) -> str:
    if column.endswith("_name"):
        return mask_name(value)
    if column.endswith("_id_number"):
        return mask_id_number(value)
    return ""  # phones are removed


def _scrub(value: Any, replace: dict[str, str]) -> Any:
    """`value` (parsed JSON) with every string equal to a personal value replaced."""
    if isinstance(value, str):
        return replace.get(value.strip(), value)
    if isinstance(value, list):
        return [_scrub(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, replace) for key, item in value.items()}
    return value


def _scrub_text(text: str | None, replace: dict[str, str]) -> str | None:
    if text is None:
        return None
    return json.dumps(_scrub(json.loads(text), replace), ensure_ascii=False, sort_keys=True)


def erase_expired(store: Store, clock: Clock) -> Erasure:
    """Erase the personal fields of every case past the retention period (see the module)."""
    now = clock.now()
    due = stamp(cutoff(now, years(Settings(store))))
    rows = store.all(
        f"SELECT id, uuid, {', '.join(PERSONAL)} FROM cases AS c "
        "WHERE personal_erased_at IS NULL AND updated_at < ? "
        f"AND state IN ({', '.join('?' * len(FINISHED_STATES))}) "
        "AND NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = c.uuid "
        "AND o.acked_at IS NULL)",
        (due, *FINISHED_STATES),
    )
    if not rows:
        return Erasure(0, due)
    store.execute("PRAGMA secure_delete = ON")
    try:
        with store.transaction():
            store.execute("INSERT INTO erasing (id) VALUES (1)")
            for row in rows:
                _erase_case(store, row, stamp(now))
            store.execute("DELETE FROM erasing")
            journal.record(
                store,
                subject="station",
                subject_uuid="retention",
                kind="personal_data_erased",
                at=stamp(now),
                data={
                    "cases": len(rows),
                    "last_changed_before": due,
                    "years": years(Settings(store)),
                },
            )
    finally:
        store.execute("PRAGMA secure_delete = OFF")
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Erasure(len(rows), due)


def _erase_case(store: Store, row: Any, now: str) -> None:
    values = {column: row[column] for column in PERSONAL}
    replace = {
        str(value).strip(): _masked(column, str(value))
        for column, value in values.items()
        if value and str(value).strip()
    }
    store.execute(
        f"UPDATE cases SET {', '.join(f'{c} = ?' for c in PERSONAL)}, personal_erased_at = ? "
        "WHERE id = ?",
        (
            *(
                None if value is None else _masked(column, str(value))
                for column, value in values.items()
            ),
            now,
            row["id"],
        ),
    )
    for event_id, data in store.all(
        "SELECT id, data FROM events WHERE subject_uuid = ?", (row["uuid"],)
    ):
        scrubbed = _scrub_text(data, replace)
        if scrubbed != data:
            store.execute("UPDATE events SET data = ? WHERE id = ?", (scrubbed, event_id))
    for print_id, content in store.all(
        "SELECT id, slip_content FROM slip_prints WHERE case_id = ? AND slip_content IS NOT NULL",
        (row["id"],),
    ):
        store.execute(
            "UPDATE slip_prints SET slip_content = ? WHERE id = ?",
            (_scrub_text(content, replace), print_id),
        )
    for kept_id, content in store.all(
        "SELECT id, slip_content FROM unprinted_slips WHERE case_id = ?", (row["id"],)
    ):
        store.execute(
            "UPDATE unprinted_slips SET pdf = x'', slip_content = ? WHERE id = ?",
            (_scrub_text(content, replace), kept_id),
        )
    store.execute(
        "UPDATE unprinted_slips SET dropped_at = ?, drop_reason = ? WHERE case_id = ? "
        "AND printed_at IS NULL AND dropped_at IS NULL",
        (now, DROP_REASON, row["id"]),
    )
