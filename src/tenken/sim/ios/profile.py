"""Simulated iPhone profiles: what a phone answers (lockdown values per domain, battery, MCInstall) and
how it behaves (pairing, locks, latency, unplugging).

A profile is one file:
- TOML or JSON in tenken's layout (docs/ios.md): `[values]`, `[domains."…"]`, `[battery]`, `[mcinstall]`,
  `[phone]` shortcuts, `[behaviour]`, and `base` to start from another profile or a raw dump;
- a raw `ideviceinfo -x` plist (XML or binary), taken as the default domain of a paired phone;
- plain `ideviceinfo` text output, parsed back into values (types are guessed, see _TEXT_INTEGERS).
Text files are read in the encoding their byte-order mark names (a dump PowerShell saved is UTF-16 LE
with CRLF), else UTF-8.
Bundled profiles (src/tenken/sim/profiles/ios/*.toml) are named by their file stem.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import plistlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from tenken.devices.saved_text import decode_saved
from tenken.errors import ProfileError
from tenken.schema import YEAR_SECONDS, FrozenSchema, Schema, convert, dotted
from tenken.sim.identifiers import vary_alnum, vary_hex, vary_imei

Sim = Literal["none", "ready", "refused", "pin-locked"]
SIM_STATUS: dict[Sim, tuple[str, str]] = {
    "none": ("kCTSIMSupportSIMStatusNotInserted", "kCTSIMSupportSIMTrayInsertedNoSIM"),
    "ready": ("kCTSIMSupportSIMStatusReady", "kCTSIMSupportSIMTrayInsertedWithSIM"),
    "refused": ("kCTSIMSupportSIMStatusOperatorLocked", "kCTSIMSupportSIMTrayInsertedWithSIM"),
    "pin-locked": ("kCTSIMSupportSIMStatusPINLocked", "kCTSIMSupportSIMTrayInsertedWithSIM"),
}
FMIP = "com.apple.fmip"
CHAPERONE = "com.apple.mobile.chaperone"
PURPLEBUDDY = "com.apple.purplebuddy"

Count = Annotated[int, Meta(ge=0)]
Table = dict[str, Any]  # lockdown values: free-form, but a table
# lockdownd's two answers for "unlock me first" (pymobiledevice3: PasswordRequiredError, PasscodeRequiredError)
LockedError = Literal["PasswordProtected", "PasscodeRequired"]
Service = Literal["com.apple.mobile.MCInstall", "com.apple.mobile.diagnostics_relay"]  # the simulated ones


class Behaviour(FrozenSchema, frozen=True):
    paired: bool = True  # usbmuxd already holds a pair record the phone accepts
    trust: Literal["accept", "deny", "never"] = "accept"  # the Trust dialog's answer (never: left on screen)
    trust_after_polls: Count = 0  # Pair answers PairingDialogResponsePending this many times first
    screen_locked: bool = False  # Pair and StartService answer `locked_error`
    before_first_unlock: bool = False  # rebooted, not unlocked since: StartSession answers `locked_error`
    locked_error: LockedError = "PasswordProtected"  # what a locked phone answers
    mc_protected: tuple[Service, ...] = ()  # StartService answers MCProtected (a configuration profile)
    latency_ms: Annotated[float, Meta(ge=0, le=YEAR_SECONDS * 1000)] = 0.0  # added to every device round trip
    unplug_after_requests: Count = 0  # detach right after answering this many requests (0: never)


class Switches(Schema):
    """[phone]: switches that set every lockdown value a real phone changes together."""

    find_my: bool | None = None
    activated: bool | None = None
    setup_assistant: bool | None = None
    supervised: bool | None = None
    sim: Sim | None = None


class McInstall(Schema):
    cloud_configuration: Table | None = None  # GetCloudConfiguration
    profiles: list[Table] | None = None  # GetProfileList


class Usb(Schema):
    location_id: Annotated[int, Meta(ge=0, le=0xFFFFFFFF)] | None = None


class Document(Schema):
    """A TOML/JSON profile's layout (docs/ios.md). Absent keys keep the base's."""

    description: str | None = None
    base: str | None = None
    values: Table = msgspec.field(default_factory=dict)
    domains: dict[str, Table] = msgspec.field(default_factory=dict)
    battery: Table = msgspec.field(default_factory=dict)
    mcinstall: McInstall = msgspec.field(default_factory=McInstall)
    phone: Switches = msgspec.field(default_factory=Switches)
    behaviour: Table = msgspec.field(default_factory=dict)  # checked as Behaviour over the base's
    usb: Usb = msgspec.field(default_factory=Usb)


@dataclass(frozen=True, slots=True)
class PhoneProfile:
    name: str
    values: dict[str, Any]  # lockdown's default domain, exactly as GetValue() returns it
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    battery: dict[str, Any] = field(default_factory=dict)  # IORegistry IOPMPowerSource properties
    cloud_configuration: dict[str, Any] = field(default_factory=dict)  # MCInstall GetCloudConfiguration
    installed_profiles: list[dict[str, Any]] = field(default_factory=list)  # MCInstall GetProfileList
    behaviour: Behaviour = field(default_factory=Behaviour)
    location_id: int | None = None  # USB LocationID; the simulator numbers ports when absent
    description: str = ""

    @property
    def udid(self) -> str:
        return str(self.values["UniqueDeviceID"])

    def clone(self, index: int) -> PhoneProfile:
        """The same phone model with its own identifiers: copy `index` (≥1) of a profile."""
        if index == 0:
            return self
        values = copy.deepcopy(self.values)
        values["UniqueDeviceID"] = vary_hex(self.udid, index)
        for key in ("SerialNumber", "MLBSerialNumber"):
            if isinstance(values.get(key), str):
                values[key] = vary_alnum(values[key], index)
        for key in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2"):
            if isinstance(values.get(key), str) and len(values[key]) == 15:
                values[key] = vary_imei(values[key], index)
        if (
            isinstance(values.get("MobileEquipmentIdentifier"), str)
            and "InternationalMobileEquipmentIdentity" in values
        ):
            values["MobileEquipmentIdentifier"] = values["InternationalMobileEquipmentIdentity"][:14]
        if isinstance(values.get("UniqueChipID"), int):
            values["UniqueChipID"] += index
        location = None if self.location_id is None else self.location_id + index
        return replace(self, name=f"{self.name}#{index}", values=values, location_id=location)


# ---------------------------------------------------------------------------------------------- loading


def _bundled() -> Traversable:
    return resources.files("tenken.sim").joinpath("profiles", "ios")


def bundled_names() -> list[str]:
    return sorted(
        entry.name.removesuffix(".toml") for entry in _bundled().iterdir() if entry.name.endswith(".toml")
    )


def resolve(reference: str, relative_to: Path | None = None) -> Path:
    """A profile file from a path, or from a bundled profile's name ("iphone13-docomo")."""
    candidate = Path(reference).expanduser()
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.is_file():
        return candidate
    bundled = _bundled().joinpath(f"{reference}.toml")
    if bundled.is_file():
        return Path(str(bundled))
    raise ProfileError(
        f"no profile {reference!r}: not a file, and not one of the bundled profiles ({', '.join(bundled_names())})"
    )


def load(reference: str) -> PhoneProfile:
    return load_file(resolve(reference))


def load_file(path: Path, _seen: frozenset[Path] = frozenset()) -> PhoneProfile:
    path = path.resolve()
    if path in _seen:
        raise ProfileError(str(path), "refers back to itself", "base")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ProfileError(f"{path}: cannot be read ({error.strerror})") from None
    name = path.stem
    if raw.startswith(b"bplist00"):
        return PhoneProfile(name, _plist_values(raw, path))
    text = _decode_text(raw, path)
    stripped = text.lstrip()
    if stripped.startswith(("<?xml", "<plist")):  # `ideviceinfo -x`, re-encoded by whatever saved it
        return PhoneProfile(name, _plist_values(stripped.encode("utf-8"), path))
    if path.suffix == ".toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ProfileError(f"{path}: not valid TOML: {error}") from None
        return _from_document(name, document, path, _seen | {path})
    if stripped.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ProfileError(f"{path}: not valid JSON: {error}") from None
        return _from_document(name, document, path, _seen | {path})
    try:
        values = parse_ideviceinfo_text(text)
    except ProfileError as error:
        raise ProfileError(f"{path}: {error}") from None
    return PhoneProfile(name, _require_identity(values, path))


def _decode_text(raw: bytes, path: Path) -> str:
    """Text in the encoding its byte-order mark names (PowerShell's `>` writes UTF-16 LE), else UTF-8."""
    try:
        return decode_saved(raw)
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 or UTF-16 text, and not a plist") from None


def _plist_values(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        values = plistlib.loads(raw)
    except (plistlib.InvalidFileException, ValueError) as error:
        raise ProfileError(f"{path}: not a valid plist: {error}") from None
    if not isinstance(values, dict):
        raise ProfileError(f"{path}: the plist is not a dictionary of lockdown values")
    return _require_identity(values, path)


def _require_identity(values: dict[str, Any], path: Path, at: str = "") -> dict[str, Any]:
    for key in ("UniqueDeviceID", "ProductType", "ProductVersion"):
        if not isinstance(values.get(key), str) or not values[key]:
            raise ProfileError(
                str(path), "missing; a phone cannot be simulated without this lockdown value", f"{at}{key}"
            )
    return values


def _from_document(name: str, raw: object, path: Path, seen: frozenset[Path]) -> PhoneProfile:
    document = convert(_decode_data(raw, path), Document, ProfileError, str(path))
    if document.base is not None:
        base = load_file(resolve(document.base, relative_to=path.parent), seen)
    else:
        base = PhoneProfile(name, {})
    domains = copy.deepcopy(base.domains)
    for domain, table in document.domains.items():
        domains[domain] = {**domains.get(domain, {}), **table}
    mcinstall = document.mcinstall
    overlaid = {**msgspec.to_builtins(base.behaviour), **document.behaviour}
    profile = PhoneProfile(
        name=name,
        values={**base.values, **document.values},
        domains=domains,
        battery={**base.battery, **document.battery},
        cloud_configuration=dict(
            base.cloud_configuration
            if mcinstall.cloud_configuration is None
            else mcinstall.cloud_configuration
        ),
        installed_profiles=list(
            base.installed_profiles if mcinstall.profiles is None else mcinstall.profiles
        ),
        behaviour=convert(overlaid, Behaviour, ProfileError, str(path), at="behaviour"),
        location_id=base.location_id if document.usb.location_id is None else document.usb.location_id,
        description=base.description if document.description is None else document.description,
    )
    profile = _apply_shortcuts(profile, document.phone)
    _require_identity(profile.values, path, at="values.")
    return profile


def _apply_shortcuts(profile: PhoneProfile, phone: Switches) -> PhoneProfile:
    """[phone] switches that set every lockdown value a real phone changes together."""
    values, domains = profile.values, profile.domains
    cloud = dict(profile.cloud_configuration)
    if phone.activated is not None:
        values["ActivationState"] = "Activated" if phone.activated else "Unactivated"
    if phone.find_my is not None:
        domains.setdefault(FMIP, {})["IsAssociated"] = phone.find_my
        nvram = dict(values.get("NonVolatileRAM", {}))
        nvram["fm-activation-locked"] = b"YES" if phone.find_my else b"NO"
        values["NonVolatileRAM"] = nvram
    if phone.setup_assistant:
        # At "Hello" an erased phone reads false for both Find My flags, activation-locked or not.
        domains.setdefault(PURPLEBUDDY, {})["SetupDone"] = False
        domains.setdefault(FMIP, {})["IsAssociated"] = False
        nvram = dict(values.get("NonVolatileRAM", {}))
        nvram["fm-activation-locked"] = b"NO"
        values["NonVolatileRAM"] = nvram
    elif phone.setup_assistant is not None:
        domains.setdefault(PURPLEBUDDY, {})["SetupDone"] = True
    if phone.supervised is not None:
        domains.setdefault(CHAPERONE, {})["DeviceIsChaperoned"] = phone.supervised
        cloud["IsSupervised"] = phone.supervised
    if phone.sim is not None:
        values["SIMStatus"], values["SIMTrayStatus"] = SIM_STATUS[phone.sim]
        if phone.sim == "none":
            values["CarrierBundleInfoArray"] = []
    return replace(profile, values=values, domains=domains, cloud_configuration=cloud)


def _decode_data(value: Any, path: Path, at: tuple[str | int, ...] = ()) -> Any:
    """`{"$data" = "<base64>"}` → bytes, for plist data values in TOML and JSON profiles; a JSON null
    means the key is absent (plists have no null)."""
    if isinstance(value, dict):
        if set(value) == {"$data"} and isinstance(value["$data"], str):
            try:
                return base64.b64decode(value["$data"], validate=True)
            except binascii.Error:
                raise ProfileError(str(path), "expected base64 text", dotted([*at, "$data"])) from None
        return {key: _decode_data(item, path, (*at, key)) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_decode_data(item, path, (*at, index)) for index, item in enumerate(value)]
    return value


# ---------------------------------------------------------------------------------------------- ideviceinfo text

# Plain `ideviceinfo` prints every scalar the same way; these keys are integers or reals in lockdown.
# Everything else stays a string, so identifiers (IMEI, MCC "440", DeviceColor "1") keep their form.
_TEXT_INTEGERS = frozenset(
    {
        "AKeyStatus",
        "BasebandCertId",
        "BasebandChipID",
        "BoardId",
        "CertID",
        "ChipID",
        "DieID",
        "FusingStatus",
        "PRIVersion_Major",
        "PRIVersion_Minor",
        "PRIVersion_ReleaseNo",
        "PairRecordProtectionClass",
        "SKeyStatus",
        "SupportedDeviceFamilies",
        "UniqueChipID",
        "kCTPostponementInfoPRLName",
    }
)
_TEXT_REALS = frozenset({"TimeIntervalSince1970", "TimeZoneOffsetFromUTC"})
_TEXT_LINE = re.compile(r"^(?P<indent> *)(?P<key>[^:\[]+?|\d+)(?:\[(?P<count>\d+)\])?:(?: (?P<value>.*))?$")


def parse_ideviceinfo_text(text: str) -> dict[str, Any]:
    """The values dict back from `ideviceinfo` text output (one space of indent per nesting level)."""
    lines = [line.rstrip("\r") for line in text.splitlines() if line.strip()]
    position = 0

    def block(depth: int, owner: str) -> tuple[dict[str, Any], list[Any]]:
        nonlocal position
        mapping: dict[str, Any] = {}
        items: list[Any] = []
        while position < len(lines):
            match = _TEXT_LINE.match(lines[position])
            if match is None:
                raise ProfileError(
                    f"not ideviceinfo output: cannot read line {position + 1}: {lines[position]!r}"
                )
            indent = len(match["indent"])
            if indent < depth:
                break
            if indent > depth:
                raise ProfileError(f"ideviceinfo text: unexpected indent at line {position + 1}")
            position += 1
            key, value = match["key"], match["value"]
            nested_follows = position < len(lines) and _indent(lines[position]) > depth
            if match["count"] is not None:
                parsed: Any = block(depth + 1, key)[1]
            elif nested_follows and not value:
                children, elements = block(depth + 1, key)
                parsed = children if children else elements
            else:
                parsed = _text_scalar(owner if key.isdigit() else key, value or "")
            if key.isdigit() and depth > 0 and owner:
                items.append(parsed)
            else:
                mapping[key] = parsed
        return mapping, items

    values, _ = block(0, "")
    return values


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _text_scalar(key: str, value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    try:
        if key in _TEXT_INTEGERS:
            return int(value)
        if key in _TEXT_REALS:
            return float(value)
    except ValueError:
        pass
    return value


# ---------------------------------------------------------------------------------------------- clones


def erased(profile: PhoneProfile) -> PhoneProfile:
    """The same iPhone after the shop erased it (設定 › 一般 › リセット): at the Setup Assistant, not
    activated, the SIM taken out; same UDID, serial number and IMEIs."""
    values = copy.deepcopy(profile.values)
    for key in ("MobileSubscriberCountryCode", "MobileSubscriberNetworkCode"):
        values.pop(key, None)
    phone = Switches(activated=False, setup_assistant=True, sim="none")
    blank = replace(
        profile, name=f"{profile.name} (erased)", values=values, domains=copy.deepcopy(profile.domains)
    )
    return _apply_shortcuts(blank, phone)
