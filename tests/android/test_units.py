"""Pure pieces: Parcel decoding, the simulated shell, getprop parsing, the model catalogue, the SIM-lock rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenken.catalog.models_jp import lookup_model, match_pattern, pixel_japan_sku, samsung_csc
from tenken.devices.android.carrier import sim_locked, sold_for
from tenken.devices.android.commands import command
from tenken.devices.android.identity import serial
from tenken.devices.android.imei import imei_in
from tenken.devices.android.parcel import ParcelReply, ReplyKind, decode_reply
from tenken.devices.android.props import parse_getprop
from tenken.facts import Carrier, Provenance
from tenken.sim.android.binder import ParcelWriter, build_arguments, format_parcel
from tenken.sim.android.phone import Phone
from tenken.sim.android.profile import ProfileError, load
from tests.conftest import text

# As phones print them (the layout of libbinder's printHexData), including a long exception.
REAL_OK = """Result: Parcel(
  0x00000000: 00000000 0000000f 00350033 00300035 '........3.5.5.0.'
  0x00000010: 00300038 00300030 00300030 00310034 '8.0.0.0.0.0.4.1.'
  0x00000020: 00310034 00000038                   '4.1.8...        ')
"""
REAL_NULL = "Result: Parcel(00000000 ffffffff   '........')\n"


def test_decodes_the_printed_layouts() -> None:
    assert decode_reply(REAL_OK) == decode_reply(REAL_OK.replace("\n", "\r\n"))
    reply = decode_reply(REAL_OK)
    assert (reply.kind, reply.value) == (ReplyKind.OK, "355080000041418")
    assert decode_reply(REAL_NULL).kind is ReplyKind.NULL
    assert decode_reply("Result: Parcel(NULL)\n").kind is ReplyKind.EMPTY
    assert decode_reply("service: Service iphonesubinfo does not exist\n").kind is ReplyKind.UNREADABLE
    assert decode_reply('Result: Parcel(Error: 0xffffffb6 "Not a data message")').kind is ReplyKind.EMPTY


@pytest.mark.parametrize(
    "value",
    [
        "356868-00-004141-8",
        "３５６８６８００００４１４１８",
        "3568680000414180",
        "356868000041419",
        "0" * 15,
    ],
)
def test_only_fifteen_ascii_digits_with_their_check_digit_are_an_imei(value: str) -> None:
    # tenken.imei.parse forgives what people type (dashes, full-width digits); a phone's reply is not typed
    assert imei_in(ParcelReply(ReplyKind.OK, value="356868000041418")) == "356868000041418"
    assert imei_in(ParcelReply(ReplyKind.OK, value=value)) is None


def test_exception_message_is_kept() -> None:
    parcel = ParcelWriter()
    parcel.write_exception(-1, "getDeviceId: no")
    reply = decode_reply(format_parcel(bytes(parcel.data)))
    assert (reply.kind, reply.message) == (ReplyKind.EXCEPTION, "SecurityException: getDeviceId: no")


@given(st.one_of(st.none(), st.text(max_size=40)))
def test_any_string16_round_trips(value: str | None) -> None:
    parcel = ParcelWriter()
    parcel.write_int32(0)
    parcel.write_string16(value)
    reply = decode_reply(format_parcel(bytes(parcel.data)))
    if value is None:
        assert reply.kind is ReplyKind.NULL
    else:
        assert (reply.kind, reply.value) == (ReplyKind.OK, value)


def test_service_call_arguments() -> None:
    assert build_arguments(["i32", "1", "s16", "ab"]) == bytes.fromhex("01000000 02000000 61006200 00000000")
    assert build_arguments(["null"]) == bytes(4)


@pytest.mark.parametrize(
    ("line", "stdout", "status"),
    [
        ("echo a; false; echo X4EXIT:$?", "a\nX4EXIT:1\n", 0),
        ("false && echo no || echo yes", "yes\n", 0),
        ("getprop | grep -i 'product.model' | cut -d: -f2 | tr -d ' []'", "SO-51C\n", 0),
        ('nosuch 2>/dev/null; echo "$?"', "127\n", 0),
        ("nosuch 2>&1 | wc -l", "1\n", 0),
        ("echo 'a;b' \"c|d\" e\\;f", "a;b c|d e;f\n", 0),
        ("getprop ro.none fallback", "fallback\n", 0),
        ("settings get secure user_setup_complete", "1\n", 0),
        ("pm path com.android.shell >/dev/null && echo present", "present\n", 0),
        ("echo unterminated '", "", 2),
        ("nosuch", "", 127),
    ],
)
def test_simulated_shell(line: str, stdout: str, status: int) -> None:
    shell = Phone(load("so51c-docomo")).shell()
    result = shell.run(line)
    assert (result.stdout.decode(), result.status) == (stdout, status)


def test_commands_are_quoted() -> None:
    assert command("getprop", "a b; reboot") == "getprop 'a b; reboot'"
    shell = Phone(load("so51c-docomo")).shell()
    assert shell.run(command("echo", "$(reboot)", "; id")).stdout == b"$(reboot) ; id\n"


def test_getprop_parser_is_lenient() -> None:
    text = "junk\r\n[a]: [1]\r\n[b]: [two\nlines]\n[c]: [never closed\n[d]: []\n"
    assert parse_getprop(text) == {"a": "1", "b": "two\nlines", "c": "never closed", "d": ""}


def test_catalog() -> None:
    model = lookup_model("so-51c")
    assert model is not None and (model.carrier, model.released) == ("docomo", date(2022, 6, 3))
    era = match_pattern("SO-59A")
    assert era is not None and (era.carrier, era.earliest, era.latest) == (
        "docomo",
        date(2020, 3, 1),
        date(2021, 3, 31),
    )
    digit = match_pattern("A305SH")
    assert digit is not None and (digit.carrier, digit.earliest) == ("softbank", date(2023, 3, 1))
    assert match_pattern("SOV99") is not None and match_pattern("SOV99").carrier == "au"  # type: ignore[union-attr]
    assert match_pattern("SM-S9210") is None
    assert samsung_csc("DCM") is not None and samsung_csc("CHC") is None
    sku = pixel_japan_sku("G03Z5")
    assert sku is not None and sku.model == "Pixel 7"


def _props(model: str, **extra: str) -> dict[str, str]:
    return {"ro.product.model": model, **extra}


def test_era_spanning_the_policy_date_stays_unknown() -> None:
    fact = sim_locked({}, sold_for(_props("SO-59B")))
    assert fact.value is None and "spans" in text(fact.note)


def test_sim_of_the_same_carrier_proves_nothing() -> None:
    props = _props("A002SO", **{"gsm.sim.state": "READY", "gsm.sim.operator.numeric": "44020"})
    fact = sim_locked(props, sold_for(props))
    assert (fact.value, fact.provenance.value) == (True, "inferred")


def test_a_csc_not_in_the_table_is_unknown_not_overseas() -> None:
    """A Samsung CSC tenken has no row for names no seller: unknown, never "overseas" for want of a row."""
    props = _props("SM-S9210", **{"ro.csc.sales_code": "CHC", "ro.csc.countryiso_code": "CN"})
    sold = sold_for(props)
    assert sold.japan_model is None
    assert sold.sold_for.provenance is Provenance.UNKNOWN
    assert "Samsung CSC CHC is not in tenken's table" in text(sold.sold_for.note)
    assert (sold.sales_region.value, sold.sales_region.provenance) == ("CN", Provenance.MEASURED)
    assert sim_locked(props, sold).value is None


def test_an_unknown_csc_falls_back_to_the_model_number() -> None:
    """A docomo model number with a CSC tenken does not know is still a docomo model."""
    sold = sold_for(_props("SC-53E", **{"ro.csc.sales_code": "DCX"}))
    assert (sold.sold_for.value, sold.sold_for.provenance) == (Carrier.DOCOMO, Provenance.INFERRED)
    assert sold.japan_model is True


def test_json_profile_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "phone.json"
    path.write_text(
        json.dumps(
            {
                "profile": {"base": "shg14-au", "imei": ["004402140000013"]},
                "props": {"gsm.sim.state": "READY"},
            }
        ),
        encoding="utf-8",
    )
    profile = load(path)
    assert (profile.model, profile.imeis, profile.props["gsm.sim.state"]) == (
        "SHG14",
        ("004402140000013",),
        "READY",
    )
    path.write_text(json.dumps({"profile": {"base": "shg14-au"}, "behavior": {}}), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"behavior: unknown key \(did you mean 'behaviour'\?\)"):
        load(path)


def test_a_getprop_dump_can_be_a_base(tmp_path: Path) -> None:
    (tmp_path / "dump.txt").write_text(
        "# provenance\n[ro.product.model]: [X1]\n[ro.build.version.sdk]: [30]\n"
        "[gsm.sim.state]: [ABSENT,ABSENT]\n",
        encoding="utf-8",
    )
    (tmp_path / "phone.toml").write_text(
        '[profile]\nbase = "dump.txt"\n\n[behaviour]\nlatency_ms = 5\n', encoding="utf-8"
    )
    profile = load(tmp_path / "phone.toml")
    assert (profile.model, profile.sdk, profile.imeis, profile.behaviour.latency_ms) == (
        "X1",
        30,
        (None, None),
        5.0,
    )


@pytest.mark.parametrize(
    ("adb_serial", "known"),
    [
        ("R5CW30ABCDE", True),
        ("127.0.0.1:16001", False),
        ("adb-R5CW30ABCDE-a1B2c3._adb-tls-connect._tcp", False),
    ],
)
def test_only_a_usb_serial_stands_for_the_phones_own(adb_serial: str, known: bool) -> None:
    fact = serial({}, adb_serial)  # a build that hides ro.serialno from the shell
    assert fact.known is known
    assert fact.value == (adb_serial if known else None)
