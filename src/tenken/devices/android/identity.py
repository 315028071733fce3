"""Identity, software and bootloader facts from the phone's properties."""

from __future__ import annotations

from collections.abc import Mapping

from tenken.devices.android.props import first, sdk_level
from tenken.facts import Fact

MARKETING_NAME_PROPS = (
    "ro.product.marketname",
    "ro.product.vendor.marketname",
    "ro.config.marketing_name",
    "ro.semc.product.name",
)


def _prop(props: Mapping[str, str], *keys: str, note: str = "") -> Fact[str]:
    found = first(props, *keys)
    if found is None:
        return Fact.unknown(keys[0], "property not set on this phone")
    return Fact.measured(found[1], found[0], note)


def serial(props: Mapping[str, str], adb_serial: str) -> Fact[str]:
    found = first(props, "ro.serialno", "ro.boot.serialno")
    if found is not None:
        return Fact.measured(found[1], found[0])
    if ":" not in adb_serial:  # a USB serial is the phone's own; host:port is not
        return Fact.measured(adb_serial, "adb serial")
    return Fact.unknown("ro.serialno", "not readable on this build (Android 8+ hides it from the shell)")


def identity(props: Mapping[str, str]) -> dict[str, Fact[str]]:
    return {
        "manufacturer": _prop(props, "ro.product.manufacturer", "ro.product.vendor.manufacturer"),
        "brand": _prop(props, "ro.product.brand", "ro.product.vendor.brand"),
        "model_id": _prop(props, "ro.product.model", "ro.product.vendor.model"),
    }


def marketing_name(props: Mapping[str, str]) -> Fact[str] | None:
    found = first(props, *MARKETING_NAME_PROPS)
    return Fact.measured(found[1], found[0]) if found else None


def software(props: Mapping[str, str]) -> dict[str, Fact[str]]:
    sdk = sdk_level(props)
    version = _prop(props, "ro.build.version.release", "ro.build.version.release_or_codename")
    if version.known and sdk is not None:
        version = Fact.measured(version.value or "", version.source, f"SDK {sdk} (ro.build.version.sdk)")
    build = _prop(props, "ro.build.display.id", "ro.build.id")
    fingerprint = props.get("ro.build.fingerprint", "")
    if build.known and fingerprint:
        build = Fact.measured(build.value or "", build.source, fingerprint)
    return {
        "os_version": version,
        "os_build": build,
        "security_patch": _prop(props, "ro.build.version.security_patch", "ro.vendor.build.security_patch"),
    }


_VERIFIED_BOOT = {"green": False, "yellow": False, "orange": True}


def bootloader_unlocked(props: Mapping[str, str]) -> Fact[bool]:
    """ro.boot.flash.locked, ro.boot.verifiedbootstate, vbmeta's device state; unknown when they disagree."""
    notes = []
    state = props.get("ro.boot.verifiedbootstate", "")
    if state:
        notes.append(f"verified boot {state}")
    allowed = props.get("sys.oem_unlock_allowed", "")
    if allowed:
        notes.append("OEM unlocking " + ("allowed in developer options" if allowed == "1" else "not allowed"))
    readings: list[tuple[str, bool]] = []
    flash = props.get("ro.boot.flash.locked", "")
    if flash in ("0", "1"):
        readings.append(("ro.boot.flash.locked", flash == "0"))
    if state in _VERIFIED_BOOT:
        readings.append(("ro.boot.verifiedbootstate", _VERIFIED_BOOT[state]))
    device_state = props.get("ro.boot.vbmeta.device_state", "")
    if device_state in ("locked", "unlocked"):
        readings.append(("ro.boot.vbmeta.device_state", device_state == "unlocked"))
    if not readings:
        return Fact.unknown(
            "ro.boot.flash.locked", "this build tells no bootloader state; check fastboot/download mode"
        )
    if len({unlocked for _, unlocked in readings}) > 1:
        said = ", ".join(f"{key} = {props[key]}" for key, _ in readings)
        return Fact.unknown(readings[0][0], f"the properties disagree ({said}); check fastboot/download mode")
    return Fact.measured(readings[0][1], readings[0][0], "; ".join(notes))
