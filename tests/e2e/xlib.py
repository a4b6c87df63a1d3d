"""The two things the walk asks of the X server that no command-line tool does, through Xlib
(ctypes, no extra package): give the Chinese it types keys of their own, and ask the program
a `_NET_WM_PING`, whose answer comes from its GUI thread once that thread has handled what was
queued before: the screen has caught up with the store.

Structures are read as arrays of C longs (an XEvent is 24 of them), laid out for LP64
(Linux on 64-bit).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import time

CLIENT_MESSAGE = 33
STRUCTURE_NOTIFY_MASK = 1 << 17  # Qt sends its answer to the root window with this mask
UNICODE_KEYSYM = 0x01000000  # X's keysym of a Unicode character: this plus its code point
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_XEvent = ctypes.c_long * 24


def _load() -> ctypes.CDLL:
    x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    display, window, number = ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_int)
    signatures = {
        "XOpenDisplay": (display, [ctypes.c_char_p]),
        "XCloseDisplay": (ctypes.c_int, [display]),
        "XSetErrorHandler": (ctypes.c_void_p, [_ERROR_HANDLER]),
        "XDefaultRootWindow": (window, [display]),
        "XInternAtom": (ctypes.c_ulong, [display, ctypes.c_char_p, ctypes.c_int]),
        "XSelectInput": (ctypes.c_int, [display, window, ctypes.c_long]),
        "XSendEvent": (
            ctypes.c_int,
            [display, window, ctypes.c_int, ctypes.c_long, ctypes.POINTER(_XEvent)],
        ),
        "XPending": (ctypes.c_int, [display]),
        "XNextEvent": (ctypes.c_int, [display, ctypes.POINTER(_XEvent)]),
        "XFlush": (ctypes.c_int, [display]),
        "XSync": (ctypes.c_int, [display, ctypes.c_int]),
        "XDisplayKeycodes": (ctypes.c_int, [display, number, number]),
        "XGetKeyboardMapping": (
            ctypes.POINTER(ctypes.c_ulong),
            [display, ctypes.c_ubyte, ctypes.c_int, number],
        ),
        "XChangeKeyboardMapping": (
            ctypes.c_int,
            [display, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_ulong), ctypes.c_int],
        ),
        "XFree": (ctypes.c_int, [ctypes.c_void_p]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(x11, name)
        function.restype, function.argtypes = result, arguments
    return x11


class XConnection:
    """One connection to the X server, for the length of a walk."""

    def __init__(self, display_name: str) -> None:
        self.x11 = _load()
        # A window may close between finding it and pinging it: Xlib's default handler would
        # end this process on that BadWindow; ignoring it, the ping just gets no answer.
        self._ignore = _ERROR_HANDLER(lambda _display, _error: 0)
        self.x11.XSetErrorHandler(self._ignore)
        self.display = self.x11.XOpenDisplay(display_name.encode())
        if not self.display:
            raise RuntimeError(f"cannot open the X display {display_name}")
        self.root = self.x11.XDefaultRootWindow(self.display)
        self.protocols = self.x11.XInternAtom(self.display, b"WM_PROTOCOLS", 0)
        self.ping_atom = self.x11.XInternAtom(self.display, b"_NET_WM_PING", 0)
        self.x11.XSelectInput(self.display, self.root, STRUCTURE_NOTIFY_MASK)  # the answers
        self._stamps = itertools.count(1)

    def close(self) -> None:
        self.x11.XCloseDisplay(self.display)

    def bind_characters(self, text: str) -> None:
        """Give each character of `text` outside ASCII a key of its own (two to a key, the
        second with Shift), before the program starts: typed, the key then yields it at once,
        as an input method commits it. Without this xdotool binds a spare key to each
        character while typing, and the program now and then reads the key before the new
        binding: a character is lost (measured: one walk in four)."""
        wanted = "".join(sorted({char for char in text if not char.isascii()}))
        pairs = [wanted[index : index + 2] for index in range(0, len(wanted), 2)]
        unused = self._unused_keycodes()
        if len(unused) < len(pairs):
            raise RuntimeError(f"{len(wanted)} characters to bind, {len(unused)} keys unused")
        for keycode, pair in zip(unused, pairs, strict=False):
            keysyms = [UNICODE_KEYSYM + ord(char) for char in pair.ljust(2, pair[0])]
            self.x11.XChangeKeyboardMapping(
                self.display, keycode, 2, (ctypes.c_ulong * 2)(*keysyms), 1
            )
        self.x11.XSync(self.display, 0)

    def _unused_keycodes(self) -> list[int]:
        first, last, per = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        self.x11.XDisplayKeycodes(self.display, ctypes.byref(first), ctypes.byref(last))
        count = last.value - first.value + 1
        symbols = self.x11.XGetKeyboardMapping(self.display, first.value, count, ctypes.byref(per))
        try:
            return [
                first.value + index
                for index in range(count)
                if not any(symbols[index * per.value + level] for level in range(per.value))
            ]
        finally:
            self.x11.XFree(symbols)

    def ping(self, window: int, timeout: float) -> bool:
        """Whether the program owning `window` answered a `_NET_WM_PING` within `timeout`."""
        stamp = next(self._stamps)
        event = _XEvent()
        # XClientMessageEvent: type, serial, send_event, display, window, message_type,
        # format, data.l[5]
        event[0], event[4], event[5], event[6] = CLIENT_MESSAGE, window, self.protocols, 32
        event[7], event[8], event[9] = self.ping_atom, stamp, window
        self.x11.XSendEvent(self.display, window, 0, 0, ctypes.byref(event))
        self.x11.XFlush(self.display)
        answer = _XEvent()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self.x11.XPending(self.display):
                self.x11.XNextEvent(self.display, ctypes.byref(answer))
                if (
                    answer[0] & 0xFFFFFFFF == CLIENT_MESSAGE
                    and answer[5] == self.protocols
                    and answer[7] == self.ping_atom
                    and answer[8] == stamp
                ):
                    return True
            time.sleep(0.005)
        return False
