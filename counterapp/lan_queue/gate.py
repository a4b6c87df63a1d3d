"""The queue host's door: what every request must show before any of its body is read.

FastAPI reads a request's whole body before it runs a route's dependencies, so a key checked
there comes too late: anyone on the LAN could make the host hold a body of any size (256 MiB
took the host from 61 to 764 MiB). This ASGI middleware stands in front of the app and, from the
request line and headers alone, refuses:

- a missing, unknown or revoked access key (401; the key's record is looked up by hash on a
  connection of the gate's own),
- what the key's access does not allow (403: a kiosk only issues tickets, a hall display only
  reads the calls),
- a change without an `Idempotency-Key` (428: it could be done twice if its answer is lost),
- a body announced larger than `MAX_BODY` (413).

Only then is the body read, at most `MAX_BODY` bytes (413 for a longer one sent without its
length announced) within `BODY_SECONDS` (408), and handed to the app. The grant travels to the
app in the request's state (`GRANT`). Every refusal is logged with the client's address and
never with the key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from counterapp.lan_queue.access import Access, Grant
from counterapp.lan_queue.wire import REQUEST_ID

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 4096  # bytes: the largest request is an action with a 60-character reason
BODY_SECONDS = 10.0  # to send a body that small, on a LAN
GRANT = "queue_grant"  # the key's `Grant`, in the request's state

NO_KEY = (
    "missing queue key: send the header 'Authorization: Bearer <key>' with the key the "
    "queue host issued for this PC (counterapp queue-setup --issue on the host)"
)
WRONG_KEY = (
    "unknown queue key: this queue host never issued it; enter the key the host issued for this PC"
)
REVOKED_KEY = "revoked queue key: the station's administrator revoked it on the queue host"
NOT_ALLOWED = "此排队密钥只用于{label}（{duty}），排队主机拒绝了这项操作：{method} {path}"
NO_REQUEST_ID = (
    f"排队主机拒绝了这项操作：更改排队的请求须带请求编号（{REQUEST_ID}），"
    "以免应答丢失后重发时做两次。请确认各电脑的柜员程序版本一致"
)
TOO_LARGE = f"请求内容过长：排队主机最多接收 {MAX_BODY} 字节"
TOO_SLOW = f"请求内容未在 {BODY_SECONDS:.0f} 秒内送达，排队主机已放弃"

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_READ_CALLS = ("GET", re.compile(r"/v1/(ping|revision|calls|waiting)"))
# What each kind of key may ask for; a window key may ask for anything the app answers.
ALLOWED: dict[Access, tuple[tuple[str, re.Pattern[str]], ...]] = {
    Access.HALL: (_READ_CALLS,),
    Access.KIOSK: (
        ("GET", re.compile(r"/v1/ping")),
        ("POST", re.compile(r"/v1/tickets")),
        ("GET", re.compile(rf"/v1/tickets/{_UUID}(/ahead)?")),
    ),
}


class _Refused(Exception):
    def __init__(self, status: int, detail: str, error: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.error = status, detail, error


def allowed(access: Access, method: str, path: str) -> bool:
    rules = ALLOWED.get(access)
    return rules is None or any(
        method == verb and pattern.fullmatch(path) for verb, pattern in rules
    )


class Gate:
    """Wraps the app: `lookup(key)` is the grant of a key as presented, or None."""

    def __init__(self, app: App, lookup: Callable[[str], Grant | None]) -> None:
        self.app = app
        self.lookup = lookup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            grant = self._admit(scope)
            body = await self._body(scope, receive)
        except _Refused as refused:
            client = scope.get("client") or ("?", 0)
            log.warning(
                "queue host refused %s %s from %s: %s %s",
                scope["method"],
                scope["path"],
                client[0],
                refused.status,
                refused.error,
            )
            await _answer(send, refused)
            return
        scope.setdefault("state", {})[GRANT] = grant
        await self.app(scope, _replay(body, receive), send)

    def _admit(self, scope: Scope) -> Grant:
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        scheme, _, key = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise _Refused(401, NO_KEY, "key_missing")
        grant = self.lookup(key.strip())
        if grant is None:
            raise _Refused(401, WRONG_KEY, "key_unknown")
        if not grant.active:
            raise _Refused(401, REVOKED_KEY, "key_revoked")
        method, path = scope["method"], scope["path"]
        if not allowed(grant.access, method, path):
            raise _Refused(
                403,
                NOT_ALLOWED.format(
                    label=grant.access.label, duty=grant.access.duty, method=method, path=path[:80]
                ),
                "not_allowed",
            )
        if method != "GET" and not headers.get(REQUEST_ID.lower()):
            raise _Refused(428, NO_REQUEST_ID, "no_request_id")
        try:
            announced = int(headers.get("content-length", "0"))
        except ValueError:
            announced = MAX_BODY + 1
        if announced > MAX_BODY:
            raise _Refused(413, TOO_LARGE, "too_large")
        return grant

    @staticmethod
    async def _body(scope: Scope, receive: Receive) -> bytes:
        if scope["method"] == "GET":
            return b""
        body = bytearray()
        try:
            async with asyncio.timeout(BODY_SECONDS):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        break  # the client went away; the app sees an empty body
                    body += message.get("body", b"")
                    if len(body) > MAX_BODY:
                        raise _Refused(413, TOO_LARGE, "too_large")
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            raise _Refused(408, TOO_SLOW, "too_slow") from None
        return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for the app: the body already read, then the client's own messages."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, refused: _Refused) -> None:
    content = json.dumps(
        {"detail": refused.detail, "error": refused.error}, ensure_ascii=False
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    if refused.status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    headers.append((b"connection", b"close"))  # a body may still be on its way: not read
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
