"""The workbench's door (pure ASGI, for paths under /county only; the stations' API has its own,
`hub.guard`): a posted body over `MAX_BODY` (an upload page's own `UPLOAD_MAX`) is refused while
it is read, never parsed; every answer carries headers that keep its pages out of caches and
frames and let only the hub's own scripts run."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.publishing import CALENDAR_MAX_BYTES, CATALOGUE_MAX_BYTES
from hub.web.assets import PREFIX

MAX_BODY = 64 * 1024  # a form of the workbench: a few fields, a note, 50 case ids
UPLOAD_MAX = {  # pages that take a file: its cap and room for the form around it
    PREFIX + "/catalogue/upload": CATALOGUE_MAX_BYTES + 16 * 1024,
    PREFIX + "/calendar/upload": CALENDAR_MAX_BYTES + 16 * 1024,
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class TooLarge(Exception):
    pass


class WorkbenchDoor:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"0")
        most = UPLOAD_MAX.get(path, MAX_BODY)
        if not declared.isdigit() or int(declared) > most:
            await _refuse(send)
            return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    raise TooLarge()
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(HEADERS)
                names = {name.lower() for name, _ in message.get("headers", [])}
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, limited, with_headers)
        except TooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    body = "请求内容过大或格式不正确。".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
