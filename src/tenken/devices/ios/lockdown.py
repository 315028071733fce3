"""pymobiledevice3's lockdown client and services on a phone already found in usbmuxd's list.

create_using_usbmux() and start_lockdown_service() look the phone up again for every connection they
open (a full ListDevices each), and make a fresh TLS context for every service. At a station with 32
phones that is O(phones²) parsing and a certificate load per service; here the phone's usbmuxd entry
is reused and the services' TLS context, which depends only on the station's host certificate, is made
once.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

from pymobiledevice3.lockdown import LockdownClient
from pymobiledevice3.usbmux import MuxDevice

from tenken.devices.ios.compat import (
    SERVICE_PORT,
    ServiceConnection,
    StationLockdownClient,
    create_ssl_context,
)
from tenken.devices.ios.usbmux import connect

LABEL = "tenken"
_service_contexts: dict[bytes, ssl.SSLContext] = {}


async def open_lockdown(address: str, device: MuxDevice, buid: str, folder: Path) -> StationLockdownClient:
    """A lockdown client, in session if a pair record the phone accepts is found (usbmuxd's first,
    then /var/lib/lockdown, then tenken's folder), else unpaired with the values lockdownd gives anyone
    (and `session_refused` set when a record was found but the locked phone refused the session)."""
    service = await ServiceConnection.from_socket(
        await connect(address, device, SERVICE_PORT), mux_device=device
    )
    try:
        lockdown: StationLockdownClient = await StationLockdownClient.create(
            service,
            identifier=device.serial,
            system_buid=buid,
            label=LABEL,
            autopair=False,
            pairing_records_cache_folder=folder,
            usbmux_address=address,
        )
    except BaseException:
        await close_quietly(service.close)
        raise
    return lockdown


async def close_quietly(close: Callable[[], Awaitable[object]]) -> None:
    """Close a connection whose peer may be gone. A reset connection can make asyncio's close waiter
    raise CancelledError (a phone pulled mid-read): that is not this task being cancelled, and must not
    replace the error that explains what happened. A real cancellation still goes through."""
    try:
        await close()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
    except Exception:  # noqa: S110 - closing a connection that already broke: nothing to tell
        pass


async def open_service(
    address: str, device: MuxDevice, lockdown: LockdownClient, name: str
) -> ServiceConnection:
    """Start a lockdown service and connect to it, in TLS when the phone asks for it."""
    attributes = await lockdown.get_service_connection_attributes(name)
    socket = await connect(address, device, attributes["Port"])
    context = _service_tls(lockdown) if attributes.get("EnableServiceSSL") else None
    connection: ServiceConnection = await ServiceConnection.from_socket(
        socket, ssl_context=context, mux_device=device
    )
    return connection


def _service_tls(lockdown: LockdownClient) -> ssl.SSLContext:
    record = lockdown.pair_record or {}
    key = hashlib.sha256(
        bytes(record.get("HostCertificate", b"")) + bytes(record.get("HostPrivateKey", b""))
    ).digest()
    context = _service_contexts.get(key)
    if context is None:
        with lockdown.ssl_file() as certificate_and_key:
            context = _service_contexts[key] = create_ssl_context(certificate_and_key)
    return context
