"""Ask the CUPS spooler whether a queue will take a job (Linux, macOS), before printing to it.

Qt's CUPS print engine reports success even when the queue rejects the job (`cupsreject`,
a stopped printer), so the print would be recorded while nothing comes out. libcups (which
Qt's print support loads anyway) tells the queue's state; on Windows there is no libcups and
the check says nothing (Qt's Windows engine reports a refused job itself).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

STOPPED = "5"  # IPP printer-state: 3 idle, 4 processing, 5 stopped
# printer-state-reasons that mean the job would not come out now
BLOCKING_REASONS = {
    "media-empty": "缺纸",
    "media-needed": "缺纸",
    "media-jam": "卡纸",
    "offline": "离线",
    "door-open": "机盖未关",
    "toner-empty": "墨粉用尽",
    "marker-supply-empty": "耗材用尽",
    "cover-open": "机盖未关",
}


class _Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _Dest(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("instance", ctypes.c_char_p),
        ("is_default", ctypes.c_int),
        ("num_options", ctypes.c_int),
        ("options", ctypes.POINTER(_Option)),
    ]


@cache
def _libcups() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("cups")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.cupsGetNamedDest.restype = ctypes.POINTER(_Dest)
    lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_Dest)]
    return lib


def queue_options(printer: str) -> dict[str, str] | None:
    """The queue's CUPS attributes, or None without libcups or for an unknown queue."""
    lib = _libcups()
    if lib is None:
        return None
    dest = lib.cupsGetNamedDest(None, printer.encode(), None)
    if not dest:
        return None
    try:
        found = dest.contents
        return {
            found.options[i].name.decode(errors="replace"): (found.options[i].value or b"").decode(
                errors="replace"
            )
            for i in range(found.num_options)
        }
    finally:
        lib.cupsFreeDests(1, dest)


def refusal(printer: str) -> str | None:
    """Why `printer` would not print a job now (a message for the clerk), or None."""
    options = queue_options(printer)
    if options is None:
        return None
    if options.get("printer-is-accepting-jobs", "true").lower() == "false":
        return f"打印失败：打印机“{printer}”当前拒绝接收打印任务，请在系统打印设置中启用后重试。"
    reasons = [
        reason.rsplit("-", 1)[0] if reason.endswith(("-error", "-warning", "-report")) else reason
        for reason in options.get("printer-state-reasons", "").split(",")
    ]
    blocking = sorted({BLOCKING_REASONS[r] for r in reasons if r in BLOCKING_REASONS})
    if blocking:
        return f"打印失败：打印机“{printer}”{'、'.join(blocking)}，请处理后重试。"
    if options.get("printer-state") == STOPPED:
        return f"打印失败：打印机“{printer}”已暂停，请在系统打印设置中恢复后重试。"
    return None
