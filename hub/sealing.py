"""Secrets at rest at the hub, sealed with AES-256-GCM under the hub's sealing key: the
stations' slip secrets and store keys (`hub.keys_in`) and the hub's own keys (`hub.identity`).

The hub must hold each station store's secret itself (an HMAC cannot be checked against a
hash of its key), so the secret is sealed before it is written and opened only to check a
slip. The sealing key lives in a file outside the database (`--sealing-key FILE` or
COUNTERAPP_HUB_SEALING_KEY; for a SQLite trial hub, `<database file>.sealing-key` beside it),
so a copy of the database or of its backups alone cannot make a valid slip code. Each sealed
secret is bound to its (station, source): a sealed value moved to another row does not open.
The file is made on first use (mode 0600); a hub on PostgreSQL with no key file set up takes
no slip secrets and says so.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ENV = "COUNTERAPP_HUB_SEALING_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealingProblem(RuntimeError):
    """No sealing key, or a sealed secret that does not open with it; str() says which."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(b"hub-sealing-key|" + key).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"Sealer(key_id={self.key_id})"

    def seal(self, secret: bytes, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, secret, context.encode())).decode(
            "ascii"
        )

    def open(self, sealed: str, key_id: str, context: str) -> bytes:
        if key_id != self.key_id:
            raise SealingProblem(
                f"the secret of {context} was sealed under sealing key "
                f"{key_id}; this hub's sealing key is {self.key_id} "
                "(wrong key file?)"
            )
        raw = base64.b64decode(sealed)
        try:
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise SealingProblem(f"the sealed secret of {context} does not open") from exc


def key_path(given: Path | None, sqlite_file: str | None) -> Path | None:
    """The sealing key file: given, else from the environment, else beside a SQLite file."""
    if given is not None:
        return Path(given)
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    if sqlite_file and sqlite_file != ":memory:":
        return Path(sqlite_file + ".sealing-key")
    return None


def load(path: Path | None) -> Sealer | None:
    """The sealer of the key in `path`, the file made first if there is none yet."""
    if path is None:
        return None
    if not path.exists():
        _create(path)
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise SealingProblem(f"{path} is not a sealing key ({KEY_BYTES * 2} hex digits)")
    return Sealer(key)


def _create(path: Path) -> None:
    """Write a new key to a private temporary file, then link it in place: a hub process
    starting at the same moment sees either no file or a whole one, never half of one. The
    temporary file is a new one (mode 0600, never an existing file or link under that name)."""
    handle, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".new", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)
    except FileExistsError:  # another hub process made it meanwhile: use that one
        pass
    finally:
        temporary.unlink(missing_ok=True)
