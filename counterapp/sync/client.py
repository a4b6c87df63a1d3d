"""HTTP to the county hub (httpx), with errors sorted by what the station should do about them.

- `AuthError` (401): the token is unknown or revoked — ask the county for a new one;
- `ForbiddenError` (403): the hub refuses what was sent — do not retry, show it;
- `TransientError`: the network or the hub is down (connect errors, timeouts, cut connections,
  5xx, 429) — retry quietly with backoff;
- `RejectedError` (other 4xx): the hub cannot read what was sent — do not retry.

TLS is verified by default. Plain http and `verify=False` are accepted only for a hub on the
loopback address (tests, or a proxy on the same machine); a county CA bundle may be given.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import httpx

from counterapp.sync.wire import HASH_HEADER, MEDIA_TYPE, Encoded


class SyncError(Exception):
    """Base of sync failures; `message` is for the clerk (Chinese), str() for the log."""

    kind = "error"
    message = "同步失败"
    status = 0  # the hub's HTTP status, where it answered


class TransientError(SyncError):
    kind = "network"
    message = "无法连接县中心或连接中断，稍后自动重试"


class AuthError(SyncError):
    kind = "auth"
    message = "同步令牌无效或已被县中心停用，请向县医保中心索取新令牌后重新设置"


class ForbiddenError(SyncError):
    kind = "forbidden"
    message = "县中心拒绝了本站上传的数据，请联系县医保中心信息人员"


class RejectedError(SyncError):
    kind = "rejected"
    message = "县中心无法识别上传的数据，请联系县医保中心信息人员"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HubClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        verify: bool | str = True,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        scheme = urlsplit(base_url).scheme
        if scheme not in ("https", "http"):
            raise ValueError("县中心地址应以 https:// 开头")
        if scheme == "http" and not is_loopback(base_url):
            raise ValueError("县中心地址必须使用 https（加密传输）")
        if verify is False and not is_loopback(base_url):
            raise ValueError("只有本机测试地址才可以不校验证书")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Authorization": f"Bearer {token}"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise TransientError(f"{method} {path}: {type(exc).__name__}") from exc
        status = response.status_code
        if status < 400:
            return response
        detail = _detail(response)
        if status == 401:
            raise AuthError(f"{method} {path}: 401 {detail}")
        if status == 403:
            raise ForbiddenError(f"{method} {path}: 403 {detail}")
        if status == 429 or status >= 500:
            raise TransientError(f"{method} {path}: {status}")
        rejected = RejectedError(f"{method} {path}: {status} {detail}")
        rejected.status = status
        raise rejected

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        """The hub's answer: always a JSON object."""
        try:
            answer = response.json()
        except ValueError as exc:  # a proxy's error page, or a cut body
            raise TransientError(f"unreadable answer: {type(exc).__name__}") from exc
        if not isinstance(answer, dict):
            raise TransientError(f"unreadable answer: {type(answer).__name__}")
        return answer

    # --- the API ----------------------------------------------------------------------------
    def upload(self, encoded: Encoded) -> dict[str, Any]:
        response = self._send(
            "POST",
            "/v1/batches",
            content=encoded.body,
            headers={"Content-Type": MEDIA_TYPE, HASH_HEADER: encoded.sha256},
        )
        return self._json(response)

    def reconcile(self, source: str, days: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return self._json(
            self._send("POST", "/v1/reconcile", json={"source": source, "days": days})
        )

    def catalogue(
        self, have: str | None, calendars: list[int] | None = None
    ) -> dict[str, Any] | None:
        """The county's active catalogue, or None if `have` is already it (or none exists).
        `have` and `calendars` (the years of official calendar this store holds) also tell the
        county what the station works with (its supervision page); a hub before that ignores
        them."""
        params: dict[str, str] = {"have": have} if have else {}
        if calendars:
            params["calendars"] = ",".join(str(year) for year in calendars)
        try:
            response = self._send("GET", "/v1/catalogue", params=params)
        except RejectedError as exc:
            if ": 404 " in str(exc):
                return None
            raise
        return None if response.status_code == 204 else self._json(response)

    def decisions(self, after: int) -> list[dict[str, Any]]:
        return list(
            self._json(self._send("GET", "/v1/decisions", params={"after": after}))["decisions"]
        )

    def watch_list(self, after: int) -> list[dict[str, Any]]:
        """The newest watch list published after the cursor (none, or one); a hub older than
        the watch list has no such feed (404): nothing comes down."""
        try:
            answer = self._send("GET", "/v1/watch-list", params={"after": after})
        except RejectedError as exc:
            if getattr(exc, "status", None) == 404:
                return []
            raise
        return list(self._json(answer)["lists"])

    def calendars(self, after: int) -> list[dict[str, Any]]:
        """The county's official calendars published after the cursor `after` (none from a hub
        older than the feed)."""
        try:
            response = self._send("GET", "/v1/calendars", params={"after": after})
        except RejectedError as exc:
            if ": 404 " in str(exc):
                return []
            raise
        return list(self._json(response)["calendars"])

    def forward_file(self, data: bytes) -> bytes:
        return self._send(
            "POST",
            "/v1/transfer",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        ).content

    def hub_key(self) -> str:
        return str(self.hub_keys()["public_key"])

    def hub_keys(self) -> dict[str, Any]:
        """The hub's signing key and its certified transfer key (a hub before issue 13 has
        none)."""
        return self._json(self._send("GET", "/v1/hub-key"))

    def enrol(self, secret: str) -> dict[str, Any]:
        """Redeem a one-time enrolment code's secret (no token needed; `counterapp.sync.enrol`):
        a refused code is a RejectedError with status 404 or 410."""
        return self._json(self._send("POST", "/v1/enrol", json={"secret": secret}))

    def whoami(self) -> str:
        return str(self._json(self._send("GET", "/v1/whoami"))["station"])


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", ""))[:300]
    except ValueError:
        return ""
