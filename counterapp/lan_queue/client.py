"""`RemoteQueue`: the station's queue on the queue host, a `counterapp.queue.Queue` as
`TicketQueue` is, with the same `Ticket` results (ids are this PC's mirror ids, see `mirror`).

Short timeouts: a clerk waits a few seconds at most. A refusal by the host arrives as the same
`QueueError` with the host's Chinese message; an unreachable host gives one clear message and
changes nothing here. Closing a day happens on the host only.

A request that could not reach the host, or got no answer, is sent once more after a short
pause (`ATTEMPTS`): a read is harmless to repeat, and a state change (issue, call next, recall,
…) carries a request id the host acts on at most once (`once`), so a repeat whose first try did
reach the host gets that try's answer instead of a second ticket. When the repeat fails too,
a change that may have reached the host says so (`NO_ANSWER`: look at the queue before acting
again); one that never left this PC says the host is unreachable.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from counterapp.lan_queue import keys, mirror
from counterapp.lan_queue.wire import FIRST_SENT_AGO, REQUEST_ID, from_wire
from counterapp.queue import DayClosing, Lane, QueueError, Ticket, refuse_if_case
from counterapp.station import get_clerk
from db.store import Store

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

CONNECT_SECONDS = 2.0
ANSWER_SECONDS = 5.0
ATTEMPTS = 2             # a request that could not reach the host or got no answer: once more
RETRY_PAUSE = 0.3        # seconds before the repeat
KEY_REFUSED = ("排队主机拒绝了本机的排队密钥，请向站点管理员索取排队主机上显示的密钥后，"
               "在菜单“窗口 → 排队设置”中重新录入")
HOST_ONLY = "日终结算只在排队主机上进行，本机是排队客户端"
NO_ANSWER = "排队主机未及时应答，操作可能已经完成，请稍候查看排队列表后再操作"
NO_READ_ANSWER = "排队主机未及时应答，请稍后重试；如反复出现，请联系站点管理员"


def unreachable(base_url: str) -> str:
    return f"无法连接排队主机 {base_url}，请检查网络或联系站点管理员"


def unrecognised(status: int) -> str:
    """An answer this program cannot read: an older or newer host, or not a queue host."""
    return f"排队主机的回答无法识别（HTTP {status}），请确认各电脑的柜员程序版本一致"


class RemoteQueue:
    def __init__(self, base_url: str, store: Store) -> None:
        self.base_url = base_url.rstrip("/")
        self._store = store
        self._http: httpx.Client | None = None
        self._key: str | None = None  # read from the keyring once; again after a refusal

    # --- reading ---------------------------------------------------------------------------
    def get(self, ticket_id: int) -> Ticket:
        return self._one("GET", f"/v1/tickets/{mirror.uuid_of(self._store, ticket_id)}")

    def waiting(self, window_no: int | None = None) -> list[Ticket]:
        """Today's waiting tickets in the order `call_next` would take them."""
        params = {} if window_no is None else {"window": window_no}
        return self._many("GET", "/v1/waiting", params=params)

    def of_day(self, day: date) -> list[Ticket]:
        return self._many("GET", "/v1/tickets", params={"day": day.isoformat()})

    def of_today(self) -> list[Ticket]:
        """The host's today: a client PC's clock may be off, the host's numbering is not."""
        return self._many("GET", "/v1/tickets")

    def recent_calls(self, limit: int) -> list[Ticket]:
        return self._many("GET", "/v1/calls", params={"limit": limit})

    def revision(self) -> str:
        """The host's token for today's tickets: a poll that stores and returns nothing."""
        return self._call("GET", "/v1/revision", read=lambda data: str(data["revision"]))

    def people_ahead(self, ticket: Ticket) -> int:
        return self._call("GET", f"/v1/tickets/{ticket.uuid}/ahead",
                          read=lambda data: int(data["ahead"]))

    # --- actions ---------------------------------------------------------------------------
    def issue(self, lane: Lane, reason: str | None = None) -> Ticket:
        return self._one("POST", "/v1/tickets", json={"lane": lane.value, "reason": reason})

    def call_next(self, window_no: int, clerk_id: int) -> Ticket | None:
        called = self._call("POST", "/v1/call-next",
                            json={"window": window_no, "clerk": self._clerk(clerk_id)},
                            read=lambda data: None if data["ticket"] is None
                            else from_wire(data["ticket"]))
        return None if called is None else mirror.keep(self._store, [called])[0]

    def recall(self, ticket_id: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "recall", clerk_id)

    def skip(self, ticket_id: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "skip", clerk_id)

    def requeue(self, ticket_id: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "requeue", clerk_id)

    def start_serving(self, ticket_id: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "start_serving", clerk_id)

    def hold(self, ticket_id: int, clerk_id: int, reason: str = "") -> Ticket:
        return self._act(ticket_id, "hold", clerk_id, reason=reason)

    def resume(self, ticket_id: int, window_no: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "resume", clerk_id, window=window_no)

    def transfer(self, ticket_id: int, to_window: int, clerk_id: int, reason: str) -> Ticket:
        return self._act(ticket_id, "transfer", clerk_id, to_window=to_window, reason=reason)

    def finish(self, ticket_id: int, clerk_id: int) -> Ticket:
        return self._act(ticket_id, "finish", clerk_id)

    def end_without_case(self, ticket_id: int, clerk_id: int, reason: str) -> Ticket:
        """Checked here first: this PC's cases are not on the host."""
        code = self._store.scalar("SELECT code FROM tickets WHERE id = ?", (ticket_id,))
        refuse_if_case(self._store, ticket_id, code or "")
        return self._act(ticket_id, "end_without_case", clerk_id, reason=reason)

    def close_day(self, day: date) -> DayClosing:
        raise QueueError(HOST_ONLY)

    def close_past_days(self) -> list[DayClosing]:
        raise QueueError(HOST_ONLY)

    def ping(self) -> dict[str, Any]:
        """The host's station and day: checks the address and the key (set-up)."""
        return self._call("GET", "/v1/ping")

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # --- the wire --------------------------------------------------------------------------
    def _clerk(self, clerk_id: int) -> dict[str, str]:
        clerk = get_clerk(self._store, clerk_id)
        return {"login": clerk.login, "name": clerk.name}

    def _act(self, ticket_id: int, action: str, clerk_id: int, **fields: object) -> Ticket:
        uuid = mirror.uuid_of(self._store, ticket_id)
        return self._one("POST", f"/v1/tickets/{uuid}/{action}",
                         json={"clerk": self._clerk(clerk_id), **fields})

    def _one(self, method: str, path: str, **request: Any) -> Ticket:
        return mirror.keep(self._store, [self._call(method, path, read=from_wire,
                                                    **request)])[0]

    def _many(self, method: str, path: str, **request: Any) -> list[Ticket]:
        return mirror.keep(self._store, self._call(
            method, path, read=lambda data: [from_wire(t) for t in data], **request))

    def _call(self, method: str, path: str, read: Callable[[Any], T] = lambda data: data,
              **request: Any) -> T:
        """The host's answer to one request, passed through `read`. A refusal (409) raises
        the host's own message; whatever else this program cannot read raises `unrecognised`.
        """
        if self._key is None:
            self._key = keys.load()
        headers = {"Authorization": f"Bearer {self._key}"}
        if method != "GET":
            headers[REQUEST_ID] = os.urandom(16).hex()
        answer = self._send(method, path, headers, request)
        if answer.status_code == 401:
            self._key = None  # perhaps re-entered meanwhile (counterapp queue-setup)
            raise QueueError(KEY_REFUSED)
        if answer.status_code >= 500:
            raise QueueError(f"排队主机未能完成操作（HTTP {answer.status_code}），"
                             "请稍后重试或联系站点管理员")
        if answer.status_code in (200, 409):
            try:
                data = answer.json()
                if answer.status_code == 200:
                    return read(data)
                refusal = data["detail"]
            except (ValueError, KeyError, TypeError) as exc:  # not JSON, or not a queue host's
                raise QueueError(unrecognised(answer.status_code)) from exc
            if isinstance(refusal, str):
                raise QueueError(refusal)
        raise QueueError(unrecognised(answer.status_code))

    def _send(self, method: str, path: str, headers: dict[str, str], request: dict[str, Any]
              ) -> httpx.Response:
        """The host's answer, trying `ATTEMPTS` times (a change keeps its request id); see the
        module docstring for what is said when every try fails."""
        import httpx

        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url, trust_env=False,
                timeout=httpx.Timeout(ANSWER_SECONDS, connect=CONNECT_SECONDS))
        reached: float | None = None  # when the first try that may have reached the host left
        for tried in range(1, ATTEMPTS + 1):
            if reached is not None:
                headers[FIRST_SENT_AGO] = f"{time.monotonic() - reached:.3f}"
            leaving = time.monotonic()
            try:
                return self._http.request(method, path, headers=headers, **request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure: httpx.HTTPError = exc     # never sent
            except httpx.HTTPError as exc:         # sent: the host may have acted on it
                failure = exc
                reached = leaving if reached is None else reached
            if tried < ATTEMPTS:
                time.sleep(RETRY_PAUSE)
        if reached is None:
            raise QueueError(unreachable(self.base_url)) from failure
        raise QueueError(NO_READ_ANSWER if method == "GET" else NO_ANSWER) from failure
