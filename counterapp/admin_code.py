"""The station administrator's code (站点管理码): what staff type to close a public screen — the
ticket kiosk or the hall display — which no key closes on its own.

The code is 6–12 digits, set on each PC that runs a public screen (the first-run set-up of a
kiosk or hall display PC, `counterapp admin-code`, `counterapp queue-setup --role kiosk|hall`,
or menu 窗口 → 排队设置), and kept as a salted scrypt hash in the PC's settings. A PC without
one cannot close its public screen by keys at all; the screen says how to set one.

Why a code of its own and not the station admin's PIN, now that clerks have PINs: a public
screen stands in the hall, so what is typed there may be watched, and the admin's PIN opens
人员管理 and every counter window; the kiosk's and hall display's PCs get no PIN hashes from
the queue host (their keys are refused the clerks' list), and asking the host to check an
admin's PIN would need the host reachable — staff close a public screen most often when
something is wrong, the network included — and would let whoever takes a kiosk's key (the
most exposed PC of the station) guess at the admin's PIN, or lock the admin out. The code
opens nothing but the screen it is typed at.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from counterapp.queue import QueueError
from db.settings import Settings

SETTING = "admin_code"
PATTERN = re.compile(r"[0-9]{6,12}")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # ~16 MiB and a few tens of ms per try
BAD_CODE = "站点管理码应为6-12位数字"


def _digest(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode(), salt=salt, dklen=32, **SCRYPT)


def new_code_problems(code: str, again: str) -> list[str]:
    """What is wrong with a new code typed twice (empty: it may be set)."""
    if not PATTERN.fullmatch(code.strip()):
        return [BAD_CODE]
    return [] if code.strip() == again.strip() else ["两次输入的站点管理码不一致"]


def set_admin_code(settings: Settings, code: str) -> None:
    code = code.strip()
    if not PATTERN.fullmatch(code):
        raise QueueError(BAD_CODE)
    salt = os.urandom(16)
    settings.set(
        SETTING,
        {
            "salt": base64.b64encode(salt).decode(),
            "scrypt": base64.b64encode(_digest(code, salt)).decode(),
        },
    )


def has_admin_code(settings: Settings) -> bool:
    return settings.get(SETTING) is not None


def check_admin_code(settings: Settings, typed: str) -> bool:
    saved = settings.get(SETTING)
    if saved is None or not PATTERN.fullmatch(typed.strip()):
        return False
    digest = _digest(typed.strip(), base64.b64decode(saved["salt"]))
    return hmac.compare_digest(digest, base64.b64decode(saved["scrypt"]))


def may_close_public_screen(settings: Settings, typed: str) -> bool:
    """Whether `typed` lets staff close the kiosk or the hall display on this PC: the one
    check both screens make (this PC's code, not a clerk's PIN: see the module docstring)."""
    return check_admin_code(settings, typed)
