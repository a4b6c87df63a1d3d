"""The queue host's server: uvicorn on a background thread of the counter program.

uvicorn and FastAPI are already dependencies (the county hub) and already in the bundle, and
FastAPI gives request validation, per-route errors and the 401 answers for free; the standard
library's `http.server` would need all of that written by hand. Both are imported only when
this PC actually hosts the queue, inside `start`, so nobody else pays for them at start-up.
The window starts the server with `start_in_background`: importing them takes ~0.6 s, which
must not hold up the store thread and the window's first reads.

It serves TLS only, with the host's own key (`tls`), on every interface (0.0.0.0): the
station's PCs reach it by the host's LAN address, which DHCP or a second network card may
change, and a server bound to one address would then silently serve nobody. What keeps the
rest of the network out is TLS, the per-PC access keys checked before any body is read
(`gate`) and, on Windows, a firewall rule for the station's subnet (README).

Connections are kept alive between requests (`KEEP_ALIVE`, longer than the clients' own), so
a window or the hall display pays the TLS handshake once, not on every request. At most
`CONNECTIONS` requests are handled at once; more get 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counterapp import store_key
from counterapp.clock import Clock
from counterapp.lan_queue import access, tls
from counterapp.queue import QueueError
from db.store import Store

log = logging.getLogger(__name__)
START_TIMEOUT = 10.0
KEEP_ALIVE = 75.0  # seconds an idle connection stays open (clients keep theirs 60 s)
CONNECTIONS = 64  # a station has a dozen PCs
GRACE = 0.3  # seconds for requests under way when the server stops


class QueueServer:
    """Serves the store at `store_path`'s queue on `bind`:`port` (port 0: any free port)."""

    def __init__(self, store_path: Path, clock: Clock, port: int, bind: str = "0.0.0.0") -> None:
        self.store_path = store_path
        self.clock = clock
        self.port = port
        self.bind = bind
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._starting: threading.Thread | None = None
        self._store: Store | None = None
        self._keys: Store | None = None  # the gate's own connection, on the server's loop
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"https://{'127.0.0.1' if self.bind == '0.0.0.0' else self.bind}:{self.port}"

    def start(self) -> QueueServer:
        import uvicorn

        from counterapp.lan_queue.gate import Gate
        from counterapp.lan_queue.host_app import create_app

        context = tls.server_context(tls.host_key(create=True))
        self._store = store_key.open_store(self.store_path)  # the window keeps its own
        self._keys = store_key.open_store(self.store_path)
        keys = self._keys
        app = Gate(
            create_app(self._store, self.clock), lambda secret: access.grant_for(keys, secret)
        )
        config = uvicorn.Config(
            app,
            host=self.bind,
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_context_factory=lambda _config, _default: context,
            timeout_keep_alive=int(KEEP_ALIVE),
            limit_concurrency=CONNECTIONS,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="queue-host", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self._shut()
                raise QueueError(
                    f"排队服务无法在端口 {self.port} 启动（端口可能已被占用），"
                    "其他窗口暂时无法连接本机排队，请联系站点管理员"
                )
            time.sleep(0.01)
        if self.port == 0:
            self.port = self._server.servers[0].sockets[0].getsockname()[1]
        log.info("queue host serving on port %d", self.port)
        return self

    def start_in_background(self, done: Callable[[BaseException | None], None]) -> None:
        """`start` on a thread of its own; `done` is called there, with None once serving or
        with what stopped it (a `QueueError` is a message for the clerk)."""

        def start() -> None:
            try:
                self.start()
            except BaseException as exc:  # handed to `done`, never lost
                done(exc)
            else:
                done(None)

        self._starting = threading.Thread(target=start, name="queue-host-start", daemon=True)
        self._starting.start()

    def _run(self) -> None:
        # SystemExit is uvicorn's answer to a port in use, already logged; see `start`
        with contextlib.suppress(SystemExit):
            asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._server.serve()

    def _drop_connections(self) -> None:
        """On the server's loop: end every connection now (see `_shut`)."""
        self._server.force_exit = True
        for connection in list(self._server.server_state.connections):
            connection.transport.abort()

    def stop(self) -> None:
        """Stop serving; a start still under way is waited for first."""
        if self._starting is not None:
            self._starting.join()
        self._shut()

    def _shut(self) -> None:
        """Requests under way get `GRACE` to finish. A TLS connection kept alive for a client
        waits, once closed, for the client's goodbye, which an idle client sends only when it
        next reads (asyncio gives it 30 s): those are cut, so the program ends at once."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(GRACE)
            if self._thread.is_alive() and self._loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop has just closed
                    self._loop.call_soon_threadsafe(self._drop_connections)
                self._thread.join(10)
        self._server = self._thread = None
        for store in (self._store, self._keys):
            if store is not None:
                store.close()
        self._store = self._keys = None
