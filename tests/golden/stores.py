"""Stores of earlier schema versions for the upgrade test (tests/data/stores/schema-NNNN.db).

`schema-0001`, `0003` and `0004` were written by the program of their time (demo stations).
No released program ever wrote schema 2 (0002 and 0003 arrived in one commit), and 0005 to
0011 came after the last fixture; those are made here from the fixture one version
below: a copy, then migration N applied exactly as sqlite-utils applies it in the program
(the migration set cut at N, so the `_sqlite_migrations` row and `user_version` are the
real ones), then a few rows in what migration N added, written as the program of schema N
writes them (the columns and values of that version, which never change once released):

- 2: slip prints — a notice, its reprint (补打) with a reason, a receipt and a ticket;
- 5: a ticket ended without a case (`consulted`, with its reason, events and outbox rows);
- 6: slips that did not print — one still kept, one printed later, one dropped with a reason;
- 7: a notice printed with the content its version-2 code covers (and its kept slip);
- 8: clerk accounts — an admin with a PIN hash, a clerk locked out, one deactivated;
- 9: the queue host's access keys (one revoked) and clerk sessions (one ended, one open);
- 10: the first day's rows sent by USB file and acknowledged, then a start-up three years on
  (the default retention period): the day left open closed, and the finished cases among the
  acknowledged ones erased by retention (names and ID numbers masked, phones removed,
  `personal_erased_at` set, their events' and slips' copies scrubbed), journalled. The cases
  still waiting for upload keep their personal fields, as the program keeps them;
- 11: complaints — one about a case and its clerk, noted and closed with feedback, one from
  the 12345 hotline still open, journalled and queued;
- 12: the watch list (监测台账) — two people, one dropped by a later list; a contact queued
  for the hub and one recorded before the hub took contacts.

`python -m tests.golden store 2 5 6 7 8 9 10 11 12` rebuilds them (a deliberate act; the file
changes).

The stores stay **plain** (unsealed SQLite), though the program of schema 10 seals every
store it makes: a store of schema 1 to 9 on a station's PC is plain, and the program seals it
once on opening (`counterapp.store_key`), so plain fixtures are what an upgrade meets; both
upgrade tests (tests/test_store.py, tests/test_sealed_store.py) open each fixture through the
program and check it comes out sealed with every row kept. A sealed fixture would need its key
in the tests' keyring and could not be read or rebuilt with sqlite3 here; the sealing itself
changes no row, which those tests check. (A schema-10 store made by the program is sealed;
this one stands for a PC allowed to run unsealed, and for the rows it holds.)
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db import migrations

STORES = Path(__file__).resolve().parent.parent / "data" / "stores"


def path_of(version: int) -> Path:
    return STORES / f"schema-{version:04d}.db"


def _apply_up_to(path: Path, version: int) -> None:
    """Migrations 1..version, as the program that had `version` as its newest applied them."""
    import sqlite_utils
    from sqlite_utils import Migrations

    cut = Migrations("counterapp-station")
    for number, name, sql in migrations.scripts()[:version]:
        cut(name=name)(migrations._step(number, sql))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        cut.apply(sqlite_utils.Database(conn))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        conn.close()


def _last(conn: sqlite3.Connection, sql: str) -> int:
    value = conn.execute(sql).fetchone()[0]
    assert value is not None, sql
    return int(value)


def _fill_2(conn: sqlite3.Connection) -> None:
    """Slip prints of the fixture's cases: the notice of a case, reprinted; a receipt; a
    queue ticket."""
    case_id, clerk, opened = conn.execute(
        "SELECT id, owner_clerk_id, opened_at FROM cases ORDER BY id LIMIT 1"
    ).fetchone()
    accepted_id, accepted_clerk, accepted_at = conn.execute(
        "SELECT id, owner_clerk_id, accepted_at FROM cases WHERE accepted_at IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    ticket_id, issued = conn.execute(
        "SELECT id, issued_at FROM tickets ORDER BY id DESC LIMIT 1"
    ).fetchone()
    rows = [
        ("notice", case_id, None, "a4", opened, clerk, 0, None, "QKXM7T2A"),
        ("notice", case_id, None, "a4", opened, clerk, 1, "办事人遗失，补打", "QKXM7T2A"),
        ("receipt", accepted_id, None, "roll80", accepted_at, accepted_clerk, 0, None, "B4RN5WZE"),
        ("ticket", None, ticket_id, "roll80", issued, None, 0, None, None),
    ]
    conn.executemany(
        "INSERT INTO slip_prints (kind, case_id, ticket_id, layout, printed_at, clerk_id, "
        "is_reprint, reason, verification_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _fill_5(conn: sqlite3.Connection) -> None:
    """A citizen who only asked: a normal ticket called and ended without a case."""
    day, clerk, window = conn.execute(
        "SELECT day, clerk_id, window_no FROM tickets WHERE clerk_id IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    number = (
        _last(conn, f"SELECT max(number) FROM tickets WHERE day = '{day}' AND lane = 'normal'") + 1
    )
    uuid = "5c0a5e11-7d3b-4c55-9c4e-000000000005"
    issued, called, ended = (
        f"{day}T11:40:00+08:00",
        f"{day}T11:41:00+08:00",
        f"{day}T11:43:00+08:00",
    )
    reason = "仅咨询政策"
    conn.execute(
        "INSERT INTO tickets (uuid, day, lane, number, code, status, window_no, clerk_id, "
        "issued_at, queued_at, called_at, finished_at, recalls, version, mirror, end_reason) "
        "VALUES (?, ?, 'normal', ?, ?, 'consulted', ?, ?, ?, ?, ?, ?, 0, 3, 0, ?)",
        (uuid, day, number, f"A{number:03d}", window, clerk, issued, issued, called, ended, reason),
    )
    events = [
        (issued, None, "issued", {"lane": "normal", "reason": None}),
        (called, clerk, "called", {}),
        (ended, clerk, "ended_without_case", {"reason": reason}),
    ]
    for version, (at, who, kind, data) in enumerate(events, start=1):
        conn.execute(
            "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) "
            "VALUES (?, ?, 'ticket', ?, ?, ?)",
            (at, who, uuid, kind, json.dumps(data, ensure_ascii=False, sort_keys=True)),
        )
        conn.execute(
            "INSERT INTO outbox (record_type, record_uuid, record_version, "
            "enqueued_at) VALUES ('ticket', ?, ?, ?)",
            (uuid, version, at),
        )


def _pdf(title: str) -> bytes:
    """A one-page PDF as a kept slip holds one (reportlab, without a date inside)."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(226.8, 340.2), invariant=True)
    canvas.drawString(20, 300, title)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fill_6(conn: sqlite3.Connection) -> None:
    """Slips that did not print: one kept, one printed later (with its print), one dropped."""
    cases = conn.execute(
        "SELECT id, owner_clerk_id, opened_at, day FROM cases "
        "WHERE accepted_at IS NOT NULL ORDER BY id DESC LIMIT 3"
    ).fetchall()
    (
        (kept_id, kept_clerk, kept_at, _),
        (printed_id, printed_clerk, printed_kept, day),
        (dropped_id, dropped_clerk, dropped_kept, _),
    ) = cases
    failure = "打印机“PDF”已暂停"
    insert = (
        "INSERT INTO unprinted_slips (kind, case_id, layout, clerk_id, verification_code, "
        "pdf, failure, kept_at, saved_to, printed_at, print_id, dropped_at, "
        "drop_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    conn.execute(
        insert,
        (
            "receipt",
            kept_id,
            "a4",
            kept_clerk,
            "M3ZV6QHD",
            _pdf("receipt (kept)"),
            failure,
            kept_at,
            None,
            None,
            None,
            None,
            None,
        ),
    )
    printed_at = f"{day}T16:05:00+08:00"
    print_id = conn.execute(
        "INSERT INTO slip_prints (kind, case_id, layout, printed_at, clerk_id, is_reprint, "
        "verification_code) VALUES ('notice', ?, 'roll80', ?, ?, 0, 'T2QW4XKC')",
        (printed_id, printed_at, printed_clerk),
    ).lastrowid
    conn.execute(
        insert,
        (
            "notice",
            printed_id,
            "roll80",
            printed_clerk,
            "T2QW4XKC",
            _pdf("notice (printed later)"),
            "未连接打印机",
            printed_kept,
            None,
            printed_at,
            print_id,
            None,
            None,
        ),
    )
    conn.execute(
        insert,
        (
            "receipt",
            dropped_id,
            "a4",
            dropped_clerk,
            "H6PLA3RS",
            _pdf("receipt (dropped)"),
            failure,
            dropped_kept,
            "D:/柜台/受理回执.pdf",
            None,
            None,
            f"{day}T16:10:00+08:00",
            "办事人已取走PDF文件",
        ),
    )


def _fill_7(conn: sqlite3.Connection) -> None:
    """A notice printed with its content (a version-2 code), and its slip kept before."""
    case_id, clerk, day, case_no = conn.execute(
        "SELECT id, owner_clerk_id, day, case_no FROM cases WHERE state = "
        "'materials_incomplete' AND id NOT IN (SELECT case_id FROM slip_prints WHERE "
        "kind = 'notice' AND case_id IS NOT NULL) ORDER BY id LIMIT 1"
    ).fetchone()
    content = json.dumps(
        {
            "kind": "notice",
            "print": 1,
            "issued_at": f"{day}T15:20:00+08:00",
            "case_no": case_no,
            "state": "materials_incomplete",
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    printed_at = f"{day}T15:20:00+08:00"
    print_id = conn.execute(
        "INSERT INTO slip_prints (kind, case_id, layout, printed_at, clerk_id, is_reprint, "
        "verification_code, slip_content) VALUES ('notice', ?, 'a4', ?, ?, 0, 'R7WQ2MZK', ?)",
        (case_id, printed_at, clerk, content),
    ).lastrowid
    conn.execute(
        "INSERT INTO unprinted_slips (kind, case_id, layout, clerk_id, verification_code, pdf, "
        "failure, kept_at, printed_at, print_id, slip_content) VALUES ('notice', ?, 'a4', ?, "
        "'R7WQ2MZK', ?, '未连接打印机', ?, ?, ?, ?)",
        (
            case_id,
            clerk,
            _pdf("notice (content)"),
            f"{day}T15:10:00+08:00",
            printed_at,
            print_id,
            content,
        ),
    )


# An argon2id hash (cost lowered, as the tests hash them) of the PIN 483920.
_PIN_HASH = "$argon2id$v=19$m=8,t=1,p=1$yerT3LYSwtI$CxFsSqRAxJUrzLMLUH8jRXLWEN3a55BymGS1tZZixtc"


def _fill_8(conn: sqlite3.Connection) -> None:
    """Clerk accounts: the first clerk the admin with a PIN, another locked out after wrong
    PINs, a third deactivated (clerks are never deleted)."""
    ids = [row[0] for row in conn.execute("SELECT id FROM clerks ORDER BY id").fetchall()]
    day = conn.execute("SELECT max(day) FROM tickets").fetchone()[0]
    conn.execute(
        "UPDATE clerks SET role = 'admin', pin_hash = ?, pin_set_at = ? WHERE id = ?",
        (_PIN_HASH, f"{day}T08:00:00+08:00", ids[0]),
    )
    if len(ids) > 1:
        conn.execute(
            "UPDATE clerks SET pin_hash = ?, pin_set_at = ?, failed_logins = 5, "
            "locked_until = ? WHERE id = ?",
            (_PIN_HASH, f"{day}T08:00:00+08:00", f"{day}T18:01:00+08:00", ids[1]),
        )
    if len(ids) > 2:
        conn.execute(
            "UPDATE clerks SET deactivated_at = ? WHERE id = ?", (f"{day}T18:30:00+08:00", ids[2])
        )


def _fill_9(conn: sqlite3.Connection) -> None:
    """The queue host's access keys (a window's, a kiosk's revoked) and clerk sessions (one
    open, one ended); only hashes of keys and tokens are stored."""
    day = conn.execute("SELECT max(day) FROM tickets").fetchone()[0]
    clerk = conn.execute("SELECT min(id) FROM clerks").fetchone()[0]
    window = conn.execute(
        "INSERT INTO queue_keys (name, access, secret_hash, issued_at) VALUES "
        "('2号窗口', 'window', ?, ?)",
        ("a" * 64, f"{day}T07:50:00+08:00"),
    ).lastrowid
    conn.execute(
        "INSERT INTO queue_keys (name, access, secret_hash, issued_at, revoked_at) "
        "VALUES ('旧取号机', 'kiosk', ?, ?, ?)",
        ("b" * 64, f"{day}T07:51:00+08:00", f"{day}T12:00:00+08:00"),
    )
    conn.execute(
        "INSERT INTO queue_sessions (key_id, clerk_id, token_hash, day, opened_at, "
        "ended_at) VALUES (?, ?, ?, ?, ?, ?)",
        (window, clerk, "c" * 64, day, f"{day}T08:00:00+08:00", f"{day}T12:30:00+08:00"),
    )
    conn.execute(
        "INSERT INTO queue_sessions (key_id, clerk_id, token_hash, day, opened_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (window, clerk, "d" * 64, day, f"{day}T12:31:00+08:00"),
    )


# Schema 10: the first day's rows went to the hub on a USB stick, acknowledged the next
# morning; three years later (the default retention period) the start-up erased the personal
# fields of the finished cases among them. The other cases wait for upload, so are kept.
_BATCH = "5c0a5e11-7d3b-4c55-9c4e-0000000000b1"
_SOURCE = "5c0a5e11-7d3b-4c55-9c4e-0000000000a1"
_ERASED_AT = "2029-12-07T08:30:00+08:00"
_CUTOFF = "2026-12-07T08:30:00+08:00"  # three years before: cases last changed before
_FINISHED = ("completed", "forwarded", "closed")


def _scrub(value: Any, replace: dict[str, str]) -> Any:
    """Parsed JSON with every string equal to an erased value replaced by its mask."""
    if isinstance(value, str):
        return replace.get(value.strip(), value)
    if isinstance(value, list):
        return [_scrub(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, replace) for key, item in value.items()}
    return value


def _scrubbed(text: str, replace: dict[str, str]) -> str:
    return json.dumps(_scrub(json.loads(text), replace), ensure_ascii=False, sort_keys=True)


def _erase(
    conn: sqlite3.Connection, case_id: int, case_uuid: str, personal: dict[str, Any]
) -> None:
    """One case's personal fields erased where they are and where they were copied."""
    from counterapp.privacy import mask_id_number, mask_name

    def masked(column: str, value: str) -> str:
        if column.endswith("_name"):
            return mask_name(value)
        return mask_id_number(value) if column.endswith("_id_number") else ""

    replace = {
        str(v).strip(): masked(c, str(v)) for c, v in personal.items() if v and str(v).strip()
    }
    conn.execute(
        f"UPDATE cases SET {', '.join(f'{c} = ?' for c in personal)}, "
        "personal_erased_at = ? WHERE id = ?",
        (
            *(None if v is None else masked(c, str(v)) for c, v in personal.items()),
            _ERASED_AT,
            case_id,
        ),
    )
    for event_id, data in conn.execute(
        "SELECT id, data FROM events WHERE subject_uuid = ?", (case_uuid,)
    ).fetchall():
        if _scrubbed(data, replace) != data:
            conn.execute(
                "UPDATE events SET data = ? WHERE id = ?", (_scrubbed(data, replace), event_id)
            )
    for print_id, content in conn.execute(
        "SELECT id, slip_content FROM slip_prints WHERE case_id = ? AND slip_content IS NOT NULL",
        (case_id,),
    ).fetchall():
        conn.execute(
            "UPDATE slip_prints SET slip_content = ? WHERE id = ?",
            (_scrubbed(content, replace), print_id),
        )
    for kept_id, content in conn.execute(
        "SELECT id, slip_content FROM unprinted_slips WHERE case_id = ?", (case_id,)
    ).fetchall():
        conn.execute(
            "UPDATE unprinted_slips SET pdf = x'', slip_content = ? WHERE id = ?",
            (None if content is None else _scrubbed(content, replace), kept_id),
        )
    conn.execute(
        "UPDATE unprinted_slips SET dropped_at = ?, drop_reason = ? WHERE case_id = ? "
        "AND printed_at IS NULL AND dropped_at IS NULL",
        (_ERASED_AT, "保存期满，个人信息已删除", case_id),
    )


def _close_past_days(conn: sqlite3.Connection) -> None:
    """What the same start-up did first: the tickets left waiting on the last day closed
    unserved, and that day's counts recorded."""
    open_tickets = conn.execute(
        "SELECT id, uuid, version, status, day FROM tickets WHERE mirror = 0 AND status IN "
        "('waiting', 'called', 'serving', 'held') ORDER BY day, id"
    ).fetchall()
    assert {row[3] for row in open_tickets} == {"waiting"}  # (serving would be finished)
    for ticket_id, ticket_uuid, version, _, _ in open_tickets:
        conn.execute(
            "UPDATE tickets SET status = 'closed_unserved', version = ? WHERE id = ?",
            (version + 1, ticket_id),
        )
        conn.execute(
            "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) "
            "VALUES (?, NULL, 'ticket', ?, 'closed_unserved', '{}')",
            (_ERASED_AT, ticket_uuid),
        )
        conn.execute(
            "INSERT INTO outbox (record_type, record_uuid, record_version, "
            "enqueued_at) VALUES ('ticket', ?, ?, ?)",
            (ticket_uuid, version + 1, _ERASED_AT),
        )
    for day in sorted({row[4] for row in open_tickets}):
        counts = dict(
            conn.execute(
                "SELECT status, count(*) FROM tickets WHERE day = ? AND mirror = 0 GROUP BY status",
                (day,),
            ).fetchall()
        )
        conn.execute(
            "INSERT INTO day_closings (day, closed_at, issued, served, no_show, "
            "unserved, consulted) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                day,
                _ERASED_AT,
                sum(counts.values()),
                counts.get("done", 0),
                counts.get("no_show", 0),
                counts.get("closed_unserved", 0),
                counts.get("consulted", 0),
            ),
        )


def _fill_10(conn: sqlite3.Connection) -> None:
    """The first day's rows sent by USB file and acknowledged; three years on, the finished
    cases among them erased by the retention period (masked names and ID numbers, phones
    removed, `personal_erased_at`; their events' and slips' copies too), journalled."""
    first_day = conn.execute("SELECT min(day) FROM cases").fetchone()[0]
    seqs = [
        row[0]
        for row in conn.execute(
            "SELECT seq FROM outbox WHERE enqueued_at < ? ORDER BY seq",
            (f"{first_day}T23:59:59+08:00",),
        ).fetchall()
    ]
    records = conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT record_type, record_uuid FROM outbox "
        f"WHERE seq IN ({', '.join('?' * len(seqs))}))",
        seqs,
    ).fetchone()[0]
    exported, acked = f"{first_day}T17:30:00+08:00", f"{first_day}T17:45:00+08:00"
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('sync.source_id', ?)", (json.dumps(_SOURCE),)
    )
    conn.execute(
        "INSERT INTO sync_batches (batch_id, created_at, rows, records, sent_at, "
        "sent_via, acked_at) VALUES (?, ?, ?, ?, ?, 'file', ?)",
        (_BATCH, exported, len(seqs), records, exported, acked),
    )
    conn.execute(
        f"UPDATE outbox SET batch_id = ?, acked_at = ? WHERE seq IN ({', '.join('?' * len(seqs))})",
        (_BATCH, acked, *seqs),
    )
    conn.executemany(
        "INSERT INTO sync_runs (started_at, finished_at, via, ok, batches, "
        "records) VALUES (?, ?, ?, 1, 1, ?)",
        [(exported, exported, "file-export", records), (acked, acked, "ack-import", len(seqs))],
    )
    _close_past_days(conn)
    personal = (
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "agent_name",
        "agent_id_number",
        "agent_phone",
    )
    due = conn.execute(
        f"SELECT id, uuid, {', '.join(personal)} FROM cases AS c WHERE personal_erased_at IS "
        f"NULL AND updated_at < ? AND state IN ({', '.join('?' * len(_FINISHED))}) AND NOT "
        "EXISTS (SELECT 1 FROM outbox AS o WHERE o.record_uuid = c.uuid AND o.acked_at IS "
        "NULL) ORDER BY id",
        (_CUTOFF, *_FINISHED),
    ).fetchall()
    assert due, "the first day should have finished cases"
    conn.execute("INSERT INTO erasing (id) VALUES (1)")
    for case_id, case_uuid, *values in due:
        _erase(conn, case_id, case_uuid, dict(zip(personal, values, strict=True)))
    conn.execute("DELETE FROM erasing")
    conn.execute(
        "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) VALUES "
        "(?, NULL, 'station', 'retention', 'personal_data_erased', ?)",
        (
            _ERASED_AT,
            json.dumps(
                {"cases": len(due), "last_changed_before": _CUTOFF, "years": 3}, sort_keys=True
            ),
        ),
    )


def _fill_11(conn: sqlite3.Connection) -> None:
    """Complaints: one received at the window about a case and its clerk, noted and closed
    with the complainant's feedback; one passed on by the 12345 hotline, still open. Each
    change journalled and queued (the outbox holds them until a hub announces `complaint`)."""
    day = conn.execute("SELECT max(day) FROM cases").fetchone()[0]
    case_id, clerk_id = conn.execute(
        "SELECT id, owner_clerk_id FROM cases WHERE day = ? ORDER BY id LIMIT 1", (day,)
    ).fetchone()
    rows = [
        (
            "40000000-0000-4000-8000-000000000001",
            f"TS{day.replace('-', '')}001",
            f"{day}T10:05:00+08:00",
            "window",
            "赵𠮷",
            "13900001111",
            case_id,
            clerk_id,
            "等候时间过长",
            "closed",
            "已加开窗口并向投诉人反馈",
            "basically_satisfied",
            f"{day}T15:00:00+08:00",
            3,
        ),
        (
            "40000000-0000-4000-8000-000000000002",
            f"TS{day.replace('-', '')}002",
            f"{day}T11:20:00+08:00",
            "hotline",
            "钱多多",
            "0537-1234567",
            None,
            None,
            "12345转办：咨询电话无人接听",
            "received",
            None,
            None,
            None,
            1,
        ),
    ]
    for row in rows:
        conn.execute(
            "INSERT INTO complaints (uuid, complaint_no, received_at, channel, name, phone, "
            "case_id, clerk_id, about, due, state, result, feedback, closed_at, version, "
            "received_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2099-01-01', ?, ?, ?, ?, ?, ?)",
            (*row, clerk_id),
        )
        events = [("received", row[2], {"channel": row[3]})]
        if row[9] == "closed":
            events += [
                ("note", f"{day}T14:00:00+08:00", {"note": "已电话联系投诉人"}),
                ("closed", row[12], {"result": row[10], "feedback": row[11]}),
            ]
        for version, (kind, at, data) in enumerate(events, start=1):
            conn.execute(
                "INSERT INTO events (at, clerk_id, subject, subject_uuid, kind, data) "
                "VALUES (?, ?, 'complaint', ?, ?, ?)",
                (at, clerk_id, row[0], kind, json.dumps(data, ensure_ascii=False, sort_keys=True)),
            )
            conn.execute(
                "INSERT INTO outbox (record_type, record_uuid, record_version, enqueued_at) "
                "VALUES ('complaint', ?, ?, ?)",
                (row[0], version, at),
            )


def _fill_12(conn: sqlite3.Connection) -> None:
    """The county's watch list: two people (one dropped by a later list), a contact queued
    for the hub and one recorded while the hub did not take contacts yet."""
    conn.executemany(
        "INSERT INTO watch_people (id_number, name, category, cost_fen, area, list_id, listed, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("370883196008154174", "李大山", "脱贫人口", 1256000, "东村", 2, 1, _WATCH_AT),
            ("370883195801011238", "王秀英", "其他", 2700000, "", 1, 0, _WATCH_AT),
        ],
    )
    clerk = _last(conn, "SELECT min(id) FROM clerks")
    conn.executemany(
        "INSERT INTO watch_contacts (uuid, id_number, list_id, contacted_at, method, content, "
        "note, clerk_id, recorded_at, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                "b1000000-0000-4000-8000-000000000001",
                "370883196008154174",
                2,
                _WATCH_AT,
                "电话",
                "医疗救助已转报",
                "本人同意申请医疗救助",
                clerk,
                _WATCH_AT,
                _WATCH_AT,
            ),
            (
                "b1000000-0000-4000-8000-000000000002",
                "370883195801011238",
                1,
                _WATCH_AT,
                "上门",
                "政策告知",
                None,
                clerk,
                _WATCH_AT,
                None,
            ),
        ],
    )
    conn.execute(
        "INSERT INTO outbox (record_type, record_uuid, record_version, enqueued_at) "
        "VALUES ('watch_contact', 'b1000000-0000-4000-8000-000000000001', 1, ?)",
        (_WATCH_AT,),
    )


_WATCH_AT = "2029-12-03T10:00:00+08:00"

FILLS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _fill_2,
    5: _fill_5,
    6: _fill_6,
    7: _fill_7,
    8: _fill_8,
    9: _fill_9,
    10: _fill_10,
    11: _fill_11,
    12: _fill_12,
}


def make_store(version: int) -> Path:
    """Rebuild schema-`version`.db from the fixture one version below (see the module)."""
    if version not in FILLS:
        raise SystemExit(
            f"schema {version} is a store written by the program of its time; "
            f"only {sorted(FILLS)} are made here"
        )
    source = path_of(version - 1)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / source.name
        shutil.copy(source, work)
        _apply_up_to(work, version)
        conn = sqlite3.connect(work, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN")
            FILLS[version](conn)
            conn.execute("COMMIT")
            assert not conn.execute("PRAGMA foreign_key_check").fetchall()
            conn.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            conn.execute("VACUUM")
        finally:
            conn.close()
        shutil.copy(work, path_of(version))
    return path_of(version)
