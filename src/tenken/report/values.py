"""Values a phone reports as codes, shown to people as what a shop writes: the storage as its nominal
capacity (128 GB, not the 113 GB of an Android phone's /data), and the colour by name where the code is
known (else not at all: an iPhone's "1" means a different colour on every model).

The facts keep what the phone said (JSON, exports and the store show the code and the bytes); only what a
person reads goes through here.
"""

from __future__ import annotations

import re

from tenken.facts import DeviceFacts, LookupResult, Message, Via, msg
from tenken.report.labels import NETWORK, Lang, label, value_in

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


# ---------------------------------------------------------------------------------------------- words

# What phones and tables say in English that a Japanese reader should read in Japanese: only values whose
# meaning is fixed (a state, a region, a generation); a phone's own free text stays as it is.
ACTIVATION = {"Activated": "activated", "Unactivated": "unactivated", "FactoryActivated": "activated"}
REGIONS = {
    "Japan": "japan", "United States": "us", "Canada": "canada", "mainland China": "china",
    "Hong Kong / Macau": "hong_kong", "Taiwan": "taiwan", "South Korea": "korea", "India": "india",
    "Australia / New Zealand": "oceania", "United Kingdom / Ireland": "uk", "Europe (several countries)": "europe",
    "JP": "japan",
}  # fmt: skip
_GENERATION = re.compile(r"\((\d+)(?:st|nd|rd|th) generation\)")
# The phrases readers and tables use as a source (facts keep them; JSON shows them as they are).
SOURCES = {
    "tenken's Apple catalog": "source.apple_catalog",
    "carrier look-ups": "source.carrier_lookups",
    "model-number table": "source.model_table",
    "carrier SIM-lock policy dates": "source.simlock_dates",
    "model release date": "source.release_date",
    "catalog": "source.catalog",
    "manual:": "source.manual",
}


def value_words(field: str, value: str, lang: Lang) -> str:
    """A phone's or a table's string value in `lang`, where its meaning is fixed; else as it is."""
    if value == "none":
        return label("value.none", lang)
    if NETWORK.match(value):
        return value_in(value, lang)
    if field == "activation_state" and value in ACTIVATION:
        return label(f"activation.{ACTIVATION[value]}", lang)
    if field == "sales_region" and value in REGIONS:
        return label(f"region.{REGIONS[value]}", lang)
    if field == "model_name":
        return model_words(value, lang)
    if field == "sim_state":
        return (
            "、".join(_sim_state(state.strip(), lang) for state in value.split(","))
            if lang == "ja"
            else value
        )
    return value


SIM_STATES = {"READY", "ABSENT", "NOT_READY", "PIN_REQUIRED", "PUK_REQUIRED", "NETWORK_LOCKED", "LOADED"}
SIM_STATES |= {"PRESENT", "UNKNOWN"}


def _sim_state(state: str, lang: Lang) -> str:
    """Android's SIM state names (iPhones' are mapped to them) in words; a name not known stays."""
    return label(f"simstate.{state.lower()}", lang) if state.upper() in SIM_STATES else state


def model_words(model: str, lang: Lang) -> str:
    """A model's name as it is written in Japan: iPhone SE (3rd generation) is iPhone SE（第3世代）."""
    if lang != "ja":
        return model
    return _GENERATION.sub(lambda found: f"（第{found.group(1)}世代）", model).replace(" （", "（")


def source_words(source: str, lang: Lang) -> str:
    """Where a fact came from, with tenken's own phrases in `lang` (lockdown keys, commands and paths stay)."""
    if lang == "en":
        return source
    for phrase, code in SOURCES.items():
        source = source.replace(phrase, label(code, lang))
    return source


def via_words(result: LookupResult) -> Message:
    """How an answer was obtained, in words next to its mark: 自動照会, ブラウザ照会（担当者）, 手入力（担当者）."""
    if result.via is Via.BROWSER:
        return msg("via.browser", by=result.by)
    if result.via is Via.HAND:
        return msg("via.hand", by=result.by)
    return msg("via.http")
