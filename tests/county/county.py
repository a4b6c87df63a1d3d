"""Helpers of the workbench's tests: the county's staff, a client that signs in and posts
forms as a browser does (the CSRF token read from the page), stations that forward cases."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from counterapp.case_model import Person
from counterapp.clock import FixedClock, stamp
from hub import staff
from hub.app import create_app
from hub.db import Database
from hub.limits import Limits
from hub.web import Settings
from tests.conftest import MORNING, make_id

STAFF = {  # login: (name, role, password)
    "0101": ("王芳", "clerk", "Jingban-2026-wf"),
    "0201": ("李稽核", "supervisor", "Jihe-2026-lj"),
    "0001": ("张管理", "admin", "Guanli-2026-zg"),
}
FORWARDED_ITEM = "YB0501"  # 门诊慢性病病种待遇认定: a town collects and forwards it
OTHER_FORWARDED = "YB1001"  # 产前检查费支付: not on a town's list, so 帮办代办


def add_staff(db: Database) -> None:
    for login, (name, role, password) in STAFF.items():
        staff.add(db, login, name, role, password, stamp(MORNING), "test")


class Browser:
    """The workbench's ASGI app driven over HTTPS like a browser: cookies kept, forms posted
    with the CSRF token the last page carried."""

    def __init__(
        self,
        db: Database,
        clock: FixedClock,
        settings: Settings | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.app = create_app(db, clock, limits=limits, workbench=settings)
        self.client = TestClient(self.app, base_url="https://hub.test", follow_redirects=False)
        self.csrf = ""

    def close(self) -> None:
        self.client.close()

    def get(self, path: str, **kwargs):
        answer = self.client.get(path, **kwargs)
        found = re.search(r'name="csrf" value="([^"]+)"', answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def follow(self, answer):
        """The page a 303 leads to."""
        assert answer.status_code == 303, answer.text
        return self.get(answer.headers["location"])

    def post(self, path: str, data: dict | list | None = None, csrf: bool = True, **kwargs):
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf:
            fields.append(("csrf", self.csrf))
        return self.client.post(path, data=_form(fields), **kwargs)

    def sign_in(self, login: str, password: str | None = None):
        self.get("/county/login")
        answer = self.post(
            "/county/login", {"login": login, "password": password or STAFF[login][2]}
        )
        return answer if answer.status_code != 303 else self.follow(answer)


def _form(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {}
    for name, value in fields:
        if name in form:
            held = form[name]
            form[name] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            form[name] = value
    return form


def forward_case(
    counter,
    item: str = FORWARDED_ITEM,
    name: str = "欧阳娜娜",
    late_days: int = 0,
    sequence: str = "321",
):
    """A case of `item` opened, its materials received, accepted and forwarded `late_days`
    calendar days later (over 3 working days: the station forwarded it late)."""
    clock = counter.clock
    assert isinstance(clock, FixedClock)
    person = Person(name, make_id(sequence=sequence), "13912345678")
    case = counter.cases.open_case(person, [item], counter.clerk_id)
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, counter.clerk_id)
    case = counter.cases.accept(case.id, counter.clerk_id)
    if late_days:
        clock.set(clock.now() + timedelta(days=late_days))
    return counter.cases.forward(case.id, counter.clerk_id, "报县中心")


def sync(counter):
    """One sync round of a station with its hub, as `counterapp sync` does."""
    from counterapp.sync import service
    from tests.sync.conftest import FAST_RETRY

    report = service.sync_now(counter.store, counter.clock, retry=FAST_RETRY, timeout=5)
    assert report.ok, report
    return report
