"""Pairing an iPhone with this station: the station's own root and host keys (made once, like
libimobiledevice's host keys), the Trust dialog loop, and pair records kept owner-only.

The Pair request is sent here rather than through pymobiledevice3's `pair()`: that one makes two RSA
keys per phone, saves the record world-readable and hands it to the default usbmuxd instead of the one
in use (11.45.0). The session that follows is pymobiledevice3's `validate_pairing()`.
"""

from __future__ import annotations

import asyncio
import plistlib
import re
import socket
import threading
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from pymobiledevice3.ca import (
    build_device_certificate,
    build_host_certificate,
    build_root_certificate,
    serialize_cert_pem,
    serialize_private_key_pkcs8_pem,
)
from pymobiledevice3.lockdown import LockdownClient

from tenken.files import private_folder, write_private

IDENTITY_FILE = "station.identity"  # not *.plist: pymobiledevice3 reads every *.plist here as a pair record
POLL_SECONDS = 1.0  # how often the Pair request is repeated while "Trust This Computer?" is on screen
_UDID = re.compile(r"^[0-9A-Fa-f-]{20,64}$")
_identity_lock = threading.Lock()


class PairingRefused(Exception):
    """The phone did not pair; `error` is lockdownd's error name (PairingDialogResponsePending when the
    Trust dialog was still on screen at the deadline)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class StationFilesError(Exception):
    """The pair-record folder or a file in it cannot be used; the message names the path."""


@dataclass(frozen=True, slots=True)
class StationIdentity:
    host_id: str
    root_certificate: bytes
    root_key: bytes
    host_certificate: bytes
    host_key: bytes


def records_folder(data_path: Path) -> Path:
    """<data dir>/pair_records, owner-only, in the data folder (owner-only too)."""
    folder = data_path / "pair_records"
    try:
        private_folder(data_path, tighten=True)
        private_folder(folder, tighten=True)
    except OSError as error:
        raise StationFilesError(f"{folder}: {error.strerror or error}") from None
    return folder


def _write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with a file only the owner can read."""
    try:
        write_private(path, data)
    except OSError as error:
        raise StationFilesError(f"{path}: {error.strerror or error}") from None


def station_identity(folder: Path) -> StationIdentity:
    """The station's root and host keys and HostID, made on first use and kept in the records folder."""
    path = folder / IDENTITY_FILE
    with _identity_lock:
        if path.is_file():
            try:
                stored = plistlib.loads(path.read_bytes())
                return StationIdentity(
                    stored["HostID"],
                    stored["RootCertificate"],
                    stored["RootPrivateKey"],
                    stored["HostCertificate"],
                    stored["HostPrivateKey"],
                )
            # plistlib's InvalidFileException is a ValueError; a torn or edited file lacks keys
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise StationFilesError(f"{path} is unreadable ({type(error).__name__})") from None
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        host_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_certificate = build_root_certificate(root_key, hashes.SHA256())
        identity = StationIdentity(
            host_id=str(uuid.uuid4()).upper(),
            root_certificate=serialize_cert_pem(root_certificate),
            root_key=serialize_private_key_pkcs8_pem(root_key),
            host_certificate=serialize_cert_pem(
                build_host_certificate(host_key, root_certificate, root_key, hashes.SHA256())
            ),
            host_key=serialize_private_key_pkcs8_pem(host_key),
        )
        _write_private(
            path,
            plistlib.dumps(
                {
                    "HostID": identity.host_id,
                    "RootCertificate": identity.root_certificate,
                    "RootPrivateKey": identity.root_key,
                    "HostCertificate": identity.host_certificate,
                    "HostPrivateKey": identity.host_key,
                }
            ),
        )
        return identity


@cache
def _root_signer(root_key: bytes, root_certificate: bytes) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The station's root key and certificate, parsed once: loading the key (its RSA checks) takes ~35 ms."""
    try:
        key = serialization.load_pem_private_key(root_key, password=None)
        certificate = x509.load_pem_x509_certificate(root_certificate)
    except ValueError:
        raise StationFilesError(f"the root key or certificate in {IDENTITY_FILE} is unreadable") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise StationFilesError(f"the root key in {IDENTITY_FILE} is not an RSA key")
    return key, certificate


def device_certificate(identity: StationIdentity, device_public_key: bytes) -> bytes:
    root_key, root_certificate = _root_signer(identity.root_key, identity.root_certificate)
    try:
        public_key = load_pem_public_key(device_public_key)
    except ValueError:
        raise PairingRefused("the phone's DevicePublicKey is not a PEM public key") from None
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise PairingRefused("the phone's DevicePublicKey is not an RSA key")
    return serialize_cert_pem(
        build_device_certificate(public_key, root_certificate, root_key, hashes.SHA256())
    )


def check_udid(udid: str) -> None:
    """Raise PairingRefused unless `udid` looks like one (it names the pair record file)."""
    if not _UDID.match(udid):
        raise PairingRefused(f"usbmuxd lists it under the odd UDID {udid!r}, not one to name a pair record")


def save_record(folder: Path, udid: str, record: dict[str, Any]) -> bytes:
    """Keep the pair record as <UDID>.plist (mode 0600); returns the plist bytes."""
    check_udid(udid)
    data = plistlib.dumps(record)
    _write_private(folder / f"{udid}.plist", data)
    return data


async def pair(
    lockdown: LockdownClient, identity: StationIdentity, *, pair_timeout: float, call_timeout: float
) -> dict[str, Any]:
    """Ask the phone to trust this station, repeating while the Trust dialog is on screen.

    Returns the complete pair record; raises PairingRefused with lockdownd's error otherwise.
    """
    async with asyncio.timeout(call_timeout):
        public_key = await lockdown.get_value(key="DevicePublicKey")
    if not isinstance(public_key, bytes):
        raise PairingRefused("the phone gave no DevicePublicKey")
    certificate = await asyncio.to_thread(device_certificate, identity, public_key)
    record: dict[str, Any] = {
        "DeviceCertificate": certificate,
        "HostCertificate": identity.host_certificate,
        "HostID": identity.host_id,
        "RootCertificate": identity.root_certificate,
        "SystemBUID": lockdown.system_buid,
        "WiFiMACAddress": lockdown.wifi_mac_address or "",
    }
    request: dict[str, Any] = {
        "Label": lockdown.label,
        "Request": "Pair",
        "PairRecord": record,
        "HostName": socket.gethostname(),
        "ProtocolVersion": "2",
        "PairingOptions": {"ExtendedPairingErrors": True},
    }
    loop = asyncio.get_running_loop()
    deadline = loop.time() + pair_timeout
    while True:
        async with asyncio.timeout(call_timeout):
            reply = await lockdown.service.send_recv_plist(request)
        error = reply.get("Error")
        if error is None:
            break
        remaining = deadline - loop.time()
        if error != "PairingDialogResponsePending" or remaining <= 0:
            raise PairingRefused(str(error))
        await asyncio.sleep(min(POLL_SECONDS, remaining))
    complete = {**record, "HostPrivateKey": identity.host_key, "RootPrivateKey": identity.root_key}
    if isinstance(reply.get("EscrowBag"), bytes):
        complete["EscrowBag"] = reply["EscrowBag"]
    return complete
