"""The staff journal (`staff_journal`): who did or saw what at the county, and when.

Appended in the same transaction as what it records: sign-ins (failed ones with the login
typed), lockouts, every view of a citizen's full data (the case detail page, a watch-list
person's page), decisions, slip checks, account changes. Never a password, a token or a
citizen's data: a case by its UUID and number only. Supervisors and admins read it on the
workbench's 日志 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.db import Database, Tx

KINDS = {
    "login": "登录",
    "login_failed": "登录失败",
    "locked": "账号锁定",
    "logout": "退出",
    "timed_out": "超时退出",
    "view_case": "查看办件（完整信息）",
    "decide": "办件决定",
    "slip_check": "单据核验",
    "staff_added": "新增人员",
    "password_set": "设置密码",
    "role_set": "变更角色",
    "deactivated": "停用",
    "reactivated": "启用",
    "unlocked": "解除锁定",
    "token_issued": "发放接口令牌",
    "token_revoked": "吊销接口令牌",
    "catalogue_published": "发布事项目录",
    "calendar_published": "发布工作日历",
    "station_registered": "登记站点",
    "enrol_code_issued": "生成登记码",
    "station_revoked": "吊销站点",
    "station_enrolled": "站点完成登记",
    "watch_list_published": "发布监测台账",
    "view_watch_person": "查看监测对象（完整信息）",
}
DETAIL_MAX = 200


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    login: str
    kind: str
    case_uuid: str | None
    case_no: str | None
    detail: str | None
    address: str | None

    @property
    def kind_text(self) -> str:
        return KINDS.get(self.kind, self.kind)


def record(
    tx: Tx,
    at: str,
    login: str,
    kind: str,
    *,
    case_uuid: str | None = None,
    case_no: str | None = None,
    detail: str | None = None,
    address: str | None = None,
) -> None:
    tx.execute(
        "INSERT INTO staff_journal (at, login, kind, case_uuid, case_no, detail, "
        "address) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            at,
            login,
            kind,
            case_uuid,
            case_no,
            None if detail is None else detail[:DETAIL_MAX],
            address,
        ),
    )


@dataclass(frozen=True)
class Query:
    login: str = ""
    case_no: str = ""
    kind: str = ""
    day: str = ""  # YYYY-MM-DD


def entries(db: Database, query: Query, limit: int, offset: int) -> tuple[list[Entry], int]:
    """A page of the journal, newest first, and how many entries match."""
    where, params = ["1 = 1"], []
    if query.login:
        where.append("login = ?")
        params.append(query.login)
    if query.case_no:
        where.append("case_no = ?")
        params.append(query.case_no)
    if query.kind:
        where.append("kind = ?")
        params.append(query.kind)
    if query.day:
        where.append("at >= ? AND at < ?")
        params += [query.day, query.day + "T99"]
    condition = " AND ".join(where)
    with db.transaction(write=False) as tx:
        total = int(tx.scalar(f"SELECT count(*) FROM staff_journal WHERE {condition}", params))
        rows = tx.all(
            f"SELECT id, at, login, kind, case_uuid, case_no, detail, address "
            f"FROM staff_journal WHERE {condition} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
    return [Entry(int(r[0]), *r[1:]) for r in rows], total
