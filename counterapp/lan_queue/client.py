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

The connection is TLS, pinned to the host key's fingerprint entered at set-up (`tls`): a host
that shows another key gets nothing, not even this PC's access key. One connection is kept
alive between requests (`KEEP_ALIVE`), so the handshake is paid once, not per request.

Actions are done as the clerk signed in at this PC (`sessions` on the host): the PIN typed at
this PC's login or lock screen signs the clerk in (`sign_in`, which first reads the station's
clerks again: `take_station_clerks`), and every action carries that session. The PIN is sent
once and kept nowhere, so a session the host has ended (another day, the clerk deactivated,
another clerk signed in with this PC's key) or never opened (the clerk logged in while the host
could not be reached) cannot be opened again here: the action raises `SignedOut`, and the
window locks until the clerk's PIN signs them in again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from counterapp.clock import Clock
from counterapp.lan_queue import keys, mirror, tls
from counterapp.lan_queue.wire import CLERK_SESSION, FIRST_SENT_AGO, REQUEST_ID, from_wire
from counterapp.queue import DayClosing, Lane, QueueError, Ticket, refuse_if_case
from counterapp.station import clerk_by_login
from db.store import Store

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

CONNECT_SECONDS = 2.0
ANSWER_SECONDS = 5.0
KEEP_ALIVE = 60.0  # seconds an idle connection is kept (the host keeps its longer)
ATTEMPTS = 2  # a request that could not reach the host or got no answer: once more
RETRY_PAUSE = 0.3  # seconds before the repeat
READ_REFUSALS = (403, 408, 409, 413, 422, 428)  # the host says why, in Chinese
KEY_REFUSED = (
    "排队主机拒绝了本机的排队密钥，请站点管理员在排队主机上为本机发放密钥后，"
    "在菜单“窗口 → 排队设置”中重新录入"
)
KEY_REVOKED = (
    "本机的排队密钥已被站点管理员在排队主机上吊销。如需继续使用，请在排队主机上"
    "为本机发放新密钥，在菜单“窗口 → 排队设置”中录入"
)
SET_UP_AGAIN = (
    "排队连接已改为加密连接，本机须重新设置：请在菜单“窗口 → 排队设置”中录入排队"
    "主机地址、站点管理员为本机发放的密钥和排队主机的证书指纹"
)
SIGNED_OUT = (
    "排队主机上的登录已结束（新的一天、人员已停用，或登录时未能连接排队主机）："
    "请输入PIN，在排队主机上重新登录"
)
HOST_ONLY = "日终结算只在排队主机上进行，本机是排队客户端"
NO_ANSWER = "排队主机未及时应答，操作可能已经完成，请稍候查看排队列表后再操作"
NO_READ_ANSWER = "排队主机未及时应答，请稍后重试；如反复出现，请联系站点管理员"


def unreachable(base_url: str) -> str:
    return f"无法连接排队主机 {base_url}，请检查网络或联系站点管理员"


def unrecognised(status: int) -> str:
    """An answer this program cannot read: an older or newer host, or not a queue host."""
    return f"排队主机的回答无法识别（HTTP {status}），请确认各电脑的柜员程序版本一致"


class SignedOut(QueueError):
    """The host has no session for this PC's clerk: the clerk's PIN must sign them in again
    (the window locks)."""


class HostRefused(QueueError):
    """The host answered and refused, saying why (e.g. a wrong PIN at a sign-in); anything
    else (unreachable, no answer, a key or pin problem) is a plain `QueueError`."""


class RemoteQueue:
    def __init__(self, base_url: str, store: Store, pin: str, key_account: str) -> None:
        """`pin`: the fingerprint of the host's key (`tls`), "" when not set up for TLS;
        `key_account`: where the keyring files this PC's key (`keys`)."""
        self.base_url = base_url.rstrip("/")
        self._store = store
        self._pin = pin
        self._key_account = key_account
        self._http: httpx.Client | None = None
        self._key: str | None = None  # read from the keyring once; again after a refusal
        self._session: tuple[int, str] | None = None  # (clerk id, token) of the signed-in

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
        return self._call(
            "GET", f"/v1/tickets/{ticket.uuid}/ahead", read=lambda data: int(data["ahead"])
        )

    # --- actions ---------------------------------------------------------------------------
    def issue(self, lane: Lane, reason: str | None = None) -> Ticket:
        return self._one("POST", "/v1/tickets", json={"lane": lane.value, "reason": reason})

    def call_next(self, window_no: int, clerk_id: int) -> Ticket | None:
        called = self._as_clerk(
            clerk_id,
            "/v1/call-next",
            json={"window": window_no},
            read=lambda data: None if data["ticket"] is None else from_wire(data["ticket"]),
        )
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
        """The host's station and day, and this PC's key as the host knows it (its name and
        access): checks the address, the fingerprint and the key (set-up)."""
        return self._call(
            "GET",
            "/v1/ping",
            read=lambda data: {
                "station": data["station"],
                "today": data["today"],
                "key": data["key"],
            },
        )

    def take_station_clerks(self, clock: Clock) -> None:
        """The station's clerks are the host's: mirror its accounts (`mirror.keep_clerks`)."""
        mirror.keep_clerks(self._store, *self._call("GET", "/v1/clerks", read=_accounts), clock)

    def sign_in(self, login: str, pin: str, clock: Clock) -> None:
        """Sign the clerk `login` in on the host with the PIN just typed at this PC (kept
        nowhere): later actions are done as them. The station's clerks are read again first,
        so a PIN set, or a clerk deactivated, on the host is known here from now on. Raises
        `HostRefused` with the host's message when it judges the PIN wrong (or the clerk
        locked, deactivated, unknown), and `QueueError` when the host cannot judge it."""
        self._session = None
        self.take_station_clerks(clock)
        token = self._call(
            "POST",
            "/v1/clerk-sessions",
            json={"login": login, "proof": pin},
            read=lambda data: str(data["session"]),
        )
        clerk = clerk_by_login(self._store, login)
        assert clerk is not None, "the host's clerks were mirrored just before"
        self._session = (clerk.id, token)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # --- the wire --------------------------------------------------------------------------
    def _as_clerk(self, clerk_id: int, path: str, read: Callable[[Any], T], **request: Any) -> T:
        """POST `path` as the clerk `clerk_id`, in the session their PIN opened on the host;
        `SignedOut` when there is none (any more)."""
        if self._session is None or self._session[0] != clerk_id:
            self.ping()  # a host that cannot be reached says so: no PIN would help
            raise SignedOut(SIGNED_OUT)
        try:
            return self._call("POST", path, read, session=self._session[1], **request)
        except SignedOut:
            self._session = None
            raise

    def _act(self, ticket_id: int, action: str, clerk_id: int, **fields: object) -> Ticket:
        uuid = mirror.uuid_of(self._store, ticket_id)
        ticket = self._as_clerk(
            clerk_id, f"/v1/tickets/{uuid}/{action}", read=from_wire, json=fields
        )
        return mirror.keep(self._store, [ticket])[0]

    def _one(self, method: str, path: str, **request: Any) -> Ticket:
        return mirror.keep(self._store, [self._call(method, path, read=from_wire, **request)])[0]

    def _many(self, method: str, path: str, **request: Any) -> list[Ticket]:
        return mirror.keep(
            self._store,
            self._call(method, path, read=lambda data: [from_wire(t) for t in data], **request),
        )

    def _call(
        self,
        method: str,
        path: str,
        read: Callable[[Any], T] = lambda data: data,
        session: str | None = None,
        **request: Any,
    ) -> T:
        """The host's answer to one request, passed through `read`. A refusal the host
        explains raises its own message; whatever else this program cannot read raises
        `unrecognised`."""
        if not self._pin or not self._key_account or not self.base_url.startswith("https://"):
            raise QueueError(SET_UP_AGAIN)
        if self._key is None:
            self._key = keys.load(self._key_account)
        headers = {"Authorization": f"Bearer {self._key}"}
        if method != "GET":
            headers[REQUEST_ID] = os.urandom(16).hex()
        if session is not None:
            headers[CLERK_SESSION] = session
        answer = self._send(method, path, headers, request)
        status = answer.status_code
        if status >= 500:
            raise QueueError(f"排队主机未能完成操作（HTTP {status}），请稍后重试或联系站点管理员")
        try:
            data = answer.json()
            if status == 200:
                return read(data)
            refusal = data.get("detail") if isinstance(data, dict) else None
            error = data.get("error") if isinstance(data, dict) else None
        except (ValueError, KeyError, TypeError) as exc:  # not JSON, or not a queue host's
            raise QueueError(unrecognised(status)) from exc
        if status == 401:
            if error == "clerk_session":
                raise SignedOut(SIGNED_OUT)
            self._key = None  # perhaps re-entered meanwhile (counterapp queue-setup)
            raise QueueError(KEY_REVOKED if error == "key_revoked" else KEY_REFUSED)
        if status in READ_REFUSALS and isinstance(refusal, str):
            raise HostRefused(refusal)
        raise QueueError(unrecognised(status))

    def _send(
        self, method: str, path: str, headers: dict[str, str], request: dict[str, Any]
    ) -> httpx.Response:
        """The host's answer, trying `ATTEMPTS` times (a change keeps its request id); see the
        module docstring for what is said when every try fails."""
        import httpx

        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url,
                trust_env=False,
                verify=tls.client_context(self._pin),
                timeout=httpx.Timeout(ANSWER_SECONDS, connect=CONNECT_SECONDS),
                limits=httpx.Limits(keepalive_expiry=KEEP_ALIVE),
            )
        reached: float | None = None  # when the first try that may have reached the host left
        for tried in range(1, ATTEMPTS + 1):
            if reached is not None:
                headers[FIRST_SENT_AGO] = f"{time.monotonic() - reached:.3f}"
            leaving = time.monotonic()
            try:
                return self._http.request(method, path, headers=headers, **request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if _caused_by(exc, tls.PinMismatch):  # an impostor, or a mistyped pin
                    raise QueueError(tls.MISMATCH) from exc
                failure: httpx.HTTPError = exc  # never sent
            except httpx.HTTPError as exc:  # sent: the host may have acted on it
                failure = exc
                reached = leaving if reached is None else reached
            if tried < ATTEMPTS:
                time.sleep(RETRY_PAUSE)
        if reached is None:
            raise QueueError(unreachable(self.base_url)) from failure
        raise QueueError(NO_READ_ANSWER if method == "GET" else NO_ANSWER) from failure


def _accounts(data: dict[str, Any]) -> tuple[list[dict[str, str | None]], int]:
    """The host's accounts as `mirror.keep_clerks` takes them (KeyError, TypeError or
    ValueError when the answer is not a queue host's)."""
    return (
        [
            {
                "uuid": str(clerk["uuid"]),
                "login": str(clerk["login"]),
                "name": str(clerk["name"]),
                "role": str(clerk["role"]),
                "pin_hash": None if clerk["pin_hash"] is None else str(clerk["pin_hash"]),
            }
            for clerk in data["clerks"]
        ],
        int(data["idle_lock_minutes"]),
    )


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is in the chain of causes of `error` (httpx wraps httpcore's error,
    which wraps the socket's)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
