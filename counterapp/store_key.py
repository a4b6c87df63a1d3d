"""The store key: the 32 random bytes that seal `station.db`, its WAL and its backups.

It lives in the PC user's system keyring only (Windows Credential Manager; a desktop keyring
such as gnome-keyring on Linux), under service "counterapp-store" and the store file's full
path, never in a file, a setting or a log; a copy of the data folder taken without the user's
account therefore opens nowhere. The county can recover it: each store hands its key to the
hub (`counterapp.sync.handed_keys`), sealed there (`hub.keys_in`), and
`counterapp store-key --restore` puts a recovered key back into a keyring.

`open_store` is how the program opens a store:

- a new store is made sealed under a new key, saved in the keyring (and read back) first;
- a plain store (made before this version) is sealed once: a sealed copy goes to `backups/`,
  then a sealed copy replaces the store atomically (`db.files.seal_in_place`); plain backups
  beside it are sealed too, and the backups are pruned;
- a sealed store opens with the key the keyring holds for its path.

A PC without a usable keyring (headless Linux; a locked keyring) cannot keep the key, and a
sealed store cannot open there. A real station store is then refused with a message saying
what to install; only with COUNTERAPP_UNSEALED_STORE=1 in the environment (developer machines,
test runners and CI, never a station) is a new or plain store opened unsealed, with a warning
in the log; so is the demo store, whose citizens are invented.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime
from pathlib import Path
from types import ModuleType

from db import files
from db.store import Store

log = logging.getLogger(__name__)

SERVICE = "counterapp-store"
UNSEALED_ENV = "COUNTERAPP_UNSEALED_STORE"

NO_KEYRING_MESSAGE = (
    "本机没有可用的系统密钥库，无法保管本站数据文件的加密密钥，为保护办事群众的个人信息，"
    "程序不能在本机打开或新建数据文件。Windows 电脑使用系统自带的“凭据管理器”，无需设置；"
    "Linux 电脑请安装并登录桌面密钥环（如 gnome-keyring），或由县医保中心信息人员协助配置。"
)
MISSING_KEY_MESSAGE = (
    "本机密钥库中没有此数据文件的加密密钥（数据文件是否从其他电脑或其他位置复制而来？）。"
    "数据已加密，无法打开。请联系县医保中心技术人员取回本站的数据密钥，"
    "再用 counterapp store-key --restore 录入。"
)


class StoreKeyError(RuntimeError):
    """The store cannot be opened for want of its key; str() is the message for the clerk."""


def account(path: Path) -> str:
    """The keyring account of a store: its full path, as the OS compares paths."""
    return os.path.normcase(str(Path(path).resolve()))


def _keyring() -> ModuleType:
    import keyring  # here: ~0.1 s, paid on the store thread, never by a plain benchmark

    return keyring


def load(path: Path) -> bytes | None:
    """The key the keyring holds for the store at `path`; None if it holds none.
    Raises StoreKeyError when there is no usable keyring."""
    from keyring.errors import KeyringError, NoKeyringError

    try:
        text = _keyring().get_password(SERVICE, account(path))
    except NoKeyringError as exc:
        raise StoreKeyError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise StoreKeyError(f"读取系统密钥库失败：{type(exc).__name__}") from exc
    return None if not text else parse(text)


def save(path: Path, key: bytes) -> None:
    """Keep `key` for the store at `path`, read back before anything is sealed with it."""
    from keyring.errors import KeyringError, NoKeyringError

    try:
        _keyring().set_password(SERVICE, account(path), key.hex())
    except NoKeyringError as exc:
        raise StoreKeyError(NO_KEYRING_MESSAGE) from exc
    except KeyringError as exc:
        raise StoreKeyError(f"写入系统密钥库失败：{type(exc).__name__}") from exc
    if load(path) != key:
        raise StoreKeyError("系统密钥库未能保存数据文件的加密密钥，数据文件未作改动")


def parse(text: str) -> bytes:
    """A key as written (64 hex digits, spaces and case ignored)."""
    try:
        key = bytes.fromhex("".join(text.split()))
    except ValueError:
        key = b""
    if len(key) != files.KEY_BYTES:
        raise StoreKeyError(f"数据密钥格式不正确：应为{files.KEY_BYTES * 2}位十六进制数字")
    return key


def unsealed_allowed() -> bool:
    return os.environ.get(UNSEALED_ENV) == "1"


# The stores this process has opened, by keyring account, with their key (None: allowed to
# stay plain). Another connection to one of them (the sync's thread, the queue host's server)
# opens the same way without asking the keyring again.
_opened: dict[str, bytes | None] = {}


def open_store(path: Path, *, demo: bool = False) -> Store:
    """The store at `path`, sealed (made, converted or opened as the module says). `demo`: the
    demo store, whose data is invented, stays unsealed on a PC without a usable keyring."""
    path = Path(path)
    if account(path) in _opened:
        return Store(path, _opened[account(path)])
    store = _open(path, demo)
    _opened[account(path)] = store.key
    return store


def _open(path: Path, demo: bool) -> Store:
    plain, new = files.is_plain(path), files.is_new(path)
    try:
        key = load(path)
    except StoreKeyError:
        if (plain or new) and (demo or unsealed_allowed()):
            log.warning(
                "no usable keyring: the store %s stays unsealed (%s=1)", path.name, UNSEALED_ENV
            )
            return Store(path)
        raise
    if key is None:
        if not (plain or new):
            raise StoreKeyError(MISSING_KEY_MESSAGE)
        key = secrets.token_bytes(files.KEY_BYTES)
        save(path, key)
    if plain:
        _seal(path, key)
    store = Store(path, key)
    if plain:
        files.prune_backups(store.backups_dir, path.stem, store.backups_kept())
    return store


def _seal(path: Path, key: bytes) -> None:
    """Seal a plain store once: its sealed copy in `backups/` first, then the store itself,
    then every plain backup beside it."""
    folder = path.parent / "backups"
    files.private_folder(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    files.export_sealed(path, folder / f"{path.stem}-before-sealing-{stamp}.db", key)
    files.seal_in_place(path, key)
    for backup in files.backups(folder, path.stem):
        if files.is_plain(backup):
            files.seal_in_place(backup, key)
    log.info("the store %s was sealed (its plain backups too)", path.name)


def restore(path: Path, text: str) -> None:
    """Put a key recovered from the county into this PC's keyring for the store at `path`,
    after checking it opens that store (nothing is kept if it does not)."""
    key = parse(text)
    if not files.opens_with(path, key):
        raise StoreKeyError("此密钥打不开该数据文件：请核对站点和密钥")
    save(path, key)
