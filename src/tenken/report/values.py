"""Values a phone reports as codes, shown to people as what a shop writes: the storage as its nominal
capacity (128 GB, not the 113 GB of an Android phone's /data), and the colour by name where the code is
known (else not at all: an iPhone's "1" means a different colour on every model).

The facts keep what the phone said (JSON, exports and the store show the code and the bytes); only what a
person reads goes through here.
"""

from __future__ import annotations

from tenken.facts import DeviceFacts, Message, msg

# The capacities phones are sold with, in GB as the makers count them (10^9 bytes).
TIERS_GB = (8, 16, 32, 64, 128, 256, 512, 1000, 2000)
OVER = 1.02  # a phone may report a little more than its tier (an iPhone's TotalDiskCapacity of 128.03 GB)


def nominal_gb(size_bytes: int) -> int:
    """The nominal capacity of storage of this size: the smallest tier it fits in. An Android phone reports
    the size of /data (a 128 GB phone: about 113 GB), an iPhone its TotalDiskCapacity (about 128 GB)."""
    size = size_bytes / 1e9
    for tier in TIERS_GB:
        if size <= tier * OVER:
            return tier
    return round(size)


def storage_words(size_bytes: int) -> str:
    """`128 GB`, `1 TB`: the nominal capacity as a shop writes it."""
    tier = nominal_gb(size_bytes)
    return f"{tier // 1000} TB" if tier >= 1000 and tier % 1000 == 0 else f"{tier} GB"


# Older iPhones (iPhone 5c to 6s Plus and SE) report their back's colour as an RGB value: the value is the
# colour, whatever the model. Later models report a small number whose meaning differs per model, and no
# table of them that could be checked is known: those are left out rather than guessed.
ENCLOSURE_COLOURS: dict[str, Message] = {
    "#99989b": msg("colour.space_gray"),  # iPhone 5s
    "#b9b7ba": msg("colour.space_gray"),  # iPhone 6, 6s, SE
    "#d7d9d8": msg("colour.silver"),  # iPhone 5s, 6, 6s, SE
    "#dadcdb": msg("colour.silver"),  # iPhone 6s
    "#d4c5b3": msg("colour.gold"),  # iPhone 5s
    "#e1ccb5": msg("colour.gold"),  # iPhone 6
    "#e1ccb7": msg("colour.gold"),  # iPhone 6s, SE
    "#e4c1b9": msg("colour.rose_gold"),  # iPhone 6s, SE
    "#46abe0": msg("colour.blue"),  # iPhone 5c
    "#fe767a": msg("colour.pink"),
    "#a1e877": msg("colour.green"),
    "#f5f4f7": msg("colour.white"),
    "#faf189": msg("colour.yellow"),
}
ENCLOSURE_SOURCE = "lockdown DeviceEnclosureColor"


def colour_name(facts: DeviceFacts) -> Message | None:
    """The phone's colour by name, when the code it reported names one; else None (leave it out)."""
    fact = facts.colour
    if not fact.known or fact.source != ENCLOSURE_SOURCE:
        return None
    return ENCLOSURE_COLOURS.get(str(fact.value).strip().lower())
