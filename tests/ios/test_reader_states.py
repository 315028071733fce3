"""The iPhone reader (tenken.devices.ios.reader) through pymobiledevice3 against the simulated usbmuxd, one test
per state a technician must see, and per fact rule."""

from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.devices.ios import pairing as ios_pairing
from tenken.devices.ios import reader as ios
from tenken.devices.ios.usbmux import usbmux_address
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform, Provenance
from tenken.sim.ios.profile import load_file
from tests.conftest import text
from tests.ios.simulator import SimulatorThread, bundled

TEST_PROFILES = Path(__file__).resolve().parents[1] / "profiles" / "ios"


async def inspect_only(settings: Settings) -> DeviceFacts:
    refs = await ios.discover(settings)
    assert len(refs) == 1
    return await ios.inspect(refs[0], settings)


async def test_ready_phone_gives_every_fact_with_its_source(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.READY
    assert facts.action is None
    assert facts.ref.usb_location == "0x01100000"
    expected = {
        "imei": "353915111001014",
        "imei2": "353915111001022",
        "serial": "SIMT13DOC001",
        "model_id": "iPhone14,5",
        "model_name": "iPhone 13",
        "part_number": "MLNC3J/A",
        "sales_region": "Japan",
        "os_version": "17.5.1",
        "os_build": "21F90",
        "activation_state": "Activated",
        "storage_bytes": 128_000_000_000,
        "sim_carrier": "docomo network",
        "sim_state": "READY",
        "battery_cycles": 214,
        "battery_level_pct": 87,
        "owner_lock": False,
        "supervised": False,
        "mdm_enrolled": False,
        "setup_complete": True,
    }
    assert {name: getattr(facts, name).value for name in expected} == expected
    assert facts.imei.provenance is Provenance.MEASURED
    assert facts.imei.source == "lockdown InternationalMobileEquipmentIdentity"
    assert facts.storage_bytes.source == "lockdown com.apple.disk_usage/TotalDiskCapacity"
    assert facts.model_name.provenance is Provenance.INFERRED
    assert facts.sold_for.provenance is Provenance.UNKNOWN


async def test_battery_health_is_an_approximation_from_the_ioregistry(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    facts = await inspect_only(settings)

    assert facts.battery_health_pct.value == pytest.approx(100 * 2968 / 3227, abs=0.05)
    assert facts.battery_health_pct.provenance is Provenance.INFERRED
    assert "approximation" in text(facts.battery_health_pct.note)
    assert facts.battery_health_pct.source.startswith("diagnostics_relay IORegistry")
    assert facts.battery_cycles.value == 214


async def test_a_battery_above_its_design_capacity_reads_100_with_the_raw_ratio_in_the_note(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    """A new iPad: NominalChargeCapacity 9020 and AppleRawMaxCapacity 9181 mAh over a design of 8557.
    Settings never shows more than 100 %; the reading it follows (NominalChargeCapacity) is the one used."""
    usbmux.attach(bundled("ipad9-wifi"))
    facts = await inspect_only(settings)

    health = facts.battery_health_pct
    assert (health.value, health.provenance) == (100.0, Provenance.INFERRED)
    assert health.source.endswith("NominalChargeCapacity/DesignCapacity")
    note = text(health.note)
    assert "NominalChargeCapacity 9020 mAh / DesignCapacity 8557 mAh = 105.4 %" in note
    assert "above the design capacity" in note and "107.3" not in note
    assert facts.battery_cycles.value == 3


async def test_older_ios_keeps_cycles_and_design_capacity_under_battery_data(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(load_file(TEST_PROFILES / "iphone7-ios12.toml"))
    facts = await inspect_only(settings)

    assert (facts.battery_cycles.value, facts.battery_cycles.provenance) == (612, Provenance.MEASURED)
    assert facts.battery_cycles.source.endswith("BatteryData.CycleCount")
    assert facts.battery_health_pct.value == pytest.approx(100 * 1520 / 1960, abs=0.05)
    assert facts.battery_health_pct.source.endswith("AppleRawMaxCapacity/BatteryData.DesignCapacity")
    assert "BatteryData.DesignCapacity 1960 mAh" in text(facts.battery_health_pct.note)


async def test_no_battery_entry_in_the_ioregistry_says_so(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(replace(bundled("iphone13-docomo"), battery={}))  # the relay answers, without the entry
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.READY
    for fact in (facts.battery_health_pct, facts.battery_cycles):
        assert fact.provenance is Provenance.UNKNOWN
        assert text(fact.note) == "the phone's IORegistry has no battery entry (IOPMPowerSource)"


async def test_a_wifi_only_ipad_is_measured_without_cellular(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("ipad9-wifi"))  # TelephonyCapability false, BasebandStatus NoTelephonyCapability
    facts = await inspect_only(settings)

    assert (facts.cellular.value, facts.cellular.provenance) == (False, Provenance.MEASURED)
    assert facts.cellular.source == "lockdown TelephonyCapability"
    assert "NoTelephonyCapability" in text(facts.cellular.note)
    assert facts.without_cellular()
    for identifier in (facts.imei, facts.imei2, facts.meid):
        assert identifier.provenance is Provenance.UNKNOWN
        assert text(identifier.note) == "none: no cellular (a Wi-Fi-only model has no IMEI)"
    for fact, value in ((facts.sim_state, "ABSENT"), (facts.sim_carrier, "none"), (facts.sim_locked, False)):
        assert (fact.value, fact.provenance) == (value, Provenance.MEASURED)
        assert "no cellular" in text(fact.note)
    assert facts.model_name.value == "iPad (9th gen, WiFi)"


async def test_a_device_that_does_not_say_whether_it_has_cellular_is_unknown_not_wifi_only(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    ipad = bundled("ipad9-wifi")
    said = {
        key: value
        for key, value in ipad.values.items()
        if key not in ("TelephonyCapability", "BasebandStatus")
    }
    usbmux.attach(replace(ipad, values=said))
    facts = await inspect_only(settings)

    assert facts.cellular.provenance is Provenance.UNKNOWN and not facts.without_cellular()
    assert text(facts.imei.note) == "the phone did not report it"
    assert facts.sim_state.provenance is Provenance.UNKNOWN


async def test_pairing_disabled_leaves_the_phone_not_paired_with_pre_pairing_facts(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone15-trust"))
    settings.ios.pair_timeout = 0
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.NOT_PAIRED
    assert "Trust" in text(facts.action)
    assert facts.model_id.value == "iPhone15,4"
    assert facts.model_name.value == "iPhone 15"
    assert facts.os_version.value == "18.6"
    assert facts.imei.provenance is Provenance.UNKNOWN
    assert "trusts this computer" in text(facts.imei.note)


async def test_trust_dialog_left_unanswered_times_out_as_waiting_for_trust(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust="never"))
    settings.ios.pair_timeout = 1.5
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.WAITING_FOR_TRUST
    assert "Trust" in text(facts.action) and "1.5 s" in text(facts.action)
    assert facts.os_build.value == "22G86"  # readable before trust
    assert facts.serial.provenance is Provenance.UNKNOWN  # not before trust
    assert phone.pair_polls >= 2  # the Pair request was repeated while the dialog was up
    assert not (Path(settings.data_path) / "pair_records" / f"{phone.udid}.plist").exists()


async def test_trust_tapped_after_polls_pairs_and_keeps_the_record_owner_only(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust_after_polls=2))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.READY
    assert facts.imei.value == "352987117007015"
    folder = Path(settings.data_path) / "pair_records"
    record_file = folder / f"{phone.udid}.plist"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(record_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "station.identity").stat().st_mode) == 0o600
    assert phone.udid in usbmux.server.pair_records  # usbmuxd got it too

    polls = phone.pair_polls
    again = await inspect_only(settings)
    assert again.state is DeviceState.READY
    assert phone.pair_polls == polls  # the stored record was used: no second Trust dialog


async def test_the_station_record_alone_is_enough_when_usbmuxd_forgot_it(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    phone = usbmux.attach(bundled("iphone15-trust", trust_after_polls=0))
    assert (await inspect_only(settings)).state is DeviceState.READY
    del usbmux.server.pair_records[phone.udid]  # usbmuxd restarted and lost its records

    polls = phone.pair_polls
    assert (await inspect_only(settings)).state is DeviceState.READY
    assert phone.pair_polls == polls


async def test_dont_trust_is_trust_denied(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone15-trust", trust="deny", trust_after_polls=1))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.TRUST_DENIED
    assert "Don't Trust" in text(facts.action)
    assert facts.model_id.value == "iPhone15,4"


async def test_locked_screen_blocks_pairing(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphonese3-screen-locked"))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.LOCKED
    assert "Unlock" in text(facts.action)
    assert facts.model_name.value == "iPhone SE (3rd generation)"
    assert facts.imei.provenance is Provenance.UNKNOWN


async def test_locked_screen_on_a_paired_phone_keeps_what_lockdown_gave(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone13-docomo", screen_locked=True))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.LOCKED
    assert "battery health" in text(facts.action) and "MDM" in text(facts.action)
    assert facts.imei.value == "353915111001014"
    assert facts.owner_lock.value is False
    assert facts.battery_health_pct.provenance is Provenance.UNKNOWN
    assert text(facts.battery_health_pct.note) == "the screen is locked"
    assert facts.mdm_enrolled.provenance is Provenance.UNKNOWN


async def test_rebooted_phone_is_before_first_unlock_and_shows_what_lockdown_tells_anyone(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone12mini-rebooted"))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.BEFORE_FIRST_UNLOCK
    assert "passcode" in text(facts.action)
    # StartSession is refused, but lockdownd answered GetValue before it (as `ideviceinfo -s` shows)
    assert facts.model_id.value == "iPhone13,1"
    assert facts.model_name.value == "iPhone 12 mini"
    assert (facts.os_version.value, facts.os_build.value) == ("18.4.1", "22E252")
    assert facts.imei.provenance is Provenance.UNKNOWN
    assert text(facts.imei.note) == "not readable until the phone is unlocked with its passcode"
    assert facts.owner_lock.provenance is Provenance.UNKNOWN
    assert "unlocked" in text(facts.owner_lock.note)


@pytest.mark.parametrize(
    ("profile", "behaviour", "imei"),
    [
        ("iphone12mini-rebooted", {}, None),  # StartSession
        ("iphonese3-screen-locked", {}, None),  # Pair
        ("iphone13-docomo", {"screen_locked": True}, "353915111001014"),  # StartService
    ],
)
async def test_passcode_required_is_a_locked_screen_wherever_lockdownd_says_it(
    usbmux: SimulatorThread, settings: Settings, profile: str, behaviour: dict[str, bool], imei: str | None
) -> None:
    """lockdownd answers a locked phone "PasswordProtected" or "PasscodeRequired"; pymobiledevice3 raises
    PasswordRequiredError for one and PasscodeRequiredError (a LockdownError) for the other."""
    usbmux.attach(bundled(profile, locked_error="PasscodeRequired", **behaviour))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.LOCKED, text(facts.action)
    assert "Unlock the phone" in text(facts.action)
    assert facts.model_id.value == bundled(profile).values["ProductType"]
    assert facts.imei.value == imei
    if imei is not None:
        assert text(facts.battery_health_pct.note) == "the screen is locked"


async def test_a_service_a_configuration_profile_forbids_is_named_not_unexpected(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone11-supervised", mc_protected=("com.apple.mobile.diagnostics_relay",)))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.READY, text(facts.action)
    assert facts.battery_cycles.provenance is Provenance.UNKNOWN
    assert text(facts.battery_health_pct.note) == (
        "diagnostics_relay refused: a configuration profile on the phone forbids it (MCProtected); "
        "the organisation that manages the phone must lift the restriction"
    )
    assert facts.mdm_enrolled.value is True  # MCInstall still answered


@pytest.mark.parametrize("after", [1, 3, 5, 9, 13])  # a full read answers 14 requests
async def test_unplugged_during_the_read(usbmux: SimulatorThread, settings: Settings, after: int) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo", unplug_after_requests=after))
    ref = (await ios.discover(settings))[0]
    facts = await ios.inspect(ref, settings)

    assert facts.state is DeviceState.UNPLUGGED
    assert "Plug it back in" in text(facts.action)
    assert not phone.attached
    assert await ios.discover(settings) == []
    if after >= 4:  # the session's GetValue was answered: what it said is kept
        assert facts.imei.value == "353915111001014"
        cut_short = [name for name, fact in facts.facts() if "the read was cut short" in text(fact.note)]
        assert cut_short  # and what never came says so
    else:
        assert facts.imei.provenance is Provenance.UNKNOWN


async def test_a_phone_that_stops_answering_times_out(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone13-docomo", latency_ms=800))
    settings.ios.timeout = 0.3
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.TIMEOUT
    assert "0.3 s" in text(facts.action)


async def test_a_phone_gone_before_the_read_is_unplugged(usbmux: SimulatorThread, settings: Settings) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    ref = (await ios.discover(settings))[0]
    usbmux.detach(phone.udid)

    assert (await ios.inspect(ref, settings)).state is DeviceState.UNPLUGGED


async def test_find_my_on(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone12-findmy"))
    facts = await inspect_only(settings)

    assert facts.owner_lock.value is True
    assert facts.owner_lock.provenance is Provenance.MEASURED
    assert "sign out" in text(facts.owner_lock.note)
    assert facts.owner_accounts.value == ["Apple ID (Find My)"]


async def test_find_my_is_unknown_at_the_setup_assistant(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone14-hello"))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.READY  # paired without a dialog, as phones at Hello do
    assert facts.activation_state.value == "Unactivated"
    assert facts.setup_complete.value is False
    assert facts.owner_lock.provenance is Provenance.UNKNOWN
    assert "Setup Assistant" in text(facts.owner_lock.note)


async def test_find_my_is_unknown_when_activated_but_setup_not_done(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile.domains["com.apple.purplebuddy"] = {"SetupDone": False}
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.owner_lock.provenance is Provenance.UNKNOWN
    assert "SetupDone false" in text(facts.owner_lock.note)


async def test_find_my_is_unknown_when_setup_done_cannot_be_read(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    del profile.domains["com.apple.purplebuddy"]  # the phone answers MissingValue
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.owner_lock.provenance is Provenance.UNKNOWN  # both flags false, but maybe at Hello
    assert facts.owner_accounts.provenance is Provenance.UNKNOWN
    assert "SetupDone unknown: the phone answered MissingValue" in text(facts.owner_lock.note)


async def test_is_associated_false_alone_is_not_find_my_off(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile.values["NonVolatileRAM"] = {"boot-args": ""}  # no fm-activation-locked; IsAssociated false
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.setup_complete.value is True and facts.activation_state.value == "Activated"
    assert facts.owner_lock.provenance is Provenance.UNKNOWN
    assert facts.owner_accounts.provenance is Provenance.UNKNOWN
    assert "IsAssociated false alone proves nothing" in text(facts.owner_lock.note)


async def test_find_my_off_is_measured_from_nvram_on_a_set_up_phone(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))  # [phone] find_my = false: fm-activation-locked NO
    facts = await inspect_only(settings)

    assert facts.owner_lock.value is False
    assert facts.owner_lock.provenance is Provenance.MEASURED
    assert facts.owner_lock.source == "lockdown NonVolatileRAM fm-activation-locked"
    assert "fm-activation-locked NO" in text(facts.owner_lock.note)


@pytest.mark.parametrize("flag", [b"YES", "YES", "WUVT", b"WUVT", " yes "])
async def test_fm_activation_locked_yes_is_on_in_every_spelling(
    usbmux: SimulatorThread, settings: Settings, flag: bytes | str
) -> None:
    profile = bundled("iphone13-docomo")
    profile.values["NonVolatileRAM"] = {"fm-activation-locked": flag, "fm-account-masked": "j•••@icloud.com"}
    usbmux.attach(profile)  # IsAssociated stays false: the NVRAM flag alone says on
    facts = await inspect_only(settings)

    assert (facts.owner_lock.value, facts.owner_lock.provenance) == (True, Provenance.MEASURED)
    assert "fm-activation-locked" in text(facts.owner_lock.note)
    assert "Apple ID j•••@icloud.com" in text(facts.owner_lock.note)


async def test_is_associated_true_is_on_even_with_nvram_no(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile.domains["com.apple.fmip"] = {"IsAssociated": True}
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.owner_lock.value is True
    assert "IsAssociated" in text(facts.owner_lock.note)


@pytest.mark.parametrize(("flag", "on"), [(b"YES", True), (b"NO", None)])
async def test_at_the_setup_assistant_only_yes_counts(
    usbmux: SimulatorThread, settings: Settings, flag: bytes, on: bool | None
) -> None:
    profile = bundled("iphone14-hello")
    profile.values["NonVolatileRAM"] = {"fm-activation-locked": flag, "fm-account-masked": "t•••@example.jp"}
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.owner_lock.value is on
    assert facts.owner_lock.provenance is (Provenance.UNKNOWN if on is None else Provenance.MEASURED)
    assert "t•••@example.jp" in text(facts.owner_lock.note)  # the masked Apple ID is evidence either way


async def test_supervised_and_enrolled_in_mdm(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone11-supervised"))
    facts = await inspect_only(settings)

    assert facts.supervised.value is True
    assert facts.supervised.source == "lockdown com.apple.mobile.chaperone/DeviceIsChaperoned"
    assert facts.mdm_enrolled.value is True
    assert "Example Trading K.K." in text(facts.mdm_enrolled.note)
    assert facts.sim_carrier.value == "au network"


async def test_installed_profiles_without_enrolment_leave_mdm_unknown(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile = replace(
        profile, installed_profiles=[{"PayloadIdentifier": "jp.example.wifi", "PayloadVersion": 1}]
    )
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.mdm_enrolled.provenance is Provenance.UNKNOWN
    assert "1 configuration profile" in text(facts.mdm_enrolled.note)


async def test_a_sim_that_names_no_carrier_is_not_no_sim(usbmux: SimulatorThread, settings: Settings) -> None:
    profile = bundled("iphone13-docomo")
    profile.values["SIMStatus"] = "kCTSIMSupportSIMStatusPINLocked"
    profile.values["CarrierBundleInfoArray"] = []  # no bundle until the PIN is entered
    for key in ("MobileSubscriberCountryCode", "MobileSubscriberNetworkCode"):
        del profile.values[key]
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.sim_state.value == "PIN_REQUIRED"
    assert facts.sim_carrier.provenance is Provenance.UNKNOWN
    assert "PINLocked" in text(facts.sim_carrier.note)


async def test_a_refused_sim_means_sim_locked(usbmux: SimulatorThread, settings: Settings) -> None:
    usbmux.attach(bundled("iphone8-softbank-simlocked"))
    facts = await inspect_only(settings)

    assert facts.sim_state.value == "NETWORK_LOCKED"
    assert facts.sim_locked.value is True
    assert facts.sim_locked.provenance is Provenance.INFERRED  # no lockdown key states a SIM lock
    assert "docomo network" in text(facts.sim_locked.note)


@pytest.mark.parametrize(
    ("profile", "locked", "evidence"),
    [
        ("iphone16-rakuten", False, "iPhone 16 released 2024-09-20"),
        ("iphone15-trust", False, "from the iPhone 13 (2021-09-24) every carrier sold iPhones unlocked"),
        ("iphone13-docomo", False, "J/A iPhone released 2021-09-24: from the iPhone 13"),  # before au's date
        ("iphone12-findmy", None, "possibly locked if a carrier sold it"),  # the look-ups may name one
    ],
)
async def test_sim_lock_is_inferred_from_region_and_model_era(
    usbmux: SimulatorThread, settings: Settings, profile: str, locked: bool | None, evidence: str
) -> None:
    usbmux.attach(bundled(profile, paired=True))
    facts = await inspect_only(settings)

    assert facts.sim_locked.value is locked
    assert facts.sim_locked.provenance is (Provenance.UNKNOWN if locked is None else Provenance.INFERRED)
    assert evidence in text(facts.sim_locked.note)
    assert "RegionInfo J/A" in text(facts.sim_locked.note)


async def test_a_foreign_model_gets_no_japanese_sim_lock_rule(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile.values["RegionInfo"] = "LL/A"
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.sales_region.value == "United States"
    assert facts.sim_locked.provenance is Provenance.UNKNOWN
    assert "not a Japanese model" in text(facts.sim_locked.note)


async def test_discover_names_each_port_and_follows_hot_plug(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    first = usbmux.attach(bundled("iphone13-docomo"))
    second = usbmux.attach(bundled("iphone16-rakuten"))
    refs = await ios.discover(settings)
    assert [(ref.device_id, ref.usb_location) for ref in refs] == [
        (first.udid, "0x01100000"),
        (second.udid, "0x01100001"),
    ]
    usbmux.detach(first.udid)
    assert [ref.device_id for ref in await ios.discover(settings)] == [second.udid]


async def test_no_usbmuxd_is_one_actionable_line(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    settings.ios.usbmux = "127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(TransportUnavailable) as raised:
        await ios.discover(settings)
    message = str(raised.value)
    assert "\n" not in message
    assert "127.0.0.1:9" in message and "usbmuxd" in message


async def test_libusbmuxd_style_address_from_the_environment(
    usbmux: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    monkeypatch.setenv("USBMUXD_SOCKET_ADDRESS", usbmux.address)
    settings = Settings(data_dir=str(tmp_path))
    refs = await ios.discover(settings)
    assert (await ios.inspect(refs[0], settings)).state is DeviceState.READY


async def test_an_unknown_udid_is_unplugged_not_an_exception(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    ref = DeviceRef(Platform.IOS, "00008110-00000000DEADBEEF")
    assert (await ios.inspect(ref, settings)).state is DeviceState.UNPLUGGED


@pytest.mark.parametrize(
    ("bundles", "evidence"),
    [
        (
            [{"CFBundleIdentifier": "com.apple.ChinaTelecom_USIM_cn", "MCC": "460", "MNC": "11"}],
            "from abroad (MCC-MNC 460-11)",
        ),
        (
            [{"MCC": "440", "MNC": "10", "Slot": "kOne"}, {"MCC": "440", "MNC": "51", "Slot": "kTwo"}],
            "au network, docomo network work side by side",
        ),
    ],
)
async def test_sims_a_lock_would_refuse_show_an_old_phone_unlocked(
    usbmux: SimulatorThread, settings: Settings, bundles: list[dict[str, str]], evidence: str
) -> None:
    profile = bundled("iphone8-softbank-simlocked")
    profile.values["SIMStatus"] = "kCTSIMSupportSIMStatusReady"
    profile.values["CarrierBundleInfoArray"] = bundles
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.sim_locked.value is False
    assert facts.sim_locked.provenance is Provenance.INFERRED
    assert evidence in text(facts.sim_locked.note)


def test_the_usbmuxd_address_is_always_explicit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USBMUXD_SOCKET_ADDRESS", "")  # empty, as some shells export it
    assert usbmux_address("") == "/var/run/usbmuxd"
    monkeypatch.setenv("USBMUXD_SOCKET_ADDRESS", "UNIX:/run/usbmuxd")  # libusbmuxd's form
    assert usbmux_address("") == "/run/usbmuxd"
    assert usbmux_address("127.0.0.1:27015") == "127.0.0.1:27015"  # the setting wins


async def test_an_imei_that_fails_its_check_digit_is_flagged(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    profile = bundled("iphone13-docomo")
    profile.values["InternationalMobileEquipmentIdentity"] = "353915111001015"  # last digit changed
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.imei.value == "353915111001015"  # what the phone said, kept
    assert "not a valid IMEI" in text(facts.imei.note)
    assert facts.imei2.note is None


@pytest.mark.parametrize(
    ("change", "evidence"),
    [
        ({"UniqueDeviceID": "odd_udid_not_hex_0000000001"}, "odd UDID"),  # it names the pair record file
        ({"DevicePublicKey": b"not a key"}, "DevicePublicKey is not a PEM public key"),
    ],
)
async def test_a_phone_that_cannot_be_paired_is_not_paired_not_an_exception(
    usbmux: SimulatorThread, settings: Settings, change: dict[str, object], evidence: str
) -> None:
    profile = bundled("iphone15-trust")
    profile.values.update(change)
    usbmux.attach(profile)
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.NOT_PAIRED
    assert evidence in text(facts.action)
    assert facts.model_id.value == "iPhone15,4"  # what lockdown gave before trust is kept
    assert list((Path(settings.data_path) / "pair_records").glob("*.plist")) == []


def pair_records_is_a_file(data: Path) -> None:
    data.mkdir(parents=True)
    (data / "pair_records").write_text("a file, not a folder")


def station_identity_is_torn(data: Path) -> None:
    (data / "pair_records").mkdir(parents=True)
    (data / "pair_records" / "station.identity").write_bytes(b"\0torn")


@pytest.mark.parametrize(
    ("spoil", "evidence"),
    [(pair_records_is_a_file, "pair_records"), (station_identity_is_torn, "station.identity")],
)
async def test_unusable_pair_record_files_are_named_not_blamed_on_the_cable(
    usbmux: SimulatorThread, settings: Settings, spoil: Callable[[Path], None], evidence: str
) -> None:
    usbmux.attach(bundled("iphone15-trust"))
    spoil(Path(settings.data_path))
    facts = await inspect_only(settings)

    assert facts.state is DeviceState.ERROR
    assert evidence in text(facts.action) and "writable" in text(facts.action)
    assert "connection" not in text(facts.action)


async def test_the_station_root_key_is_loaded_once_for_every_pairing(
    usbmux: SimulatorThread, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[bytes] = []
    load = ios_pairing.serialization.load_pem_private_key

    def counted(data: bytes, password: bytes | None) -> object:
        loads.append(data)
        return load(data, password)

    monkeypatch.setattr(ios_pairing.serialization, "load_pem_private_key", counted)
    for index in range(3):
        usbmux.attach(bundled("iphone15-trust", trust_after_polls=0).clone(index))
    refs = await ios.discover(settings)
    states = [(await ios.inspect(ref, settings)).state for ref in refs]

    assert states == [DeviceState.READY] * 3
    assert len(loads) == 1  # parsing an RSA key takes ~35 ms: once per station, not per phone


async def test_a_product_version_that_is_not_a_version_keeps_the_other_facts(
    usbmux: SimulatorThread, settings: Settings
) -> None:
    """pymobiledevice3 parses ProductVersion to pick protocol details; an odd value lost the whole read."""
    profile = bundled("iphone13-docomo")
    usbmux.attach(replace(profile, values={**profile.values, "ProductVersion": "seventeen"}))
    facts = await inspect_only(settings)
    assert facts.state is DeviceState.READY, text(facts.action)
    assert facts.imei.value == "353915111001014" and facts.serial.value == "SIMT13DOC001"
    assert facts.os_version.value == "seventeen"
    assert text(facts.os_version.note) == "ProductVersion seventeen is not a version number: reported as read"
