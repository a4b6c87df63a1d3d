"""Signed transfer files for villages without a network: batches out, acknowledgements back.

Ed25519 (via `cryptography`) rather than HMAC: the hub keeps only each station's *public* key,
so a copy of the hub's database cannot forge a village's file, and a town station that
forwards a village's stick can check the signature with the public key alone. Acks are signed
with the hub's own key, whose public half every station pins at set-up.

Layout (see docs/sync-wire-format.md):

    COUNTERAPP-TRANSFER 1\\n
    <header: canonical JSON, one line>\\n
    <payload: the parts, back to back>

The header lists each part (batch id, byte length, content hash) and the payload's SHA-256,
and carries the signature over the header without the signature itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from counterapp.sync.wire import Encoded, WireError, canonical, decode_document, encode

MAGIC = b"COUNTERAPP-TRANSFER 1\n"
KINDS = ("batches", "acks")


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
    return base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
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


# --- files ----------------------------------------------------------------------------------
class Part(NamedTuple):
    name: str          # the batch id, or "acks"
    body: bytes        # gzip of canonical JSON
    sha256: str        # of the canonical JSON


class Opened(NamedTuple):
    kind: str
    station: str
    created_at: str
    parts: list[Part]


def seal(kind: str, station: str, created_at: str, parts: list[Part], private_b64: str) -> bytes:
    payload = b"".join(part.body for part in parts)
    header: dict[str, Any] = {
        "kind": kind, "station": station, "created_at": created_at,
        "parts": [{"name": p.name, "bytes": len(p.body), "sha256": p.sha256} for p in parts],
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    signature = _private(private_b64).sign(canonical(header))
    header["signature"] = base64.b64encode(signature).decode()
    return MAGIC + canonical(header) + b"\n" + payload


def read_header(data: bytes) -> dict[str, Any]:
    """The header, unverified: who says they wrote the file (to pick the key to check it)."""
    if not data.startswith(MAGIC):
        raise TransferError("这不是本系统的数据交换文件")
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise TransferError("数据交换文件不完整")
    try:
        header = json.loads(data[len(MAGIC):end])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TransferError("数据交换文件头已损坏") from exc
    if not isinstance(header, dict) or header.get("kind") not in KINDS:
        raise TransferError("数据交换文件头已损坏")
    return header


def open_sealed(data: bytes, public_b64: str) -> Opened:
    """Check the signature and every hash; any change anywhere raises TransferError."""
    header = read_header(data)
    payload = data[data.find(b"\n", len(MAGIC)) + 1:]
    signature = header.pop("signature", None)
    try:
        _public(public_b64).verify(base64.b64decode(str(signature), validate=True),
                                   canonical(header))
    except (InvalidSignature, ValueError) as exc:
        raise TransferError("文件签名不符：文件已被篡改，或不是该站点（或县中心）签发的") from exc
    if hashlib.sha256(payload).hexdigest() != header.get("payload_sha256"):
        raise TransferError("文件内容与签名不符：文件已被篡改或损坏")
    parts, offset = [], 0
    for item in header["parts"]:
        body = payload[offset:offset + item["bytes"]]
        offset += item["bytes"]
        parts.append(Part(item["name"], body, item["sha256"]))
    if offset != len(payload):
        raise TransferError("文件内容长度不符：文件已被篡改或损坏")
    return Opened(header["kind"], header["station"], header["created_at"], parts)


def part_document(part: Part) -> dict[str, Any]:
    try:
        return decode_document(part.body, part.sha256)
    except WireError as exc:
        raise TransferError(f"文件中的批次已损坏：{exc}") from exc


def acks_part(acks: list[dict[str, Any]]) -> Part:
    encoded: Encoded = encode({"format": 1, "acks": acks})
    return Part("acks", encoded.body, encoded.sha256)
