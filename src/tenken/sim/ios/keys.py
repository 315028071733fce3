"""Keys and certificates of the simulated phones and of the simulated usbmuxd's own pairing host.

RSA key generation takes tens of milliseconds, so every key is made once per process and cached:
one key per simulated phone (its DevicePublicKey and TLS server key) and one root + host pair for the
pair records that the simulated usbmuxd already holds for "paired" phones.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

_lock = threading.Lock()
_device_keys: dict[str, rsa.RSAPrivateKey] = {}


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def device_key(udid: str) -> rsa.RSAPrivateKey:
    """The phone's own key pair, made on first use."""
    with _lock:
        key = _device_keys.get(udid)
        if key is None:
            key = _device_keys[udid] = _new_key()
        return key


def device_public_key_pem(udid: str) -> bytes:
    """DevicePublicKey as lockdownd gives it: PKCS#1 PEM."""
    return (
        device_key(udid)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    )


def _certificate(
    subject_key: rsa.RSAPublicKey, issuer_key: rsa.RSAPrivateKey, *, ca: bool, name: str = ""
) -> x509.Certificate:
    now = datetime.now(UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)] if name else [])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if ca else x509.Name([]))
        .public_key(subject_key)
        .serial_number(1)
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


_contexts: dict[str, ssl.SSLContext] = {}


def server_context(udid: str) -> ssl.SSLContext:
    """The phone's TLS server side: any RSA certificate, no client certificate asked, TLS 1.0–1.3."""
    with _lock:
        context = _contexts.get(udid)
    if context is not None:
        return context
    key = device_key(udid)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # libimobiledevice speaks TLS 1.0 to phones older than iOS 10; allow it where OpenSSL still does.
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.verify_mode = ssl.CERT_NONE
    pem = _pem(_certificate(key.public_key(), key, ca=True, name="simulated iPhone")) + _key_pem(key)
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        os.write(handle, pem)
        os.close(handle)
        context.load_cert_chain(path)
    finally:
        os.unlink(path)
    with _lock:
        return _contexts.setdefault(udid, context)


@dataclass(frozen=True, slots=True)
class HostIdentity:
    """The pairing host the simulated usbmuxd speaks for (Linux usbmuxd pairs phones itself)."""

    host_id: str
    root_key: rsa.RSAPrivateKey
    root_certificate: x509.Certificate
    host_key: rsa.RSAPrivateKey
    host_certificate: x509.Certificate

    def pair_record(self, udid: str, system_buid: str, wifi_mac: str) -> dict[str, object]:
        device_certificate = _certificate(device_key(udid).public_key(), self.root_key, ca=False)
        return {
            "DeviceCertificate": _pem(device_certificate),
            "HostCertificate": _pem(self.host_certificate),
            "HostPrivateKey": _key_pem(self.host_key),
            "RootCertificate": _pem(self.root_certificate),
            "RootPrivateKey": _key_pem(self.root_key),
            "HostID": self.host_id,
            "SystemBUID": system_buid,
            "WiFiMACAddress": wifi_mac,
            "EscrowBag": os.urandom(32),
        }


_host_lock = threading.Lock()


@cache
def _make_host_identity() -> HostIdentity:
    root_key, host_key = _new_key(), _new_key()
    root_certificate = _certificate(root_key.public_key(), root_key, ca=True)
    return HostIdentity(
        host_id=str(uuid.uuid4()).upper(),
        root_key=root_key,
        root_certificate=root_certificate,
        host_key=host_key,
        host_certificate=_certificate(host_key.public_key(), root_key, ca=False),
    )


def host_identity() -> HostIdentity:
    with _host_lock:
        return _make_host_identity()
