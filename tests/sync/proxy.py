"""A tiny TCP proxy on 127.0.0.1 that the tests control, to break connections on purpose.

Faults are one-shot and checked while bytes flow, so they hit the next request whatever
connection it uses:

- `cut_request(n)`: forward n more bytes of the next upload, then cut both sides
  (connection cut mid-upload: the hub never sees a whole request);
- `drop_response(hook)`: let the request through, and when the hub's answer starts coming
  back (it has committed), cut the client off and call `hook` (e.g. kill the hub);
- `delay(seconds)`: wait before forwarding each answer (a slow link);
- `refuse()`: close every new connection at once until `clear()`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self._cut_after: int | None = None
        self._drop_hook: Callable[[], None] | None = None
        self._drop = False
        self._refuse = False
        self.delay_seconds = 0.0
        self.cuts = 0
        self.drops = 0
        self._open: set[socket.socket] = set()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- arming faults ----------------------------------------------------------------------
    def cut_request(self, after_bytes: int) -> None:
        with self.lock:
            self._cut_after = after_bytes

    def drop_response(self, hook: Callable[[], None] | None = None) -> None:
        with self.lock:
            self._drop, self._drop_hook = True, hook

    def refuse(self) -> None:
        self._refuse = True
        self.cut_all()

    def clear(self) -> None:
        with self.lock:
            self._cut_after, self._drop, self._drop_hook = None, False, None
            self._refuse, self.delay_seconds = False, 0.0

    def cut_all(self) -> None:
        with self.lock:
            sockets = list(self._open)
        for sock in sockets:
            _close(sock)

    def close(self) -> None:
        self._stopped = True
        _close(self.listener)
        self.cut_all()

    # --- plumbing ---------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._refuse:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upward: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upward:
                    data = self._upward(data, source, sink)
                else:
                    data = self._downward(data, source, sink)
                if data is None:
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
                with self.lock:
                    self._open.discard(sock)

    def _upward(self, data: bytes, source: socket.socket, sink: socket.socket) -> bytes | None:
        with self.lock:
            if self._cut_after is None:
                return data
            if len(data) <= self._cut_after:
                self._cut_after -= len(data)
                return data
            keep, self._cut_after = data[: self._cut_after], None
            self.cuts += 1
        if keep:
            sink.sendall(keep)
        _close(source)
        _close(sink)
        return None

    def _downward(self, data: bytes, source: socket.socket, sink: socket.socket) -> bytes | None:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self.lock:
            if not self._drop:
                return data
            hook, self._drop, self._drop_hook = self._drop_hook, False, None
            self.drops += 1
        _close(sink)
        _close(source)
        if hook is not None:
            hook()
        return None


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
