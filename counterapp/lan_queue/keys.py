"""The station's queue key (排队密钥): a random secret made on the queue host and entered once
on every client PC. It lives in the system keyring only — never in the store, a file or a log.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

from counterapp.queue import QueueError

T = TypeVar("T")

SERVICE = "counterapp-queue"
ACCOUNT = "station-queue-key"

NO_KEYRING_MESSAGE = ("本机没有可用的系统密钥库，无法保存排队密钥。Windows 电脑使用系统自带的"
                      "“凭据管理器”；Linux 电脑请安装并登录桌面密钥环（如 gnome-keyring）。")
MISSING_MESSAGE = ("本机尚未录入排队密钥。请向站点管理员索取排队主机上显示的密钥，"
                   "在菜单“窗口 → 排队设置”中录入。")


def new_key() -> str:
    import secrets  # here: it loads OpenSSL (~10 ms), which the window's start need not pay

    return secrets.token_urlsafe(24)


def _keyring_call(call: Callable[[ModuleType], T], failed: str) -> T:
    """Run `call(keyring)` with the platform's backend (chosen in code in a frozen bundle);
    keyring is imported only here, so a standalone PC never loads it."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return call(keyring)
    except NoKeyringError as exc:
        raise QueueError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise QueueError(f"{failed}：{type(exc).__name__}") from exc


def load() -> str:
    value: str | None = _keyring_call(lambda k: k.get_password(SERVICE, ACCOUNT),
                                      "读取系统密钥库失败")
    if not value:
        raise QueueError(MISSING_MESSAGE)
    return value


def saved() -> str:
    """The key this PC's keyring holds, or "" when it holds none (or there is no keyring)."""
    try:
        return load()
    except QueueError:
        return ""


def save(key: str) -> None:
    key = key.strip()
    if len(key) < 16:
        raise QueueError("排队密钥不正确：应为排队主机上显示的完整密钥（至少16个字符）")
    _keyring_call(lambda k: k.set_password(SERVICE, ACCOUNT, key), "写入系统密钥库失败")
