"""Personal data kept no longer than needed (PIPL art. 19): the retention period.

Three kinds of rows hold a citizen's personal data, and each keeps it for `retention.years`
years (default 3) after it was finished; then it is erased — names masked (张*三), ID numbers
masked (3701**********123X), phones removed — while the row itself stays, so every count,
date and state of the ledger (台账) and the reports stays as it was. The row then says when
(`personal_erased_at`, station migrations 0010 and 0013) and is never taken again:

- a case finished at the station (办结, 已转报上级, 关闭/撤销), after it last changed: its
  applicant's and agent's fields, and their copies in the case's events (a printed slip's
  content carries the applicant's name) and print records; a slip still kept for printing
  loses its PDF and is taken off the list;
- a complaint closed (已办结) that long ago: the complainant's name, ID number and phone, and
  where the clerk typed them into its free texts (the complaint, its result, the handling
  notes in its events);
- a person on the watch list (监测台账) no longer on the county's list (`listed` = 0), listed
  last and last contacted that long ago: the name and ID number, in the person's row and in
  the contacts (the ID number is the key that links them; two masked alike are told apart by
  a suffix, `-2`, since the key must stay unique), and in a contact's typed note.

The seeds name no retention rule for stations. Three years is this program's choice: the
station is the front desk, the county keeps the file (the hub has every case, complaint and
contact), and a citizen who comes back within three years is still found by name and ID
number. A county may set another period (`counterapp retention --years N`, at least 1).

A row whose changes still wait for upload is not erased (the county would receive the masked
data): it is erased once its upload is acknowledged — for a watch-list person, once every one
of their contacts is. Runs at start-up and when a day is closed, in one transaction,
journalled with the count of each kind and the cut-off (never a name); secure_delete is on
meanwhile, and the WAL is checkpointed after, so the old values are not left in free pages or
the log. Backups made before (kept N, `store.backups_kept`) still hold them until they are
pruned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
# No outbox row of the record waits for an acknowledgement (`uuid` names the record's column).
_UPLOADED = (
    "NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = {uuid} AND o.acked_at IS NULL)"
)


class Erasure(NamedTuple):
    cases: int
    cutoff: str  # rows finished before this moment were due
    complaints: int = 0
    watch_people: int = 0

    @property
    def total(self) -> int:
        return self.cases + self.complaints + self.watch_people

    @property
    def summary(self) -> str:
        return (
            f"{self.cases} cases, {self.complaints} complaints and "
            f"{self.watch_people} watch-list people"
        )


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
    if column.endswith("name"):
        return mask_name(value)
    if column.endswith("id_number"):
        return mask_id_number(value)
    return ""  # phones are removed


def _replacements(values: dict[str, Any]) -> dict[str, str]:
    """Each personal value (column → value) → what it becomes."""
    return {
        str(value).strip(): _masked(column, str(value))
        for column, value in values.items()
        if value and str(value).strip()
    }


def _scrub(value: Any, fix: Callable[[str], str]) -> Any:
    """`value` (parsed JSON) with `fix` applied to every string in it."""
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, list):
        return [_scrub(item, fix) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, fix) for key, item in value.items()}
    return value


def _scrub_text(text: str | None, fix: Callable[[str], str]) -> str | None:
    if text is None:
        return None
    return json.dumps(_scrub(json.loads(text), fix), ensure_ascii=False, sort_keys=True)


def _equal_to(replace: dict[str, str]) -> Callable[[str], str]:
    """A string that is a personal value (a field copied whole) → its erased form."""
    return lambda text: replace.get(text.strip(), text)


def _within(replace: dict[str, str]) -> Callable[[str], str]:
    """Every personal value inside a typed text → its erased form (longest first; a
    one-character name is left, it would hit every other use of that character)."""

    def fix(text: str) -> str:
        for value in sorted(replace, key=len, reverse=True):
            if len(value) > 1:
                text = text.replace(value, replace[value])
        return text

    return fix


def _scrub_events(store: Store, uuid: str, fix: Callable[[str], str]) -> None:
    for event_id, data in store.all("SELECT id, data FROM events WHERE subject_uuid = ?", (uuid,)):
        scrubbed = _scrub_text(data, fix)
        if scrubbed != data:
            store.execute("UPDATE events SET data = ? WHERE id = ?", (scrubbed, event_id))


def erase_expired(store: Store, clock: Clock) -> Erasure:
    """Erase the personal fields of every row past the retention period (see the module)."""
    now = clock.now()
    kept = years(Settings(store))
    due = stamp(cutoff(now, kept))
    cases = store.all(
        f"SELECT id, uuid, {', '.join(PERSONAL)} FROM cases AS c "
        "WHERE personal_erased_at IS NULL AND updated_at < ? "
        f"AND state IN ({', '.join('?' * len(FINISHED_STATES))}) AND "
        + _UPLOADED.format(uuid="c.uuid"),
        (due, *FINISHED_STATES),
    )
    complaints = store.all(
        "SELECT id, uuid, name, id_number, phone, about, result FROM complaints AS p "
        "WHERE personal_erased_at IS NULL AND state = 'closed' AND closed_at < ? AND "
        + _UPLOADED.format(uuid="p.uuid"),
        (due,),
    )
    # a contact still to be acknowledged, or written since the cut-off, keeps its person whole
    people = store.all(
        "SELECT id_number, name FROM watch_people AS p WHERE personal_erased_at IS NULL "
        "AND listed = 0 AND received_at < ? AND NOT EXISTS (SELECT 1 FROM watch_contacts AS c "
        "WHERE c.id_number = p.id_number AND (c.recorded_at >= ? OR NOT "
        + _UPLOADED.format(uuid="c.uuid")
        + "))",
        (due, due),
    )
    if not (cases or complaints or people):
        return Erasure(0, due)
    erased = Erasure(len(cases), due, len(complaints), len(people))
    store.execute("PRAGMA secure_delete = ON")
    try:
        with store.transaction():
            store.execute("INSERT INTO erasing (id) VALUES (1)")
            store.execute("PRAGMA defer_foreign_keys = ON")  # a person's key changes
            for row in cases:
                _erase_case(store, row, stamp(now))
            for row in complaints:
                _erase_complaint(store, row, stamp(now))
            for row in people:
                _erase_watch_person(store, row, stamp(now))
            store.execute("DELETE FROM erasing")
            journal.record(
                store,
                subject="station",
                subject_uuid="retention",
                kind="personal_data_erased",
                at=stamp(now),
                data={
                    "cases": erased.cases,
                    "complaints": erased.complaints,
                    "watch_people": erased.watch_people,
                    "last_changed_before": due,
                    "years": kept,
                },
            )
    finally:
        store.execute("PRAGMA secure_delete = OFF")
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return erased


def _erase_case(store: Store, row: Any, now: str) -> None:
    values = {column: row[column] for column in PERSONAL}
    fix = _equal_to(_replacements(values))
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
    _scrub_events(store, row["uuid"], fix)
    for print_id, content in store.all(
        "SELECT id, slip_content FROM slip_prints WHERE case_id = ? AND slip_content IS NOT NULL",
        (row["id"],),
    ):
        store.execute(
            "UPDATE slip_prints SET slip_content = ? WHERE id = ?",
            (_scrub_text(content, fix), print_id),
        )
    for kept_id, content in store.all(
        "SELECT id, slip_content FROM unprinted_slips WHERE case_id = ?", (row["id"],)
    ):
        store.execute(
            "UPDATE unprinted_slips SET pdf = x'', slip_content = ? WHERE id = ?",
            (_scrub_text(content, fix), kept_id),
        )
    store.execute(
        "UPDATE unprinted_slips SET dropped_at = ?, drop_reason = ? WHERE case_id = ? "
        "AND printed_at IS NULL AND dropped_at IS NULL",
        (now, DROP_REASON, row["id"]),
    )


def _erase_complaint(store: Store, row: Any, now: str) -> None:
    """The complainant's fields, and the same values wherever the clerk typed them."""
    fix = _within(_replacements({c: row[c] for c in ("name", "id_number", "phone")}))
    store.execute(
        "UPDATE complaints SET name = ?, id_number = ?, phone = '', about = ?, result = ?, "
        "personal_erased_at = ? WHERE id = ?",
        (
            mask_name(row["name"]),
            None if row["id_number"] is None else mask_id_number(row["id_number"]),
            fix(row["about"]),
            None if row["result"] is None else fix(row["result"]),
            now,
            row["id"],
        ),
    )
    _scrub_events(store, row["uuid"], fix)


def _erase_watch_person(store: Store, row: Any, now: str) -> None:
    """The person's name and ID number (the key of their contacts, changed with it)."""
    number = row["id_number"]
    masked = key = mask_id_number(number)
    suffix = 1
    while store.scalar("SELECT 1 FROM watch_people WHERE id_number = ?", (key,)):
        suffix += 1
        key = f"{masked}-{suffix}"
    fix = _within(_replacements({"name": row["name"], "id_number": number}))
    store.execute(
        "UPDATE watch_people SET id_number = ?, name = ?, personal_erased_at = ? "
        "WHERE id_number = ?",
        (key, mask_name(row["name"]), now, number),
    )
    for contact_id, note in store.all(
        "SELECT id, note FROM watch_contacts WHERE id_number = ?", (number,)
    ):
        store.execute(
            "UPDATE watch_contacts SET id_number = ?, note = ? WHERE id = ?",
            (key, None if note is None else fix(note), contact_id),
        )
