"""The carrier the phone was sold for, the SIMs inserted, and the SIM lock, each with the rule used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tenken.catalog import carrier_for_mcc_mnc
from tenken.catalog.models_jp import lookup_model, match_pattern, pixel_japan_sku, samsung_csc
from tenken.catalog.simlock import infer_sim_lock, unlocked_models_from
from tenken.devices.android.props import first, slots
from tenken.facts import ANY_SELLER, SIM_FREE, Carrier, Fact, SoldFor, msg, sold_for_value

CSC_PROPS = ("ro.csc.sales_code", "ro.boot.sales_code", "persist.omc.sales_code", "ro.boot.carrierid")
SKU_PROPS = ("ro.boot.hardware.sku", "ro.boot.product.hardware.sku")
ACCEPTED = {"READY", "LOADED"}
REFUSED = {"NETWORK_LOCKED", "PERSO_LOCKED", "CARD_RESTRICTED"}  # CARD_RESTRICTED: carrier restrictions
NO_SIM = {"ABSENT", ""}
NOT_READY = {"UNKNOWN", "NOT_READY"}  # the phone cannot tell yet: radio off (airplane mode), starting up


@dataclass(frozen=True, slots=True)
class ModelMarket:
    """What the model number (or build) says about who the phone was made for."""

    sold_for: Fact[SoldFor]
    sales_region: Fact[str]
    model_name: Fact[str] | None
    candidates: Fact[list[SoldFor]]  # who could have sold the model (DeviceFacts.sold_by_candidates)
    japan_model: bool | None  # None: cannot tell
    earliest: date | None = None  # launch date (or the range the model number allows)
    latest: date | None = None

    @property
    def seller(self) -> SoldFor | None:
        return self.sold_for.value if self.sold_for.known else None


def sold_for(props: Mapping[str, str]) -> ModelMarket:
    model = props.get("ro.product.model", "").strip()
    csc = first(props, *CSC_PROPS)
    csc_build = samsung_csc(csc[1]) if csc else None
    info = lookup_model(model) if model else None
    table = "model-number table (models_jp.toml)"
    if info is not None:
        disagreement = None
        if csc is not None and csc_build is not None and csc_build.carrier != info.carrier:
            disagreement = msg(
                "android.csc_disagrees",
                prop=csc[0],
                code=csc[1],
                seller=sold_for_value(csc_build.carrier) if csc_build.carrier else None,
            )
        note = msg(
            "android.model_table",
            model=info.model,
            maker=info.maker,
            name=info.name,
            released=info.released.isoformat() if info.released else None,
            unverified=None if info.verified else msg("catalog.unverified"),
            disagreement=disagreement,
        )
        era = match_pattern(model) if info.released is None else None  # no date: the number's era bounds it
        return ModelMarket(
            sold_for=Fact.inferred(sold_for_value(info.carrier), table, note),
            sales_region=Fact.inferred("JP", table, msg("android.japanese_model", model=info.model)),
            model_name=Fact.inferred(info.name, table),
            candidates=sellers(sold_for_value(info.carrier), table),
            japan_model=True,
            earliest=era.earliest if era else info.released,
            latest=era.latest if era else info.released,
        )
    if csc is not None and csc_build is not None and csc_build.carrier is not None:
        key, code = csc
        build_seller = sold_for_value(csc_build.carrier)
        return ModelMarket(
            sold_for=Fact.inferred(
                build_seller, f"Samsung CSC {key}", msg("android.csc_build", code=code, seller=build_seller)
            ),
            sales_region=Fact.inferred(csc_build.market, f"Samsung CSC {key}", msg("android.csc", code=code)),
            model_name=None,
            candidates=sellers(build_seller, f"Samsung CSC {key}"),
            japan_model=True,
        )
    # A CSC not in the table names no seller (it may be a Japanese build we have not catalogued): the model
    # number decides, and without it the market stays unknown — never "overseas" for want of a table row.
    sku = first(props, *SKU_PROPS)
    pixel = pixel_japan_sku(sku[1]) if sku else None
    if sku is not None and pixel is not None:
        could = [sold_for_value(key) for key in pixel.sold_by]
        said = msg(
            "android.pixel_japan_sku",
            sku=sku[1],
            model=pixel.model,
            store="Google Store" if SIM_FREE in could else None,
            carriers=[key for key in could if isinstance(key, Carrier)],
        )  # the note and the fact say the same list
        return ModelMarket(
            sold_for=Fact.unknown(sku[0], said),
            sales_region=Fact.inferred(
                "JP", f"Pixel hardware SKU {sku[0]}", msg("android.pixel_sku", sku=sku[1], model=pixel.model)
            ),
            model_name=Fact.inferred(pixel.model, "Pixel SKU table (models_jp.toml)"),
            candidates=Fact.inferred(could, f"Pixel SKU table (models_jp.toml) {sku[1]}", said),
            japan_model=True,
            earliest=pixel.released,
            latest=pixel.released,
        )
    pattern = match_pattern(model) if model else None
    if pattern is not None:
        fallback = "model-number scheme (fallback)"
        return ModelMarket(
            sold_for=Fact.inferred(
                sold_for_value(pattern.carrier),
                fallback,
                msg("android.model_scheme", model=model, rule=pattern.rule),
            ),
            sales_region=Fact.inferred(
                "JP", fallback, msg("android.model_scheme", model=model, rule=pattern.rule)
            ),
            model_name=None,
            candidates=sellers(sold_for_value(pattern.carrier), fallback),
            japan_model=True,
            earliest=pattern.earliest,
            latest=pattern.latest,
        )
    why = msg(
        "android.model_unknown", model=model, csc=msg("android.csc_unknown", code=csc[1]) if csc else None
    )
    country = _csc_country(props, csc)
    abroad = country is not None and country.value != "JP"
    return ModelMarket(
        sold_for=Fact.unknown("ro.product.model", why),
        sales_region=country or Fact.unknown("ro.product.model", why),
        model_name=None,
        candidates=(
            Fact.inferred([], country.source, msg("sellers.abroad", region=country.value))
            if country is not None and abroad
            else Fact.unknown("ro.product.model", why)
        ),
        japan_model=None,
    )


def sellers(seller: SoldFor, source: str) -> Fact[list[SoldFor]]:
    """Who could have sold a model the table names: its carrier; for a SIM-free model, its maker and any
    carrier (carriers and their sub-brands sell SIM-free models too)."""
    if isinstance(seller, Carrier):
        return Fact.inferred([seller], source)
    return Fact.inferred(list(ANY_SELLER), source, msg("sellers.sim_free_model"))


def _csc_country(props: Mapping[str, str], csc: tuple[str, str] | None) -> Fact[str] | None:
    """The country a Samsung build says it is for (a property, as the firmware was built), if it says."""
    country = first(props, "ro.csc.countryiso_code") if csc else None
    if country is None or csc is None:
        return None
    return Fact.measured(country[1], country[0], msg("android.csc", code=csc[1]))


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
        """The SIM's network ("docomo network"): an MVNO rides on it, so it names no contract or seller."""
        info = carrier_for_mcc_mnc(self.numeric) if self.numeric else None
        if info is not None:
            return info.network
        if self.numeric:
            return f"{self.alpha} ({self.numeric})" if self.alpha else self.numeric
        return "?"


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
        return Fact.unknown("gsm.sim.state", msg("android.sim_state_unset"))
    return Fact.measured(raw, "gsm.sim.state")


def sim_carrier(props: Mapping[str, str]) -> Fact[str]:
    seen = sim_slots(props)
    inserted = [slot for slot in seen if slot.numeric or slot.state not in NO_SIM | NOT_READY]
    if "gsm.sim.state" not in props:
        return Fact.unknown("gsm.sim.operator.numeric", msg("android.sim_state_unset"))
    if not inserted:
        unsure = [f"{slot.number} {slot.state}" for slot in seen if slot.state in NOT_READY]
        if unsure:
            return Fact.unknown("gsm.sim.state", msg("android.sim_not_ready", slots=unsure))
        return Fact.measured("none", "gsm.sim.state", msg("sim.none"))
    if len(inserted) == 1:
        slot = inserted[0]
        note = msg("android.sim_slot", slot=slot.number, state=slot.state)
        return Fact.measured(slot.describe(), "gsm.sim.operator.numeric", note)
    value = "; ".join(f"{slot.number}: {slot.describe()}" for slot in inserted)
    return Fact.measured(value, "gsm.sim.operator.numeric", msg("android.sim_slots", count=len(inserted)))


def sim_locked(props: Mapping[str, str], market: ModelMarket) -> Fact[bool]:
    """Measured when an inserted SIM tells (refused, or another carrier's accepted); else inferred or unknown."""
    slots_seen = sim_slots(props)
    for slot in slots_seen:
        if slot.state in REFUSED:
            note = msg(
                "sim.refused_slot",
                slot=slot.number,
                sim=slot.describe(),
                state=slot.state,
                seller=market.seller,
            )
            return Fact.measured(True, "gsm.sim.state", note)
    for slot in slots_seen:
        if slot.state not in ACCEPTED or not slot.numeric:
            continue
        if not slot.japanese and market.japan_model:
            note = msg("sim.overseas_sim_accepted", slot=slot.number, sim=slot.describe())
            return Fact.measured(False, "gsm.sim.state", note)
        key = slot.carrier_key
        if key and market.seller not in (None, SIM_FREE, Carrier(key)):
            note = msg(
                "sim.other_carrier_works", slot=slot.number, carrier=Carrier(key), seller=market.seller
            )
            return Fact.measured(False, "gsm.sim.state", note)
    return _inferred_lock(market)


def _inferred_lock(market: ModelMarket) -> Fact[bool]:
    key = market.seller
    released = market.earliest if market.earliest == market.latest else None
    era = None
    if market.earliest != market.latest and isinstance(key, Carrier):
        since = unlocked_models_from(key)
        earliest, latest = market.earliest or date.min, market.latest or date.max
        era = _span(market.earliest, market.latest)
        if since is None:
            released = earliest  # never locked: any date gives the same answer
        elif latest < since:
            released = latest
        elif earliest >= since:
            released = earliest
        else:
            note = msg("simlock.era_spans_policy", era=era, carrier=key, policy=since.isoformat())
            return Fact.unknown("carrier SIM-lock policy dates", note)
    guess = infer_sim_lock(key, released, japan_model=market.japan_model is not False)
    fact = guess.as_fact()
    if era is None:
        return fact
    return fact.with_note(msg("simlock.with_era", rule=fact.note, era=era))


def _span(earliest: date | None, latest: date | None) -> str:
    return f"{earliest.isoformat() if earliest else '…'} – {latest.isoformat() if latest else '…'}"
