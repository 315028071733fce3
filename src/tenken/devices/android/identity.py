"""Identity, software and bootloader facts from the phone's properties."""

from __future__ import annotations

from collections.abc import Mapping

from tenken.devices.android.props import first, sdk_level
from tenken.facts import Fact, msg

MARKETING_NAME_PROPS = (
    "ro.product.marketname",
    "ro.product.vendor.marketname",
    "ro.config.marketing_name",
    "ro.semc.product.name",
)


def _prop(props: Mapping[str, str], *keys: str) -> Fact[str]:
    found = first(props, *keys)
    if found is None:
        return Fact.unknown(keys[0], msg("android.prop_not_set"))
    return Fact.measured(found[1], found[0])


def serial(props: Mapping[str, str], adb_serial: str) -> Fact[str]:
    found = first(props, "ro.serialno", "ro.boot.serialno")
    if found is not None:
        return Fact.measured(found[1], found[0])
    # A USB serial is the phone's own; host:port is not, nor a wireless-debugging mDNS name
    # (adb-SERIAL-xxxxxx._adb-tls-connect._tcp), which holds more than the serial.
    if ":" not in adb_serial and not adb_serial.rstrip(".").endswith("._tcp"):
        return Fact.measured(adb_serial, "adb serial")
    return Fact.unknown("ro.serialno", msg("android.serial_hidden"))


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
        version = version.with_note(msg("android.sdk", sdk=sdk))
    build = _prop(props, "ro.build.display.id", "ro.build.id")
    fingerprint = props.get("ro.build.fingerprint", "")
    if build.known and fingerprint:
        build = build.with_note(msg("android.fingerprint", fingerprint=fingerprint))
    return {
        "os_version": version,
        "os_build": build,
        "security_patch": _prop(props, "ro.build.version.security_patch", "ro.vendor.build.security_patch"),
    }


_VERIFIED_BOOT = {"green": False, "yellow": False, "orange": True}


def bootloader_unlocked(props: Mapping[str, str]) -> Fact[bool]:
    """ro.boot.flash.locked, ro.boot.verifiedbootstate, vbmeta's device state; unknown when they disagree."""
    state = props.get("ro.boot.verifiedbootstate", "")
    allowed = props.get("sys.oem_unlock_allowed", "")
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
        return Fact.unknown("ro.boot.flash.locked", msg("android.bootloader_untold"))
    if len({unlocked for _, unlocked in readings}) > 1:
        said = [f"{key} = {props[key]}" for key, _ in readings]
        return Fact.unknown(readings[0][0], msg("android.bootloader_disagree", readings=said))
    note = msg("android.bootloader", verified_boot=state, oem_unlock=allowed)
    return Fact.measured(readings[0][1], readings[0][0], note)
