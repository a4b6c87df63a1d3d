"""Which part this PC plays in the station's queue: standalone (the default, every village),
the queue host, or a client of the host — a window, the ticket kiosk or the hall display, as
the key the host issued for it says (`access`). Addresses, the host key's fingerprint and the
client's part live in settings; secrets (the client's key, the host's TLS key) in the keyring.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple
from urllib.parse import urlsplit

from counterapp.clock import Clock
from counterapp.lan_queue import keys, tls
from counterapp.lan_queue.access import Access
from counterapp.lan_queue.client import RemoteQueue
from counterapp.queue import Queue, QueueError, TicketQueue
from db.settings import Settings
from db.store import Store

HOST_URL_SETTING = "queue_host"  # a client: the host's address
PIN_SETTING = "queue_host_pin"  # a client: the fingerprint of the host's key
ACCESS_SETTING = "queue_access"  # a client: window, kiosk or hall
KEY_ACCOUNT_SETTING = "queue_key_account"  # a client: where the keyring files its key
SERVE_PORT_SETTING = "queue_serve_port"  # the host: the port it serves on
DEFAULT_PORT = 8766


class Role(StrEnum):
    STANDALONE = "standalone"
    HOST = "host"
    CLIENT = "client"

    @property
    def label(self) -> str:
        return {
            "standalone": "单机排队（默认）",
            "host": "本机为排队主机",
            "client": "连接排队主机",
        }[self.value]


class QueueLink(NamedTuple):
    role: Role
    host_url: str = ""  # client
    key: str = ""  # client: as entered; blank keeps the saved one
    port: int = DEFAULT_PORT  # host
    access: Access = Access.WINDOW  # client: what it is, which its key must allow
    pin: str = ""  # client: the fingerprint of the host's key, as entered

    def __repr__(self) -> str:  # the key never reaches a log or a traceback
        return (
            f"QueueLink(role={self.role!r}, host_url={self.host_url!r}, port={self.port}, "
            f"access={self.access!r}, pin={self.pin!r})"
        )


def host_url(text: str) -> str:
    """`192.168.1.10` or `https://192.168.1.10:8766` → the full address, or QueueError.
    The connection is always TLS: an `http://` address is refused, not quietly changed."""
    text = text.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        port = 0
    if parts.scheme != "https" or not parts.hostname or parts.path or not port:
        raise QueueError(
            f"排队主机地址不正确：{text}（应如 192.168.1.10 或 "
            f"https://192.168.1.10:{DEFAULT_PORT}）"
        )
    return f"https://{parts.hostname}:{port}"


def clerks_on_host(url: str) -> str:
    """What a client PC says where the station's clerks are managed (人员管理, counterapp
    clerk): on the queue host, whose clerks every window PC reads at start and at sign-in."""
    return (
        f"本站的站长和经办人员由排队主机（{url}）统一管理，本机不能更改：请在排队主机上用"
        "菜单“窗口 → 人员管理”或命令 counterapp clerk 添加人员、重设PIN、停用或解除锁定。"
        "本机在每次启动和每次输入PIN登录时从排队主机读取人员名单。"
    )


def current(settings: Settings) -> QueueLink:
    """This PC's role and addresses (never a key)."""
    url = settings.get(HOST_URL_SETTING)
    if url:
        return QueueLink(
            Role.CLIENT,
            host_url=url,
            pin=settings.get(PIN_SETTING) or "",
            access=Access(settings.get(ACCESS_SETTING) or Access.WINDOW.value),
        )
    port = settings.get(SERVE_PORT_SETTING)
    if port is not None:
        return QueueLink(Role.HOST, port=int(port))
    return QueueLink(Role.STANDALONE)


def serve_port(settings: Settings) -> int | None:
    link = current(settings)
    return link.port if link.role == Role.HOST else None


def configure(settings: Settings, link: QueueLink) -> QueueLink:
    """Save this PC's role: secrets into the keyring first (a client's blank key keeps the one
    it holds; a host makes its TLS key when it has none), then the settings."""
    client = link.role == Role.CLIENT
    if client:
        link = link._replace(host_url=host_url(link.host_url), pin=tls.fingerprint(link.pin))
        account = settings.get(KEY_ACCOUNT_SETTING) or keys.new_account()
        if link.key:
            keys.save(account, link.key)
        else:
            keys.load(account)  # a blank key keeps the saved one; none saved is refused
        # kept whatever the role later: a PC that is a client again may keep its key
        settings.set(KEY_ACCOUNT_SETTING, account)
    if link.role == Role.HOST:
        if not 1 <= link.port <= 65535:
            raise QueueError("排队服务端口应为1-65535")
        tls.host_key(create=True)
    for name, value in (
        (HOST_URL_SETTING, link.host_url if client else None),
        (PIN_SETTING, link.pin if client else None),
        (ACCESS_SETTING, link.access.value if client else None),
        (SERVE_PORT_SETTING, link.port if link.role == Role.HOST else None),
    ):
        if value is None:
            settings.delete(name)
        else:
            settings.set(name, value)
    return link


def open_queue(store: Store, clock: Clock, settings: Settings) -> Queue:
    """A client's queue is the host's; anyone else's is its own store's. Either way this PC's
    own tickets of past days are closed, as they always were at start-up (a former client's
    or host's tickets left open would otherwise stay open for ever)."""
    own = TicketQueue(store, clock)
    own.close_past_days()
    url = settings.get(HOST_URL_SETTING)
    if not url:
        return own
    return RemoteQueue(
        url, store, settings.get(PIN_SETTING) or "", settings.get(KEY_ACCOUNT_SETTING) or ""
    )


def saved_key(settings: Settings) -> str:
    """The key this store's client role holds in the keyring ("" when none)."""
    return keys.saved(settings.get(KEY_ACCOUNT_SETTING))
