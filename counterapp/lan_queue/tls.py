"""TLS between the queue host and its clients, with no certificate authority: the host makes
its own key pair, and each client is told, at set-up, the fingerprint of the host's public key
(证书指纹) and accepts no other.

The fingerprint is the SHA-256 of the key's SubjectPublicKeyInfo, not of a certificate, so the
host can make a fresh self-signed certificate at every start (nothing to renew or expire) and
the clients' pins hold as long as the key does. The private key (EC P-256) lives in the host's
keyring, like every other secret of the station; the standard library loads a key only from a
file, so it is written for that moment into a private temporary folder, encrypted under a
one-time password, and removed at once.

A client's context checks nothing the usual way (no CA, no host name: the host is reached by
its LAN address) and checks the pin instead, inside the handshake, before a single byte of a
request — the access key above all — is sent (`PinnedSocket`). TLS 1.2 at least.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from counterapp.lan_queue import keys
from counterapp.queue import QueueError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey

KEY_ACCOUNT = "queue-host-tls-key"
FINGERPRINT_HEX = 64
MISMATCH = (
    "排队主机的证书指纹与本机录入的不符：连接已中断，未发送任何数据。可能录错了指纹、"
    "排队主机换了电脑或重新生成了证书，也可能有人冒充排队主机。请核对排队主机上"
    "“窗口 → 排队设置”中显示的证书指纹后，在本机的排队设置中重新录入"
)
BAD_FINGERPRINT = (
    "证书指纹应为排队主机上显示的64位十六进制字符（0-9、A-F，可带空格），现有 {count} 位"
)


class PinMismatch(ssl.SSLError):
    """The host presented a key other than the pinned one."""


def fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaces, colons or dashes) → 64 lowercase hex digits,
    or QueueError with what is wrong."""
    digits = re.sub(r"[\s:-]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise QueueError(BAD_FINGERPRINT.format(count=len(digits)))
    return digits


def shown(pin: str) -> str:
    """64 hex digits as the host shows them to be copied: 16 groups of four, upper case."""
    return " ".join(pin[at : at + 4].upper() for at in range(0, len(pin), 4))


def _load_key(pem: str) -> EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, EllipticCurvePrivateKey):
        raise QueueError("本机保存的排队主机证书密钥无法识别，请联系技术人员")
    return key


def _spki_pin(public_der: bytes) -> str:
    return hashlib.sha256(public_der).hexdigest()


def key_pin(pem: str) -> str:
    """The fingerprint of a host key (PEM)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return _spki_pin(
        _load_key(pem).public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    )


def certificate_pin(der: bytes) -> str:
    """The fingerprint of the key in a certificate (DER), as a client sees the host's."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return _spki_pin(
        x509.load_der_x509_certificate(der)
        .public_key()
        .public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    )


def host_key(create: bool = False) -> str:
    """This PC's host key (PEM) from the keyring; a new one is made and saved when asked and
    there is none. QueueError when there is none (or no keyring)."""
    saved: str | None = keys.keyring_call(
        lambda k: k.get_password(keys.SERVICE, KEY_ACCOUNT), "读取系统密钥库失败"
    )
    if saved:
        return saved
    if not create:
        raise QueueError("本机还没有排队主机证书：请先把本机设置为排队主机")
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        .decode()
    )
    keys.keyring_call(
        lambda k: k.set_password(keys.SERVICE, KEY_ACCOUNT, pem), "写入系统密钥库失败"
    )
    return pem


def host_pin() -> str:
    """The fingerprint of this host's key ("" when it has none yet, or no keyring)."""
    try:
        return key_pin(host_key())
    except QueueError:
        return ""


def _certificate(key: EllipticCurvePrivateKey) -> bytes:
    """A self-signed certificate (PEM) for `key`, valid from yesterday for ten years."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "counterapp queue host")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(Encoding.PEM)


def server_context(pem: str) -> ssl.SSLContext:
    """The host's TLS context for its key (PEM), with a certificate made now."""
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        Encoding,
        PrivateFormat,
    )

    key = _load_key(pem)
    password = os.urandom(32).hex()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="counterapp-tls-") as folder:
        certificate, private = Path(folder, "cert.pem"), Path(folder, "key.pem")
        certificate.write_bytes(_certificate(key))
        private.write_bytes(
            key.private_bytes(
                Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(password.encode())
            )
        )
        context.load_cert_chain(certificate, private, password=password)
    return context


class PinnedContext(ssl.SSLContext):
    """A client context that accepts only the host key with the fingerprint `pin`."""

    pin: str


class PinnedSocket(ssl.SSLSocket):
    """Checks the host's key right after the handshake, before anything is sent."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        context = self.context
        presented = self.getpeercert(binary_form=True)
        if (
            not isinstance(context, PinnedContext)
            or presented is None
            or (certificate_pin(presented) != context.pin)
        ):
            raise PinMismatch(MISMATCH)


def client_context(pin: str) -> PinnedContext:
    context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    context.pin = pin
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False  # a LAN address, checked by the pin instead
    context.verify_mode = ssl.CERT_NONE  # no CA: the pin is the whole trust
    context.sslsocket_class = PinnedSocket
    return context
