"""The clerks' journal as the station admin reads it: account changes, logins, locks, switches
and look-ups of personal data (`counterapp clerk-log`), newest first.

Looking for who looked up an ID number hashes it with the station's look-up key
(`lookups.id_key`) and matches the hash: the journal itself never holds the number.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from counterapp.lookups import id_key, lookup_key

if TYPE_CHECKING:
    from counterapp.app import Counter

KIND_LABELS = {
    "created": "新增人员",
    "role_changed": "设为站长",
    "pin_set": "设置PIN",
    "deactivated": "停用",
    "reactivated": "启用",
    "login_failed": "PIN验证失败",
    "locked_out": "PIN错误锁定",
    "unlocked": "解除锁定",
    "logged_in": "登录",
    "logged_out": "退出",
    "screen_locked": "锁屏",
    "screen_unlocked": "解锁屏幕",
    "switched": "换人接班",
    "admin_verified": "站长验证",
    "idle_lock_set": "设置锁屏时间",
    "looked_up": "查询个人信息",
    "queue_signed_in": "在排队主机登录",
}


class AuditEntry(NamedTuple):
    at: str
    actor: str  # who did it: 王丽（1001）, or "" (a failed check: whoever typed)
    subject: str  # whose account or session it concerns
    kind: str  # KIND_LABELS' Chinese
    details: dict[str, Any]

    def line(self) -> str:
        details = " ".join(f"{key}={value}" for key, value in self.details.items())
        return "\t".join((self.at, self.actor or "-", self.subject, self.kind, details))


def clerk_log(
    counter: Counter,
    *,
    day: date | None = None,
    login: str | None = None,
    id_number: str | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """The journal's clerk events, newest first: of one day, by or about one login, or the
    look-ups of one ID number."""
    where, params = ["e.subject = 'clerk'"], []
    if day is not None:
        where.append("e.at >= ? AND e.at < ?")
        params += [day.isoformat(), date.fromordinal(day.toordinal() + 1).isoformat()]
    if login is not None:
        where.append("(a.login = ? OR s.login = ?)")
        params += [login, login]
    if id_number is not None:
        where.append("e.kind = 'looked_up' AND json_extract(e.data, '$.id_key') = ?")
        params.append(id_key(lookup_key(counter), id_number))
    rows = counter.store.all(
        "SELECT e.at, e.kind, e.data, a.name AS actor_name, a.login AS actor_login, "
        "s.name AS subject_name, s.login AS subject_login FROM events e "
        "LEFT JOIN clerks a ON a.id = e.clerk_id LEFT JOIN clerks s ON s.uuid = e.subject_uuid "
        f"WHERE {' AND '.join(where)} ORDER BY e.id DESC LIMIT ?",
        (*params, limit),
    )
    return [
        AuditEntry(
            at=row["at"],
            actor=f"{row['actor_name']}（{row['actor_login']}）" if row["actor_login"] else "",
            subject=(
                f"{row['subject_name']}（{row['subject_login']}）"
                if row["subject_login"]
                else "未知工号"
            ),
            kind=KIND_LABELS.get(row["kind"], row["kind"]),
            details=json.loads(row["data"]),
        )
        for row in rows
    ]
