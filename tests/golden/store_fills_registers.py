"""The rows the fixture stores of schemas 11 to 13 add (tests/golden/stores.py): the
complaints register and the watch list (issue 15), and a contact queued as it is recorded."""

from __future__ import annotations

import json
import sqlite3

from tests.golden.store_fills import last


def fill_11(conn: sqlite3.Connection) -> None:
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


def fill_12(conn: sqlite3.Connection) -> None:
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
    clerk = last(conn, "SELECT min(id) FROM clerks")
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


def fill_13(conn: sqlite3.Connection) -> None:
    """A contact as the program of schema 13 records it: its outbox row written with it, in
    the same transaction, whether or not the hub takes contacts yet (no `queued_at`)."""
    conn.execute(
        "INSERT INTO watch_contacts (uuid, id_number, list_id, contacted_at, method, content, "
        "note, clerk_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            "b1000000-0000-4000-8000-000000000003",
            "370883196008154174",
            2,
            _CONTACT_AT,
            "到站",
            "大病保险待遇已落实",
            "本人到站确认",
            last(conn, "SELECT min(id) FROM clerks"),
            _CONTACT_AT,
        ),
    )
    conn.execute(
        "INSERT INTO outbox (record_type, record_uuid, record_version, enqueued_at) "
        "VALUES ('watch_contact', 'b1000000-0000-4000-8000-000000000003', 1, ?)",
        (_CONTACT_AT,),
    )


_CONTACT_AT = "2029-12-04T15:30:00+08:00"
