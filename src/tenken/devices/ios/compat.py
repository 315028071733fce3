"""pymobiledevice3's internals that tenken builds on, in one place. Its public API (create_using_usbmux,
list_devices) opens more connections than a station can afford (docs/ios.md), so the reader uses these
lower layers; tests/ios/test_compat.py pins each one so that an upgrade that moves them fails loudly
there, not at a station.
"""

from __future__ import annotations

from typing import Any

from packaging.version import InvalidVersion, Version
from pymobiledevice3.exceptions import PasscodeRequiredError, PasswordRequiredError
from pymobiledevice3.lockdown import IRECV_DEVICES, SERVICE_PORT, PlistUsbmuxLockdownClient
from pymobiledevice3.osu.os_utils import get_os_utils
from pymobiledevice3.service_connection import ServiceConnection, create_ssl_context
from pymobiledevice3.usbmux import (
    MuxConnection,
    PlistMuxConnection,
    UsbmuxdMessageType,
    UsbmuxdVersion,
    build_usbmuxd_request,
    parse_usbmuxd_response,
)

__all__ = [
    "IRECV_DEVICES",
    "SERVICE_PORT",
    "MuxConnection",
    "PlistMuxConnection",
    "ServiceConnection",
    "StationLockdownClient",
    "UsbmuxdMessageType",
    "UsbmuxdVersion",
    "build_usbmuxd_request",
    "create_ssl_context",
    "default_usbmux_address",
    "marketing_name",
    "parse_usbmuxd_response",
]

ASSUMED_VERSION = "99.0"  # an unreadable ProductVersion is taken as a current iOS for protocol choices


class StationLockdownClient(PlistUsbmuxLockdownClient):
    """pymobiledevice3's lockdown client, robust to an odd ProductVersion and to a locked phone.

    pymobiledevice3 parses ProductVersion with packaging's Version to choose protocol details (TLS for
    iOS < 7, the session for iOS < 5); a value that is not a version (a broken or spoofed phone) raised
    InvalidVersion and lost the whole read. The facts still show the odd value as read (facts.py).

    A phone that refuses the session because it wants its passcode (StartSession answers PasswordProtected
    after a restart, or PasscodeRequired) made create() raise, and the values lockdownd had already given
    (model, iOS version) went with the client. Now the client stays, unpaired, with `session_refused`
    naming lockdownd's answer.
    """

    session_refused: str | None = None

    async def validate_pairing(self) -> bool:
        self.session_refused = None
        try:
            paired: bool = await super().validate_pairing()
        except PasswordRequiredError:
            self.session_refused = "PasswordProtected"
            return False
        except PasscodeRequiredError:
            self.session_refused = "PasscodeRequired"
            return False
        return paired

    @property
    def product_version(self) -> str:
        raw: str = super().product_version
        try:
            Version(raw)
        except InvalidVersion:
            return ASSUMED_VERSION
        return raw


def default_usbmux_address() -> str:
    """The system's usbmuxd address as pymobiledevice3 would pick it."""
    address: Any = get_os_utils().usbmux_address[0]
    return address if isinstance(address, str) else f"{address[0]}:{address[1]}"


def marketing_name(product_type: str) -> str | None:
    """pymobiledevice3's name for a ProductType, when tenken's own catalog has none."""
    for device in IRECV_DEVICES:
        if device.product_type == product_type:
            return str(device.display_name)
    return None
