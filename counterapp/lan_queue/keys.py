"""The station's queue key (排队密钥): a random secret made on the queue host and entered once
on every client PC. It lives in the system keyring only — never in the store, a file or a log.
"""

from __future__ import annotations

import secrets

from counterapp.queue import QueueError

SERVICE = "counterapp-queue"
ACCOUNT = "station-queue-key"

NO_KEYRING_MESSAGE = ("本机没有可用的系统密钥库，无法保存排队密钥。Windows 电脑使用系统自带的"
                      "“凭据管理器”；Linux 电脑请安装并登录桌面密钥环（如 gnome-keyring）。")
MISSING_MESSAGE = ("本机尚未录入排队密钥。请向站点管理员索取排队主机上显示的密钥，"
                   "在“排队设置”或用 `counterapp queue-setup --client` 录入。")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def load() -> str:
    import keyring  # only a host or a client needs it: start-up stays light
    from keyring.errors import KeyringError, NoKeyringError

    try:
        value = keyring.get_password(SERVICE, ACCOUNT)
    except NoKeyringError as exc:
        raise QueueError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise QueueError(f"读取系统密钥库失败：{type(exc).__name__}") from exc
    if not value:
        raise QueueError(MISSING_MESSAGE)
    return value


def save(key: str) -> None:
    key = key.strip()
    if len(key) < 16:
        raise QueueError("排队密钥不正确：应为排队主机上显示的完整密钥（至少16个字符）")
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(SERVICE, ACCOUNT, key)
    except NoKeyringError as exc:
        raise QueueError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise QueueError(f"写入系统密钥库失败：{type(exc).__name__}") from exc
