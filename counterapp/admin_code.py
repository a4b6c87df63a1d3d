"""The station administrator's code (站点管理码): what staff type to close a public screen — the
ticket kiosk or the hall display — which no key closes on its own.

The code is 6–12 digits, set on each PC that runs a public screen (`counterapp admin-code`,
`counterapp queue-setup --role kiosk|hall`, or menu 窗口 → 排队设置), and kept as a salted
scrypt hash in the PC's settings. A PC without one cannot close its public screen by keys at
all; the screen says how to set one.

This is the interim until clerk accounts exist: `may_close_public_screen` is the one check the
screens call, and clerk accounts point it at the station administrator's PIN.
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
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}   # ~16 MiB and a few tens of ms per try
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
    settings.set(SETTING, {"salt": base64.b64encode(salt).decode(),
                           "scrypt": base64.b64encode(_digest(code, salt)).decode()})


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
    check both screens make (clerk accounts point it at the administrator's PIN)."""
    return check_admin_code(settings, typed)
