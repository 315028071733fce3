"""The carrier the phone was sold for, the SIMs inserted, and the SIM lock, each with the rule used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tenken.catalog import carrier_for_mcc_mnc, carriers
from tenken.catalog.models_jp import lookup_model, match_pattern, pixel_japan_sku, samsung_csc
from tenken.catalog.simlock import SIM_FREE, infer_sim_lock
from tenken.devices.android.props import first, slots
from tenken.facts import Fact

CSC_PROPS = ("ro.csc.sales_code", "ro.boot.sales_code", "persist.omc.sales_code", "ro.boot.carrierid")
SKU_PROPS = ("ro.boot.hardware.sku", "ro.boot.product.hardware.sku")
ACCEPTED = {"READY", "LOADED"}
REFUSED = {"NETWORK_LOCKED", "PERSO_LOCKED", "CARD_RESTRICTED"}  # CARD_RESTRICTED: carrier restrictions
NO_SIM = {"ABSENT", ""}
NOT_READY = {"UNKNOWN", "NOT_READY"}  # the phone cannot tell yet: radio off (airplane mode), starting up


@dataclass(frozen=True, slots=True)
class SoldFor:
    sold_by: Fact[str]
    sales_region: Fact[str]
    model_name: Fact[str] | None
    japan_model: bool | None  # None: cannot tell
    earliest: date | None = None  # launch date (or the range the model number allows)
    latest: date | None = None

    @property
    def carrier_key(self) -> str | None:
        return self.sold_by.value if self.sold_by.known else None


def _carrier_name(key: str) -> str:
    if key == SIM_FREE:
        return "SIM-free (no carrier)"
    info = carriers().get(key)
    return info.name if info else key


def sold_for(props: Mapping[str, str]) -> SoldFor:
    model = props.get("ro.product.model", "").strip()
    csc = first(props, *CSC_PROPS)
    csc_build = samsung_csc(csc[1]) if csc else None
    info = lookup_model(model) if model else None
    if info is not None:
        note = f"{info.model} = {info.maker} {info.name}, launched {info.released.isoformat()}"
        if csc is not None and csc_build is not None and csc_build.carrier != info.carrier:
            note += f"; but {csc[0]} = {csc[1]} says {_carrier_name(csc_build.carrier or '')}"
        return SoldFor(
            sold_by=Fact.inferred(info.carrier, "model-number table (models_jp.toml)", note),
            sales_region=Fact.inferred(
                "JP", "model-number table (models_jp.toml)", f"{info.model} is a Japanese model"
            ),
            model_name=Fact.inferred(info.name, "model-number table (models_jp.toml)"),
            japan_model=True,
            earliest=info.released,
            latest=info.released,
        )
    if csc is not None:
        key, code = csc
        if csc_build is not None and csc_build.carrier is not None:
            return SoldFor(
                sold_by=Fact.inferred(
                    csc_build.carrier,
                    f"Samsung CSC {key}",
                    f"{code} = {_carrier_name(csc_build.carrier)} build",
                ),
                sales_region=Fact.inferred(csc_build.market, f"Samsung CSC {key}", code),
                model_name=None,
                japan_model=True,
            )
        country = first(props, "ro.csc.countryiso_code", "ro.csc.country_code")
        region = (
            Fact.measured(country[1], country[0], f"Samsung CSC {code}")
            if country
            else Fact.inferred(code, f"Samsung CSC {key}", "CSC code of a market outside Japan")
        )
        return SoldFor(
            sold_by=Fact.unknown(
                key, f"Samsung CSC {code} is not a Japanese carrier build: an overseas model"
            ),
            sales_region=region,
            model_name=None,
            japan_model=False,
        )
    sku = first(props, *SKU_PROPS)
    pixel = pixel_japan_sku(sku[1]) if sku else None
    if sku is not None and pixel is not None:
        return SoldFor(
            sold_by=Fact.unknown(
                sku[0],
                f"Japan SKU {sku[1]} ({pixel.model}): sold by Google Store, au or SoftBank; the SKU does not say which",
            ),
            sales_region=Fact.inferred(
                "JP", f"Pixel hardware SKU {sku[0]}", f"{sku[1]} is the Japan SKU of {pixel.model}"
            ),
            model_name=Fact.inferred(pixel.model, "Pixel SKU table (models_jp.toml)"),
            japan_model=True,
            earliest=pixel.released,
            latest=pixel.released,
        )
    pattern = match_pattern(model) if model else None
    if pattern is not None:
        return SoldFor(
            sold_by=Fact.inferred(
                pattern.carrier,
                "model-number scheme (fallback)",
                f"{model} fits the {pattern.rule}; not in the table",
            ),
            sales_region=Fact.inferred("JP", "model-number scheme (fallback)", pattern.rule),
            model_name=None,
            japan_model=True,
            earliest=pattern.earliest,
            latest=pattern.latest,
        )
    why = f"{model or 'the model'} is not in the Japanese model table and fits no Japanese numbering"
    return SoldFor(
        sold_by=Fact.unknown("ro.product.model", why + " (an overseas or SIM-free global model?)"),
        sales_region=Fact.unknown("ro.product.model", why),
        model_name=None,
        japan_model=None,
    )


@dataclass(frozen=True, slots=True)
class SimSlot:
    number: int  # from 1, as phones label them
    state: str
    numeric: str
    alpha: str

    @property
    def carrier_key(self) -> str | None:
        info = carrier_for_mcc_mnc(self.numeric) if self.numeric else None
        return info.key if info else None

    @property
    def japanese(self) -> bool:
        return self.numeric.startswith(("440", "441"))

    def describe(self) -> str:
        key = self.carrier_key
        if key:
            return key
        if self.numeric:
            return f"{self.alpha} ({self.numeric})" if self.alpha else self.numeric
        return "unknown SIM"


def sim_slots(props: Mapping[str, str]) -> list[SimSlot]:
    states = slots(props, "gsm.sim.state")
    numerics = slots(props, "gsm.sim.operator.numeric")
    alphas = slots(props, "gsm.sim.operator.alpha")

    def at(values: list[str], index: int) -> str:
        return values[index] if index < len(values) else ""

    return [SimSlot(i + 1, state, at(numerics, i), at(alphas, i)) for i, state in enumerate(states)]


def sim_state(props: Mapping[str, str]) -> Fact[str]:
    raw = props.get("gsm.sim.state")
    if raw is None:
        return Fact.unknown(
            "gsm.sim.state", "property not set (no radio, or the phone has not finished booting)"
        )
    note = ", ".join(f"slot {slot.number} {slot.state or 'empty'}" for slot in sim_slots(props))
    return Fact.measured(raw, "gsm.sim.state", note)


def sim_carrier(props: Mapping[str, str]) -> Fact[str]:
    seen = sim_slots(props)
    inserted = [slot for slot in seen if slot.numeric or slot.state not in NO_SIM | NOT_READY]
    if "gsm.sim.state" not in props:
        return Fact.unknown("gsm.sim.operator.numeric", "SIM state not reported")
    if not inserted:
        unsure = [f"slot {slot.number} {slot.state}" for slot in seen if slot.state in NOT_READY]
        if unsure:
            return Fact.unknown(
                "gsm.sim.state",
                ", ".join(unsure) + ": the phone cannot tell yet whether a SIM is in "
                "(airplane mode, or still starting up)",
            )
        return Fact.measured("none", "gsm.sim.state", "no SIM inserted")
    if len(inserted) == 1:
        slot = inserted[0]
        return Fact.measured(slot.describe(), "gsm.sim.operator.numeric", f"slot {slot.number} {slot.state}")
    value = "; ".join(f"slot {slot.number}: {slot.describe()}" for slot in inserted)
    return Fact.measured(
        value, "gsm.sim.operator.numeric", ", ".join(f"slot {s.number} {s.state}" for s in inserted)
    )


def sim_locked(props: Mapping[str, str], sold: SoldFor) -> Fact[bool]:
    """Measured when an inserted SIM tells (refused, or another carrier's accepted); else inferred or unknown."""
    slots_seen = sim_slots(props)
    for slot in slots_seen:
        if slot.state in REFUSED:
            locked_to = _carrier_name(sold.carrier_key) if sold.carrier_key else "its carrier"
            return Fact.measured(
                True,
                "gsm.sim.state",
                f"slot {slot.number}: the inserted SIM ({slot.describe()}) is refused ({slot.state}): "
                f"SIM-locked to {locked_to}",
            )
    for slot in slots_seen:
        if slot.state not in ACCEPTED or not slot.numeric:
            continue
        if not slot.japanese and sold.japan_model:
            return Fact.measured(
                False, "gsm.sim.state", f"slot {slot.number}: an overseas SIM ({slot.describe()}) is accepted"
            )
        key = slot.carrier_key
        if key and sold.carrier_key not in (None, SIM_FREE, key):
            return Fact.measured(
                False,
                "gsm.sim.state",
                f"slot {slot.number}: a {_carrier_name(key)} SIM is accepted by a "
                f"{_carrier_name(sold.carrier_key or '')} phone",
            )
    return _inferred_lock(sold)


def _inferred_lock(sold: SoldFor) -> Fact[bool]:
    key = sold.carrier_key
    released = sold.earliest if sold.earliest == sold.latest else None
    era = ""
    if sold.earliest != sold.latest and key in carriers():
        policy = carriers()[key].simlock_free_from
        earliest, latest = sold.earliest or date.min, sold.latest or date.max
        era = f" (launch date from the model-number era: {_span(sold.earliest, sold.latest)})"
        if latest < policy:
            released = latest
        elif earliest >= policy:
            released = earliest
        else:
            return Fact.unknown(
                "carrier SIM-lock policy dates",
                f"the model-number era {_span(sold.earliest, sold.latest)} spans {_carrier_name(key)}'s "
                f"end of SIM locks ({policy.isoformat()}); a SIM of another carrier tells for sure",
            )
    guess = infer_sim_lock(key, released, japan_model=sold.japan_model is not False)
    fact = guess.as_fact()
    return Fact(fact.value, fact.provenance, fact.source, fact.note + era)


def _span(earliest: date | None, latest: date | None) -> str:
    return f"{earliest.isoformat() if earliest else '…'} to {latest.isoformat() if latest else '…'}"
