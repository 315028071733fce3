"""The SIM-lock inference follows the whole history (catalog/carriers.toml, ../shared/docs/domain.md) and is
never a confident "locked": an older carrier model is "possibly locked", a model every sale of which was
unlocked is "unlocked", the rest unknown."""

from __future__ import annotations

from datetime import date

import pytest

from tenken.catalog.simlock import infer_sim_lock
from tenken.devices.ios.facts import BY_DATES, use_lookups
from tenken.facts import (
    SIM_FREE,
    Carrier,
    DeviceFacts,
    DeviceRef,
    Fact,
    LookupResult,
    Outcome,
    Platform,
    Provenance,
    SoldFor,
)
from tests.conftest import text


@pytest.mark.parametrize(
    ("seller", "released", "locked"),
    [
        (Carrier.DOCOMO, date(2021, 8, 26), True),
        (Carrier.DOCOMO, date(2021, 8, 27), False),  # docomo's models from 2021-08-27
        (Carrier.AU, date(2021, 9, 30), True),
        (Carrier.AU, date(2021, 10, 1), False),
        (Carrier.SOFTBANK, date(2021, 5, 11), True),
        (Carrier.SOFTBANK, date(2021, 5, 12), False),  # every SoftBank sale from 2021-05-12 was unlocked
        (Carrier.RAKUTEN, date(2019, 10, 1), False),  # Rakuten never locked
        (SIM_FREE, date(2016, 1, 1), False),
        (None, date(2021, 10, 1), False),  # no model from 2021-10-01 was sold locked by anyone
        (None, date(2020, 1, 1), None),  # a SIM-free or a carrier phone: cannot tell
        (Carrier.DOCOMO, None, None),
    ],
)
def test_the_dates(seller: SoldFor | None, released: date | None, locked: bool | None) -> None:
    assert infer_sim_lock(seller, released).locked is locked


def test_an_older_carrier_model_is_possibly_locked_never_locked() -> None:
    guess = infer_sim_lock(Carrier.DOCOMO, date(2020, 6, 18))
    fact = guess.as_fact()
    assert (fact.value, fact.provenance) == (True, Provenance.INFERRED)
    said = text(fact.note)
    assert said.startswith("possibly SIM-locked: docomo model released 2020-06-18")
    assert "unlocked if its owner asked" in said
    assert "from 2020-08 docomo unlocked lump-sum and credit-card purchases at sale" in said
    assert "the carrier unlocks it free on request, for a second-hand owner too" in said  # 2015-05, 2019-09


def test_a_model_from_before_2015_05_need_not_be_unlocked() -> None:
    guess = infer_sim_lock(Carrier.AU, date(2014, 9, 19))
    assert guess.locked is True
    assert "released before 2015-05-01: the carrier need not unlock it" in text(guess.rule)


def test_softbank_says_its_sales_were_unlocked_by_purchase_date() -> None:
    guess = infer_sim_lock(Carrier.SOFTBANK, date(2020, 10, 9))
    assert "handed every phone over unlocked from 2021-05-12, whatever the model" in text(guess.rule)


@pytest.mark.parametrize(
    ("seller", "released", "locked"),
    [
        (None, date(2021, 9, 24), False),  # iPhone 13: every carrier sold it unlocked
        (Carrier.AU, date(2021, 9, 24), False),  # even before au's 2021-10-01
        (Carrier.AU, date(2020, 10, 23), True),  # iPhone 12 from au: possibly locked
        (Carrier.RAKUTEN, date(2020, 10, 23), False),
        (None, date(2020, 10, 23), None),  # Apple Store or a carrier: the look-ups may tell
    ],
)
def test_japanese_iphones(seller: Carrier | None, released: date, locked: bool | None) -> None:
    assert infer_sim_lock(seller, released, iphone=True).locked is locked


def test_a_foreign_model_gets_no_japanese_rule() -> None:
    guess = infer_sim_lock(Carrier.DOCOMO, date(2020, 1, 1), japan_model=False)
    assert guess.locked is None and "not a Japanese model" in text(guess.rule)


def _iphone(product_type: str, part_number: str, sim_locked: Fact[bool]) -> DeviceFacts:
    facts = DeviceFacts(DeviceRef(Platform.IOS, "udid"))
    facts.model_id = Fact.measured(product_type, "lockdown ProductType")
    facts.part_number = Fact.measured(part_number, "lockdown ModelNumber + RegionInfo")
    facts.sold_for = Fact.unknown("lockdown")
    facts.sim_locked = sim_locked
    return facts


def _answers(**marks: Outcome) -> list[LookupResult]:
    return [LookupResult("353915111001014", Carrier(name), outcome) for name, outcome in marks.items()]


def test_an_iphone_seller_comes_from_the_lookups() -> None:
    facts = _iphone("iPhone13,2", "MGHX3J/A", Fact.unknown(BY_DATES))  # iPhone 12, 2020-10-23
    use_lookups(facts, _answers(docomo=Outcome.NOT_FOUND, au=Outcome.OK))
    assert (facts.sold_for.value, facts.sold_for.provenance) == (Carrier.AU, Provenance.INFERRED)
    assert facts.sold_for.source == "carrier look-ups"
    assert (facts.sim_locked.value, facts.sim_locked.provenance) == (True, Provenance.INFERRED)
    assert text(facts.sim_locked.note).startswith("possibly SIM-locked: au model released 2020-10-23")


def test_a_lock_read_from_a_sim_is_kept_and_two_registers_name_no_seller() -> None:
    from_sim = Fact.inferred(False, "lockdown SIMStatus + CarrierBundleInfoArray")
    facts = _iphone("iPhone13,2", "MGHX3J/A", from_sim)
    use_lookups(facts, _answers(au=Outcome.OK))
    assert facts.sold_for.value is Carrier.AU and facts.sim_locked is from_sim
    unsure = _iphone("iPhone13,2", "MGHX3J/A", Fact.unknown(BY_DATES))
    use_lookups(unsure, _answers(docomo=Outcome.OK, au=Outcome.RESTRICTED))
    assert not unsure.sold_for.known and not unsure.sim_locked.known
