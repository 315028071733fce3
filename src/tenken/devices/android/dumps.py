"""Facts from `dumpsys account`, `settings get`, `dumpsys battery` and `df`, with their limits stated."""

from __future__ import annotations

import re

from tenken.devices.android.commands import CommandResult, unavailable
from tenken.facts import Fact, Message, msg

# Account types whose presence arms an owner lock after a factory reset.
OWNER_LOCK_TYPES = {  # account type → the lock's code (report/labels.py names it)
    "com.google": "google",
    "com.osp.app.signin": "samsung",
    "com.xiaomi": "xiaomi",
    "com.huawei.hwid": "huawei",
}
_ACCOUNT = re.compile(r"Account \{name=(?P<name>.*?), type=(?P<type>[^,}]+)\}")
_DECLARED = re.compile(r"^\s*Accounts: (\d+)\s*$", re.MULTILINE)  # one per user

# Samsung's own capacity estimate (% of design capacity); Android 16 builds print it as `[99]`, models
# without the estimate print -1. AOSP's own lines are no percentage: `Charging state` and `Charging
# policy` (Android 14+) are states, and `Capacity level` (health HAL) is a charge bucket (-1 unsupported
# … 5 full), so none of them is read as health.
SAMSUNG_CAPACITY = "mSavedBatteryAsoc"
_PERCENT = re.compile(r"^\[?\s*(-?\d+)\s*\]?$")

BATTERY_HEALTH = {  # BatteryManager.BATTERY_HEALTH_* → code
    1: "unknown",
    2: "good",
    3: "overheat",
    4: "dead",
    5: "over_voltage",
    6: "failure",
    7: "cold",
}


def mask(name: str) -> str:
    """An account name a report may keep: the first character, then the domain of an e-mail address."""
    local, at, domain = name.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{name[:1]}***"


def accounts(result: CommandResult) -> tuple[Fact[bool], Fact[list[str]]]:
    """(owner lock, the lock-arming accounts as `type (masked name)`)."""
    manual = msg("manual.accounts")
    if not result.ok:
        lock = unavailable(result, manual)
        return lock, lock
    if "Accounts:" not in result.stdout:
        note = msg("android.accounts_no_list", manual=manual)
        return Fact.unknown(result.command, note), Fact.unknown(result.command, note)
    listed = list(_ACCOUNT.finditer(result.stdout))
    declared = sum(int(count) for count in _DECLARED.findall(result.stdout))
    if len(listed) < declared:
        note = msg("android.accounts_unread", declared=declared, read=len(listed), manual=manual)
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
    others = msg("android.accounts_other", count=other) if other else None
    if arming:
        note = msg("android.accounts_signed_in", locks=kinds, others=others)
        return Fact.measured(True, result.command, note), Fact.measured(arming, result.command, others)
    return (
        Fact.measured(False, result.command, msg("android.accounts_none", others=others)),
        Fact.measured([], result.command, others),
    )


def setup_complete(secure: CommandResult, provisioned: CommandResult) -> Fact[bool]:
    manual = msg("manual.setup")
    if not secure.ok:
        return unavailable(secure, manual)
    value = secure.stdout.strip()
    note = None
    if provisioned.ok and provisioned.stdout.strip() in ("0", "1"):
        yes = provisioned.stdout.strip() == "1"
        note = msg("android.provisioned") if yes else msg("android.not_provisioned")
    if value in ("0", "1"):
        return Fact.measured(value == "1", secure.command, note)
    return Fact.unknown(secure.command, msg("android.odd_answer", answer=value, manual=manual))


def _fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def battery(result: CommandResult) -> tuple[Fact[int], Fact[float]]:
    """(level %, health %). Android itself reports a health category, not a capacity percentage."""
    manual = msg("manual.battery")
    if not result.ok:
        fact = unavailable(result, manual)
        return fact, fact
    fields = _fields(result.stdout)
    try:
        level_raw, scale = int(fields["level"]), int(fields.get("scale", "100")) or 100
        level: Fact[int] = Fact.measured(round(level_raw * 100 / scale), result.command, _temperature(fields))
    except (KeyError, ValueError):
        level = Fact.unknown(result.command, msg("android.battery_no_level", manual=manual))
    category = BATTERY_HEALTH.get(_int(fields.get("health")) or 0, "not_reported")
    return level, _capacity(fields, result.command, category)


def _capacity(fields: dict[str, str], command: str, category: str) -> Fact[float]:
    """Samsung's capacity estimate when it is a percentage; anything else says what was printed."""
    printed = fields.get(SAMSUNG_CAPACITY)
    if printed is None:
        return Fact.unknown(command, msg("android.battery_category_only", health=category))
    found = _PERCENT.match(printed)
    value = int(found.group(1)) if found else None
    source = f"{command} ({SAMSUNG_CAPACITY})"
    if value is not None and 0 < value <= 100:
        return Fact.measured(float(value), source, msg("android.battery_samsung", health=category))
    if value is not None and value < 0:
        return Fact.unknown(
            source, msg("android.battery_samsung_unsupported", printed=printed, health=category)
        )
    return Fact.unknown(source, msg("android.battery_samsung_odd", printed=printed[:40], health=category))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _temperature(fields: dict[str, str]) -> Message | None:
    tenths = _int(fields.get("temperature"))
    return msg("android.battery_temperature", celsius=round(tenths / 10, 1)) if tenths is not None else None


def storage(result: CommandResult) -> Fact[int]:
    """The size of /data (the user partition; a little less than the advertised capacity)."""
    manual = msg("manual.storage")
    if not result.ok:
        return unavailable(result, manual)
    for line in result.stdout.splitlines():
        columns = line.split()
        if len(columns) >= 6 and columns[-1] == "/data" and columns[1].isdigit():
            used = round(int(columns[2]) * 1024 / 1e9) if columns[2].isdigit() else None
            return Fact.measured(
                int(columns[1]) * 1024, result.command, msg("android.storage_data", used_gb=used)
            )
    return Fact.unknown(result.command, msg("android.storage_no_data", manual=manual))
