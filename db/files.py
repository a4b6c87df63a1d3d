"""The store's files on disk: the key applied to a connection, private files and folders,
a plain store sealed in place, and backups pruned.

A sealed file is SQLCipher 4 (AES-256 pages with an HMAC each, a random salt in the first 16
bytes); the key is 32 random bytes given raw, so opening costs no key derivation. A plain
file starts with SQLite's own header, which is how a store still to be sealed is told apart.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

import sqlcipher3

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32
HMAC = "HMAC_SHA256"
SEALING_SUFFIX = ".sealing"  # a sealed copy being made; never the store itself


def apply_key(conn: sqlite3.Connection, key: bytes | None) -> None:
    """Make `conn` read and write with `key` (must come before anything else on it); errors
    go to the caller, not to SQLCipher's own log on stderr. Pages are authenticated with
    HMAC-SHA256 rather than SQLCipher's default SHA-512: a durable case save costs 1.24× a
    plain one instead of 1.33× (bench/sealed.py), for the same protection of a 32-byte random
    key. It is the process's default, so stores attached or backed up under a key get it too;
    a store must always be opened with the algorithm it was written with."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {HMAC}")
    if key is None:
        return
    if len(key) != KEY_BYTES:
        raise ValueError(f"a store key has {KEY_BYTES} bytes")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def keyed(path: Path, key: bytes | None, read_only: bool = False) -> sqlite3.Connection:
    """A bare connection (no store pragmas): for copies, checks, exports and readers from
    outside (`read_only`)."""
    conn: sqlite3.Connection = (
        sqlcipher3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=5)
        if read_only
        else sqlcipher3.connect(str(path), isolation_level=None)
    )
    apply_key(conn, key)
    return conn


def is_plain(path: Path) -> bool:
    """Whether `path` is an unsealed SQLite file (False for a sealed, empty or missing one)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def is_new(path: Path) -> bool:
    """No store yet (or an empty file SQLite has not written)."""
    return not path.exists() or path.stat().st_size == 0


def opens_with(path: Path, key: bytes | None) -> bool:
    """Whether the store at `path` reads with `key` (None: a plain store)."""
    conn = keyed(path, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


# --- private to the user --------------------------------------------------------------------
def private_folder(folder: Path) -> None:
    """Make the folder if missing, private to the user (0700 on POSIX); an existing folder
    keeps its mode (a folder given with --data-dir may be shared; the files in it are
    private). On Windows the per-user data folder (AppData) is already closed to other
    accounts by its ACL; nothing is changed there."""
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        return
    if sys.platform != "win32":
        folder.chmod(0o700)  # whatever the umask


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, else set that mode (POSIX). SQLite
    gives the -wal and -shm files the mode of the store, so they are private too."""
    if sys.platform == "win32":
        return
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with contextlib.suppress(PermissionError):
        path.chmod(0o600)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists():
            with contextlib.suppress(PermissionError):
                side.chmod(0o600)


# --- sealing a plain store --------------------------------------------------------------------
def export_sealed(plain: Path, target: Path, key: bytes) -> None:
    """Write a sealed copy of the plain store `plain` to `target` (made new, 0600, flushed to
    disk): every table, index, trigger and the schema version."""
    target.unlink(missing_ok=True)
    private_file(target)
    conn = keyed(plain, None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS sealed KEY \"x'{key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('sealed')")
        conn.execute(f"PRAGMA sealed.user_version = {int(version)}")
        conn.execute("DETACH DATABASE sealed")
    finally:
        conn.close()
    _fsync(target)


def same_rows(plain: Path, sealed: Path, key: bytes) -> bool:
    """Every table of the plain store has as many rows in the sealed copy, which passes
    SQLite's integrity check."""
    before, after = keyed(plain, None), keyed(sealed, key)
    try:
        if after.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return False
        tables = [
            row[0]
            for row in before.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return all(
            before.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            == after.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            for t in tables
        ) and (
            before.execute("PRAGMA user_version").fetchone()
            == after.execute("PRAGMA user_version").fetchone()
        )
    finally:
        before.close()
        after.close()


def seal_in_place(path: Path, key: bytes) -> None:
    """Replace the plain store at `path` by a sealed copy of it, atomically: the copy is made
    beside it and checked, then renamed over it, so a crash leaves either the plain store or
    the sealed one, never half of one. The plain store's WAL was checkpointed into it first
    and is removed with it."""
    temporary = path.with_name(path.name + SEALING_SUFFIX)
    export_sealed(path, temporary, key)
    if not same_rows(path, temporary, key):
        temporary.unlink(missing_ok=True)
        raise RuntimeError(f"sealing {path.name}: the sealed copy differs; nothing changed")
    os.replace(temporary, path)
    _fsync_folder(path.parent)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)


# --- backups -----------------------------------------------------------------------------------
def backups(folder: Path, stem: str) -> list[Path]:
    """The store's backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.glob(f"{stem}-*.db") if p.is_file()),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
    )


def prune_backups(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns those deleted."""
    found = backups(folder, stem)
    gone = found[: max(0, len(found) - keep)]
    for old in gone:
        old.unlink(missing_ok=True)
    return gone


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles to flush)."""
    if sys.platform == "win32":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
