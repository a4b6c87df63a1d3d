"""The rows each fixture store of schemas 2 to 9 adds (tests/golden/stores.py): slips, tickets
ended without a case, unprinted slips, print content, clerk accounts, queue access."""

from __future__ import annotations

import io
import json
import sqlite3


def last(conn: sqlite3.Connection, sql: str) -> int:
    value = conn.execute(sql).fetchone()[0]
    assert value is not None, sql
    return int(value)


def fill_2(conn: sqlite3.Connection) -> None:
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


def fill_5(conn: sqlite3.Connection) -> None:
    """A citizen who only asked: a normal ticket called and ended without a case."""
    day, clerk, window = conn.execute(
        "SELECT day, clerk_id, window_no FROM tickets WHERE clerk_id IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    number = (
        last(conn, f"SELECT max(number) FROM tickets WHERE day = '{day}' AND lane = 'normal'") + 1
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


def fill_6(conn: sqlite3.Connection) -> None:
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


def fill_7(conn: sqlite3.Connection) -> None:
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


def fill_8(conn: sqlite3.Connection) -> None:
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


def fill_9(conn: sqlite3.Connection) -> None:
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
