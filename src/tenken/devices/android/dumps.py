"""Facts from `dumpsys account`, `settings get`, `dumpsys battery` and `df`, with their limits stated."""

from __future__ import annotations

import re

from tenken.devices.android.commands import CommandResult, unavailable
from tenken.facts import Fact

# Account types whose presence arms an owner lock after a factory reset.
OWNER_LOCK_TYPES = {
    "com.google": "Google account (FRP)",
    "com.osp.app.signin": "Samsung account (Reactivation Lock)",
    "com.xiaomi": "Xiaomi account (Find device lock)",
    "com.huawei.hwid": "HUAWEI ID (activation lock)",
}
_ACCOUNT = re.compile(r"Account \{name=(?P<name>.*?), type=(?P<type>[^,}]+)\}")
_DECLARED = re.compile(r"^\s*Accounts: (\d+)\s*$", re.MULTILINE)  # one per user

BATTERY_HEALTH = {
    1: "unknown",
    2: "good",
    3: "overheat",
    4: "dead",
    5: "over voltage",
    6: "unspecified failure",
    7: "cold",
}


def mask(name: str) -> str:
    """An account name a report may keep: the first character, then the domain of an e-mail address."""
    local, at, domain = name.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{name[:1]}***"


def accounts(result: CommandResult) -> tuple[Fact[bool], Fact[list[str]]]:
    """(owner lock, the lock-arming accounts as `type (masked name)`)."""
    manual = "check Settings › Accounts on the phone by hand"
    if not result.ok:
        lock = unavailable(result, manual)
        return Fact.unknown(lock.source, lock.note), Fact.unknown(lock.source, lock.note)
    if "Accounts:" not in result.stdout:
        note = f"no account list in the dump (permission denied?); {manual}"
        return Fact.unknown(result.command, note), Fact.unknown(result.command, note)
    listed = list(_ACCOUNT.finditer(result.stdout))
    declared = sum(int(count) for count in _DECLARED.findall(result.stdout))
    if len(listed) < declared:
        note = f"the dump declares {declared} account(s) but only {len(listed)} could be read; {manual}"
        return Fact.unknown(result.command, note), Fact.unknown(result.command, note)
    arming: list[str] = []
    kinds: list[str] = []
    other = 0
    for found in listed:
        account_type = found.group("type").strip()
        label = OWNER_LOCK_TYPES.get(account_type)
        if label is None:
            other += 1
            continue
        arming.append(f"{account_type} ({mask(found.group('name').strip())})")
        if label not in kinds:
            kinds.append(label)
    tail = f"; {other} other account(s) that arm no lock" if other else ""
    if arming:
        note = "signed in: " + ", ".join(kinds) + "; the owner must remove it before sale" + tail
        return Fact.measured(True, result.command, note), Fact.measured(
            arming, result.command, tail.lstrip("; ")
        )
    return (
        Fact.measured(False, result.command, "no account that arms an owner lock" + tail),
        Fact.measured([], result.command, tail.lstrip("; ")),
    )


def setup_complete(secure: CommandResult, provisioned: CommandResult) -> Fact[bool]:
    manual = "look at the phone: is it past the setup wizard?"
    if not secure.ok:
        fact = unavailable(secure, manual)
        return Fact.unknown(fact.source, fact.note)
    value = secure.stdout.strip()
    note = ""
    if provisioned.ok and provisioned.stdout.strip() in ("0", "1"):
        note = "device provisioned" if provisioned.stdout.strip() == "1" else "device not provisioned"
    if value in ("0", "1"):
        return Fact.measured(value == "1", secure.command, note)
    return Fact.unknown(secure.command, f"answered {value!r}; {manual}")


def _fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def battery(result: CommandResult) -> tuple[Fact[int], Fact[float]]:
    """(level %, health %). Android itself reports a health category, not a capacity percentage."""
    manual = "read the battery in Settings › Battery"
    if not result.ok:
        fact = unavailable(result, manual)
        return Fact.unknown(fact.source, fact.note), Fact.unknown(fact.source, fact.note)
    fields = _fields(result.stdout)
    try:
        level_raw, scale = int(fields["level"]), int(fields.get("scale", "100")) or 100
        level: Fact[int] = Fact.measured(round(level_raw * 100 / scale), result.command, _temperature(fields))
    except (KeyError, ValueError):
        level = Fact.unknown(result.command, f"no level in the dump; {manual}")
    category = BATTERY_HEALTH.get(_int(fields.get("health")) or 0, "not reported")
    asoc = fields.get("mSavedBatteryAsoc")
    if asoc is not None and _int(asoc) is not None:
        health: Fact[float] = Fact.measured(
            float(asoc),
            f"{result.command} (mSavedBatteryAsoc)",
            f"Samsung's capacity estimate; health {category}",
        )
    else:
        health = Fact.unknown(
            result.command,
            f"Android reports only a health category over ADB ({category}); capacity needs the maker's diagnostics",
        )
    return level, health


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _temperature(fields: dict[str, str]) -> str:
    tenths = _int(fields.get("temperature"))
    return f"temperature {tenths / 10:.1f} °C" if tenths is not None else ""


def storage(result: CommandResult) -> Fact[int]:
    """The size of /data (the user partition; a little less than the advertised capacity)."""
    manual = "read the capacity in Settings › Storage"
    if not result.ok:
        fact = unavailable(result, manual)
        return Fact.unknown(fact.source, fact.note)
    for line in result.stdout.splitlines():
        columns = line.split()
        if len(columns) >= 6 and columns[-1] == "/data" and columns[1].isdigit():
            used = int(columns[2]) * 1024 if columns[2].isdigit() else None
            note = "size of /data, a little less than the advertised capacity"
            if used is not None:
                note += f"; {used / 1e9:.0f} GB used"
            return Fact.measured(int(columns[1]) * 1024, result.command, note)
    return Fact.unknown(result.command, f"no /data line in the output; {manual}")
