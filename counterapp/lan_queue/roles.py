"""Which part this PC plays in the station's queue: standalone (the default, every village),
the queue host, or a client of the host. Addresses live in settings, the key in the keyring.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple
from urllib.parse import urlsplit

from counterapp.clock import Clock
from counterapp.lan_queue import keys
from counterapp.lan_queue.client import RemoteQueue
from counterapp.queue import Queue, QueueError, TicketQueue
from db.settings import Settings
from db.store import Store

HOST_URL_SETTING = "queue_host"          # a client: the host's address
SERVE_PORT_SETTING = "queue_serve_port"  # the host: the port it serves on
DEFAULT_PORT = 8766


class Role(StrEnum):
    STANDALONE = "standalone"
    HOST = "host"
    CLIENT = "client"

    @property
    def label(self) -> str:
        return {"standalone": "单机排队（默认）", "host": "本机为排队主机",
                "client": "连接排队主机"}[self.value]


class QueueLink(NamedTuple):
    role: Role
    host_url: str = ""         # client
    key: str = ""              # entered, saved or `keys.new_key`; blank: keep the saved one
    port: int = DEFAULT_PORT   # host

    def __repr__(self) -> str:  # the key never reaches a log or a traceback
        return f"QueueLink(role={self.role!r}, host_url={self.host_url!r}, port={self.port})"


def host_url(text: str) -> str:
    """`192.168.1.10` or `http://192.168.1.10:8766` → the full address, or QueueError."""
    text = text.strip().rstrip("/")
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        port = 0
    if parts.scheme != "http" or not parts.hostname or parts.path or not port:
        raise QueueError(f"排队主机地址不正确：{text}（应如 http://192.168.1.10:{DEFAULT_PORT}）")
    return f"http://{parts.hostname}:{port}"


def current(settings: Settings) -> QueueLink:
    """This PC's role and addresses (never the key)."""
    url = settings.get(HOST_URL_SETTING)
    if url:
        return QueueLink(Role.CLIENT, host_url=url)
    port = settings.get(SERVE_PORT_SETTING)
    if port is not None:
        return QueueLink(Role.HOST, port=int(port))
    return QueueLink(Role.STANDALONE)


def serve_port(settings: Settings) -> int | None:
    link = current(settings)
    return link.port if link.role == Role.HOST else None


def configure(settings: Settings, link: QueueLink) -> QueueLink:
    """Save this PC's role: the key into the keyring first (a blank key keeps the one it
    holds), then the settings."""
    if link.role == Role.CLIENT:
        link = QueueLink(Role.CLIENT, host_url=host_url(link.host_url), key=link.key)
    if link.role == Role.HOST and not 1 <= link.port <= 65535:
        raise QueueError("排队服务端口应为1-65535")
    if link.role != Role.STANDALONE:
        if link.key:
            keys.save(link.key)
        else:
            keys.load()  # a blank key keeps the saved one; none saved is refused
    for key, value in ((HOST_URL_SETTING, link.host_url if link.role == Role.CLIENT else None),
                       (SERVE_PORT_SETTING, link.port if link.role == Role.HOST else None)):
        if value is None:
            settings.delete(key)
        else:
            settings.set(key, value)
    return link


def open_queue(store: Store, clock: Clock, settings: Settings) -> Queue:
    """A client's queue is the host's; anyone else's is its own store's. Either way this PC's
    own tickets of past days are closed, as they always were at start-up (a former client's
    or host's tickets left open would otherwise stay open for ever)."""
    own = TicketQueue(store, clock)
    own.close_past_days()
    url = settings.get(HOST_URL_SETTING)
    return RemoteQueue(url, store) if url else own
