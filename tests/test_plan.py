"""The look-up plan (lookups/plan.py): fewer requests than IMEIs × carriers, never a wrong verdict."""

from __future__ import annotations

from tenken.facts import SIM_FREE, Carrier, DeviceFacts, DeviceRef, Fact, Outcome, Platform, msg
from tenken.inspection import Inspection
from tenken.lookups.plan import Query, next_ask, not_asked, order
from tenken.station.pipeline import plan_for, sim_network
from tenken.verdict.policy import load_policy

IMEI, IMEI2 = "490154203237518", "354178036859789"
ALL = list(Carrier)


def run(query: Query, register: dict[tuple[str, Carrier], Outcome]) -> list[tuple[str, Carrier]]:
    """Follow the plan against carriers that answer from `register` (− where nothing is set)."""
    answers: dict[tuple[str, Carrier], Outcome] = {}
    asked: list[tuple[str, Carrier]] = []
    while (pair := next_ask(query, answers)) is not None:
        asked.append(pair)
        answers[pair] = register.get(pair, Outcome.NOT_FOUND)
    return asked


def test_a_carrier_model_registered_where_its_number_says_takes_two_asks() -> None:
    query = Query((IMEI, IMEI2), order(ALL, (Carrier.DOCOMO,), None), (Carrier.DOCOMO,))
    asked = run(query, {(IMEI, Carrier.DOCOMO): Outcome.OK, (IMEI2, Carrier.DOCOMO): Outcome.NOT_FOUND})
    assert asked == [(IMEI, Carrier.DOCOMO), (IMEI2, Carrier.DOCOMO)]


def test_an_iphone_starts_with_its_sims_network_and_stops_at_the_seller() -> None:
    query = Query((IMEI,), order(ALL, (), Carrier.SOFTBANK))
    assert run(query, {(IMEI, Carrier.SOFTBANK): Outcome.PENDING}) == [(IMEI, Carrier.SOFTBANK)]
    unknown_sim = Query((IMEI,), order(ALL, (), None))
    asked = run(unknown_sim, {(IMEI, Carrier.AU): Outcome.RESTRICTED})
    assert asked == [(IMEI, Carrier.DOCOMO), (IMEI, Carrier.AU)]


def test_a_sim_free_phone_is_asked_everywhere_on_both_imeis() -> None:
    asked = run(Query((IMEI, IMEI2), order(ALL, (), None)), {})
    assert len(asked) == 8  # − everywhere for IMEI1: IMEI2 must be − everywhere too (else: rewritten IMEI)


def test_when_the_models_carrier_says_dash_the_others_are_asked() -> None:
    query = Query((IMEI,), order(ALL, (Carrier.AU,), None), (Carrier.AU,))
    assert [carrier for _, carrier in run(query, {})] == [
        Carrier.AU,
        Carrier.DOCOMO,
        Carrier.SOFTBANK,
        Carrier.RAKUTEN,
    ]


def test_a_carrier_that_does_not_answer_does_not_end_the_search() -> None:
    query = Query((IMEI,), order(ALL, (), None))
    asked = run(query, {(IMEI, Carrier.DOCOMO): Outcome.UNAVAILABLE, (IMEI, Carrier.AU): Outcome.OK})
    assert asked == [(IMEI, Carrier.DOCOMO), (IMEI, Carrier.AU)]


def test_a_blocked_phone_is_not_asked_and_every_pair_says_why() -> None:
    query = Query((IMEI, IMEI2), order(ALL, (), None), blocked_by=msg("reason.owner_lock_on"))
    assert next_ask(query, {}) is None
    skipped = not_asked(query, {})
    assert len(skipped) == 8 and {why.code for _, _, why in skipped} == {"plan.blocked"}


def test_pairs_not_asked_after_the_seller_is_found_say_so() -> None:
    query = Query((IMEI,), order(ALL, (Carrier.DOCOMO,), None), (Carrier.DOCOMO,))
    answers = {(IMEI, Carrier.DOCOMO): Outcome.OK}
    assert next_ask(query, answers) is None
    assert {why.code for _, _, why in not_asked(query, answers)} == {"plan.registered_elsewhere"}


def test_disabled_carriers_are_never_asked() -> None:
    query = Query((IMEI,), order([Carrier.DOCOMO, Carrier.AU], (), Carrier.RAKUTEN))
    assert [carrier for _, carrier in run(query, {})] == [Carrier.DOCOMO, Carrier.AU]
    assert {why.code for _, carrier, why in not_asked(query, {}) if carrier is Carrier.RAKUTEN} == {
        "plan.disabled"
    }


def test_the_sims_network_is_a_hint_of_whom_to_ask_first_and_nothing_more() -> None:
    """An MVNO SIM on au's network (440-78 included) in a docomo phone: au is asked second, not instead."""
    facts = DeviceFacts(DeviceRef(Platform.ANDROID, "phone"))
    facts.imei = Fact.measured(IMEI, "t")
    facts.sold_for = Fact.inferred(Carrier.DOCOMO, "model-number table")
    facts.sim_carrier = Fact.measured("au network", "gsm.sim.operator.numeric")
    assert sim_network(facts) is Carrier.AU
    query = plan_for(Inspection(facts), load_policy(), ALL)
    assert query.carriers[:2] == (Carrier.DOCOMO, Carrier.AU) and query.sellers == (Carrier.DOCOMO,)
    assert facts.sold_for.value is Carrier.DOCOMO  # the SIM never names the seller


def test_a_model_some_carriers_sold_is_asked_there_first_whatever_sim_is_inside() -> None:
    """A Pixel 7 (Japan SKU G03Z5: Google Store, au or SoftBank) with a Rakuten SIM: au and SoftBank first."""
    facts = DeviceFacts(DeviceRef(Platform.ANDROID, "pixel"))
    facts.imei = Fact.measured(IMEI, "t")
    facts.sold_by_candidates = Fact.inferred([SIM_FREE, Carrier.AU, Carrier.SOFTBANK], "Pixel SKU table")
    facts.sim_carrier = Fact.measured("Rakuten network", "gsm.sim.operator.numeric")
    query = plan_for(Inspection(facts), load_policy(), ALL)
    assert query.sellers == (Carrier.AU, Carrier.SOFTBANK)
    assert query.carriers == (Carrier.AU, Carrier.SOFTBANK, Carrier.RAKUTEN, Carrier.DOCOMO)
