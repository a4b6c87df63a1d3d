"""The hub under abuse (printed, not a test): run `python -m bench.hub_abuse [--mib 400]`.

A hub process on SQLite gets, one after another: an oversized `/v1/reconcile` body without a
token and with one, an oversized batch, and a small batch whose header asks for many long
`seqs` ranges. For each it prints the answer, the time and the hub's peak resident memory
(VmHWM, Linux). The bodies are streamed by the client, never held whole.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.sync import _free_port, hub_process
from counterapp.clock import Clock, stamp
from counterapp.sync.wire import HASH_HEADER, MEDIA_TYPE, canonical, sha256_hex
from hub import stations
from hub.db import Database

CHUNK = 1024 * 1024
STATION = "370883101"


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak(pid: int) -> None:
    """Start the peak (VmHWM) afresh, so each trial shows its own (Linux `clear_refs` 5)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def _json_stream(mib: int) -> Iterator[bytes]:
    """`{"source":"aaaa…","days":{}}`, `mib` MiB long, a chunk at a time."""
    yield b'{"source":"'
    for _ in range(mib):
        yield b"a" * CHUNK
    yield b'","days":{}}'


def _seqs_bomb() -> tuple[bytes, str]:
    """A tiny batch whose header asks for 50 ranges of a million seqs each."""
    header = {
        "format": 1,
        "station": STATION,
        "source": str(uuid.uuid4()),
        "batch": str(uuid.uuid4()),
        "created_at": "2026-11-25T09:00:00+08:00",
        "pending_after": 0,
        "records": 0,
        "seqs": [[n * 2_000_000 + 1, n * 2_000_000 + 1_000_001] for n in range(50)],
    }
    raw = canonical(header) + b"\n"
    return gzip.compress(raw, mtime=0), sha256_hex(raw)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=400, help="size of the oversized bodies")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/hub.db"
        db = Database(url)
        token = stations.register(db, STATION, "压测站", "town", stamp(Clock().now())).token
        db.close()
        port = _free_port()
        with hub_process(url, port) as base:
            pid = _hub_pid(port)
            print(f"hub pid {pid}: idle peak RSS {_peak_rss_mib(pid):.0f} MiB")
            auth = {"Authorization": f"Bearer {token}"}
            bomb, bomb_hash = _seqs_bomb()
            trials: list[tuple[str, str, dict[str, str], object]] = [
                (
                    f"reconcile {args.mib} MiB, no token",
                    "/v1/reconcile",
                    {"Content-Type": "application/json"},
                    lambda: _json_stream(args.mib),
                ),
                (
                    f"reconcile {args.mib} MiB, station token",
                    "/v1/reconcile",
                    {"Content-Type": "application/json", **auth},
                    lambda: _json_stream(args.mib),
                ),
                (
                    f"batch {args.mib} MiB, station token",
                    "/v1/batches",
                    {"Content-Type": MEDIA_TYPE, HASH_HEADER: "0" * 64, **auth},
                    lambda: _json_stream(args.mib),
                ),
                (
                    f"seqs ranges, {len(bomb)}-byte batch",
                    "/v1/batches",
                    {"Content-Type": MEDIA_TYPE, HASH_HEADER: bomb_hash, **auth},
                    lambda: bomb,
                ),
            ]
            for label, path, headers, body in trials:
                _reset_peak(pid)
                started = time.perf_counter()
                try:
                    answer = httpx.post(
                        base + path,
                        content=body(),  # type: ignore[operator]
                        headers=headers,
                        timeout=600,
                    )
                    status = f"{answer.status_code} {answer.text[:80]}"
                except httpx.HTTPError as exc:
                    status = f"connection ended ({type(exc).__name__})"
                print(
                    f"{label:40} → {status:70} {time.perf_counter() - started:6.2f} s, "
                    f"peak RSS {_peak_rss_mib(pid):.0f} MiB"
                )


def _hub_pid(port: int) -> int:
    """The pid of the process listening on `port` (from /proc/net/tcp and the fds)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            inode = fields[9]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if fd.readlink().as_posix() == f"socket:[{inode}]":
                    return int(proc.name)
        except OSError:
            continue
    raise RuntimeError("hub process not found")


if __name__ == "__main__":
    main()
