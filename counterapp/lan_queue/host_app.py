"""The queue host's HTTP API (FastAPI): the station's `TicketQueue`, for the other PCs.

Every request must carry the station's queue key (`Authorization: Bearer <key>`); without it
the answer is 401 with a message for whoever wrote the call. A queue rule that refuses an
action, or a ticket this host does not have, answers 409 with a Chinese message, which the
client raises again as `QueueError` (any other answer it cannot read, such as FastAPI's 404 for
a route an older host lacks, it reports as such). Requests run one at a time over one store
connection: SQLite allows one writer anyway, and `call_next` must never hand one ticket to two
windows.

Every state-changing request is acted on at most once: a client repeating a request that got
no answer sends the same request id, and gets the first answer again (`once`).

Clerks travel as their login (工号) and name: a client's clerk ids mean nothing here, so a
login the host does not know yet is added to its clerks, and the host's journal names the
clerk who acted.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from counterapp.clock import Clock
from counterapp.lan_queue.once import REFUSALS, Answers, Attempt, attempt
from counterapp.lan_queue.wire import to_wire
from counterapp.queue import Lane, Ticket, TicketQueue
from counterapp.station import add_clerk
from db.store import Store

NO_KEY = ("missing queue key: send the header 'Authorization: Bearer <key>' with the "
          "station's queue key, shown on the queue host PC (counterapp queue-setup --host)")
WRONG_KEY = ("wrong queue key: this queue host refuses it; enter the key shown on the queue "
             "host PC (counterapp queue-setup --host)")


class ClerkIn(BaseModel):
    login: str = Field(min_length=2, max_length=32)
    name: str = Field(min_length=1, max_length=64)


class IssueIn(BaseModel):
    lane: Lane
    reason: str | None = None


class CallIn(BaseModel):
    window: int = Field(ge=1, le=99)
    clerk: ClerkIn


class ActIn(BaseModel):
    clerk: ClerkIn
    reason: str = ""
    window: int | None = Field(default=None, ge=1, le=99)    # resume: the window taking it
    to_window: int | None = Field(default=None, ge=1, le=99)  # transfer: the target window


Sent = Annotated[Attempt, Depends(attempt)]  # a state change's request id, age, arrival
Action = Literal["recall", "skip", "requeue", "start_serving", "hold", "resume", "transfer",
                 "finish", "end_without_case"]


def _act(queue: TicketQueue, action: Action, ticket_id: int, body: ActIn, clerk: int
         ) -> Ticket:
    if action == "resume":
        if body.window is None:
            raise HTTPException(422, "resume needs 'window'")
        return queue.resume(ticket_id, body.window, clerk)
    if action == "transfer":
        if body.to_window is None:
            raise HTTPException(422, "transfer needs 'to_window'")
        return queue.transfer(ticket_id, body.to_window, clerk, body.reason)
    if action == "hold":
        return queue.hold(ticket_id, clerk, body.reason)
    if action == "end_without_case":
        return queue.end_without_case(ticket_id, clerk, body.reason)
    simple: dict[str, Callable[[int, int], Ticket]] = {
        "recall": queue.recall, "skip": queue.skip, "requeue": queue.requeue,
        "start_serving": queue.start_serving, "finish": queue.finish}
    return simple[action](ticket_id, clerk)


def create_app(store: Store, clock: Clock, key: str) -> FastAPI:
    queue = TicketQueue(store, clock)
    lock = threading.Lock()
    answers = Answers()
    app = FastAPI(title="counterapp queue host", docs_url=None, redoc_url=None,
                  openapi_url=None)

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise HTTPException(401, NO_KEY, headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given.strip().encode(), key.encode()):
            raise HTTPException(401, WRONG_KEY, headers={"WWW-Authenticate": "Bearer"})

    app.router.dependencies.append(Depends(authorised))

    async def refused(_request: Any, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    for refusal in REFUSALS:
        app.add_exception_handler(refusal, refused)

    def clerk_id(clerk: ClerkIn) -> int:
        found = store.scalar("SELECT id FROM clerks WHERE login = ?", (clerk.login,))
        return found if found is not None else add_clerk(store, clerk.login, clerk.name,
                                                         clock).id

    def ticket_id(uuid: str) -> int:
        found: int | None = store.scalar("SELECT id FROM tickets WHERE uuid = ? AND mirror = 0",
                                         (uuid,))
        if found is None:
            raise HTTPException(409, "排队主机上没有这个排队号")
        return found

    @app.get("/v1/ping")
    def ping() -> dict[str, Any]:
        with lock:
            station = store.one("SELECT code, name FROM station")
        return {"station": dict(station) if station else None,
                "today": clock.today().isoformat()}

    @app.get("/v1/tickets")
    def of_day(day: date | None = None) -> list[dict[str, Any]]:
        with lock:
            return [to_wire(t) for t in queue.of_day(day or clock.today())]

    @app.get("/v1/waiting")
    def waiting(window: Annotated[int | None, Query(ge=1, le=99)] = None
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
    def get(uuid: str) -> dict[str, Any]:
        with lock:
            return to_wire(queue.get(ticket_id(uuid)))

    @app.get("/v1/tickets/{uuid}/ahead")
    def people_ahead(uuid: str) -> dict[str, int]:
        with lock:
            return {"ahead": queue.people_ahead(queue.get(ticket_id(uuid)))}

    @app.post("/v1/tickets")
    def issue(body: IssueIn, sent: Sent) -> JSONResponse:
        with lock:
            return answers.once(sent, lambda: to_wire(queue.issue(body.lane, body.reason)))

    @app.post("/v1/call-next")
    def call_next(body: CallIn, sent: Sent) -> JSONResponse:
        def call() -> dict[str, Any]:
            called = queue.call_next(body.window, clerk_id(body.clerk))
            return {"ticket": None if called is None else to_wire(called)}

        with lock:
            return answers.once(sent, call)

    @app.post("/v1/tickets/{uuid}/{action}")
    def act(uuid: str, action: Action, body: ActIn, sent: Sent) -> JSONResponse:
        with lock:
            return answers.once(sent, lambda: to_wire(
                _act(queue, action, ticket_id(uuid), body, clerk_id(body.clerk))))

    return app
