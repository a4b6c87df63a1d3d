"""State-changing requests applied at most once (issue, call next, recall, skip, …).

A client that got no answer does not know whether the host acted, so it sends the request
again once, with the same request id (`Idempotency-Key`). The host keeps the answer of each
request id it acted on, refusal or ticket, and answers a repeat from that record instead of
acting twice (calling a second ticket, issuing a second number). The check and the action run
under the host's one lock, so a repeat that overtakes a slow first attempt is answered once too.

The record lives in the host program's memory: a repeat sent after the host program restarted
could be the repeat of a request the previous run acted on. So a repeat says how long ago its
first attempt was sent (`Queue-Request-Age`, seconds on the client's own monotonic clock); a
host whose program started after that (with `TRANSIT_MARGIN` for the repeat's own way here) has
no way to know, acts on nothing, and asks the clerk to look at the queue first.

A change without a request id is refused before it is read (`gate`): it could not be repeated
safely. Ids are kept per access key, so one PC never receives another's answer.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple

from fastapi import Header, Request
from fastapi.responses import JSONResponse

from counterapp.lan_queue.access import Grant
from counterapp.lan_queue.wire import FIRST_SENT_AGO, REQUEST_ID
from counterapp.queue import QueueError
from counterapp.states import TransitionError
from counterapp.station import StationError

KEEP = 4096  # far more state changes than a station makes between a try and a repeat
TRANSIT_MARGIN = 10.0  # seconds: more than a repeat's connect and send timeouts together
REFUSALS = (QueueError, TransitionError, StationError)
RESTARTED = (
    "排队主机的柜员程序刚刚重新启动，无法确认刚才的操作是否已经完成。"
    "请先刷新排队列表查看，再决定是否重新操作"
)


class Attempt(NamedTuple):
    key_id: int  # the access key it came with: ids are kept per key
    request_id: str
    first_sent_ago: float | None  # only on a repeat whose first try may have reached a host
    arrived: float  # time.monotonic() when the request got here


def attempt(
    request: Request,
    request_id: Annotated[str, Header(alias=REQUEST_ID, min_length=16, max_length=64)],
    first_sent_ago: Annotated[float | None, Header(alias=FIRST_SENT_AGO, ge=0, le=86400)] = None,
) -> Attempt:
    """FastAPI dependency: the request's id and age, and when it arrived (before its turn).
    A change without an id never gets here (`gate`)."""
    grant: Grant = request.state.queue_grant
    return Attempt(grant.id, request_id, first_sent_ago, time.monotonic())


class Answers:
    """The answers of the last `keep` state-changing requests, by key and request id."""

    def __init__(self, keep: int = KEEP) -> None:
        self._answers: OrderedDict[tuple[int, str], tuple[Any, int]] = OrderedDict()
        self._keep = keep
        self._since = time.monotonic()

    def once(self, attempt: Attempt, act: Callable[[], Any]) -> JSONResponse:
        """`act()`'s answer (a queue rule's refusal as 409), or the recorded one for a repeat.
        Call under the host's lock."""
        request = (attempt.key_id, attempt.request_id)
        recorded = self._answers.get(request)
        if recorded is None:
            if (
                attempt.first_sent_ago is not None
                and attempt.arrived - self._since < attempt.first_sent_ago + TRANSIT_MARGIN
            ):
                raise QueueError(RESTARTED)
            recorded = self._answers[request] = _answer(act)
            while len(self._answers) > self._keep:
                self._answers.popitem(last=False)
        return JSONResponse(*recorded)


def _answer(act: Callable[[], Any]) -> tuple[Any, int]:
    """`act()`'s body and status: 200, or 409 with a queue rule's refusal."""
    try:
        return act(), 200
    except REFUSALS as exc:
        return {"detail": str(exc)}, 409
