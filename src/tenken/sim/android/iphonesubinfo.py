"""The `iphonesubinfo` binder service of a simulated phone, method table per API level.

A transaction code is the position of the method in IPhoneSubInfo.aidl (from 1), which changed with
the API level; `service_code_shift` models firmware that inserted vendor methods in front (seen on
Huawei Android 9 and some Samsung Android 11 builds), so every standard method moves up by that many.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tenken.sim.android.binder import EX_SECURITY, ParcelReader, ParcelWriter

SHELL_PACKAGE = "com.android.shell"
SHELL_UID = 2000


@dataclass(frozen=True, slots=True)
class Modem:
    """What the radio would answer: one IMEI per slot (None = modem has none to give), and the SVN."""

    imeis: Sequence[str | None]
    software_version: str = "01"
    deny_identifiers: bool = False  # firmware that refuses device identifiers even to the shell package

    def imei(self, slot: int) -> str | None:
        return self.imeis[slot] if 0 <= slot < len(self.imeis) else None


Method = Callable[[ParcelReader, Modem], bytes]


def _reply(value: str | None) -> bytes:
    parcel = ParcelWriter()
    parcel.write_int32(0)
    parcel.write_string16(value)
    return bytes(parcel.data)


def _security(message: str) -> bytes:
    parcel = ParcelWriter()
    parcel.write_exception(EX_SECURITY, message)
    return bytes(parcel.data)


def _checked(name: str, package: str | None, value: str | None, modem: Modem) -> bytes:
    if modem.deny_identifiers:
        return _security(
            f"{name}: The uid {SHELL_UID} does not meet the requirements to access device identifiers."
        )
    if package != SHELL_PACKAGE:
        return _security(
            f"{name}: Package {package} does not belong to {SHELL_UID}"
            if package
            else f"{name}: The uid {SHELL_UID} does not meet the requirements to access device identifiers."
        )
    return _reply(value)


def _device_id(data: ParcelReader, modem: Modem) -> bytes:
    return _checked("getDeviceId", data.read_string16(), modem.imei(0), modem)


def _device_id_no_package(data: ParcelReader, modem: Modem) -> bytes:
    return _reply(modem.imei(0))


def _device_id_for_phone(data: ParcelReader, modem: Modem) -> bytes:
    slot = data.read_int32()
    return _checked("getDeviceIdForPhone", data.read_string16(), modem.imei(slot), modem)


def _by_subscription(data: ParcelReader, modem: Modem) -> bytes:
    # Subscription ids start at 1 and are not slot numbers; a slot number here names no subscription.
    sub_id = data.read_int32()
    package = data.read_string16()
    return _checked("getImeiForSubscriber", package, modem.imei(sub_id - 1) if sub_id > 0 else None, modem)


def _by_long_subscription(data: ParcelReader, modem: Modem) -> bytes:
    sub_id = data.read_int64()
    return _reply(modem.imei(sub_id - 1) if sub_id > 0 else None)


def _nai(data: ParcelReader, modem: Modem) -> bytes:
    data.read_int32()
    return _checked("getNaiForSubscriber", data.read_string16(), None, modem)


def _software_version(data: ParcelReader, modem: Modem) -> bytes:
    return _checked("getDeviceSvn", data.read_string16(), modem.software_version, modem)


def _vendor(data: ParcelReader, modem: Modem) -> bytes:
    # An inserted vendor getter: answers an IMEISV-like 16-digit string, which is not an IMEI.
    first = modem.imei(0)
    return _reply(first[:14] + modem.software_version if first else None)


# Position i (from 1) of each list is transaction code i.
_TABLES: dict[str, list[Method]] = {
    # Android 5.0: long subscription ids, no calling package.
    "lollipop": [_device_id_no_package, _by_long_subscription, _by_long_subscription, _software_version],
    # Android 5.1-10: getDeviceId, getNaiForSubscriber, getDeviceIdForPhone, getImeiForSubscriber, getDeviceSvn
    "m": [_device_id, _nai, _device_id_for_phone, _by_subscription, _software_version],
    # Android 11+: getDeviceId, getDeviceIdWithFeature, getNaiForSubscriber, getDeviceIdForPhone,
    # getImeiForSubscriber, getDeviceSvn
    "r": [_device_id, _device_id, _nai, _device_id_for_phone, _by_subscription, _software_version],
}


def table_for(sdk: int) -> list[Method]:
    if sdk >= 30:
        return _TABLES["r"]
    if sdk >= 22:
        return _TABLES["m"]
    return _TABLES["lollipop"]


def transact(sdk: int, code: int, arguments: bytes, modem: Modem, shift: int = 0) -> bytes | None:
    """The reply Parcel for one transaction, or None when the code names no method (empty reply)."""
    methods: list[Method] = [_vendor] * shift + table_for(sdk)
    if not 1 <= code <= len(methods):
        return None
    return methods[code - 1](ParcelReader(arguments), modem)
