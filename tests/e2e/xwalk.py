"""The walk's X driver: an X server of the size of a counter PC's screen (Xvfb, 1366×768) with a
window manager (openbox, title bars and focus as on a clerk's PC), keys pressed with xdotool
into whatever window has the focus, windows found by title, screenshots with ImageMagick.

After each wait the driver also waits until the program's window answers two pings (see
`xlib`): the store shows a change as soon as it is saved, the screen a moment later, and a key
pressed in between would land on the step before (measured: one walk in eight under load)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .walk import Waiting
from .xlib import XConnection

SCREEN = "1366x768x24"
KEY_DELAY_MS = 30  # between the keys of one xdotool call (a fast typist's pace)
POLL_S = 0.05
PING_TIMEOUT_S = 2.0  # a window that closes meanwhile never answers: ask the next one
RESPONSIVE_S = 30.0  # longer without an answer, and the program does not respond


@dataclass(frozen=True)
class XServer:
    env: dict[str, str]  # the environment of a program on this server
    connection: XConnection


@contextmanager
def x_server(log_dir: Path) -> Iterator[XServer]:
    """A private X server on a free display, with openbox."""
    read_end, write_end = os.pipe()
    with (log_dir / "xvfb.log").open("wb") as log:
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    os.close(write_end)
    window_manager = None
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        if not number:
            raise RuntimeError(f"Xvfb did not report a display: {log_dir / 'xvfb.log'}")
        env = dict(os.environ, DISPLAY=f":{number}")
        env.pop("QT_QPA_PLATFORM", None)  # the program uses X (xcb), as on a clerk's PC
        window_manager = _start_window_manager(env, log_dir)
        connection = XConnection(env["DISPLAY"])
        try:
            yield XServer(env, connection)
        finally:
            connection.close()
    finally:
        os.close(read_end)
        for process in (window_manager, xvfb):
            if process is not None:
                process.terminate()
                process.wait(timeout=15)


def _start_window_manager(env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    """openbox, once it manages the screen. Now and then it ends at once with exit code 1 and
    says nothing (3 starts in 20 measured, on a server just started): it is started again."""
    for _attempt in range(5):
        with (log_dir / "openbox.log").open("ab") as log:
            started = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 30
        while started.poll() is None and time.monotonic() < deadline:
            if _window_manager_ready(env):
                return started
            time.sleep(POLL_S)
        started.kill()
        started.wait()
    raise RuntimeError(f"openbox did not start: {log_dir / 'openbox.log'}")


def _window_manager_ready(env: dict[str, str]) -> bool:
    found = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True
    )
    return "window id" in found.stdout


def _wait(done: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(POLL_S)


class XDriver:
    """Plays the walk's steps on the X server for the program in `process`."""

    def __init__(self, server: XServer, process: subprocess.Popen, shots: Path) -> None:
        self.env = server.env
        self.x = server.connection
        self.process = process
        self.shots = shots
        self.taken: list[Path] = []

    def _xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True)
        return done.stdout

    def key(self, chord: str) -> None:
        self._xdotool("key", "--clearmodifiers", chord)

    def type(self, text: str) -> None:
        # Chinese has keys of its own (XConnection.bind_characters)
        self._xdotool("type", "--delay", str(KEY_DELAY_MS), text)

    def window_shown(self, title: str) -> bool:
        return bool(self._xdotool("search", "--onlyvisible", "--name", title).split())

    def wait(self, waiting: Waiting) -> None:
        """Poll until the walk may go on; the program ending meanwhile fails the walk."""

        def still_running() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the program ended (exit code {self.process.returncode})"
                    f" while the walk waited for {waiting.what}"
                )
            return waiting.done()

        _wait(still_running, waiting.timeout, waiting.what)
        self._screen_caught_up(waiting.what)

    def _screen_caught_up(self, what: str) -> None:
        """Two pings answered by the active window: the GUI thread has handled what was
        queued for it before (the first answer may come just before that work)."""
        deadline = time.monotonic() + RESPONSIVE_S
        answered = 0
        while answered < 2:
            window = self._xdotool("getactivewindow").strip()
            if window.isdigit() and self.x.ping(int(window), PING_TIMEOUT_S):
                answered += 1
            elif time.monotonic() > deadline:
                raise AssertionError(
                    f"after {what}, the program's window did not answer for "
                    f"{RESPONSIVE_S:.0f} s (not responding)"
                )
            else:
                time.sleep(POLL_S)  # no window active between two dialogs

    def shot(self, name: str) -> None:
        path = self.shots / f"{len(self.taken) + 1:02d}-{name}.png"
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, capture_output=True
        )
        self.taken.append(path)
