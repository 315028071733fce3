"""The simulated lockdownd: QueryType, GetValue, Pair and the Trust dialog, StartSession with the TLS
upgrade (the phone is the TLS server), StopSession back to plaintext, StartService."""

from __future__ import annotations

import plistlib
import uuid
from typing import TYPE_CHECKING, Any, get_args

from tenken.sim.ios.channel import Channel, plist_bytes
from tenken.sim.ios.keys import device_public_key_pem, server_context
from tenken.sim.ios.profile import FMIP, Service

if TYPE_CHECKING:
    from tenken.sim.ios.phone import EmulatedPhone

LOCKDOWN_PORT = 62078
SERVICES = frozenset(get_args(Service))

# What lockdownd tells a host it has no session with (seen on iOS 13; no IMEI, serial or SIM data).
PRE_SESSION_KEYS = (
    "BasebandVersion",
    "BoardId",
    "BuildVersion",
    "CPUArchitecture",
    "ChipID",
    "DeviceClass",
    "DeviceColor",
    "DeviceName",
    "FirmwareVersion",
    "HardwareModel",
    "HardwarePlatform",
    "HumanReadableProductVersionString",
    "ProductName",
    "ProductType",
    "ProductVersion",
    "TelephonyCapability",
    "UniqueChipID",
    "UniqueDeviceID",
    "WiFiAddress",
)
# Domains a domain-only GetValue answers with nothing: they must be asked key by key.
KEY_ONLY_DOMAINS = frozenset({FMIP})


class LockdownError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Lockdownd:
    """One host connection to lockdownd; the session lives as long as the connection."""

    def __init__(self, phone: EmulatedPhone, channel: Channel) -> None:
        self.phone = phone
        self.channel = channel
        self.session_id: str | None = None

    async def serve(self) -> None:
        while True:
            request = plistlib.loads(await self.channel.read_frame())
            name = str(request.get("Request", ""))
            reply: dict[str, Any] = {"Request": name}
            try:
                reply.update(self.answer(name, request))
            except LockdownError as error:
                reply["Error"] = error.name
            await self.phone.round_trip()
            await self.channel.write_frame(plist_bytes(reply))
            self.phone.answered()
            if "Error" in reply:
                continue
            if name == "StartSession":
                await self.channel.start_tls(server_context(self.phone.udid))
            elif name == "StopSession":
                await self.channel.stop_tls()
            elif name == "Goodbye":
                return

    def answer(self, name: str, request: dict[str, Any]) -> dict[str, Any]:
        handler = {
            "QueryType": self.query_type,
            "GetValue": self.get_value,
            "Pair": self.pair,
            "ValidatePair": self.validate_pair,
            "Unpair": self.unpair,
            "StartSession": self.start_session,
            "StopSession": self.stop_session,
            "StartService": self.start_service,
            "SetValue": self.refuse_change,
            "RemoveValue": self.refuse_change,
            "Goodbye": self.goodbye,
        }.get(name)
        if handler is None:
            raise LockdownError("InvalidRequest")
        return handler(request)

    def query_type(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"Type": "com.apple.mobile.lockdown"}

    def get_value(self, request: dict[str, Any]) -> dict[str, Any]:
        domain, key = request.get("Domain"), request.get("Key")
        echo = {name: value for name, value in (("Domain", domain), ("Key", key)) if value}
        if not domain and key == "DevicePublicKey":
            dumped = self.phone.profile.values.get("DevicePublicKey")  # a profile may carry its own
            return {
                **echo,
                "Value": dumped if isinstance(dumped, bytes) else device_public_key_pem(self.phone.udid),
            }
        if self.session_id is None:
            return {**echo, "Value": self._pre_session(domain, key)}
        if not domain:
            values = self.phone.profile.values
            if not key:
                return {**echo, "Value": values}
            if key not in values:
                raise LockdownError("MissingValue")
            return {**echo, "Value": values[key]}
        table = self.phone.profile.domains.get(domain)
        if table is None:
            raise LockdownError("MissingValue")
        if not key:
            return echo if domain in KEY_ONLY_DOMAINS else {**echo, "Value": table}
        if key not in table:
            raise LockdownError("MissingValue")
        return {**echo, "Value": table[key]}

    def _pre_session(self, domain: str | None, key: str | None) -> Any:
        values = self.phone.profile.values
        visible = {name: values[name] for name in PRE_SESSION_KEYS if name in values}
        if domain:
            raise LockdownError("GetProhibited")
        if not key:
            return visible
        if key in visible:
            return visible[key]
        raise LockdownError("GetProhibited" if key in values else "MissingValue")

    def pair(self, request: dict[str, Any]) -> dict[str, Any]:
        record = request.get("PairRecord")
        if not isinstance(record, dict) or not record.get("HostID") or not record.get("DeviceCertificate"):
            raise LockdownError("InvalidPairRecord")
        behaviour = self.phone.profile.behaviour
        host_id = str(record["HostID"])
        if host_id not in self.phone.trusted_hosts:
            if behaviour.screen_locked or behaviour.before_first_unlock:
                raise LockdownError(behaviour.locked_error)
            if behaviour.trust == "never" or self.phone.pair_polls < behaviour.trust_after_polls:
                self.phone.pair_polls += 1
                raise LockdownError("PairingDialogResponsePending")
            if behaviour.trust == "deny":
                raise LockdownError("UserDeniedPairing")
        self.phone.trusted_hosts.add(host_id)
        return {"EscrowBag": uuid.uuid5(uuid.NAMESPACE_OID, host_id + self.phone.udid).bytes * 2}

    def validate_pair(self, request: dict[str, Any]) -> dict[str, Any]:
        record = request.get("PairRecord")
        if not isinstance(record, dict) or record.get("HostID") not in self.phone.trusted_hosts:
            raise LockdownError("InvalidHostID")
        return {}

    def unpair(self, request: dict[str, Any]) -> dict[str, Any]:
        record = request.get("PairRecord")
        if isinstance(record, dict):
            self.phone.trusted_hosts.discard(str(record.get("HostID")))
        return {}

    def start_session(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.session_id is not None:
            raise LockdownError("SessionActive")
        if request.get("HostID") not in self.phone.trusted_hosts:
            raise LockdownError("InvalidHostID")
        behaviour = self.phone.profile.behaviour
        if behaviour.before_first_unlock:
            # The pairing data is sealed until the passcode is entered once after a restart.
            raise LockdownError(behaviour.locked_error)
        self.session_id = str(uuid.uuid4()).upper()
        return {"SessionID": self.session_id, "EnableSessionSSL": True}

    def stop_session(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.session_id is None or request.get("SessionID") != self.session_id:
            raise LockdownError("InvalidSessionID")
        self.session_id = None
        return {"Result": "Success"}

    def start_service(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.session_id is None:
            raise LockdownError("InvalidService")
        service = str(request.get("Service", ""))
        if service not in SERVICES:
            raise LockdownError("InvalidService")
        behaviour = self.phone.profile.behaviour
        if service in behaviour.mc_protected:
            raise LockdownError("MCProtected")
        if behaviour.screen_locked:
            raise LockdownError(behaviour.locked_error)
        return {"Service": service, "Port": self.phone.open_service(service), "EnableServiceSSL": True}

    def goodbye(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"Result": "Success"}

    def refuse_change(self, request: dict[str, Any]) -> dict[str, Any]:
        raise LockdownError("SetProhibited")


async def serve_lockdownd(phone: EmulatedPhone, channel: Channel) -> None:
    await Lockdownd(phone, channel).serve()
