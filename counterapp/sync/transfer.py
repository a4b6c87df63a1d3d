"""Signed transfer files for villages without a network: batches out, acknowledgements back.

Ed25519 (via `cryptography`) rather than HMAC: the hub keeps only each station's *public* key,
so a copy of the hub's database cannot forge a village's file, and a town station that
forwards a village's stick can check the signature with the public key alone. Acks are signed
with the hub's own key, whose public half every station pins at set-up.

A station's batches carry names, ID numbers and phones, so since version 2 their payload is
also **encrypted to the hub** (issue 13): X25519 with a new ephemeral key per file, HKDF-SHA256,
AES-256-GCM. Only the hub's transfer key opens it; a lost stick, or the town station that
forwards it, sees the header only (station code, batch ids and sizes). The hub's transfer key
reaches a station certified by the hub's pinned signing key (`certify`), whichever way it
comes: printed at registration, from the hub online, or in an ack file. Acks carry no personal
data and stay signed only (version 1).

Layout (see docs/sync-wire-format.md):

    COUNTERAPP-TRANSFER 2\\n          (1: not encrypted; acks, and batches of older stations)
    <header: canonical JSON, one line>\\n
    <payload: the parts, back to back; in version 2 encrypted as one>

The header lists each part (batch id, byte length, content hash) and the SHA-256 of the
payload as written (the ciphertext in version 2), says how it was encrypted ("sealed_to": the
hub's transfer key, the ephemeral public key, the nonce), and carries the signature over the
header without the signature itself: a file is checked before anything is decrypted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from counterapp.sync.wire import Encoded, WireError, canonical, decode_document, encode

MAGIC = b"COUNTERAPP-TRANSFER 1\n"  # signed
MAGIC_SEALED = b"COUNTERAPP-TRANSFER 2\n"  # signed, the payload encrypted to the hub
KINDS = ("batches", "acks")
ENCRYPTION = "X25519-HKDF-SHA256-AES-256-GCM"
_CERTIFIED = b"counterapp-hub-transfer-key|"


class TransferError(ValueError):
    """A transfer file that cannot be trusted; str() is a message for the clerk."""


# --- keys -----------------------------------------------------------------------------------
def new_key_pair() -> tuple[str, str]:
    """(private, public) as base64 of the raw 32-byte keys."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode(), base64.b64encode(public).decode()


def public_of(private_b64: str) -> str:
    private = _private(private_b64)
    return base64.b64encode(
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()


def _private(private_b64: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_b64, validate=True))
    except ValueError as exc:
        raise TransferError("签名密钥格式不正确") from exc


def _public(public_b64: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
    except ValueError as exc:
        raise TransferError("公钥格式不正确") from exc


def new_transfer_pair() -> tuple[str, str]:
    """The hub's transfer key pair (X25519): (private, public) as base64 of the raw keys."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode(), base64.b64encode(public).decode()


def certify(transfer_public_b64: str, signing_private_b64: str) -> str:
    """The hub's transfer key as stations take it: `<key>.<Ed25519 signature>`."""
    raw = base64.b64decode(transfer_public_b64)
    signature = _private(signing_private_b64).sign(_CERTIFIED + raw)
    return f"{transfer_public_b64}.{base64.b64encode(signature).decode()}"


def certified_key(certificate: str, hub_public_b64: str) -> str:
    """The transfer key in `certificate`, if the hub's pinned signing key signed it."""
    key, _, signature = certificate.strip().partition(".")
    try:
        raw = base64.b64decode(key, validate=True)
        X25519PublicKey.from_public_bytes(raw)
        _public(hub_public_b64).verify(base64.b64decode(signature, validate=True), _CERTIFIED + raw)
    except (InvalidSignature, ValueError) as exc:
        raise TransferError("县中心加密公钥无效：不是本站登记的县中心签发的") from exc
    return key


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        hashes.SHA256(), 32, salt=ephemeral + recipient, info=b"counterapp-transfer 2"
    ).derive(shared)


# --- files ----------------------------------------------------------------------------------
class Part(NamedTuple):
    name: str  # the batch id, or "acks"
    body: bytes  # gzip of canonical JSON
    sha256: str  # of the canonical JSON


class Opened(NamedTuple):
    kind: str
    station: str
    created_at: str
    parts: list[Part]
    transfer_key: str | None = None  # an ack's certified hub transfer key


def seal(
    kind: str,
    station: str,
    created_at: str,
    parts: list[Part],
    private_b64: str,
    to: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """A signed file; with `to` (the hub's transfer key, base64), its payload encrypted to it
    (version 2). `extra`: more signed header fields (an ack's certified transfer key)."""
    payload = b"".join(part.body for part in parts)
    header: dict[str, Any] = {
        "kind": kind,
        "station": station,
        "created_at": created_at,
        "parts": [{"name": p.name, "bytes": len(p.body), "sha256": p.sha256} for p in parts],
        **(extra or {}),
    }
    if to is not None:
        payload = _encrypt(header, payload, to)
    header["payload_sha256"] = hashlib.sha256(payload).hexdigest()
    signature = _private(private_b64).sign(canonical(header))
    header["signature"] = base64.b64encode(signature).decode()
    return (MAGIC if to is None else MAGIC_SEALED) + canonical(header) + b"\n" + payload


def _aad(header: dict[str, Any]) -> bytes:
    """What the encryption binds: the file's kind, station, time and parts."""
    return canonical({key: header[key] for key in ("kind", "station", "created_at", "parts")})


def _encrypt(header: dict[str, Any], payload: bytes, to: str) -> bytes:
    """Encrypt to the hub's transfer key; notes in `header` how ("sealed_to")."""
    try:
        recipient = base64.b64decode(to, validate=True)
        hub = X25519PublicKey.from_public_bytes(recipient)
    except ValueError as exc:
        raise TransferError("县中心加密公钥格式不正确") from exc
    ephemeral = X25519PrivateKey.generate()
    mine = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(12)
    header["sealed_to"] = {
        "alg": ENCRYPTION,
        "to": to,
        "ephemeral": base64.b64encode(mine).decode(),
        "nonce": base64.b64encode(nonce).decode(),
    }
    key = _box_key(ephemeral.exchange(hub), mine, recipient)
    return AESGCM(key).encrypt(nonce, payload, _aad(header))


def _decrypt(header: dict[str, Any], payload: bytes, transfer_private_b64: str | None) -> bytes:
    sealed = header.get("sealed_to")
    if not isinstance(sealed, dict) or sealed.get("alg") != ENCRYPTION:
        raise TransferError("数据交换文件头已损坏")
    if transfer_private_b64 is None:
        raise TransferError("此文件已加密，只有县中心能读取")
    try:
        private = X25519PrivateKey.from_private_bytes(
            base64.b64decode(transfer_private_b64, validate=True)
        )
        mine = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        ephemeral = base64.b64decode(str(sealed["ephemeral"]), validate=True)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        key = _box_key(shared, ephemeral, mine)
        return AESGCM(key).decrypt(
            base64.b64decode(str(sealed["nonce"]), validate=True), payload, _aad(header)
        )
    except (InvalidTag, ValueError) as exc:
        raise TransferError("文件无法解密：不是加密给本县中心的，或已损坏") from exc


def read_header(data: bytes) -> dict[str, Any]:
    """The header, unverified: who says they wrote the file (to pick the key to check it)."""
    magic = _magic(data)
    end = data.find(b"\n", len(magic))
    if end < 0:
        raise TransferError("数据交换文件不完整")
    try:
        header = json.loads(data[len(magic) : end])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TransferError("数据交换文件头已损坏") from exc
    if not isinstance(header, dict) or header.get("kind") not in KINDS:
        raise TransferError("数据交换文件头已损坏")
    if (magic == MAGIC_SEALED) != ("sealed_to" in header):
        raise TransferError("数据交换文件头已损坏")
    return header


def _magic(data: bytes) -> bytes:
    for magic in (MAGIC_SEALED, MAGIC):
        if data.startswith(magic):
            return magic
    raise TransferError("这不是本系统的数据交换文件")


def is_encrypted(data: bytes) -> bool:
    return data.startswith(MAGIC_SEALED)


def open_sealed(data: bytes, public_b64: str, transfer_private_b64: str | None = None) -> Opened:
    """Check the signature and every hash (any change anywhere raises TransferError), then
    decrypt a version-2 payload with the hub's transfer key."""
    header = read_header(data)
    payload = data[data.find(b"\n", len(_magic(data))) + 1 :]
    signature = header.pop("signature", None)
    try:
        _public(public_b64).verify(
            base64.b64decode(str(signature), validate=True), canonical(header)
        )
    except (InvalidSignature, ValueError) as exc:
        raise TransferError("文件签名不符：文件已被篡改，或不是该站点（或县中心）签发的") from exc
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise TransferError("文件内容与签名不符：文件已被篡改或损坏")
    if is_encrypted(data):
        payload = _decrypt(header, payload, transfer_private_b64)
    parts, offset = [], 0
    for item in header["parts"]:
        body = payload[offset : offset + item["bytes"]]
        offset += item["bytes"]
        parts.append(Part(item["name"], body, item["sha256"]))
    if offset != len(payload):
        raise TransferError("文件内容长度不符：文件已被篡改或损坏")
    return Opened(
        header["kind"], header["station"], header["created_at"], parts, header.get("transfer_key")
    )


def part_document(part: Part) -> dict[str, Any]:
    try:
        return decode_document(part.body, part.sha256)
    except WireError as exc:
        raise TransferError(f"文件中的批次已损坏：{exc}") from exc


def acks_part(acks: list[dict[str, Any]]) -> Part:
    encoded: Encoded = encode({"format": 1, "acks": acks})
    return Part("acks", encoded.body, encoded.sha256)
