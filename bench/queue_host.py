"""Queue host figures (printed, not a test): run `python -m bench.queue_host`.

1. The host's memory under a body nobody may send: an unauthenticated POST announcing 256 MiB
   and streaming it, against a host in a process of its own (its resident memory before and
   its peak after, read from /proc: Linux only, else "n/a"). Before the gate the host read the
   whole body first (61 → 764 MiB measured).
2. What TLS costs per request: the hall display's poll (`/v1/revision`) from one client over a
   kept-alive connection, and with a new connection (a TLS handshake) for every request.
3. A clerk's login at a window PC of the host, with the real argon2id parameters: the host
   checks the PIN and signs the clerk in (`sessions.log_in`: the station's clerks read again,
   then the sign-in), against the same PIN checked on the PC itself, as while the host cannot
   be reached; and how long another window's request waits while a sign-in holds the host.
"""

from __future__ import annotations

import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import httpx

from counterapp.lan_queue import tls

ROOT = Path(__file__).resolve().parents[1]
BODY = 256 * 1024 * 1024
POLLS = 300
LOGINS = 10
CLERK, PIN = "1001", "730512846"
HOST = textwrap.dedent(f"""
    import sys, time
    from counterapp import pins
    from counterapp.app import Counter
    from counterapp.lan_queue import access, tls
    from counterapp.lan_queue.server import QueueServer
    from counterapp.memory_keyring import in_memory_keyring
    from counterapp.station import ADMIN, add_clerk
    with in_memory_keyring():
        counter = Counter.open(sys.argv[1])
        add_clerk(counter.store, "{CLERK}", "王丽", counter.clock, role=ADMIN,
                  pin_hash=pins.hash_pin("{PIN}"))
        _grant, key = access.issue(counter.store, access.Access.HALL, "bench", counter.clock)
        _grant, window = access.issue(counter.store, access.Access.WINDOW, "bench",
                                      counter.clock)
        server = QueueServer(counter.store.path, counter.clock, port=0, bind="127.0.0.1")
        server.start()
        print(server.port, tls.key_pin(tls.host_key()), key, window, flush=True)
        time.sleep(3600)
""")


def memory(pid: int, field: str) -> str:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return "n/a"
    for line in status.read_text().splitlines():
        if line.startswith(field):
            return f"{int(line.split()[1]) / 1024:.0f} MiB"
    return "n/a"


def oversized_body(port: int) -> tuple[int, str]:
    """Stream an unauthenticated 256 MiB body; (bytes the host took, its first answer line)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    sent, chunk = 0, b"x" * (1 << 20)
    with socket.create_connection(("127.0.0.1", port)) as plain, context.wrap_socket(plain) as conn:
        conn.settimeout(30)
        conn.sendall(
            f"POST /v1/tickets HTTP/1.1\r\nHost: q\r\nContent-Type: application/json"
            f"\r\nContent-Length: {BODY}\r\n\r\n".encode()
        )
        try:
            while sent < BODY:
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the host closed the connection: it will not read the rest
        try:
            answer = conn.recv(200).split(b"\r\n")[0].decode()
        except OSError as exc:
            answer = f"({type(exc).__name__})"
    return sent, answer


def polls(port: int, pin: str, key: str, fresh: bool) -> float:
    """Median milliseconds of one poll; `fresh`: a new connection (handshake) each time."""
    headers = {"Authorization": f"Bearer {key}"}
    if fresh:
        headers["Connection"] = "close"
    times = []
    with httpx.Client(
        base_url=f"https://127.0.0.1:{port}", verify=tls.client_context(pin), trust_env=False
    ) as client:
        client.get("/v1/revision", headers=headers).raise_for_status()
        for _ in range(POLLS):
            started = time.perf_counter()
            client.get("/v1/revision", headers=headers).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def logins(
    folder: str, port: int, pin: str, window_key: str, hall_key: str
) -> tuple[float, float, float]:
    """Median seconds of a login at a window PC checked by the host, and of the same PIN
    checked on the PC; the longest wait of a poll sent while a sign-in ran on the host."""
    from counterapp import accounts, sessions
    from counterapp.app import Counter
    from counterapp.lan_queue.roles import QueueLink, Role
    from counterapp.memory_keyring import in_memory_keyring

    with in_memory_keyring(), Counter.open(Path(folder, "window2.db")) as window2:
        window2.configure_queue(
            QueueLink(Role.CLIENT, host_url=f"127.0.0.1:{port}", pin=pin, key=window_key)
        )
        sessions.log_in(window2, CLERK, PIN, 2)  # the connection and the list, once
        hosted, here, waits = [], [], []
        for _ in range(LOGINS):
            started = time.perf_counter()
            done = sessions.log_in(window2, CLERK, PIN, 2)
            hosted.append(time.perf_counter() - started)
            assert not done.host_problem, done.host_problem
            started = time.perf_counter()
            accounts.authenticate(window2.store, CLERK, PIN, window2.clock)
            here.append(time.perf_counter() - started)
        with httpx.Client(
            base_url=f"https://127.0.0.1:{port}", trust_env=False, verify=tls.client_context(pin)
        ) as hall:
            headers = {"Authorization": f"Bearer {hall_key}"}
            hall.get("/v1/revision", headers=headers).raise_for_status()
            for _ in range(LOGINS):
                signing = threading.Thread(target=sessions.log_in, args=(window2, CLERK, PIN, 2))
                signing.start()
                time.sleep(0.05)  # the sign-in is on the host by now
                started = time.perf_counter()
                hall.get("/v1/revision", headers=headers).raise_for_status()
                waits.append(time.perf_counter() - started)
                signing.join()
    return statistics.median(hosted), statistics.median(here), max(waits)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        host = subprocess.Popen(
            [sys.executable, "-c", HOST, str(Path(folder, "host.db"))],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        try:
            assert host.stdout is not None
            port_text, pin, key, window_key = host.stdout.readline().split()
            port = int(port_text)
            kept, fresh = polls(port, pin, key, False), polls(port, pin, key, True)
            print(
                f"poll over TLS, kept-alive connection: {kept:.2f} ms; new connection each "
                f"time: {fresh:.2f} ms (handshake ≈ {fresh - kept:.2f} ms)"
            )
            hosted, here, wait = logins(folder, port, pin, window_key, key)
            print(
                f"login at a window PC (argon2id as shipped), median of {LOGINS}: PIN checked "
                f"by the host and signed in there {hosted:.2f} s; the same PIN checked on the "
                f"PC (the host away) {here:.2f} s; a poll sent during a sign-in waited at "
                f"most {wait:.2f} s"
            )
            before = memory(host.pid, "VmRSS:")
            sent, answer = oversized_body(port)
            time.sleep(0.5)
            print(
                f"unauthenticated 256 MiB body: answered {answer!r} after {sent >> 20} MiB "
                f"sent; host memory {before} before, peak {memory(host.pid, 'VmHWM:')}"
            )
        finally:
            host.kill()
            host.wait()


if __name__ == "__main__":
    main()
