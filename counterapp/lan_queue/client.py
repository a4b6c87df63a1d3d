"""`RemoteQueue`: the station's queue on the queue host, with `TicketQueue`'s public methods
and the same `Ticket` results (ids are this PC's mirror ids, see `mirror`).

Short timeouts: a clerk waits a few seconds at most. A refusal by the host arrives as the same
`QueueError` with the host's Chinese message; an unreachable host gives one clear message and
changes nothing here. Closing a day happens on the host only.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from counterapp.lan_queue import keys, mirror
from counterapp.lan_queue.wire import from_wire
from counterapp.queue import DayClosing, Lane, QueueError, Ticket
from counterapp.station import get_clerk
from db.store import Store

if TYPE_CHECKING:
    import httpx

CONNECT_SECONDS = 2.0
ANSWER_SECONDS = 5.0
KEY_REFUSED = ("排队主机拒绝了本机的排队密钥，请向站点管理员索取排队主机上显示的密钥后"
               "重新录入（counterapp queue-setup --client）")
HOST_ONLY = "日终结算只在排队主机上进行，本机是排队客户端"
NO_ANSWER = "排队主机未及时应答，操作可能已经完成，请稍候查看排队列表后再操作"


def unreachable(base_url: str) -> str:
    return f"无法连接排队主机 {base_url}，请检查网络或联系站点管理员"


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

    def people_ahead(self, ticket: Ticket) -> int:
        return int(self._call("GET", f"/v1/tickets/{ticket.uuid}/ahead")["ahead"])

    # --- actions ---------------------------------------------------------------------------
    def issue(self, lane: Lane, reason: str | None = None) -> Ticket:
        return self._one("POST", "/v1/tickets", json={"lane": lane.value, "reason": reason})

    def call_next(self, window_no: int, clerk_id: int) -> Ticket | None:
        answer = self._call("POST", "/v1/call-next",
                            json={"window": window_no, "clerk": self._clerk(clerk_id)})
        if answer["ticket"] is None:
            return None
        return mirror.keep(self._store, [from_wire(answer["ticket"])])[0]

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
        return mirror.keep(self._store, [from_wire(self._call(method, path, **request))])[0]

    def _many(self, method: str, path: str, **request: Any) -> list[Ticket]:
        return mirror.keep(self._store, [from_wire(t) for t in self._call(method, path,
                                                                           **request)])

    def _call(self, method: str, path: str, **request: Any) -> Any:
        import httpx

        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url, trust_env=False,
                timeout=httpx.Timeout(ANSWER_SECONDS, connect=CONNECT_SECONDS))
        if self._key is None:
            self._key = keys.load()
        headers = {"Authorization": f"Bearer {self._key}"}
        try:
            answer = self._http.request(method, path, headers=headers, **request)
        except (httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:
            raise QueueError(NO_ANSWER) from exc   # sent: the host may have done it
        except httpx.HTTPError as exc:
            raise QueueError(unreachable(self.base_url)) from exc
        if answer.status_code == 401:
            self._key = None  # perhaps re-entered meanwhile (counterapp queue-setup)
            raise QueueError(KEY_REFUSED)
        if answer.status_code in (404, 409):
            raise QueueError(answer.json()["detail"])
        if answer.status_code != 200:
            raise QueueError(f"排队主机未能完成操作（HTTP {answer.status_code}），"
                             "请稍后重试或联系站点管理员")
        return answer.json()
