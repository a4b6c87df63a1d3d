"""This PC's queue key (排队密钥): issued for it on the queue host (`access`) and entered once
here. It lives in the system keyring only — never in the store, a file or a log. The host's
own secret, its TLS key (`tls`), is kept in the keyring the same way.

A client's key is filed under an account named in its store's settings (`roles`), so the key
belongs to the store it was entered for: a second store on the PC (the demo's, a restored
copy) never uses it by mistake, and one process can stand for several PCs in the tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

from counterapp.queue import QueueError

T = TypeVar("T")

SERVICE = "counterapp-queue"

NO_KEYRING_MESSAGE = (
    "本机没有可用的系统密钥库，无法保存排队密钥。Windows 电脑使用系统自带的"
    "“凭据管理器”；Linux 电脑请安装并登录桌面密钥环（如 gnome-keyring）。"
)
MISSING_MESSAGE = (
    "本机尚未录入排队密钥。请站点管理员在排队主机的“窗口 → 排队设置”中为本机"
    "发放密钥，再在本机的排队设置中录入。"
)


def keyring_call(call: Callable[[ModuleType], T], failed: str) -> T:
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


def new_account() -> str:
    """A keyring account for a store's client key."""
    return f"client-key-{os.urandom(8).hex()}"


def load(account: str) -> str:
    value: str | None = keyring_call(
        lambda k: k.get_password(SERVICE, account), "读取系统密钥库失败"
    )
    if not value:
        raise QueueError(MISSING_MESSAGE)
    return value


def saved(account: str | None) -> str:
    """The key the keyring holds under `account`, or "" when it holds none (or there is no
    keyring, or no account)."""
    try:
        return load(account) if account else ""
    except QueueError:
        return ""


def save(account: str, key: str) -> None:
    key = key.strip()
    if not 16 <= len(key) <= 64:
        raise QueueError(
            "排队密钥不正确：应为排队主机为本机发放的完整密钥（如 ABCD-EFGH-…，共26个字母或数字）"
        )
    keyring_call(lambda k: k.set_password(SERVICE, account, key), "写入系统密钥库失败")
