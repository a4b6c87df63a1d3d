"""The station's secrets, in the system keyring only (Windows Credential Manager on Windows).

Two entries per station code: the hub token (service "counterapp-hub") and the Ed25519 key that
signs USB transfer files (service "counterapp-hub-signing"). Nothing here is ever written to a
file, a setting or a log. keyring's normal choice of backend applies (a frozen bundle names
the platform's backend in `packaging/entry.py`). Tests install an in-memory backend with
`keyring.set_keyring(...)`.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, NoKeyringError

TOKEN_SERVICE = "counterapp-hub"
SIGNING_SERVICE = "counterapp-hub-signing"

NO_KEYRING_MESSAGE = (
    "本机没有可用的系统密钥库，无法安全保存县中心发放的同步令牌。"
    "Windows 电脑使用系统自带的“凭据管理器”，无需设置；"
    "Linux 电脑请安装并登录桌面密钥环（如 gnome-keyring），或由县医保中心信息人员协助配置。"
    "令牌不会保存到任何文件中。"
)
MISSING_MESSAGE = (
    "本站尚未录入县医保中心发放的同步令牌：请联系县医保中心技术人员设置同步"
    "（令牌只保存在系统密钥库中）。"
)


class CredentialsError(ValueError):
    """No usable keyring, or no token yet; str() is the set-up message for the clerk."""


def _get(service: str, code: str) -> str | None:
    try:
        return keyring.get_password(service, code)
    except NoKeyringError as exc:
        raise CredentialsError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise CredentialsError(f"读取系统密钥库失败：{type(exc).__name__}") from exc


def token(code: str) -> str:
    value = _get(TOKEN_SERVICE, code)
    if not value:
        raise CredentialsError(MISSING_MESSAGE)
    return value


def signing_key(code: str) -> str:
    value = _get(SIGNING_SERVICE, code)
    if not value:
        raise CredentialsError(MISSING_MESSAGE)
    return value


def has_token(code: str) -> bool:
    try:
        return bool(_get(TOKEN_SERVICE, code))
    except CredentialsError:
        return False


def check_usable() -> None:
    """Raise CredentialsError if there is no keyring to save secrets in (asked before a
    one-time enrolment code is spent)."""
    _get(TOKEN_SERVICE, "-")


def save(code: str, token_value: str, signing_key_value: str | None) -> None:
    """Store the secrets the county issued (at set-up or after a rotation)."""
    try:
        keyring.set_password(TOKEN_SERVICE, code, token_value.strip())
        if signing_key_value:
            keyring.set_password(SIGNING_SERVICE, code, signing_key_value.strip())
    except NoKeyringError as exc:
        raise CredentialsError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise CredentialsError(f"写入系统密钥库失败：{type(exc).__name__}") from exc
