"""The enrolment code (县中心登记码) a county gives a new station: the hub's address and
40 typeable characters, shared by the hub (which makes it) and the station (which reads it).

    YBDJ1 https://ybhub.example.gov.cn 7K3M-QX9A-…-C4TW   (10 groups of 4)

The 40 characters are a random secret (20 characters, 100 bits), the fingerprint of the
hub's public key the station is to pin (16 characters, 80 bits of its SHA-256) and a checksum
(4 characters, 20 bits) over the address, secret and fingerprint, so a typo anywhere — the
address included — is caught before anything is sent. Crockford's base-32 alphabet: no I, L,
O or U; typed O, I and L are read as 0, 1 and 1, lower case as upper, full-width as
half-width, dashes and spaces ignored. The same text is the QR code's (a USB scanner types
it). The hub keeps only the secret's SHA-256; the station sends the secret to `/v1/enrol`
once and gets its token and signing key back (docs/sync-wire-format.md, "Enrolment").
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

PREFIX = "YBDJ1"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
SECRET_CHARS = 20
FINGERPRINT_CHARS = 16
CHECK_CHARS = 4
CODE_CHARS = SECRET_CHARS + FINGERPRINT_CHARS + CHECK_CHARS
GROUP = 4
SECRET_PATTERN = f"^[{ALPHABET}]{{{SECRET_CHARS}}}$"
_TYPED = {"O": "0", "I": "1", "L": "1"}
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)


class EnrolCodeError(ValueError):
    """A code that cannot be right; str() tells the clerk what to check (Chinese)."""


def _base32(data: bytes, chars: int) -> str:
    return base64.b32encode(data).decode().translate(_FROM_RFC4648)[:chars]


def fingerprint(public_key: str) -> str:
    """The first 80 bits of the SHA-256 of the hub's public key, as written in the code."""
    return _base32(hashlib.sha256(public_key.strip().encode()).digest(), FINGERPRINT_CHARS)


def secret_hash(secret: str) -> str:
    """What the hub keeps of a code: 100 random bits need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _check(hub_url: str, body: str) -> str:
    return _base32(hashlib.sha256(f"{hub_url}|{body}".encode()).digest(), CHECK_CHARS)


@dataclass(frozen=True)
class EnrolCode:
    hub_url: str
    secret: str
    hub_fingerprint: str

    def __repr__(self) -> str:  # never the secret in a log or a traceback
        return f"EnrolCode({self.hub_url})"

    @property
    def groups(self) -> str:
        body = self.secret + self.hub_fingerprint
        body += _check(self.hub_url, body)
        return "-".join(body[i : i + GROUP] for i in range(0, len(body), GROUP))

    @property
    def text(self) -> str:
        return f"{PREFIX} {self.hub_url} {self.groups}"


def new(hub_url: str, hub_public_key: str) -> EnrolCode:
    secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_CHARS))
    return EnrolCode(hub_url.rstrip("/"), secret, fingerprint(hub_public_key))


def parse(text: str) -> EnrolCode:
    """The code typed, pasted or scanned; EnrolCodeError says what is wrong with it."""
    tokens = unicodedata.normalize("NFKC", text).split()
    urls = [t for t in tokens if t.lower().startswith(("https://", "http://"))]
    rest = [t for t in tokens if t not in urls and t.upper() != PREFIX]
    if not tokens:
        raise EnrolCodeError("请输入县中心登记码")
    if len(urls) != 1:
        raise EnrolCodeError("登记码应包含一个县中心地址（以 https:// 开头），请完整输入")
    body = "".join(rest).replace("-", "").upper()
    body = "".join(_TYPED.get(char, char) for char in body)
    wrong = sorted({char for char in body if char not in ALPHABET})
    if wrong:
        raise EnrolCodeError(f"登记码含有无效字符：{' '.join(wrong)}，请核对")
    if len(body) != CODE_CHARS:
        raise EnrolCodeError(
            f"登记码地址后应为 {CODE_CHARS} 位字母数字（{CODE_CHARS // GROUP} 组，每组 "
            f"{GROUP} 位），现为 {len(body)} 位，请核对"
        )
    hub_url = urls[0].rstrip("/")
    head, check = body[:-CHECK_CHARS], body[-CHECK_CHARS:]
    if _check(hub_url, head) != check:
        raise EnrolCodeError("登记码校验不符：请逐位核对（县中心地址也在校验之内）")
    return EnrolCode(hub_url, head[:SECRET_CHARS], head[SECRET_CHARS:])
