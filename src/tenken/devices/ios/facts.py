"""From what lockdownd and its services answered to DeviceFacts: every field a Fact with its source.

Pure functions over a Reading; no I/O. Rules that are not plain reads (Find My at the Setup Assistant,
SIM lock, battery health) say in the fact's note what they rested on.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tenken.catalog import carrier_for_mcc_mnc
from tenken.catalog.apple import JAPAN_REGION, AppleModel, apple_model, region_name
from tenken.catalog.simlock import infer_sim_lock
from tenken.devices.erasure import erased
from tenken.devices.ios.compat import marketing_name
from tenken.facts import ANY_SELLER, Carrier, DeviceFacts, Fact, LookupResult, Message, SoldFor, msg
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
NO_TELEPHONY = "NoTelephonyCapability"  # BasebandStatus of a device without a modem
JAPANESE_MCC = frozenset({"440", "441"})
BY_DATES = "RegionInfo + model release date + carrier SIM-lock policy dates"
_REGION = re.compile(r"[A-Z]{1,2}/A$")  # the RegionInfo that ends a part number (MLNC3J/A)
_VERSION = re.compile(r"\d+(\.\d+){0,3}")
SIM_STATES = {  # lockdown's SIMStatus → the state codes both platforms report (Android's own names)
    READY: "READY",
    NOT_INSERTED: "ABSENT",
    OPERATOR_LOCKED: "NETWORK_LOCKED",
    "kCTSIMSupportSIMStatusPINLocked": "PIN_REQUIRED",
    "kCTSIMSupportSIMStatusPUKLocked": "PUK_REQUIRED",
}
BEFORE_TRUST = msg("ios.before_trust")
UNTIL_UNLOCKED = msg("ios.until_unlocked")
CUT_SHORT = msg("ios.cut_short")
NOT_REPORTED = msg("fact.not_reported")


@dataclass(frozen=True, slots=True)
class Unread:
    """A value that could not be read, and why."""

    reason: Message


@dataclass(slots=True)
class Reading:
    values: dict[str, Any]  # GetValue() of the default domain: complete in a session, a subset before
    in_session: bool
    no_session: Message = BEFORE_TRUST  # out of a session: why the rest is not readable
    queries: dict[str, Any] = field(default_factory=dict)  # QUERIES → value or Unread
    cloud_configuration: Any = None  # None: no answer (yet); see `absent`
    profile_list: Any = None
    battery: Any = None  # IORegistry IOPMPowerSource properties; {}: answered, with no such entry

    @property
    def absent(self) -> Unread:
        """Why an answer is missing: no trust yet, or the read ended before it came."""
        return Unread(CUT_SHORT if self.in_session else self.no_session)

    def answer(self, query: str) -> Any:
        return self.queries.get(query, self.absent)


def fill(facts: DeviceFacts, reading: Reading) -> DeviceFacts:
    """Every fact lockdown's answers in `reading` support; also right for a read cut short."""
    for name in ("cloud_configuration", "profile_list", "battery"):
        if getattr(reading, name) is None:
            setattr(reading, name, reading.absent)
    values = reading.values
    missing = NOT_REPORTED if reading.in_session else reading.no_session

    def value(key: str) -> Fact[Any]:
        found = values.get(key)
        if found is None or found == "":
            return Fact.unknown(f"lockdown {key}", missing)
        return Fact.measured(found, f"lockdown {key}")

    facts.imei = _imei(value("InternationalMobileEquipmentIdentity"))
    facts.imei2 = _imei(value("InternationalMobileEquipmentIdentity2"))
    facts.meid = value("MobileEquipmentIdentifier")
    facts.serial = value("SerialNumber")
    facts.manufacturer = Fact.inferred("Apple", "usbmux/lockdown", msg("ios.apple_only"))
    facts.brand = Fact.inferred("Apple", "usbmux/lockdown", msg("ios.apple_only"))
    facts.model_id = value("ProductType")
    model = apple_model(str(values.get("ProductType", "")))
    facts.model_name = _model_name(values, model)
    facts.part_number, facts.sales_region = _part_and_region(values, missing)
    facts.colour = _colour(values, missing)
    facts.os_version = _version(value("ProductVersion"))
    facts.os_build = value("BuildVersion")
    facts.activation_state = value("ActivationState")
    facts.setup_complete = _answer(reading, SETUP_DONE, bool)
    facts.owner_lock, facts.owner_accounts = _find_my(reading)
    facts.supervised = _supervised(reading)
    facts.mdm_enrolled = _mdm(reading)
    facts.sold_for = Fact.unknown("lockdown", msg("ios.sold_for_unreadable"))
    facts.sold_by_candidates = _sellers(values, missing)
    facts.sim_carrier = _sim_carrier(values, missing)
    facts.sim_state = _sim_state(values, missing)
    facts.sim_locked = _sim_lock(values, model, missing)
    facts.cellular = _cellular(values, missing)
    if facts.cellular.known and facts.cellular.value is False:
        _without_cellular(facts)
    facts.storage_bytes = _domain_key(reading, DISK_USAGE, "TotalDiskCapacity", int)
    facts.battery_level_pct = _domain_key(reading, BATTERY_DOMAIN, "BatteryCurrentCapacity", int)
    facts.battery_cycles, facts.battery_health_pct = _battery(reading.battery)
    facts.erased = erased(facts)
    return facts


def _imei(fact: Fact[Any]) -> Fact[Any]:
    if fact.known and not is_valid_imei(str(fact.value)):
        return fact.with_note(msg("imei.invalid_on_phone"))
    return fact


def _version(fact: Fact[Any]) -> Fact[Any]:
    """A ProductVersion that is not a dotted version is kept, and said to be odd."""
    if fact.known and not _VERSION.fullmatch(str(fact.value)):
        return fact.with_note(msg("ios.odd_version", value=str(fact.value)))
    return fact


def _answer(reading: Reading, query: str, kind: type) -> Fact[Any]:
    source = f"lockdown {query}"
    found = reading.answer(query)
    if isinstance(found, Unread):
        return Fact.unknown(source, found.reason)
    if not isinstance(found, kind):
        return Fact.unknown(source, msg("ios.unexpected_answer", answer=repr(found)))
    return Fact.measured(found, source)


def _domain_key(reading: Reading, domain: str, key: str, kind: type) -> Fact[Any]:
    source = f"lockdown {domain}/{key}"
    table = reading.answer(domain)
    if isinstance(table, Unread):
        return Fact.unknown(source, table.reason)
    found = table.get(key) if isinstance(table, dict) else None
    if not isinstance(found, kind) or isinstance(found, bool):
        return Fact.unknown(source, NOT_REPORTED)
    return Fact.measured(found, source)


def _model_name(values: dict[str, Any], model: AppleModel | None) -> Fact[str]:
    product_type = values.get("ProductType")
    if not product_type:
        return Fact.unknown("ProductType", NOT_REPORTED)
    if model is not None:
        return Fact.inferred(
            model.name, "ProductType → tenken's Apple catalog", msg("ios.product_type", value=product_type)
        )
    known = marketing_name(str(product_type))
    if known is not None:
        return Fact.inferred(known, "ProductType → pymobiledevice3's device table")
    return Fact.unknown("ProductType", msg("ios.product_type_unknown", value=product_type))


def _part_and_region(values: dict[str, Any], missing: Message) -> tuple[Fact[str], Fact[str]]:
    model_number, region = values.get("ModelNumber"), values.get("RegionInfo")
    source = "lockdown ModelNumber + RegionInfo"
    if not model_number or not region:
        return Fact.unknown(source, missing), Fact.unknown("lockdown RegionInfo", missing)
    name = region_name(str(region))
    sales_region = (
        Fact.measured(name, "lockdown RegionInfo", msg("ios.region_code", code=str(region)))
        if name
        else Fact.measured(str(region), "lockdown RegionInfo", msg("ios.region_unknown"))
    )
    return Fact.measured(f"{model_number}{region}", source), sales_region


def _sellers(values: dict[str, Any], missing: Message) -> Fact[list[SoldFor]]:
    """Who could have sold the model: a J/A model, Apple (SIM-free) or any Japanese carrier; a model made
    for another country, none of them (Japanese carriers sell Japanese models only)."""
    region = values.get("RegionInfo")
    if not region:
        return Fact.unknown("lockdown RegionInfo", missing)
    if region == JAPAN_REGION:
        return Fact.inferred(list(ANY_SELLER), "lockdown RegionInfo", msg("sellers.japan_iphone"))
    where = region_name(str(region)) or str(region)
    return Fact.inferred([], "lockdown RegionInfo", msg("sellers.abroad", region=where))


def _colour(values: dict[str, Any], missing: Message) -> Fact[str]:
    for key in ("DeviceEnclosureColor", "DeviceColor"):
        if values.get(key):
            return Fact.measured(str(values[key]), f"lockdown {key}", msg("ios.colour_code"))
    return Fact.unknown("lockdown DeviceColor", missing)


def _flag(raw: Any) -> bool | None:
    """fm-activation-locked as YES/NO: bytes or text, or their base64 as some tools show it (WUVT = YES)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper()
    if text not in ("YES", "NO"):
        try:
            text = base64.b64decode(raw.strip(), validate=True).decode("ascii").strip().upper()
        except (binascii.Error, UnicodeDecodeError):
            return None
    return {"YES": True, "NO": False}.get(text)


def _masked_account(nvram: Any) -> str | None:
    """fm-account-masked: the owner's Apple ID as the phone masks it (evidence that one is tied to Find My)."""
    raw = nvram.get("fm-account-masked") if isinstance(nvram, dict) else None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return (raw.strip() or None) if isinstance(raw, str) else None


def _find_my(reading: Reading) -> tuple[Fact[bool], Fact[list[str]]]:
    """Find My from lockdown, trusting each flag only as far as it goes (ios-usbmux-lockdown.md):
    IsAssociated true or fm-activation-locked YES is on; off is measured only from fm-activation-locked
    NO on a phone that is activated and set up. IsAssociated false alone proves nothing (it reads false
    on phones with Find My on), and at the Setup Assistant NO is not established either."""
    source = "lockdown com.apple.fmip/IsAssociated + NonVolatileRAM fm-activation-locked"
    accounts_source = "Find My (Apple ID)"
    associated = reading.answer(FMIP_ASSOCIATED)
    nvram = reading.values.get("NonVolatileRAM")
    locked = _flag(nvram.get("fm-activation-locked")) if isinstance(nvram, dict) else None
    account = _masked_account(nvram)
    on = [
        name
        for name, flag in (("IsAssociated", associated), ("fm-activation-locked", locked))
        if flag is True
    ]
    if on:
        note = msg("ios.find_my_on", flags=on, account=account)
        return Fact.measured(True, source, note), Fact.measured(["Apple ID (Find My)"], accounts_source, note)
    if not reading.in_session:
        return Fact.unknown(source, reading.no_session), Fact.unknown(accounts_source, reading.no_session)
    activation = reading.values.get("ActivationState")
    setup_done = reading.answer(SETUP_DONE)
    if activation != "Activated" or setup_done is not True:
        if activation != "Activated":
            where = f"ActivationState {activation}"
        elif isinstance(setup_done, Unread):
            where = "SetupDone unknown"
        else:
            where = "SetupDone false" if setup_done is False else f"SetupDone {setup_done!r}"
        reason = setup_done.reason if isinstance(setup_done, Unread) else None
        note = msg("ios.find_my_setup_assistant", where=where, reason=reason, account=account)
        return Fact.unknown(source, note), Fact.unknown(accounts_source, note)
    if locked is False:
        nvram_source = "lockdown NonVolatileRAM fm-activation-locked"
        note = msg("ios.find_my_off_nvram", account=account)
        return Fact.measured(False, nvram_source, note), Fact.measured([], accounts_source, note)
    if associated is False:
        note = msg("ios.find_my_associated_only", account=account)
    elif isinstance(associated, Unread):
        note = msg("ios.find_my_no_flag", reason=associated.reason, account=account)
    else:
        note = msg("ios.unexpected_answer", answer=repr(associated))
    return Fact.unknown(source, note), Fact.unknown(accounts_source, note)


def _supervised(reading: Reading) -> Fact[bool]:
    chaperoned = reading.answer(CHAPERONED)
    if isinstance(chaperoned, bool):
        return Fact.measured(chaperoned, f"lockdown {CHAPERONED}")
    cloud = reading.cloud_configuration
    if isinstance(cloud, dict) and isinstance(cloud.get("IsSupervised"), bool):
        return Fact.measured(cloud["IsSupervised"], "MCInstall GetCloudConfiguration IsSupervised")
    reason = (
        chaperoned.reason
        if isinstance(chaperoned, Unread)
        else msg("ios.unexpected_answer", answer=repr(chaperoned))
    )
    return Fact.unknown(f"lockdown {CHAPERONED}", reason)


def _mdm(reading: Reading) -> Fact[bool]:
    cloud, profiles = reading.cloud_configuration, reading.profile_list
    source = "MCInstall GetCloudConfiguration + GetProfileList"
    if isinstance(cloud, Unread):
        return Fact.unknown(source, cloud.reason)
    if isinstance(cloud, dict) and (cloud.get("ConfigurationURL") or cloud.get("IsMDMUnremovable")):
        organisation = str(cloud.get("OrganizationName") or "")
        return Fact.measured(True, source, msg("ios.mdm_dep", organisation=organisation))
    if isinstance(profiles, Unread):
        return Fact.unknown(source, msg("ios.mdm_profiles_unread", reason=profiles.reason))
    installed = profiles.get("OrderedIdentifiers", []) if isinstance(profiles, dict) else []
    if not installed:
        return Fact.measured(False, source, msg("ios.mdm_none"))
    return Fact.unknown(source, msg("ios.mdm_profiles", count=len(installed)))


def _bundles(values: dict[str, Any]) -> list[dict[str, Any]]:
    bundles = values.get("CarrierBundleInfoArray")
    return [bundle for bundle in bundles if isinstance(bundle, dict)] if isinstance(bundles, list) else []


def _carrier_name(mcc: Any, mnc: Any, bundle_id: Any) -> str:
    if mcc and mnc:
        info = carrier_for_mcc_mnc(f"{mcc}{mnc}")
        if info is not None:
            return info.network
    if bundle_id:
        return str(bundle_id)
    return f"MCC {mcc} MNC {mnc}"


def _sim_carrier(values: dict[str, Any], missing: Message) -> Fact[str]:
    bundles = _bundles(values)
    if bundles:
        names = [_carrier_name(b.get("MCC"), b.get("MNC"), b.get("CFBundleIdentifier")) for b in bundles]
        codes = [f"{b.get('MCC', '?')}-{b.get('MNC', '?')}" for b in bundles]
        return Fact.measured(
            " + ".join(names), "lockdown CarrierBundleInfoArray", msg("sim.mcc_mnc", codes=codes)
        )
    mcc, mnc = values.get("MobileSubscriberCountryCode"), values.get("MobileSubscriberNetworkCode")
    if mcc and mnc:
        source = "lockdown MobileSubscriberCountryCode + MobileSubscriberNetworkCode"
        return Fact.measured(
            _carrier_name(mcc, mnc, None), source, msg("sim.mcc_mnc", codes=[f"{mcc}-{mnc}"])
        )
    status = values.get("SIMStatus")
    if status == NOT_INSERTED:
        return Fact.measured("none", "lockdown SIMStatus", msg("sim.none"))
    if status:  # a SIM is in, PIN-locked or refused, and names no carrier yet
        return Fact.unknown("lockdown CarrierBundleInfoArray", msg("ios.sim_no_carrier", status=str(status)))
    return Fact.unknown("lockdown CarrierBundleInfoArray", missing)


def _cellular(values: dict[str, Any], missing: Message) -> Fact[bool]:
    """Whether the device has a cellular modem: TelephonyCapability, else BasebandStatus (a Wi-Fi-only
    iPad answers false and NoTelephonyCapability)."""
    telephony, baseband = values.get("TelephonyCapability"), values.get("BasebandStatus")
    if isinstance(telephony, bool):
        note = None if telephony else msg("ios.no_cellular", baseband=baseband)
        return Fact.measured(telephony, "lockdown TelephonyCapability", note)
    if baseband == NO_TELEPHONY:
        return Fact.measured(False, "lockdown BasebandStatus", msg("ios.no_cellular", baseband=baseband))
    return Fact.unknown("lockdown TelephonyCapability", missing)


def _without_cellular(facts: DeviceFacts) -> None:
    """A device measured without a modem: no IMEI to report and no SIM, said so instead of "not reported"
    (a value the phone did give is kept)."""
    source = facts.cellular.source
    for name in ("imei", "imei2", "meid"):
        if not getattr(facts, name).known:
            setattr(facts, name, Fact.unknown(source, msg("ios.no_cellular_identifier")))
    if not facts.sim_state.known:
        facts.sim_state = Fact.measured("ABSENT", source, msg("ios.no_cellular_sim"))
    if not facts.sim_carrier.known:
        facts.sim_carrier = Fact.measured("none", source, msg("ios.no_cellular_sim"))
    if not facts.sim_locked.known or facts.sim_locked.source == BY_DATES:
        facts.sim_locked = Fact.measured(False, source, msg("ios.no_cellular_sim"))


def _sim_state(values: dict[str, Any], missing: Message) -> Fact[str]:
    status = values.get("SIMStatus")
    if not status:
        return Fact.unknown("lockdown SIMStatus", missing)
    return Fact.measured(SIM_STATES.get(str(status), str(status)), f"lockdown SIMStatus {status}")


def _sim_codes(values: dict[str, Any]) -> list[tuple[str, str]]:
    """MCC and MNC of each inserted SIM."""
    codes = [(str(b.get("MCC", "")), str(b.get("MNC", ""))) for b in _bundles(values) if b.get("MCC")]
    if not codes and values.get("MobileSubscriberCountryCode"):
        codes = [
            (str(values["MobileSubscriberCountryCode"]), str(values.get("MobileSubscriberNetworkCode", "")))
        ]
    return codes


def _sim_lock(values: dict[str, Any], model: AppleModel | None, missing: Message) -> Fact[bool]:
    if values.get("SIMStatus") == OPERATOR_LOCKED:
        carrier = _sim_carrier(values, missing).value or "?"
        return Fact.inferred(True, "lockdown SIMStatus", msg("ios.sim_refused", carrier=carrier))
    region = values.get("RegionInfo")
    if not region:
        return Fact.unknown(BY_DATES, missing)
    if region == JAPAN_REGION and values.get("SIMStatus") == READY:
        # A Japanese carrier's lock admits only that carrier's SIMs: one from abroad, or two carriers' SIMs
        # working side by side, show there is none.
        codes = _sim_codes(values)
        abroad = [f"{mcc}-{mnc}" for mcc, mnc in codes if mcc not in JAPANESE_MCC]
        carriers = {
            info.network for mcc, mnc in codes if (info := carrier_for_mcc_mnc(mcc + mnc)) is not None
        }
        if abroad:
            note = msg("sim.foreign_sim_works", codes=abroad)
            return Fact.inferred(False, "lockdown SIMStatus + CarrierBundleInfoArray", note)
        if len(carriers) > 1:
            note = msg("sim.two_carriers_work", carriers=sorted(carriers))
            return Fact.inferred(False, "lockdown SIMStatus + CarrierBundleInfoArray", note)
    return _by_dates(model, str(region), None)


def _by_dates(model: AppleModel | None, region: str, seller: Carrier | None) -> Fact[bool]:
    """The SIM lock the history allows for this model and region, sold by `seller` (None: not known)."""
    japan = region == JAPAN_REGION
    guess = infer_sim_lock(seller, model.released if model else None, japan_model=japan, iphone=japan)
    era = (
        msg("ios.model_era", model=model.name, released=model.released.isoformat())
        if model
        else msg("ios.model_era_unknown")
    )
    fact = guess.as_fact(BY_DATES)
    return fact.with_note(msg("ios.sim_lock_rule", rule=guess.rule, region=region, era=era))


def use_lookups(facts: DeviceFacts, results: Sequence[LookupResult]) -> None:
    """After the carrier look-ups: ○ △ × at one carrier mean that carrier sold the iPhone (a register holds
    only the IMEIs its carrier sold), which lockdown cannot say. It becomes `sold_for`, and the SIM-lock
    inference from dates uses it; a lock read from a SIM, or recorded by hand, is kept."""
    sellers = {result.carrier for result in results if result.outcome.registers}
    if len(sellers) != 1 or facts.sold_for.known:
        return  # none, or two registers (unusual): the seller stays unknown
    seller = sellers.pop()
    facts.sold_for = Fact.inferred(seller, "carrier look-ups", msg("ios.sold_by_lookup", carrier=seller))
    region = _REGION.search(str(facts.part_number.value)) if facts.part_number.known else None
    if facts.sim_locked.source == BY_DATES and region is not None:
        facts.sim_locked = _by_dates(apple_model(str(facts.model_id.value)), region.group(), seller)


BATTERY = "diagnostics_relay IORegistry IOPMPowerSource"
NESTED = "BatteryData"  # older iOS keep the gauge's own readings here (CycleCount, DesignCapacity)
# The full-charge readings, the one Settings' "Maximum Capacity" follows first: NominalChargeCapacity is
# the usual approximation of it; AppleRawMaxCapacity is the gauge's raw estimate (FullChargeCapacity
# reads 100 since iOS 12.2 and is no capacity).
FULL_CHARGE = ("NominalChargeCapacity", "AppleRawMaxCapacity")
HEALTH_CEILING = 100.0  # Settings never shows more: a new or uncalibrated battery can read above design


def _battery_reading(battery: dict[str, Any], key: str) -> tuple[int, str] | None:
    """An integer reading and where it was: at the top of the entry, else inside BatteryData."""
    for table, path in ((battery, key), (battery.get(NESTED), f"{NESTED}.{key}")):
        found = table.get(key) if isinstance(table, dict) else None
        if isinstance(found, int) and not isinstance(found, bool):
            return found, path
    return None


def _battery(battery: Any) -> tuple[Fact[int], Fact[float]]:
    if isinstance(battery, Unread):
        return Fact.unknown(BATTERY, battery.reason), Fact.unknown(BATTERY, battery.reason)
    if not isinstance(battery, dict) or not battery:  # {}: the relay answered, with no battery entry
        reason = (
            msg("ios.no_battery_entry")
            if battery == {}
            else msg("ios.unexpected_answer", answer=type(battery).__name__)
        )
        return Fact.unknown(BATTERY, reason), Fact.unknown(BATTERY, reason)
    cycles_read = _battery_reading(battery, "CycleCount")
    cycles: Fact[int] = (
        Fact.measured(cycles_read[0], f"{BATTERY} {cycles_read[1]}")
        if cycles_read is not None
        else Fact.unknown(f"{BATTERY} CycleCount", NOT_REPORTED)
    )
    design = _battery_reading(battery, "DesignCapacity")
    if design is None or design[0] <= 0:
        return cycles, Fact.unknown(f"{BATTERY} DesignCapacity", NOT_REPORTED)
    for key in FULL_CHARGE:
        full = _battery_reading(battery, key)
        if full is None:
            continue
        ratio = round(100 * full[0] / design[0], 1)
        params = {"key": full[1], "full": full[0], "design_key": design[1], "design": design[0]}
        note = (
            msg("ios.battery_above_design", ratio=ratio, **params)
            if ratio > HEALTH_CEILING
            else msg("ios.battery_health_formula", **params)
        )
        source = f"{BATTERY} {full[1]}/{design[1]}"
        return cycles, Fact.inferred(min(ratio, HEALTH_CEILING), source, note)
    return cycles, Fact.unknown(f"{BATTERY} {FULL_CHARGE[0]}", NOT_REPORTED)
