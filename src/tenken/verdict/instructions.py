"""Where on the phone a person reads what tenken could not: per platform, and per maker where the
makers' screens differ. Pure: the phone's own facts (platform, manufacturer, brand) choose the screen;
the words are in report/labels.py (`where.*`), so an Android phone is never told an iPhone's path.

The verdict's actions (`todo.*`, judge.py) name these places, and `tenken record` writes the place
into what it keeps when the technician gives no `--what`. docs/android.md says which Android paths
were checked and which are the makers' usual ones that may differ by model and Android version.
"""

from __future__ import annotations

from enum import StrEnum

from tenken.facts import DeviceFacts, Message, Platform, msg


class Screens(StrEnum):
    """Whose settings screens the phone shows."""

    IOS = "ios"
    SAMSUNG = "samsung"  # Galaxy (One UI)
    SONY = "sony"  # Xperia
    SHARP = "sharp"  # AQUOS
    GOOGLE = "google"  # Pixel
    ANDROID = "android"  # another maker, or one not read: what every Android phone has
    UNKNOWN = "unknown"  # not even the platform is known (`tenken record --new` before any inspection)


_MAKERS = {"samsung": Screens.SAMSUNG, "sony": Screens.SONY, "sharp": Screens.SHARP, "google": Screens.GOOGLE}


def screens(platform: Platform | None, manufacturer: object = None, brand: object = None) -> Screens:
    """The screens of a phone of this platform and maker (ro.product.manufacturer, else ro.product.brand:
    a carrier's brand such as "docomo" names no maker)."""
    if platform is Platform.IOS:
        return Screens.IOS
    if platform is not Platform.ANDROID:
        return Screens.UNKNOWN
    for name in (manufacturer, brand):
        found = _MAKERS.get(str(name or "").strip().lower())
        if found is not None:
            return found
    return Screens.ANDROID


def screens_of(facts: DeviceFacts) -> Screens:
    maker = facts.manufacturer.value if facts.manufacturer.known else None
    brand = facts.brand.value if facts.brand.known else None
    return screens(facts.ref.platform, maker, brand)


# fact → screens → where it is read (None: no screen shows it; the action says what to do instead)
PLACES: dict[str, dict[Screens, Message | None]] = {
    "sim_locked": {
        Screens.IOS: msg("where.sim_lock.ios"),
        Screens.SONY: msg("where.sim_lock.sony"),
        Screens.ANDROID: None,  # no common screen: another carrier's SIM tells
        Screens.UNKNOWN: None,
    },
    "battery_health_pct": {
        Screens.IOS: msg("where.battery.ios"),
        Screens.SAMSUNG: msg("where.battery.samsung"),
        Screens.SONY: msg("where.battery.japanese_maker"),
        Screens.SHARP: msg("where.battery.japanese_maker"),
        Screens.GOOGLE: msg("where.battery.google"),
        Screens.ANDROID: msg("where.battery.android"),
        Screens.UNKNOWN: None,
    },
    "mdm_enrolled": {
        Screens.IOS: msg("where.management.ios"),
        Screens.SAMSUNG: msg("where.management.samsung"),
        Screens.ANDROID: msg("where.management.android"),
        Screens.UNKNOWN: None,
    },
    "owner_lock": {
        Screens.IOS: msg("where.owner_lock.ios"),
        Screens.SAMSUNG: msg("where.owner_lock.samsung"),
        Screens.ANDROID: msg("where.owner_lock.android"),
        Screens.UNKNOWN: None,
    },
    "owner_accounts": {  # the accounts that arm FRP (an iPhone's owner turns off Find My instead)
        Screens.SAMSUNG: msg("where.accounts.samsung"),
        Screens.GOOGLE: msg("where.accounts.google"),
        Screens.ANDROID: msg("where.accounts.android"),
        Screens.UNKNOWN: None,
    },
    "imei": dict.fromkeys(Screens, msg("where.imei")),
}


def place(fact: str, on: Screens) -> Message | None:
    """Where `fact` is read on a phone with these screens: the maker's own place where it has one, else
    what every phone of its platform has; None where no screen shows it."""
    table = PLACES[fact]
    if on in table:
        return table[on]
    return table.get(Screens.ANDROID)


# ---------------------------------------------------------------------------------------------- actions


def read_sim_lock(on: Screens) -> Message:
    where = place("sim_locked", on)
    if where is None:
        return msg("todo.try_other_sim")
    return msg("todo.read_sim_lock", where=where)


def record_battery(on: Screens) -> Message:
    return msg("todo.record_battery", where=place("battery_health_pct", on))


def read_management(on: Screens) -> Message:
    return msg("todo.read_management", where=place("mdm_enrolled", on))


def read_owner_lock(on: Screens) -> Message:
    return msg("todo.read_owner_lock", where=place("owner_lock", on))


def remove_account(on: Screens) -> Message:
    return msg("todo.remove_account", where=place("owner_accounts", on))
