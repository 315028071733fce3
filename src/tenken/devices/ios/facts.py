"""From what lockdownd and its services answered to DeviceFacts: every field a Fact with its source.

Pure functions over a Reading; no I/O. Rules that are not plain reads (Find My at the Setup Assistant,
SIM lock, battery health) say in the fact's note what they rested on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymobiledevice3.lockdown import IRECV_DEVICES

from tenken.catalog import carrier_for_mcc_mnc
from tenken.catalog.apple import JAPAN_REGION, AppleModel, apple_model, region_name
from tenken.catalog.simlock import infer_sim_lock
from tenken.facts import DeviceFacts, Fact
from tenken.imei import is_valid_imei

FMIP_ASSOCIATED = "com.apple.fmip/IsAssociated"
CHAPERONED = "com.apple.mobile.chaperone/DeviceIsChaperoned"
SETUP_DONE = "com.apple.purplebuddy/SetupDone"
DISK_USAGE = "com.apple.disk_usage"
BATTERY_DOMAIN = "com.apple.mobile.battery"
QUERIES = (FMIP_ASSOCIATED, CHAPERONED, SETUP_DONE, DISK_USAGE, BATTERY_DOMAIN)

OPERATOR_LOCKED = "kCTSIMSupportSIMStatusOperatorLocked"
READY = "kCTSIMSupportSIMStatusReady"
NOT_INSERTED = "kCTSIMSupportSIMStatusNotInserted"
JAPANESE_MCC = frozenset({"440", "441"})
SIM_STATES = {
    READY: "ready",
    NOT_INSERTED: "no SIM",
    OPERATOR_LOCKED: "refused (carrier lock)",
    "kCTSIMSupportSIMStatusPINLocked": "PIN locked",
    "kCTSIMSupportSIMStatusPUKLocked": "PUK locked",
}
BEFORE_TRUST = "not readable until the phone trusts this computer"
CUT_SHORT = "not answered: the read was cut short"


@dataclass(frozen=True, slots=True)
class Unread:
    """A value that could not be read, and why."""

    reason: str


@dataclass(slots=True)
class Reading:
    values: dict[str, Any]  # GetValue() of the default domain: complete in a session, a subset before
    in_session: bool
    queries: dict[str, Any] = field(default_factory=dict)  # QUERIES → value or Unread
    cloud_configuration: Any = None  # None: no answer (yet); see `absent`
    profile_list: Any = None
    battery: Any = None  # IORegistry IOPMPowerSource properties

    @property
    def absent(self) -> Unread:
        """Why an answer is missing: no trust yet, or the read ended before it came."""
        return Unread(CUT_SHORT if self.in_session else BEFORE_TRUST)

    def answer(self, query: str) -> Any:
        return self.queries.get(query, self.absent)


def fill(facts: DeviceFacts, reading: Reading) -> DeviceFacts:
    """Every fact lockdown's answers in `reading` support; also right for a read cut short."""
    for name in ("cloud_configuration", "profile_list", "battery"):
        if getattr(reading, name) is None:
            setattr(reading, name, reading.absent)
    values = reading.values
    missing = "" if reading.in_session else BEFORE_TRUST

    def value(key: str) -> Fact[Any]:
        found = values.get(key)
        if found is None or found == "":
            return Fact.unknown(f"lockdown {key}", missing or "the phone did not report it")
        return Fact.measured(found, f"lockdown {key}")

    facts.imei = _imei(value("InternationalMobileEquipmentIdentity"))
    facts.imei2 = _imei(value("InternationalMobileEquipmentIdentity2"))
    facts.meid = value("MobileEquipmentIdentifier")
    facts.serial = value("SerialNumber")
    facts.manufacturer = Fact.inferred("Apple", "usbmux/lockdown", "only Apple devices speak lockdown")
    facts.brand = Fact.inferred("Apple", "usbmux/lockdown", "only Apple devices speak lockdown")
    facts.model_id = value("ProductType")
    model = apple_model(str(values.get("ProductType", "")))
    facts.model_name = _model_name(values, model)
    facts.part_number, facts.sales_region = _part_and_region(values, missing)
    facts.colour = _colour(values, missing)
    facts.os_version = value("ProductVersion")
    facts.os_build = value("BuildVersion")
    facts.activation_state = value("ActivationState")
    facts.setup_complete = _answer(reading, SETUP_DONE, bool)
    facts.owner_lock, facts.owner_accounts = _find_my(reading)
    facts.supervised = _supervised(reading)
    facts.mdm_enrolled = _mdm(reading)
    facts.sold_by = Fact.unknown("lockdown", "no lockdown key tells which carrier an iPhone was sold by")
    facts.sim_carrier = _sim_carrier(values, missing)
    facts.sim_state = _sim_state(values, missing)
    facts.sim_locked = _sim_lock(values, model, missing)
    facts.storage_bytes = _domain_key(reading, DISK_USAGE, "TotalDiskCapacity", int)
    facts.battery_level_pct = _domain_key(reading, BATTERY_DOMAIN, "BatteryCurrentCapacity", int)
    facts.battery_cycles, facts.battery_health_pct = _battery(reading.battery)
    return facts


def _imei(fact: Fact[Any]) -> Fact[Any]:
    if fact.known and not is_valid_imei(str(fact.value)):
        return Fact(
            fact.value, fact.provenance, fact.source, "not a valid IMEI: check it against *#06# or the tray"
        )
    return fact


def _answer(reading: Reading, query: str, kind: type) -> Fact[Any]:
    source = f"lockdown {query}"
    found = reading.answer(query)
    if isinstance(found, Unread):
        return Fact.unknown(source, found.reason)
    if not isinstance(found, kind):
        return Fact.unknown(source, f"unexpected answer {found!r}")
    return Fact.measured(found, source)


def _domain_key(reading: Reading, domain: str, key: str, kind: type) -> Fact[Any]:
    source = f"lockdown {domain}/{key}"
    table = reading.answer(domain)
    if isinstance(table, Unread):
        return Fact.unknown(source, table.reason)
    found = table.get(key) if isinstance(table, dict) else None
    if not isinstance(found, kind) or isinstance(found, bool):
        return Fact.unknown(source, "the phone did not report it")
    return Fact.measured(found, source)


def _model_name(values: dict[str, Any], model: AppleModel | None) -> Fact[str]:
    product_type = values.get("ProductType")
    if not product_type:
        return Fact.unknown("ProductType", "the phone did not report its ProductType")
    if model is not None:
        return Fact.inferred(model.name, "ProductType → tenken's Apple catalog", f"{product_type}")
    for device in IRECV_DEVICES:
        if device.product_type == product_type:
            return Fact.inferred(str(device.display_name), "ProductType → pymobiledevice3's device table")
    return Fact.unknown("ProductType", f"{product_type} is in neither tenken's nor pymobiledevice3's table")


def _part_and_region(values: dict[str, Any], missing: str) -> tuple[Fact[str], Fact[str]]:
    model_number, region = values.get("ModelNumber"), values.get("RegionInfo")
    source = "lockdown ModelNumber + RegionInfo"
    if not model_number or not region:
        return (
            Fact.unknown(source, missing or "the phone did not report it"),
            Fact.unknown("lockdown RegionInfo", missing or "the phone did not report it"),
        )
    name = region_name(str(region))
    sales_region = (
        Fact.measured(name, "lockdown RegionInfo", str(region))
        if name
        else Fact.measured(str(region), "lockdown RegionInfo", "region code not in tenken's table")
    )
    return Fact.measured(f"{model_number}{region}", source), sales_region


def _colour(values: dict[str, Any], missing: str) -> Fact[str]:
    for key in ("DeviceEnclosureColor", "DeviceColor"):
        if values.get(key):
            return Fact.measured(
                str(values[key]), f"lockdown {key}", "Apple's colour code; the colour name is not reported"
            )
    return Fact.unknown("lockdown DeviceColor", missing or "the phone did not report it")


def _flag(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if isinstance(raw, str) and raw.strip().upper() in ("YES", "NO"):
        return raw.strip().upper() == "YES"
    return None


def _find_my(reading: Reading) -> tuple[Fact[bool], Fact[list[str]]]:
    source = "lockdown com.apple.fmip/IsAssociated + NonVolatileRAM fm-activation-locked"
    flags: dict[str, bool] = {}
    associated = reading.answer(FMIP_ASSOCIATED)
    if isinstance(associated, bool):
        flags["IsAssociated"] = associated
    nvram = reading.values.get("NonVolatileRAM")
    if isinstance(nvram, dict):
        locked = _flag(nvram.get("fm-activation-locked"))
        if locked is not None:
            flags["fm-activation-locked"] = locked
    accounts_source = "Find My (Apple ID)"
    if any(flags.values()):
        on = ", ".join(name for name, flag in flags.items() if flag)
        note = f"Find My is on ({on}): the owner must turn it off and sign out of their Apple ID"
        return Fact.measured(True, source, note), Fact.measured(["Apple ID (Find My)"], accounts_source)
    if not reading.in_session:
        return Fact.unknown(source, BEFORE_TRUST), Fact.unknown(accounts_source, BEFORE_TRUST)
    activation = reading.values.get("ActivationState")
    setup_done = reading.answer(SETUP_DONE)
    if activation != "Activated" or setup_done is not True:
        if activation != "Activated":
            where = f"ActivationState {activation}"
        elif isinstance(setup_done, Unread):
            where = f"SetupDone unknown: {setup_done.reason}"
        else:
            where = "SetupDone false" if setup_done is False else f"SetupDone {setup_done!r}"
        note = (
            f"both flags read false at the Setup Assistant ({where}), even on an activation-locked phone: "
            "go through setup to the activation screen to see whether it asks for an Apple ID"
        )
        return Fact.unknown(source, note), Fact.unknown(accounts_source, note)
    if not flags:
        reason = associated.reason if isinstance(associated, Unread) else "neither flag was readable"
        return Fact.unknown(source, reason), Fact.unknown(accounts_source, reason)
    read = ", ".join(f"{name} false" for name in flags)
    return Fact.measured(False, source, read), Fact.measured([], accounts_source, read)


def _supervised(reading: Reading) -> Fact[bool]:
    chaperoned = reading.answer(CHAPERONED)
    if isinstance(chaperoned, bool):
        return Fact.measured(chaperoned, f"lockdown {CHAPERONED}")
    cloud = reading.cloud_configuration
    if isinstance(cloud, dict) and isinstance(cloud.get("IsSupervised"), bool):
        return Fact.measured(cloud["IsSupervised"], "MCInstall GetCloudConfiguration IsSupervised")
    reason = chaperoned.reason if isinstance(chaperoned, Unread) else f"unexpected answer {chaperoned!r}"
    return Fact.unknown(f"lockdown {CHAPERONED}", reason)


def _mdm(reading: Reading) -> Fact[bool]:
    cloud, profiles = reading.cloud_configuration, reading.profile_list
    source = "MCInstall GetCloudConfiguration + GetProfileList"
    if isinstance(cloud, Unread):
        return Fact.unknown(source, cloud.reason)
    if isinstance(cloud, dict) and (cloud.get("ConfigurationURL") or cloud.get("IsMDMUnremovable")):
        organisation = cloud.get("OrganizationName") or "an organisation"
        return Fact.measured(
            True, source, f"enrolled by {organisation} through Apple's device enrolment (DEP/ADE)"
        )
    if isinstance(profiles, Unread):
        return Fact.unknown(source, f"no device-enrolment configuration; profile list: {profiles.reason}")
    installed = profiles.get("OrderedIdentifiers", []) if isinstance(profiles, dict) else []
    if not installed:
        return Fact.measured(False, source, "no device-enrolment configuration and no configuration profile")
    return Fact.unknown(
        source,
        f"{len(installed)} configuration profile(s) installed; whether one enrols the phone in an MDM shows in "
        "Settings → General → VPN & Device Management",
    )


def _bundles(values: dict[str, Any]) -> list[dict[str, Any]]:
    bundles = values.get("CarrierBundleInfoArray")
    return [bundle for bundle in bundles if isinstance(bundle, dict)] if isinstance(bundles, list) else []


def _carrier_name(mcc: Any, mnc: Any, bundle_id: Any) -> str:
    if mcc and mnc:
        info = carrier_for_mcc_mnc(f"{mcc}{mnc}")
        if info is not None:
            return info.name
    if bundle_id:
        return str(bundle_id)
    return f"MCC {mcc} MNC {mnc}"


def _sim_carrier(values: dict[str, Any], missing: str) -> Fact[str]:
    bundles = _bundles(values)
    if bundles:
        names = [_carrier_name(b.get("MCC"), b.get("MNC"), b.get("CFBundleIdentifier")) for b in bundles]
        codes = ", ".join(f"{b.get('MCC', '?')}-{b.get('MNC', '?')}" for b in bundles)
        return Fact.measured(" + ".join(names), "lockdown CarrierBundleInfoArray", f"MCC-MNC {codes}")
    mcc, mnc = values.get("MobileSubscriberCountryCode"), values.get("MobileSubscriberNetworkCode")
    if mcc and mnc:
        source = "lockdown MobileSubscriberCountryCode + MobileSubscriberNetworkCode"
        return Fact.measured(_carrier_name(mcc, mnc, None), source, f"MCC-MNC {mcc}-{mnc}")
    status = values.get("SIMStatus")
    if status == NOT_INSERTED:
        return Fact.measured("none", "lockdown SIMStatus", "no SIM inserted")
    if status:  # a SIM is in, PIN-locked or refused, and names no carrier yet
        return Fact.unknown("lockdown CarrierBundleInfoArray", f"no carrier named for the SIM ({status})")
    return Fact.unknown("lockdown CarrierBundleInfoArray", missing or "the phone did not report it")


def _sim_state(values: dict[str, Any], missing: str) -> Fact[str]:
    status = values.get("SIMStatus")
    if not status:
        return Fact.unknown("lockdown SIMStatus", missing or "the phone did not report it")
    return Fact.measured(SIM_STATES.get(str(status), str(status)), "lockdown SIMStatus", str(status))


def _sim_codes(values: dict[str, Any]) -> list[tuple[str, str]]:
    """MCC and MNC of each inserted SIM."""
    codes = [(str(b.get("MCC", "")), str(b.get("MNC", ""))) for b in _bundles(values) if b.get("MCC")]
    if not codes and values.get("MobileSubscriberCountryCode"):
        codes = [
            (str(values["MobileSubscriberCountryCode"]), str(values.get("MobileSubscriberNetworkCode", "")))
        ]
    return codes


def _sim_lock(values: dict[str, Any], model: AppleModel | None, missing: str) -> Fact[bool]:
    if values.get("SIMStatus") == OPERATOR_LOCKED:
        carrier = _sim_carrier(values, missing).value or "an unknown carrier"
        return Fact.inferred(
            True,
            "lockdown SIMStatus",
            f"the inserted SIM ({carrier}) is refused (OperatorLocked): the phone is locked to another carrier",
        )
    region = values.get("RegionInfo")
    source = "RegionInfo + model release date + carrier SIM-lock policy dates"
    if not region:
        return Fact.unknown(source, missing or "RegionInfo not reported")
    if region == JAPAN_REGION and values.get("SIMStatus") == READY:
        # A Japanese carrier's lock admits only that carrier's SIMs: one from abroad, or two carriers' SIMs
        # working side by side, show there is none.
        codes = _sim_codes(values)
        abroad = [f"{mcc}-{mnc}" for mcc, mnc in codes if mcc not in JAPANESE_MCC]
        carriers = {info.name for mcc, mnc in codes if (info := carrier_for_mcc_mnc(mcc + mnc)) is not None}
        if abroad:
            note = f"a SIM from abroad (MCC-MNC {', '.join(abroad)}) works; a Japanese carrier lock would refuse it"
            return Fact.inferred(False, "lockdown SIMStatus + CarrierBundleInfoArray", note)
        if len(carriers) > 1:
            note = (
                f"SIMs of {' and '.join(sorted(carriers))} work side by side; a carrier lock would refuse one"
            )
            return Fact.inferred(False, "lockdown SIMStatus + CarrierBundleInfoArray", note)
    guess = infer_sim_lock(None, model.released if model else None, japan_model=region == JAPAN_REGION)
    era = f"{model.name} released {model.released.isoformat()}" if model else "release date not catalogued"
    fact = guess.as_fact(source)
    return Fact(fact.value, fact.provenance, source, f"{guess.rule} (RegionInfo {region}; {era})")


def _battery(battery: Any) -> tuple[Fact[int], Fact[float]]:
    source = "diagnostics_relay IORegistry IOPMPowerSource"
    if isinstance(battery, Unread):
        return Fact.unknown(source, battery.reason), Fact.unknown(source, battery.reason)
    if not isinstance(battery, dict):
        reason = "the phone returned no battery entry"
        return Fact.unknown(source, reason), Fact.unknown(source, reason)
    cycles_raw = battery.get("CycleCount")
    cycles: Fact[int] = (
        Fact.measured(cycles_raw, f"{source} CycleCount")
        if isinstance(cycles_raw, int) and not isinstance(cycles_raw, bool)
        else Fact.unknown(f"{source} CycleCount", "not reported")
    )
    design = battery.get("DesignCapacity")
    for key in ("NominalChargeCapacity", "AppleRawMaxCapacity"):
        full = battery.get(key)
        if isinstance(full, int) and isinstance(design, int) and design > 0:
            health = round(100 * full / design, 1)
            note = (
                f"{key} {full} mAh / DesignCapacity {design} mAh: an approximation of Settings' "
                "Maximum Capacity, whose formula Apple does not publish"
            )
            return cycles, Fact.inferred(health, f"{source} {key}/DesignCapacity", note)
    return cycles, Fact.unknown(f"{source} DesignCapacity", "capacities not reported")
