"""The lockdown services the reader uses, behind the ports StartService hands out. Both run in TLS from
their first byte (EnableServiceSSL) and frame plists like lockdownd.

- com.apple.mobile.MCInstall: HelloHostIdentifier, Flush, GetCloudConfiguration, GetProfileList.
- com.apple.mobile.diagnostics_relay: IORegistry (the battery entry), GasGauge, Goodbye.
"""

from __future__ import annotations

import plistlib
from typing import TYPE_CHECKING, Any

from tenken.sim.ios.channel import Channel, plist_bytes
from tenken.sim.ios.keys import server_context

if TYPE_CHECKING:
    from tenken.sim.ios.phone import EmulatedPhone

BATTERY_ENTRIES = frozenset({"IOPMPowerSource", "AppleSmartBattery"})


async def serve_service(phone: EmulatedPhone, name: str, channel: Channel) -> None:
    await channel.start_tls(server_context(phone.udid))
    answer = _mcinstall if name == "com.apple.mobile.MCInstall" else _diagnostics
    while True:
        request = plistlib.loads(await channel.read_frame())
        reply, done = answer(phone, request)
        await phone.round_trip()
        await channel.write_frame(plist_bytes(reply))
        phone.answered()
        if done:
            return


def _mcinstall(phone: EmulatedPhone, request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    kind = request.get("RequestType")
    profile = phone.profile
    if kind in ("HelloHostIdentifier", "Flush"):
        return {"Status": "Acknowledged"}, False
    if kind == "GetCloudConfiguration":
        return {"Status": "Acknowledged", "CloudConfiguration": profile.cloud_configuration}, False
    if kind == "GetProfileList":
        identifiers = [str(entry.get("PayloadIdentifier", "")) for entry in profile.installed_profiles]
        return {
            "Status": "Acknowledged",
            "OrderedIdentifiers": identifiers,
            "ProfileMetadata": {
                identifier: {key: value for key, value in entry.items() if key != "PayloadIdentifier"}
                for identifier, entry in zip(identifiers, profile.installed_profiles, strict=True)
            },
            "ProfileManifest": {identifier: {"IsActive": True} for identifier in identifiers},
        }, False
    return {
        "Status": "Error",
        "ErrorChain": [{"ErrorCode": 1, "LocalizedDescription": f"{kind} is not simulated"}],
    }, False


def _diagnostics(phone: EmulatedPhone, request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    kind = request.get("Request")
    battery = phone.profile.battery
    if kind == "Goodbye":
        return {"Status": "Success"}, True
    if kind == "IORegistry":
        wanted = {request.get("EntryClass"), request.get("EntryName")}
        if battery and wanted & BATTERY_ENTRIES:
            return {"Status": "Success", "Diagnostics": {"IORegistry": battery}}, False
        return {"Status": "Success", "Diagnostics": {}}, False
    if kind == "GasGauge" and battery:
        gauge = {
            key: battery[key]
            for key in ("CycleCount", "DesignCapacity", "FullChargeCapacity")
            if key in battery
        }
        return {"Status": "Success", "Diagnostics": {"GasGauge": {**gauge, "Status": "Success"}}}, False
    return {"Status": "UnknownRequest"}, False
