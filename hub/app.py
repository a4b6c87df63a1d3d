"""The county hub's HTTP API (FastAPI). OpenAPI at /openapi.json, docs at /docs.

Stations authenticate with `Authorization: Bearer <token>`; a token proves one station and may
write only that station's records. County staff call the staff endpoints (`/v1/staff/…`, slip
checks) with a staff token of their own (`hub.staff`); neither kind of token opens the other's
endpoints. Personal data in batches and slip secrets are never logged: errors name batches
and record ids, not their contents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from counterapp.clock import Clock, stamp
from counterapp.sync import transfer
from counterapp.sync.wire import HASH_HEADER, MAX_BODY_BYTES, WireError, scan_batch
from hub import feeds, files, slips, staff, stations
from hub.db import Database
from hub.ingest import Forbidden, ingest
from hub.sealing import SealingProblem

log = logging.getLogger("hub")
SLIP_CHECK_MAX_BYTES = 4096     # a slip check's JSON body: a case number and a code, or a QR text
_bearer = HTTPBearer(auto_error=False)


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

    case_no: str | None = None
    code: str | None = None
    qr: str | None = None


class SlipCheckOut(BaseModel):
    case_no: str
    result: slips.Verdict
    message: str


class ReconcileIn(BaseModel):
    source: str
    days: dict[str, dict[str, Any]]


class ReconcileOut(BaseModel):
    days: dict[str, dict[str, Any]]
    differ: dict[str, list[list[Any]]]


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


async def _holder(request: Request, credentials: HTTPAuthorizationCredentials | None,
                  authenticate: Callable[[Database, str], str | None], kind: str) -> str:
    """Who holds this bearer token, by `authenticate` (401 if none, unknown or revoked)."""
    if credentials is None:
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    holder = await run_in_threadpool(authenticate, request.app.state.db,
                                     credentials.credentials)
    if holder is None:
        raise HTTPException(401, f"unknown or revoked {kind}token",
                            headers={"WWW-Authenticate": "Bearer"})
    return holder


async def station_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The station whose bearer token this is."""
    return await _holder(request, credentials, stations.authenticate, "")


async def staff_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The county staff member whose staff token this is (a station's token is not one)."""
    return await _holder(request, credentials, staff.authenticate, "staff ")


Station = Annotated[str, Depends(station_of)]
Staff = Annotated[str, Depends(staff_of)]


def create_app(db: Database, clock: Clock | None = None) -> FastAPI:
    clock = clock or Clock()
    app = FastAPI(title="counterapp county hub", version="1",
                  description="Sync of 医保服务站 stations to their county (issue 4).")
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.state.db = db

    async def body_of(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
        """The body, refused (413) as soon as it is over `limit` bytes, never read whole first."""
        size = int(request.headers.get("content-length") or 0)
        if size > limit:
            raise HTTPException(413, "body too large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise HTTPException(413, "body too large")
        return bytes(body)

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", database=db.dialect, schema_version=db.schema_version())

    @app.post("/v1/batches", response_model=AckOut,
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/vnd.counterapp.batch+json": {
                      "schema": {"type": "string", "format": "binary"}}}}},
              summary="Upload one batch (gzip of canonical JSON; see docs/sync-wire-format.md)")
    async def upload(request: Request, station: Station) -> dict[str, Any]:
        body = await body_of(request)
        sha256 = request.headers.get(HASH_HEADER)
        if not sha256:
            raise HTTPException(400, f"missing {HASH_HEADER} header")
        try:
            batch = await run_in_threadpool(scan_batch, body, sha256)
            ack = await run_in_threadpool(ingest, db, station, batch, sha256, "online",
                                          stamp(clock.now()))
        except WireError as exc:
            raise HTTPException(400, str(exc)) from exc
        except Forbidden as exc:
            log.warning("station %s refused: %s", station, exc)
            raise HTTPException(403, str(exc)) from exc
        log.info("station %s batch %s: %d records, %d stored", station, batch.batch_id,
                 ack.records, ack.stored)
        return ack.to_dict()

    @app.post("/v1/reconcile", response_model=ReconcileOut)
    def reconcile(request_body: ReconcileIn, station: Station) -> dict[str, Any]:
        return feeds.reconcile(db, station, request_body.source, request_body.days)

    @app.get("/v1/catalogue", response_model=CatalogueOut,
             responses={204: {"description": "the station already has the active version"},
                        404: {"description": "no catalogue imported yet"}})
    def catalogue(station: Station, have: str | None = None) -> Any:
        active = feeds.active_catalogue(db)
        if active is None:
            raise HTTPException(404, "the county has not imported a catalogue yet")
        if have == active["version"]:
            return Response(status_code=204)
        return active

    @app.get("/v1/decisions", response_model=DecisionsOut)
    def decisions(station: Station, after: Annotated[int, Query(ge=0)] = 0
                  ) -> dict[str, Any]:
        return {"decisions": feeds.decisions_after(db, station, after)}

    @app.post("/v1/transfer", summary="Forward a village's signed transfer file; returns the "
              "signed acknowledgement file",
              responses={200: {"content": {"application/octet-stream": {}}}})
    async def forward_file(request: Request, station: Station) -> Response:
        body = await body_of(request)
        try:
            ack = await run_in_threadpool(files.import_file, db, body, f"forwarded:{station}",
                                          stamp(clock.now()))
        except (transfer.TransferError, WireError) as exc:
            raise HTTPException(400, str(exc)) from exc
        except Forbidden as exc:
            raise HTTPException(403, str(exc)) from exc
        return Response(ack, media_type="application/octet-stream")

    @app.post("/v1/staff/slip-checks", response_model=SlipCheckOut,
              summary="Check a slip (一次性告知单 or 受理回执): valid, invalid or unknown",
              responses={401: {"description": "no valid staff token"},
                         422: {"description": "the case number, code or QR text is malformed"},
                         413: {"description": f"body over {SLIP_CHECK_MAX_BYTES} bytes"},
                         503: {"description": "the hub's sealing key is missing or wrong"}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": SlipCheckIn.model_json_schema()}}}})
    async def check_slip(request: Request, who: Staff) -> SlipCheckOut:
        # The body is read by hand, after the staff token is checked and only up to a small
        # limit: a declared body parameter would be read whole before any token is looked at.
        try:
            asked = SlipCheckIn.model_validate_json(
                await body_of(request, SLIP_CHECK_MAX_BYTES))
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)
                                         ) from exc
        try:
            case_no, code = slips.parse_request(asked.case_no, asked.code, asked.qr)
            check = await run_in_threadpool(slips.verify, db, case_no, code)
        except slips.SlipInputError as exc:
            raise HTTPException(422, str(exc)) from exc
        except SealingProblem as exc:
            log.error("slip check failed: %s", exc)
            raise HTTPException(503, str(exc)) from exc
        log.info("slip check by %s: %s", who, check.verdict)
        return SlipCheckOut(case_no=check.case_no, result=check.verdict, message=check.message)

    @app.get("/v1/hub-key", summary="The hub's public key that signs acknowledgement files")
    def hub_key() -> dict[str, str]:
        return {"public_key": stations.hub_keys(db, stamp(clock.now()))[1]}

    @app.get("/v1/whoami")
    def whoami(station: Station) -> dict[str, str]:
        return {"station": station}

    return app
