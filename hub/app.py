"""The county hub's HTTP API (FastAPI). OpenAPI at /openapi.json, docs at /docs.

Stations authenticate with `Authorization: Bearer <token>`; a token proves one station and may
write only that station's records. County staff call the staff endpoints (`/v1/staff/…`, slip
checks) with a staff token of their own (`hub.staff`); neither kind of token opens the other's
endpoints. The token is checked before any body is read, bodies are capped while they are
read, and every input is checked to a 4xx naming what is wrong (`hub.guard`, `hub.models`).
Personal data in batches and slip secrets are never logged: errors name batches and record
ids, not their contents.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from counterapp.clock import Clock, stamp
from counterapp.sync import transfer
from counterapp.sync.wire import HASH_HEADER, MAX_BODY_BYTES, MEDIA_TYPE, WireError, scan_batch
from hub import (
    audit,
    enrolment,
    feeds,
    files,
    identity,
    publishing,
    slips,
    stations,
    watch_list,
    web,
)
from hub.db import Database
from hub.guard import HANDLERS, Guard, Staff, Station, client_address, read_body, too_many
from hub.ingest import Forbidden, ingest
from hub.limits import Limits, Refused
from hub.models import (
    AUTH,
    AckOut,
    CalendarsOut,
    CatalogueOut,
    DecisionsOut,
    EnrolIn,
    EnrolOut,
    Health,
    HubKey,
    ReconcileIn,
    ReconcileOut,
    SlipCheckIn,
    SlipCheckOut,
    SlipContent,
    WatchListOut,
    WhoAmI,
    json_body,
    responses,
)
from hub.sealing import SealingProblem

log = logging.getLogger("hub")
SLIP_CHECK_MAX_BYTES = 4096  # a slip check's JSON body: a case number and a code, or a QR text
ENROL_MAX_BYTES = 256  # {"secret": "<20 characters>"}
RECONCILE_MAX_BYTES = 256 * 1024  # 1,000 days of figures (~110 bytes each), and room to spare
MAX_CURSOR = 2**63 - 1  # decision and calendar ids are 64-bit integers
HashHeader = Annotated[
    str,
    Header(
        alias=HASH_HEADER,
        pattern="^[0-9a-fA-F]{64}$",
        description="SHA-256 (hex) of the uncompressed lines",
    ),
]


async def _json(request: Request, model: type[BaseModel], limit: int) -> Any:
    """A JSON body read by hand (after the token), capped, validated into `model` (422)."""
    try:
        return model.model_validate_json(await read_body(request, limit))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from exc


def _sealing_refused(exc: SealingProblem) -> HTTPException:
    log.error("refused for want of a usable sealing key: %s", exc)
    return HTTPException(503, str(exc))


def _journal_check(
    db: Database, at: str, who: str, check: slips.Check, address: str | None
) -> None:
    with db.transaction() as tx:
        audit.record(
            tx,
            at,
            who,
            "slip_check",
            case_no=check.case_no,
            detail=f"{check.verdict.value}（接口）",
            address=address,
        )


def create_app(
    db: Database,
    clock: Clock | None = None,
    limits: Limits | None = None,
    workbench: web.Settings | None = None,
) -> FastAPI:
    """The hub's API under /v1 and the county workbench's pages under /county (`hub.web`)."""
    clock = clock or Clock()
    app = FastAPI(
        title="counterapp county hub",
        version="1",
        description="Sync of 医保服务站 stations to their county (issue 4); "
        "see docs/sync-wire-format.md.",
        # Starlette types a handler for `Exception`; these take a subclass of it
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
    )
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.state.db = db
    app.state.guard = Guard(limits or Limits())
    web.mount(app, db, clock, workbench)

    @app.get("/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", database=db.dialect, schema_version=db.schema_version())

    @app.post(
        "/v1/batches",
        response_model=AckOut,
        responses=responses(400, *AUTH, 403, 413, 422),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        },
        summary="Upload one batch (gzip of canonical JSON; see docs/sync-wire-format.md)",
    )
    async def upload(request: Request, station: Station, sha256: HashHeader) -> dict[str, Any]:
        body = await read_body(request, MAX_BODY_BYTES)
        try:
            batch = await run_in_threadpool(scan_batch, body, sha256)
            ack = await run_in_threadpool(
                ingest, db, station, batch, sha256, "online", stamp(clock.now())
            )
        except WireError as exc:
            log.warning("station %s: batch refused (400): %s", station, exc)
            raise HTTPException(400, str(exc)) from exc
        except Forbidden as exc:
            log.warning("station %s refused (403): %s", station, exc)
            raise HTTPException(403, str(exc)) from exc
        log.info(
            "station %s batch %s: %d records, %d stored",
            station,
            batch.batch_id,
            ack.records,
            ack.stored,
        )
        return ack.to_dict()

    @app.post(
        "/v1/reconcile",
        response_model=ReconcileOut,
        responses=responses(*AUTH, 413, 422),
        openapi_extra=json_body(ReconcileIn),
        summary="Compare per-day counts and digests of one station store's records",
    )
    async def reconcile(request: Request, station: Station) -> dict[str, Any]:
        asked: ReconcileIn = await _json(request, ReconcileIn, RECONCILE_MAX_BYTES)
        days = {day: figures.model_dump() for day, figures in asked.days.items()}
        return await run_in_threadpool(feeds.reconcile, db, station, asked.source, days)

    @app.get(
        "/v1/catalogue",
        response_model=CatalogueOut,
        responses={
            204: {"description": "the station already has the active version"},
            **responses(*AUTH, 404, 422),
        },
    )
    def catalogue(
        station: Station,
        have: Annotated[str | None, Query(max_length=64)] = None,
        calendars: Annotated[
            str | None,
            Query(
                max_length=64,
                pattern=r"^\d{4}(,\d{4})*$",
                description="years of official working-day calendar the station holds",
            ),
        ] = None,
    ) -> Any:
        stations.note_versions(db, station, have, calendars, stamp(clock.now()))
        active = feeds.active_catalogue(db)
        if active is None:
            raise HTTPException(404, "the county has not imported a catalogue yet")
        if have == active["version"]:
            return Response(status_code=204)
        return active

    @app.get("/v1/decisions", response_model=DecisionsOut, responses=responses(*AUTH, 422))
    def decisions(
        station: Station, after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0
    ) -> dict[str, Any]:
        return {"decisions": feeds.decisions_after(db, station, after)}

    @app.get(
        "/v1/calendars",
        response_model=CalendarsOut,
        responses=responses(*AUTH, 422),
        summary="The county's official working-day calendars published after the cursor",
    )
    def calendars(
        station: Station, after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0
    ) -> dict[str, Any]:
        return {"calendars": publishing.calendars_after(db, after)}

    @app.get(
        "/v1/watch-list",
        response_model=WatchListOut,
        responses=responses(*AUTH, 422),
        summary="The county's watch list (监测台账) published after the cursor: the newest "
        "version, with the asking station's people only",
    )
    def watch_list_feed(
        station: Station, after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0
    ) -> dict[str, Any]:
        return {"lists": watch_list.published_for(db, station, after)}

    @app.post(
        "/v1/transfer",
        summary="Forward a village's signed transfer file; returns the signed acknowledgement file",
        responses={
            200: {"content": {"application/octet-stream": {}}},
            **responses(400, *AUTH, 403, 413, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def forward_file(request: Request, station: Station) -> Response:
        body = await read_body(request, MAX_BODY_BYTES)
        try:
            ack = await run_in_threadpool(
                files.import_file, db, body, f"forwarded:{station}", stamp(clock.now())
            )
        except (transfer.TransferError, WireError) as exc:
            log.warning("station %s: forwarded file refused (400): %s", station, exc)
            raise HTTPException(400, str(exc)) from exc
        except Forbidden as exc:
            log.warning("station %s: forwarded file refused (403): %s", station, exc)
            raise HTTPException(403, str(exc)) from exc
        except SealingProblem as exc:
            raise _sealing_refused(exc) from exc
        return Response(ack, media_type="application/octet-stream")

    @app.post(
        "/v1/staff/slip-checks",
        response_model=SlipCheckOut,
        response_model_exclude_none=True,
        summary="Check a slip (一次性告知单 or 受理回执): valid, invalid or unknown; "
        "a valid one with what that print of the slip says",
        responses=responses(*AUTH, 413, 422, 503),
        openapi_extra=json_body(SlipCheckIn),
    )
    async def check_slip(request: Request, who: Staff) -> SlipCheckOut:
        try:
            request.app.state.guard.slip_checks.take(who)
        except Refused as refused:
            raise too_many(request, refused, f"slip checks of {who}") from None
        asked: SlipCheckIn = await _json(request, SlipCheckIn, SLIP_CHECK_MAX_BYTES)
        try:
            case_no, code, version = slips.parse_request(asked.case_no, asked.code, asked.qr)
            check = await run_in_threadpool(slips.verify, db, case_no, code, version)
        except slips.SlipInputError as exc:
            raise HTTPException(422, str(exc)) from exc
        except SealingProblem as exc:
            raise _sealing_refused(exc) from exc
        log.info("slip check by %s: %s", who, check.verdict)
        await run_in_threadpool(
            _journal_check,
            db,
            stamp(clock.now()),
            who,
            check,
            request.client.host if request.client else None,
        )
        answer = SlipCheckOut(case_no=check.case_no, result=check.verdict, message=check.message)
        try:
            answer.slip = (
                None if check.content is None else SlipContent.model_validate(check.content)
            )
        except ValidationError:
            log.warning(
                "slip check of %s: the station's slip content is malformed; not shown",
                check.case_no,
            )
        return answer

    @app.get(
        "/v1/hub-key",
        response_model=HubKey,
        responses=responses(503),
        summary="The hub's public key that signs acknowledgement files, and its "
        "transfer key (certified by it) that stations encrypt USB files to",
    )
    def hub_key() -> HubKey:
        try:
            now = stamp(clock.now())
            public = identity.public_key(db, now)
        except SealingProblem as exc:
            raise _sealing_refused(exc) from exc
        try:
            transfer_key: str | None = identity.transfer_key(db, now)
        except SealingProblem as exc:  # the public key still serves; no USB file for now
            log.warning("no transfer key to give the stations: %s", exc)
            transfer_key = None
        return HubKey(public_key=public, transfer_key=transfer_key)

    @app.post(
        "/v1/enrol",
        response_model=EnrolOut,
        summary="Enrol a station with the secret of its one-time enrolment code: its token, "
        "signing key and data, given once (docs/sync-wire-format.md, Enrolment)",
        responses=responses(404, 410, 413, 422, 429, 503),
        openapi_extra=json_body(EnrolIn),
    )
    async def enrol(request: Request) -> dict[str, Any]:
        guard: Guard = request.app.state.guard
        address = client_address(request)
        try:
            guard.failed_auth.check(address)
            guard.enrolments.take(address)
        except Refused as refused:
            raise too_many(request, refused, f"enrolments from {address}") from None
        asked: EnrolIn = await _json(request, EnrolIn, ENROL_MAX_BYTES)
        try:
            return await run_in_threadpool(enrolment.redeem, db, asked.secret, clock.now(), address)
        except enrolment.EnrolRefused as exc:
            guard.failed_auth.spend(address)
            log.warning("enrolment from %s refused: code %s", address, exc.reason)
            raise HTTPException(404 if exc.reason == "unknown" else 410, str(exc)) from exc
        except SealingProblem as exc:
            raise _sealing_refused(exc) from exc

    @app.get("/v1/whoami", response_model=WhoAmI, responses=responses(*AUTH))
    def whoami(station: Station) -> WhoAmI:
        return WhoAmI(station=station)

    return app
