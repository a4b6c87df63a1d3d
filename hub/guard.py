"""Who may call, how often, and how much they may send: the hub's door.

- The bearer token is checked first; a body is read only after it, by hand (`read_body`),
  and refused (413) as soon as it passes its call's limit: never read whole first.
- A station's or staff member's requests are rate-limited per token holder, slip checks more
  tightly; failed authentications per client address. A refusal is 429 with `Retry-After`.
- Every refusal is logged (warning) with the call, the client address and why, never the
  token; a flood of 429s for one key is logged once until a request of that key passes.
- A client that goes away mid-body is logged quietly (info, no traceback): it is the
  network's doing, not the hub's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from hub import staff, stations
from hub.db import Database
from hub.limits import Limits, RateLimiter, Refused

log = logging.getLogger("hub")
bearer = HTTPBearer(
    auto_error=False,
    description=(
        "A station's token (`cah_…`, from `python -m hub.admin register`) for `/v1/…`; a county "
        "staff token (`cas_…`, from `staff-token`) for `/v1/staff/…`."
    ),
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


class Guard:
    """The rate limiters of one app (kept on `app.state.guard`)."""

    def __init__(self, limits: Limits) -> None:
        self.holders = RateLimiter(limits.holder)
        self.slip_checks = RateLimiter(limits.slip_checks)
        self.failed_auth = RateLimiter(limits.failed_auth)
        self.enrolments = RateLimiter(limits.enrolments)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _where(request: Request) -> str:
    return f"{request.method} {request.url.path} from {client_address(request)}"


def too_many(request: Request, refused: Refused, whose: str) -> HTTPException:
    if refused.first:
        log.warning(
            "429 %s: rate limit of %s reached; refusing for %d s",
            _where(request),
            whose,
            refused.retry_after,
        )
    return HTTPException(
        429,
        f"too many requests; retry after {refused.retry_after} s",
        headers={"Retry-After": str(refused.retry_after)},
    )


async def _holder(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    authenticate: Callable[[Database, str], str | None],
    kind: str,
) -> str:
    """Who holds this bearer token (401 if none, unknown or revoked; 429 over a limit)."""
    guard: Guard = request.app.state.guard
    address = client_address(request)
    try:
        guard.failed_auth.check(address)
    except Refused as refused:
        raise too_many(request, refused, f"failed authentications from {address}") from None
    holder = None
    if credentials is not None:
        holder = await run_in_threadpool(
            authenticate, request.app.state.db, credentials.credentials
        )
    if holder is None:
        reason = (
            "missing bearer token" if credentials is None else f"unknown or revoked {kind} token"
        )
        guard.failed_auth.spend(address)
        log.warning("401 %s: %s", _where(request), reason)
        raise HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})
    try:
        guard.holders.take(f"{kind}:{holder}")
    except Refused as refused:
        raise too_many(request, refused, f"{kind} {holder}") from None
    return holder


async def station_of(request: Request, credentials: Credentials) -> str:
    """The station whose bearer token this is."""
    return await _holder(request, credentials, stations.authenticate, "station")


async def staff_of(request: Request, credentials: Credentials) -> str:
    """The county staff member whose staff token this is (a station's token is not one)."""
    return await _holder(request, credentials, staff.authenticate, "staff")


Station = Annotated[str, Depends(station_of)]
Staff = Annotated[str, Depends(staff_of)]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is over `limit` bytes, never held whole first:
    a declared Content-Length over the limit is refused before a byte is read."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise HTTPException(
                413, f"body of {declared} bytes is over this call's limit of {limit}"
            )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"body is over this call's limit of {limit} bytes")
    return bytes(body)


async def client_went_away(request: Request, exc: Exception) -> Response:
    """A client that disconnected mid-request: logged quietly, no traceback."""
    log.info("%s: the client disconnected before the body was read", _where(request))
    return JSONResponse({"detail": "client disconnected"}, status_code=400)


HANDLERS: dict[type[Exception], Callable[..., object]] = {ClientDisconnect: client_went_away}
