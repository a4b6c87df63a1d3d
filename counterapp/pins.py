"""Clerks' PINs: the strength rule, hashing with argon2id (argon2-cffi) and the lockout's
back-off. The county hub's staff passwords share the hashing and the back-off (the hub's wheel
carries this module; it imports nothing of the station).

Only the hash is stored: a PHC string (`$argon2id$v=19$m=65536,t=3,p=4$salt$hash`) that carries
its own parameters, so a later change of the parameters still verifies the old hashes, and a
hash made with older ones is replaced at the clerk's next login (`needs_rehash`).

The parameters are RFC 9106's second recommendation (argon2-cffi's default profile): 64 MiB of
memory, 3 passes, 4 lanes, measured at ~0.2 s a hash on a 2-core station PC — a login is not
slowed noticeably, while every guess at a stolen hash costs the same 64 MiB and 0.2 s.
A PIN of 6 digits has only a million values, so the hash alone does not protect it against a
determined offline attack; the lockout protects the login, and the store itself must be
protected at rest (another part of issue 13).
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 6
MAX_LENGTH = 64
# Lockout: the first FREE_FAILURES - 1 wrong secrets in a row cost nothing; the next locks for
# 1 minute, each further one (possible only once the lock has run out) for twice as long, at
# most LONGEST_LOCK_MINUTES.
FREE_FAILURES = 5
LONGEST_LOCK_MINUTES = 30
# Chosen by people who are told "six digits": refused whatever the other rules say.
COMMON = frozenset(
    {
        "123123",
        "112233",
        "121212",
        "520520",
        "521521",
        "147258",
        "159357",
        "123321",
        "654321",
        "abc123",
        "password",
        "qwerty",
    }
)

_hasher: PasswordHasher | None = None
_decoy_hash: str | None = None


def problems(pin: str, login: str = "") -> list[str]:
    """What is wrong with `pin` as a new PIN (empty: it may be used). Digits or letters, at
    least 6; not one character repeated, not a run (123456, 987654), not a short block repeated
    (121212, 123123), not the login."""
    found = []
    if not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        found.append(f"PIN应为{MIN_LENGTH}-{MAX_LENGTH}位")
    if not pin.isascii() or not pin.isprintable() or " " in pin:
        found.append("PIN只能由数字、字母或符号组成，不含空格")
    if found:
        return found
    lowered = pin.lower()
    if len(set(lowered)) == 1:
        found.append("PIN不能全是同一个字符")
    elif is_run(lowered):
        found.append("PIN不能是连续的数字或字母（如123456）")
    elif lowered in COMMON or _is_repeated_block(lowered):
        found.append("PIN过于简单（如121212、123123），请另选")
    if login and lowered == login.strip().lower():
        found.append("PIN不能与工号相同")
    return found


def lock_minutes(failures: int) -> int:
    """How long `failures` wrong secrets in a row lock the account (0: not at all)."""
    if failures < FREE_FAILURES:
        return 0
    return min(LONGEST_LOCK_MINUTES, 1 << (failures - FREE_FAILURES))


def is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1})


def _is_repeated_block(text: str) -> bool:
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in (2, 3)
    )


def hasher() -> PasswordHasher:
    """The one argon2id hasher (imported on first use: the window's start does not need it)."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory: m=64 MiB, t=3, p=4
    return _hasher


def use_hasher(replacement: PasswordHasher | None) -> None:
    """Tests make hashing cheap this way (never a weaker kind: still argon2id)."""
    global _hasher, _decoy_hash
    _hasher, _decoy_hash = replacement, None


def hash_pin(pin: str) -> str:
    return hasher().hash(pin)


def verify(stored: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher().verify(stored, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return hasher().check_needs_rehash(stored)


def spend_a_verification() -> None:
    """As long as a real check: an unknown login takes no less time than a known one."""
    verify(_decoy(), "-")


def _decoy() -> str:
    global _decoy_hash
    if _decoy_hash is None:
        _decoy_hash = hash_pin("decoy-pin")
    return _decoy_hash
