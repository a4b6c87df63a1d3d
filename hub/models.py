"""The shapes of the hub's API: request and answer bodies, and the refusals each call
declares in its OpenAPI (`responses`), so a client or a fuzzer knows what it may get."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from counterapp.sync.enrol_code import SECRET_PATTERN
from hub import slips

MAX_RECONCILE_DAYS = 1000  # a station asks about ≤ 401 days (`--full`: 400 days back)
MAX_DAY_COUNT = 2**31 - 1
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Problem(BaseModel):
    """Every refusal: what was wrong, for the station's log or the staff member (a 422 lists
    the malformed fields)."""

    detail: str | list[dict[str, Any]]


_RESPONSES: dict[int, dict[str, Any]] = {
    400: {"description": "the body is not what this call takes (the detail says what)"},
    401: {
        "description": "no bearer token, or an unknown or revoked one (checked before any "
        "body is read)",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    },
    403: {
        "description": "these credentials may not write this (another station's batch or records)"
    },
    404: {"description": "nothing to give yet, or no such enrolment code"},
    410: {"description": "the enrolment code was used, replaced, revoked or has expired"},
    413: {"description": "the body is over this call's limit (refused while reading)"},
    422: {"description": "a parameter, header or body field is malformed (the detail names it)"},
    429: {
        "description": "too many requests with this token, or too many failed "
        "authentications from this address",
        "headers": {
            "Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}
        },
    },
    503: {
        "description": "the hub's sealing key is missing or is not the one that sealed its secrets"
    },
}
AUTH = (401, 429)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries of the refusals a call can answer."""
    return {code: {**_RESPONSES[code], "model": Problem} for code in codes}


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a call that reads its JSON body by hand, after the token
    is checked (a declared body parameter would be read whole before any token). Nested
    models are written inline: a `$defs` reference would point into the OpenAPI document."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline(schema)}},
        }
    }


def _real_date(text: str) -> str:
    date.fromisoformat(text)  # ValueError → 422 naming the field
    return text


Day = Annotated[
    str, StringConstraints(pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_real_date)
]


class Health(BaseModel):
    status: str
    database: str
    schema_version: int


class AckOut(BaseModel):
    format: int
    batch: str
    station: str
    sha256: str
    seqs: list[list[int]]
    records: int
    stored: int
    unchanged: int
    times: int
    acked_at: str
    accepts: list[str]


class SlipCheckIn(BaseModel):
    """Either `case_no` and `code` as read from the slip, or `qr`, the text of its QR code."""

    case_no: str | None = Field(default=None, max_length=64)
    code: str | None = Field(default=None, max_length=64)
    qr: str | None = Field(default=None, max_length=512)


class SlipLine(BaseModel):
    """One line of what the slip says: an item with its deadline, or a material with its
    state (已收取 / 尚缺 / 不涉及)."""

    name: str
    value: str


class SlipContent(BaseModel):
    """What the checked print of the slip says, to compare with the paper: never the full
    ID number (as on the slip, masked)."""

    kind: str
    print_no: int = Field(description="0 for the first print, n for the n-th 补打")
    issued_at: str
    applicant: str
    id_number: str
    state: str
    accepted_at: str | None = None
    items: list[SlipLine]
    materials: list[SlipLine]


class SlipCheckOut(BaseModel):
    case_no: str
    result: slips.Verdict
    message: str
    slip: SlipContent | None = None


class DayFigures(BaseModel):
    count: int = Field(ge=0, le=MAX_DAY_COUNT)
    digest: str = Field(pattern="^[0-9a-f]{64}$")


class ReconcileIn(BaseModel):
    source: str = Field(pattern=UUID_PATTERN)
    days: dict[Day, DayFigures] = Field(max_length=MAX_RECONCILE_DAYS)


class ReconcileOut(BaseModel):
    days: dict[str, dict[str, Any]]
    differ: dict[str, list[list[Any]]]
    accepts: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    id: int
    case: str
    status: str
    note: str | None
    decided_at: str


class DecisionsOut(BaseModel):
    decisions: list[Decision]


class CatalogueOut(BaseModel):
    version: str
    sha256: str
    document: dict[str, Any]


class PublishedCalendar(BaseModel):
    id: int  # the feed's cursor
    year: int
    sha256: str  # of the canonical JSON of `document`
    document: dict[str, Any]  # a YearCalendar document (year, source, holidays, workdays)
    published_at: str


class CalendarsOut(BaseModel):
    calendars: list[PublishedCalendar]


class WatchPerson(BaseModel):
    id_number: str
    name: str
    category: str
    cost_fen: int  # accumulated costs, in fen
    area: str


class WatchList(BaseModel):
    id: int  # the feed's cursor: the list's version
    published_at: str
    people: list[WatchPerson]  # the asking station's people only (possibly none)


class WatchListOut(BaseModel):
    lists: list[WatchList]  # the newest list published after the cursor, or none


class HubKey(BaseModel):
    public_key: str
    # the key stations encrypt USB files to, certified by public_key (`<key>.<signature>`)
    transfer_key: str | None = None


class WhoAmI(BaseModel):
    station: str


class EnrolIn(BaseModel):
    """The secret of a one-time enrolment code (`counterapp.sync.enrol_code`), normalised."""

    secret: Annotated[str, StringConstraints(pattern=SECRET_PATTERN)]


class EnrolledStation(BaseModel):
    code: str
    name: str
    level: str
    county_code: str
    county_name: str
    address: str
    supervision_phone: str


class EnrolOut(BaseModel):
    """What an enrolling station receives, once: its data, its new token and signing key, and
    the hub's keys (the station checks `hub_public_key` against the code's fingerprint)."""

    station: EnrolledStation
    token: str
    signing_key: str
    hub_public_key: str
    hub_transfer_key: str
