"""schemathesis against the hub's own OpenAPI (issue 13): every operation, with a valid token
(station or staff, as the operation wants) and without, bounded examples, on a real hub over
SQLite and PostgreSQL. Any 5xx fails; so does an answer the OpenAPI does not declare."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from hub import staff
from hub.app import create_app
from hub.db import Database
from hub.limits import Limits, Rate
from tests.sync.conftest import now, register
from tests.sync.hubctl import ThreadHub

EXAMPLES = 20  # per operation and database: the whole run stays < ~60 s
UNLIMITED = Limits(
    holder=Rate(1e6, 10**6),
    slip_checks=Rate(1e6, 10**6),
    failed_auth=Rate(1e6, 10**6),
    enrolments=Rate(1e6, 10**6),
)
STATUSES: Counter[int] = Counter()
# What the hub must hold to: no 5xx, and only statuses, content types, headers and bodies its
# OpenAPI declares. Not "schema-valid data is accepted": a body the schema can only call
# binary (a gzip batch, a signed file) is rightly refused as not gzip or not signed (400).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def fuzzed_hub(hub_db):
    tokens = {
        "station": register(hub_db, "370883101").token,
        "staff": staff.issue(hub_db, "fuzz-desk", now()),
    }
    server = ThreadHub(hub_db, limits=UNLIMITED).start()
    yield server, tokens
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def _tally():
    yield
    total, server_errors = (
        sum(STATUSES.values()),
        sum(n for status, n in STATUSES.items() if status >= 500),
    )
    print(
        f"\nschemathesis: {total} requests, {server_errors} answered 5xx; "
        f"statuses {dict(sorted(STATUSES.items()))}"
    )


def _spec() -> dict[str, object]:
    """The OpenAPI the hub serves (it needs no database to describe itself)."""
    db = Database("sqlite:///:memory:")
    try:
        return create_app(db).openapi()
    finally:
        db.close()


schema = schemathesis.openapi.from_dict(_spec())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_the_hub_answers_only_what_it_declares(case, fuzzed_hub):
    server, tokens = fuzzed_hub
    token = tokens["staff" if case.path.startswith("/v1/staff/") else "station"]
    headers = {"Authorization": f"Bearer {token}"} if case.path.startswith("/v1/") else {}
    response = case.call(base_url=server.url, headers=headers, timeout=30)
    STATUSES[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
