"""IMEIs through `service call iphonesubinfo`, with the transaction codes of the phone's API level.

Every answer is decoded from the Parcel words (OK / null / exception) and validated (15 ASCII digits,
Luhn, not all zeros): firmware that shifted the codes answers something else at the expected code (the
SIM's ICCID, a phone number), so the neighbouring codes are tried with the same arguments. What came
back instead is said in the notes, masked. Vendor properties are the last resort.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from tenken.devices.android.commands import CommandResult, Runner, command, unavailable
from tenken.devices.android.parcel import ParcelReply, ReplyKind, decode_reply
from tenken.devices.android.props import first
from tenken.facts import Fact, Message, msg
from tenken.imei import is_valid_imei

SHELL_PACKAGE = "com.android.shell"  # the only calling package the shell uid may name (Android 10+)
SCAN_CODES = range(1, 7)  # read-only getters near the IMEI methods on every known table
MANUAL = msg("manual.imei")

VENDOR_PROPS = {
    0: (
        "ro.ril.oem.imei1",
        "ro.ril.oem.imei",
        "persist.radio.imei1",
        "persist.radio.imei",
        "ril.imei",
        "ro.gsm.imei",
    ),
    1: ("ro.ril.oem.imei2", "persist.radio.imei2"),
}


@dataclass(frozen=True, slots=True)
class Call:
    code: int
    args: tuple[str, ...]

    def line(self) -> str:
        return command("service", "call", "iphonesubinfo", str(self.code), *self.args)


@dataclass(slots=True)
class _Attempts:
    seen: list[tuple[Call, ParcelReply]] = field(default_factory=list)

    def summary(self) -> str:
        return "; ".join(f"code {call.code} {describe(reply)}" for call, reply in self.seen[:4])


class _CommandFailed(Exception):
    """`service` itself failed (missing on this firmware, timed out): asking again will not help."""

    def __init__(self, result: CommandResult) -> None:
        super().__init__(result.command)
        self.result = result


def slot_args(sdk: int, slot: int) -> tuple[str, ...]:
    if sdk <= 21:
        return ("i64", str(slot + 1))  # Android 5.0: long subscription id, usually slot + 1
    return ("i32", str(slot), "s16", SHELL_PACKAGE)


def expected_calls(sdk: int, slot: int) -> list[Call]:
    """The calls that give this slot's IMEI on a phone of this API level, best first."""
    if sdk <= 21:
        by_slot = Call(3, slot_args(sdk, slot))
        return [Call(1, ()), by_slot] if slot == 0 else [by_slot, Call(2, slot_args(sdk, slot))]
    slot_code = 4 if sdk >= 30 else 3
    by_slot = Call(slot_code, slot_args(sdk, slot))
    return [Call(1, ("s16", SHELL_PACKAGE)), by_slot] if slot == 0 else [by_slot]


def scan_calls(sdk: int, slot: int, tried: list[Call]) -> list[Call]:
    """Neighbouring codes with the same argument shapes, nearest to the expected code first."""
    shapes = expected_calls(sdk, slot)
    calls: list[Call] = []
    for expected in shapes:
        for code in sorted(SCAN_CODES, key=lambda c: (abs(c - expected.code), c)):
            call = Call(code, expected.args)
            if call not in tried and call not in calls:
                calls.append(call)
    return calls


def imei_in(reply: ParcelReply) -> str | None:
    """The IMEI a reply gives: 15 ASCII digits with a valid Luhn digit, nothing else (no separators)."""
    value = (reply.value or "").strip() if reply.kind is ReplyKind.OK else ""
    return (
        value if len(value) == 15 and value.isascii() and value.isdigit() and is_valid_imei(value) else None
    )


def mask(identifier: str) -> str:
    """First 6 and last 2 characters, as receipts print card numbers: recognisable, not reusable."""
    return f"{identifier[:6]}…{identifier[-2:]}" if len(identifier) > 8 else "*" * len(identifier)


def describe(reply: ParcelReply) -> str:
    """What a reply said, for a note: anything but an IMEI is named and masked, never shown in full."""
    if reply.kind is not ReplyKind.OK or reply.value is None or imei_in(reply) is not None:
        return reply.describe()
    value = reply.value.strip()
    if value.isascii() and value.isdigit() and len(value) in (19, 20) and value.startswith("89"):
        return f"answered an ICCID (the SIM card's number, {mask(value)}), not an IMEI"
    if value.isascii() and value.isdigit():
        return f"answered a {len(value)}-digit number ({mask(value)}), not an IMEI"
    return f"answered {len(value)} characters ({mask(value)}), not an IMEI" if value else "answered ''"


async def _ask(run: Runner, call: Call, attempts: _Attempts) -> str | None:
    result = await run(call.line())
    if not result.ok:
        raise _CommandFailed(result)
    reply = decode_reply(result.stdout)
    attempts.seen.append((call, reply))
    return imei_in(reply)


async def read_slot(run: Runner, sdk: int, slot: int, exclude: str | None = None) -> Fact[str]:
    attempts = _Attempts()
    calls = expected_calls(sdk, slot)
    try:
        for index, call in enumerate(calls):
            value = await _ask(run, call, attempts)
            if value is not None and value != exclude:
                first = describe(attempts.seen[0][1]) if index else ""
                return Fact.measured(
                    value, call.line(), msg("imei.service_code", sdk=sdk, code=call.code, first=first)
                )
        for call in scan_calls(sdk, slot, calls):
            value = await _ask(run, call, attempts)
            if value is not None and value != exclude:
                return Fact.measured(
                    value,
                    call.line(),
                    msg(
                        "imei.codes_shifted",
                        expected=calls[0].code,
                        first=describe(attempts.seen[0][1]),
                        found=call.code,
                    ),
                )
    except _CommandFailed as failed:
        return unavailable(failed.result, MANUAL)
    return Fact.unknown(calls[0].line(), _why_not(attempts, len(calls)))


def _why_not(attempts: _Attempts, expected: int) -> Message:
    """Explain from the expected calls' replies; the scan's answers to misshaped calls are noise."""
    replies = [reply for _, reply in attempts.seen[:expected]]
    kinds = {reply.kind for reply in replies}
    if kinds == {ReplyKind.NULL}:
        return msg("imei.answered_null", manual=MANUAL)
    if ReplyKind.EXCEPTION in kinds and ReplyKind.OK not in kinds:
        message = next(reply.message for reply in replies if reply.kind is ReplyKind.EXCEPTION)
        return msg("imei.refused", error=message, manual=MANUAL)
    return msg("imei.no_valid_answer", answers=attempts.summary(), manual=MANUAL)


def from_vendor_props(props: Mapping[str, str], slot: int, exclude: str | None) -> Fact[str] | None:
    for key in VENDOR_PROPS.get(slot, ()):
        found = first(props, key)
        if found and is_valid_imei(found[1]) and found[1] != exclude:
            return Fact.measured(found[1], f"property {key}", msg("imei.vendor_property"))
    return None


async def read_dumpsys(run: Runner) -> Fact[str]:
    """Android 4.4 and older print the IMEI in `dumpsys iphonesubinfo`."""
    line = command("dumpsys", "iphonesubinfo")
    result = await run(line)
    if not result.ok:
        return unavailable(result, MANUAL)
    for text in result.stdout.splitlines():
        name, _, value = text.partition("=")
        if name.strip() == "Device ID" and is_valid_imei(value.strip()):
            return Fact.measured(value.strip(), line, msg("imei.dumpsys_old_android"))
    return Fact.unknown(line, msg("imei.dumpsys_no_device_id", manual=MANUAL))


async def read_imeis(
    run: Runner, sdk: int, slot_count: int, props: Mapping[str, str]
) -> tuple[Fact[str], Fact[str]]:
    """(IMEI, IMEI2), both slots asked at once. IMEI2 is asked only of multi-SIM phones."""
    if sdk <= 19:
        primary = await read_dumpsys(run)
        secondary: Fact[str] = Fact.unknown(
            "dumpsys iphonesubinfo", msg("imei.old_android_one", manual=MANUAL)
        )
    elif slot_count < 2:
        primary = await read_slot(run, sdk, 0)
        secondary = Fact.unknown("persist.radio.multisim.config", msg("imei.one_slot"))
    else:
        primary, secondary = await asyncio.gather(read_slot(run, sdk, 0), read_slot(run, sdk, 1))
        if secondary.known and secondary.value == primary.value:
            # A scan on shifted firmware can land on slot 0's getter: ask again, excluding that answer.
            secondary = await read_slot(run, sdk, 1, exclude=primary.value)
    if not primary.known:
        primary = from_vendor_props(props, 0, None) or primary
    if slot_count >= 2 and sdk > 19 and not secondary.known:
        secondary = from_vendor_props(props, 1, primary.value if primary.known else None) or secondary
    return primary, secondary
