"""The queue host's HTTP API (FastAPI): the station's `TicketQueue`, for the other PCs.

Before a request gets here, the gate (`gate.Gate`) has checked its access key and what that
key may do, and read its body (a few KiB at most). A queue rule that refuses an action, or a
ticket this host does not have, answers 409 with a Chinese message, which the client raises
again as `QueueError` (any other answer it cannot read, such as FastAPI's 404 for a route an
older host lacks, it reports as such). A request that breaks the wire's bounds (a reason over
60 characters, an unknown field, a window 0) answers 422 with one precise Chinese message.
Requests run one at a time over one store connection: SQLite allows one writer anyway, and
`call_next` must never hand one ticket to two windows.

Every state-changing request is acted on at most once: a client repeating a request that got
no answer sends the same request id, and gets the first answer again (`once`).

An action is done as the clerk signed in at the PC that sends it (`sessions`): the window PC
signs its clerk in with the PIN typed there (`POST /v1/clerk-sessions`, the host's own clerks
only, none ever added, the PIN checked and counted here) and sends the session with each
action; the host's journal names that clerk. A window PC reads the station's accounts from
here (`GET /v1/clerks`: login, name, role and PIN hash of each active clerk — never a lockout
count), so its login lists them and can check a PIN while the host is away; a kiosk's or hall
display's key is refused that list (`gate`).
"""

# No `from __future__ import annotations`: the routes' dependencies are made inside
# `create_app` (they close over its store), and FastAPI reads a string annotation in the
# module's globals only.
import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from counterapp import accounts, pins
from counterapp.clock import Clock
from counterapp.lan_queue import sessions
from counterapp.lan_queue.access import Grant
from counterapp.lan_queue.once import REFUSALS, Answers, Attempt, attempt
from counterapp.lan_queue.wire import CLERK_SESSION, to_wire
from counterapp.queue import Lane, Ticket, TicketQueue
from counterapp.typed_text import REASON_MAX
from counterapp.windows import MAX_WINDOWS
from db.settings import Settings
from db.store import Store

LOGIN_PATTERN = r"^[0-9A-Za-z_.-]{2,32}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
FIELD_NAMES = {
    "reason": "原因",
    "lane": "号类",
    "window": "窗口号",
    "to_window": "目标窗口",
    "login": "工号",
    "proof": "登录凭据",
    "limit": "条数",
    "day": "日期",
    "uuid": "排队号编号",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueIn(Strict):
    lane: Lane
    reason: str | None = Field(default=None, max_length=REASON_MAX)


class CallIn(Strict):
    window: int = Field(ge=1, le=MAX_WINDOWS)


class ActIn(Strict):
    reason: str = Field(default="", max_length=REASON_MAX)
    window: int | None = Field(default=None, ge=1, le=MAX_WINDOWS)  # resume: its window
    to_window: int | None = Field(default=None, ge=1, le=MAX_WINDOWS)  # transfer: the target


class SignIn(Strict):
    login: str = Field(pattern=LOGIN_PATTERN)
    proof: str = Field(min_length=1, max_length=pins.MAX_LENGTH)  # the PIN typed at the PC


def problem(errors: Sequence[Any]) -> str:
    """The first of pydantic's errors as one Chinese sentence naming the field and the bound."""
    error = errors[0]
    field = str(error["loc"][-1]) if error.get("loc") else "请求"
    name = f"{FIELD_NAMES.get(field, field)}（{field}）"
    bounds = error.get("ctx") or {}
    given = error.get("input")
    kind = error.get("type", "")
    if kind == "string_too_long":
        return f"{name}最多 {bounds['max_length']} 个字，收到 {len(given)} 个"
    if kind == "string_too_short":  # min_length=1 is the only lower bound on a text
        return f"{name}不能为空"
    if kind == "extra_forbidden":
        return f"排队主机不认识字段 {field}，请确认各电脑的柜员程序版本一致"
    if kind == "missing":
        return f"缺少{name}"
    if kind == "greater_than_equal":
        return f"{name}至少为 {bounds['ge']}，收到 {given!r:.20}"
    if kind == "less_than_equal":
        return f"{name}最多为 {bounds['le']}，收到 {given!r:.20}"
    return f"{name}不正确（{error.get('msg', kind)}）"


Sent = Annotated[Attempt, Depends(attempt)]  # a state change's request id, age, arrival
Action = Literal[
    "recall",
    "skip",
    "requeue",
    "start_serving",
    "hold",
    "resume",
    "transfer",
    "finish",
    "end_without_case",
]


def _act(queue: TicketQueue, action: Action, ticket_id: int, body: ActIn, clerk: int) -> Ticket:
    if action == "resume":
        if body.window is None:
            raise HTTPException(422, "继续办理须指明窗口号（window）")
        return queue.resume(ticket_id, body.window, clerk)
    if action == "transfer":
        if body.to_window is None:
            raise HTTPException(422, "转窗口须指明目标窗口（to_window）")
        return queue.transfer(ticket_id, body.to_window, clerk, body.reason)
    if action == "hold":
        return queue.hold(ticket_id, clerk, body.reason)
    if action == "end_without_case":
        return queue.end_without_case(ticket_id, clerk, body.reason)
    simple: dict[str, Callable[[int, int], Ticket]] = {
        "recall": queue.recall,
        "skip": queue.skip,
        "requeue": queue.requeue,
        "start_serving": queue.start_serving,
        "finish": queue.finish,
    }
    return simple[action](ticket_id, clerk)


def create_app(store: Store, clock: Clock) -> FastAPI:
    """The API over `store`; wrap it in `gate.Gate`, which puts each request's grant in its
    state."""
    queue = TicketQueue(store, clock)
    lock = threading.Lock()
    answers = Answers()
    app = FastAPI(title="counterapp queue host", docs_url=None, redoc_url=None, openapi_url=None)

    async def refused(_request: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    for refusal in REFUSALS:
        app.add_exception_handler(refusal, refused)

    async def malformed(_request: Any, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"detail": problem(exc.errors())}, status_code=422)

    async def signed_out(_request: Any, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc), "error": "clerk_session"},
            status_code=401,
            headers={"WWW-Authenticate": "QueueClerk"},
        )

    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(sessions.SessionEnded, signed_out)

    def grant_of(request: Request) -> Grant:
        grant: Grant = request.state.queue_grant
        return grant

    Granted = Annotated[Grant, Depends(grant_of)]
    Uuid = Annotated[str, Path(pattern=UUID_PATTERN)]

    def clerk(
        grant: Granted,
        session: Annotated[str | None, Header(alias=CLERK_SESSION, max_length=64)] = None,
    ) -> int:
        """The host's id of the clerk signed in at the PC sending this action."""
        with lock:
            return sessions.clerk_of(store, clock, grant, session)

    Clerk = Annotated[int, Depends(clerk)]

    def ticket_id(uuid: str) -> int:
        found: int | None = store.scalar(
            "SELECT id FROM tickets WHERE uuid = ? AND mirror = 0", (uuid,)
        )
        if found is None:
            raise HTTPException(409, "排队主机上没有这个排队号")
        return found

    @app.get("/v1/ping")
    def ping(grant: Granted) -> dict[str, Any]:
        with lock:
            station = store.one("SELECT code, name FROM station")
        return {
            "station": dict(station) if station else None,
            "today": clock.today().isoformat(),
            "key": {"name": grant.name, "access": grant.access.value},
        }

    @app.get("/v1/clerks")
    def station_clerks() -> dict[str, Any]:
        """The station's accounts as a window PC mirrors them (`mirror.keep_clerks`): its
        active clerks and the idle time after which the counter windows lock."""
        with lock:
            return {
                "clerks": [
                    dict(row)
                    for row in store.all(
                        "SELECT uuid, login, name, role, pin_hash FROM clerks WHERE active = 1 "
                        "ORDER BY login"
                    )
                ],
                "idle_lock_minutes": accounts.idle_lock_minutes(Settings(store)),
            }

    @app.post("/v1/clerk-sessions")
    def sign_in(body: SignIn, grant: Granted, sent: Sent) -> JSONResponse:
        def open_session() -> dict[str, Any]:
            token, clerk = sessions.sign_in(store, clock, grant, body.login, body.proof)
            return {"session": token, "clerk": {"login": clerk.login, "name": clerk.name}}

        with lock:
            return answers.once(sent, open_session)

    @app.get("/v1/tickets")
    def of_day(day: date | None = None) -> list[dict[str, Any]]:
        with lock:
            return [to_wire(t) for t in queue.of_day(day or clock.today())]

    @app.get("/v1/waiting")
    def waiting(
        window: Annotated[int | None, Query(ge=1, le=MAX_WINDOWS)] = None,
    ) -> list[dict[str, Any]]:
        with lock:
            return [to_wire(t) for t in queue.waiting(window)]

    @app.get("/v1/calls")
    def recent_calls(limit: Annotated[int, Query(ge=1, le=50)] = 8) -> list[dict[str, Any]]:
        with lock:
            return [to_wire(t) for t in queue.recent_calls(limit)]

    @app.get("/v1/revision")
    def revision() -> dict[str, str]:
        with lock:
            return {"revision": queue.revision()}

    @app.get("/v1/tickets/{uuid}")
    def get(uuid: Uuid) -> dict[str, Any]:
        with lock:
            return to_wire(queue.get(ticket_id(uuid)))

    @app.get("/v1/tickets/{uuid}/ahead")
    def people_ahead(uuid: Uuid) -> dict[str, int]:
        with lock:
            return {"ahead": queue.people_ahead(queue.get(ticket_id(uuid)))}

    @app.post("/v1/tickets")
    def issue(body: IssueIn, sent: Sent) -> JSONResponse:
        with lock:
            return answers.once(sent, lambda: to_wire(queue.issue(body.lane, body.reason)))

    @app.post("/v1/call-next")
    def call_next(body: CallIn, clerk: Clerk, sent: Sent) -> JSONResponse:
        def call() -> dict[str, Any]:
            called = queue.call_next(body.window, clerk)
            return {"ticket": None if called is None else to_wire(called)}

        with lock:
            return answers.once(sent, call)

    @app.post("/v1/tickets/{uuid}/{action}")
    def act(uuid: Uuid, action: Action, body: ActIn, clerk: Clerk, sent: Sent) -> JSONResponse:
        with lock:
            return answers.once(
                sent, lambda: to_wire(_act(queue, action, ticket_id(uuid), body, clerk))
            )

    return app
