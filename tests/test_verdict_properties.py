"""Unknown is never clean: over generated inspections, a fact that a blocking rule needs and that is not
established always holds the phone back (HOLD or worse), and nothing unknown is ever plain SELLABLE —
whether the unknown is IMEI1's or IMEI2's, at any carrier. And an outage is never evidence: an
unreadable answer never blocks a phone by itself.

The test decides "not established" on its own, from the facts, not by asking the judge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tenken.facts import (
    SIM_FREE,
    Carrier,
    DeviceFacts,
    DeviceRef,
    DeviceState,
    Fact,
    LookupResult,
    Outcome,
    Platform,
)
from tenken.imei import is_valid_imei
from tenken.inspection import Asked, Earlier, Inspection, Level
from tenken.verdict.judge import judge
from tenken.verdict.policy import Policy, load_policy

POLICY = load_policy()
IMEIS = ("490154203237518", "354178036859789", "490154203237519")  # the last fails its check digit
REGISTERING = (Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED)


def bool_fact() -> st.SearchStrategy[Fact[bool]]:
    return st.sampled_from(
        [
            Fact.unknown("test"),
            Fact.measured(True, "test"),
            Fact.measured(False, "test"),
            Fact.inferred(True, "test"),
            Fact.inferred(False, "test"),
        ]
    )


BOOLS = ("owner_lock", "mdm_enrolled", "supervised", "setup_complete", "bootloader_unlocked", "sim_locked")
SIM_STATES = [
    Fact.unknown("t"),
    Fact.measured("ABSENT", "t"),
    Fact.measured("READY", "t"),
    Fact.measured("NOT_READY,ABSENT", "t"),
]
SIM_CARRIERS = [Fact.unknown("t"), Fact.measured("none", "t"), Fact.measured("docomo", "t")]
SELLERS = [Fact.unknown("t"), Fact.inferred(SIM_FREE, "t"), *(Fact.inferred(c, "t") for c in Carrier)]
CANDIDATES = [  # who could have sold the model: not known, a Pixel's SKU, one carrier, anyone, no one here
    Fact.unknown("t"),
    Fact.inferred([SIM_FREE, Carrier.AU, Carrier.SOFTBANK], "t"),
    Fact.inferred([Carrier.DOCOMO], "t"),
    Fact.inferred([*Carrier, SIM_FREE], "t"),
    Fact.inferred([], "t"),
]
BATTERIES = [Fact.unknown("t"), Fact.measured(91.0, "t"), Fact.inferred(72.5, "t")]
CELLULAR = [Fact.unknown("t"), Fact.measured(True, "t"), Fact.measured(False, "t"), Fact.inferred(False, "t")]
PERTURBABLE = (
    *BOOLS,
    "cellular",
    "state",
    "imei",
    "imei2",
    "sim_state",
    "sim_carrier",
    "sold_for",
    "sold_by_candidates",
    "battery",
    "answers",
    "looked_up",
    "earlier",
    "grade",
    "erased",
    "erasure_checks",
)


COMPLETE_CHECKS = {"resets": 2, "checked_by": "suzuki", "felica": "cleared", "jpki": "revoked"}
GRADES = [Fact.unknown("t"), *(Fact.measured(rank, "manual: t") for rank in "SABCJ")]
ERASED = [Fact.unknown("t"), Fact.measured(True, "t"), Fact.measured(False, "t")]
CHECKS = [
    Fact.unknown("t"),
    Fact.measured(COMPLETE_CHECKS, "manual: t"),
    *(
        Fact.measured({k: v for k, v in COMPLETE_CHECKS.items() if k != left}, "manual: t")
        for left in COMPLETE_CHECKS
    ),
    Fact.measured({**COMPLETE_CHECKS, "resets": 1}, "manual: t"),
]


def clean(platform: Platform) -> Inspection:
    """A phone with every fact established and good: sellable everywhere."""
    facts = DeviceFacts(DeviceRef(platform, "phone-1"))
    facts.imei = Fact.measured(IMEIS[0], "t")
    facts.imei2 = Fact.measured("356868000041418", "t")
    for name in BOOLS:
        setattr(facts, name, Fact.measured(False, "t"))
    facts.sim_state, facts.sim_carrier = Fact.measured("ABSENT", "t"), Fact.measured("none", "t")
    facts.sold_for = Fact.inferred(Carrier.DOCOMO, "t")
    facts.battery_health_pct = Fact.measured(91.0, "t")
    facts.grade, facts.grade_class = Fact.measured("A", "manual: t"), Fact.measured("A", "manual: t")
    facts.erased = Fact.measured(True, "t")
    facts.erasure_checks = Fact.measured(COMPLETE_CHECKS, "manual: t")
    asked = [
        Asked(imei, Carrier.DOCOMO, LookupResult(imei, Carrier.DOCOMO, Outcome.OK))
        for imei in (IMEIS[0], "356868000041418")  # both IMEIs ○ at the seller
    ]
    before = DeviceFacts(DeviceRef(platform, "phone-1"))  # read in use, before the erase: owner lock off
    before.owner_lock = Fact.measured(False, "t")
    earlier = Earlier("earlier-1", datetime.now(UTC) - timedelta(hours=1), before)
    return Inspection(facts, asked=asked, earlier=earlier)


@st.composite
def inspections(draw: st.DrawFn) -> Inspection:
    """A clean phone with up to four facts changed: every rule gets to meet its unknown alone."""
    inspection = clean(draw(st.sampled_from(list(Platform))))
    facts = inspection.facts
    for field in draw(st.sets(st.sampled_from(PERTURBABLE), max_size=3)):
        if field in BOOLS:
            setattr(facts, field, draw(bool_fact()))
        elif field == "state":
            facts.state = draw(st.sampled_from(list(DeviceState)))
        elif field in ("imei", "imei2"):
            imei = draw(st.sampled_from([None, *IMEIS, "356868000041418"]))
            setattr(facts, field, Fact.measured(imei, "t") if imei else Fact.unknown("t"))
        elif field == "sim_state":
            facts.sim_state = draw(st.sampled_from(SIM_STATES))
        elif field == "sim_carrier":
            facts.sim_carrier = draw(st.sampled_from(SIM_CARRIERS))
        elif field == "sold_for":
            facts.sold_for = draw(st.sampled_from(SELLERS))
        elif field == "sold_by_candidates":
            facts.sold_by_candidates = draw(st.sampled_from(CANDIDATES))
        elif field == "battery":
            facts.battery_health_pct = draw(st.sampled_from(BATTERIES))
        elif field == "cellular":  # with the IMEIs taken away too, now and then: a Wi-Fi-only model
            facts.cellular = draw(st.sampled_from(CELLULAR))
            if draw(st.booleans()):
                facts.imei = facts.imei2 = Fact.unknown("t")
        elif field == "looked_up":
            inspection.looked_up = False
        elif field == "grade":
            facts.grade = facts.grade_class = draw(st.sampled_from(GRADES))
        elif field == "erased":
            facts.erased = draw(st.sampled_from(ERASED))
        elif field == "erasure_checks":
            facts.erasure_checks = draw(st.sampled_from(CHECKS))
        elif field == "earlier":
            if draw(st.booleans()):
                inspection.earlier = None
            else:
                before = DeviceFacts(DeviceRef(facts.ref.platform, "phone-1"))
                before.owner_lock = draw(bool_fact())
                before.mdm_enrolled = draw(bool_fact())
                inspection.earlier = Earlier("earlier-1", datetime.now(UTC) - timedelta(hours=1), before)
        else:
            inspection.asked = draw(answers(facts))
    return inspection


# − is what most carriers answer; the rest in proportion, so that every mix comes up
OUTCOMES = [None, Outcome.NOT_FOUND, Outcome.NOT_FOUND, Outcome.NOT_FOUND, *Outcome]


@st.composite
def answers(draw: st.DrawFn, facts: DeviceFacts) -> list[Asked]:
    return [
        Asked(number, carrier, LookupResult(number, carrier, outcome))
        for number in facts.imeis()
        for carrier in Carrier
        if (outcome := draw(st.sampled_from(OUTCOMES))) is not None
    ]


@st.composite
def network_cases(draw: st.DrawFn) -> Inspection:
    """A clean phone whose only doubts are who sold it and what the carriers answered."""
    inspection = clean(draw(st.sampled_from(list(Platform))))
    inspection.facts.sold_for = draw(st.sampled_from(SELLERS))
    inspection.facts.sold_by_candidates = draw(st.sampled_from(CANDIDATES))
    inspection.asked = draw(answers(inspection.facts))
    return inspection


def test_the_clean_baseline_is_sellable_everywhere() -> None:
    for platform in Platform:
        verdicts = judge(clean(platform), POLICY)
        assert {channel: verdict.level for channel, verdict in verdicts.items()} == dict.fromkeys(
            POLICY.channels, Level.SELLABLE
        )


def carried_off(inspection: Inspection) -> bool:
    earlier, facts = inspection.earlier, inspection.facts
    return (
        earlier is not None
        and earlier.facts.owner_lock.provenance.value == "measured"
        and earlier.facts.owner_lock.value is False
        and facts.setup_complete.known
        and facts.setup_complete.value is False
    )


def not_established(inspection: Inspection) -> dict[str, bool]:
    """For each blocking rule, whether the facts it needs are missing (decided here, independently)."""
    facts = inspection.facts
    android = facts.ref.platform is Platform.ANDROID
    erased = facts.setup_complete.known and facts.setup_complete.value is False
    read_off_while_erased = (
        erased and facts.owner_lock.value is False and not facts.owner_lock.source.startswith("manual")
    )
    owner = not facts.owner_lock.known or (android and read_off_while_erased)
    if owner and carried_off(inspection) and facts.owner_lock.value is not True:
        owner = False
    mdm = not facts.mdm_enrolled.known or (not android and not facts.supervised.known)
    network = _network_unknown(inspection)
    sim = not facts.sim_state.known and not facts.sim_carrier.known
    return {
        "owner_lock_on": owner,
        "mdm_enrolled": mdm,
        "restricted": network,
        "in_use": not facts.setup_complete.known,
        "sim_inserted": sim,
        "bootloader_unlocked": android and not facts.bootloader_unlocked.known,
    }


def _network_unknown(inspection: Inspection) -> bool:
    """The carriers' answers do not settle the phone: some valid IMEI is registered nowhere and was not
    read as − at a carrier that matters — the seller its IMEI1 names, else every carrier its model allows
    (a × or △ anywhere settles it; so does IMEI1 read − where IMEI2 is registered: tampering)."""
    facts = inspection.facts
    if not facts.imei.known:
        # nothing to ask only for a model measured without cellular that gave no IMEI at all
        wifi_only = facts.cellular.provenance.value == "measured" and facts.cellular.value is False
        return not (wifi_only and not facts.imei2.known)
    if not is_valid_imei(str(facts.imei.value)):
        return False  # the invalid IMEI is itself a blocking reason
    if not inspection.looked_up:
        return True
    if any(entry.outcome in (Outcome.PENDING, Outcome.RESTRICTED) for entry in inspection.asked):
        return False
    valid = [imei for imei in facts.imeis() if is_valid_imei(imei)]
    said = {imei: {e.carrier: e.outcome for e in inspection.asked if e.imei == imei} for imei in valid}
    ok = {imei: {carrier for carrier, seen in said[imei].items() if seen is Outcome.OK} for imei in valid}
    primary, others = valid[0], valid[1:]
    seller = facts.sold_for.value
    could = facts.sold_by_candidates.value if facts.sold_by_candidates.known else list(Carrier)
    candidates = {seller} if isinstance(seller, Carrier) else {c for c in Carrier if c in could}
    if ok[primary]:
        matters = ok[primary]
    elif any(ok[imei] for imei in others):  # tampering, if IMEI1 is − wherever the phone could come from
        named = (
            {seller} if isinstance(seller, Carrier) else set()
        )  # the model's; IMEI2's register names the rest
        could = named | set().union(*(ok[imei] for imei in others))
        return any(said[primary].get(carrier) is not Outcome.NOT_FOUND for carrier in could)
    else:
        matters = candidates
    return any(
        said[imei].get(carrier) is not Outcome.NOT_FOUND
        for imei in valid
        if not ok[imei]
        for carrier in matters
    )


def blocking(policy: Policy, channel: str, condition: str) -> bool:
    return policy.channels[channel].levels[condition].rank > Level.SELLABLE_WITH_DISCLOSURE.rank


@settings(max_examples=1500, deadline=None)
@given(inspections())
def test_a_blocking_rule_that_lacks_its_fact_holds_the_phone(inspection: Inspection) -> None:
    verdicts = judge(inspection, POLICY)
    unknown = not_established(inspection)
    for channel, verdict in verdicts.items():
        for condition, missing in unknown.items():
            if missing and blocking(POLICY, channel, condition):
                assert verdict.level.rank >= Level.HOLD.rank, (channel, condition, verdict)


@settings(max_examples=1500, deadline=None)
@given(network_cases())
def test_a_carrier_that_could_have_sold_the_phone_and_did_not_answer_holds_it(inspection: Inspection) -> None:
    if _network_unknown(inspection):
        assert all(verdict.level.rank >= Level.HOLD.rank for verdict in judge(inspection, POLICY).values())


@settings(max_examples=1500, deadline=None)
@given(inspections())
def test_nothing_unknown_is_ever_plain_sellable(inspection: Inspection) -> None:
    verdicts = judge(inspection, POLICY)
    if any(not_established(inspection).values()) or inspection.facts.state is not DeviceState.READY:
        assert all(verdict.level is not Level.SELLABLE for verdict in verdicts.values())


@settings(max_examples=200, deadline=None)
@given(inspections())
def test_every_reason_names_what_it_rests_on_and_the_worst_reason_is_the_level(
    inspection: Inspection,
) -> None:
    for verdict in judge(inspection, POLICY).values():
        for reason in verdict.reasons:
            assert reason.facts or reason.lookups
        if verdict.reasons:
            assert verdict.level is verdict.reasons[0].level
        else:
            assert verdict.level is Level.SELLABLE


@settings(max_examples=1500, deadline=None)
@given(network_cases())
def test_an_unreadable_answer_never_blocks_a_phone_by_itself(inspection: Inspection) -> None:
    """Every answer a blocking or parts-only reason rests on was read (a mark): no outage, CAPTCHA or
    changed page is ever taken for × or for tampering."""
    said = {(entry.imei, entry.carrier): entry.outcome for entry in inspection.asked}
    for verdict in judge(inspection, POLICY).values():
        for reason in verdict.reasons:
            if reason.level.rank >= Level.PARTS_ONLY.rank and reason.lookups:
                assert all(said[pair].is_mark for pair in reason.lookups), reason
            if reason.condition == "imei2_only_registered":  # IMEI1 read −, not merely unread
                primary = inspection.facts.imei.value
                assert any(imei == primary for imei, _ in reason.lookups)


@settings(max_examples=1500, deadline=None)
@given(network_cases(), st.sampled_from([0, 1]), st.sampled_from(list(Carrier)))
def test_unknown_in_any_position_is_never_sellable(
    inspection: Inspection, position: int, carrier: Carrier
) -> None:
    """Take a phone the carriers settle, and make one answer it needed unreadable — IMEI1's or IMEI2's, at
    any carrier: it is never SELLABLE on any channel."""
    facts = inspection.facts
    imeis = [imei for imei in facts.imeis() if is_valid_imei(imei)]
    if position >= len(imeis) or _network_unknown(inspection):
        return
    target = imeis[position]
    needed = [e for e in inspection.asked if e.imei == target and e.carrier is carrier and e.outcome.is_mark]
    if not needed:
        return
    broken = [
        Asked(e.imei, e.carrier, LookupResult(e.imei, e.carrier, Outcome.UNAVAILABLE)) if e in needed else e
        for e in inspection.asked
    ]
    import copy

    other = copy.copy(inspection)
    other.asked = broken
    if _network_unknown(other):
        assert all(verdict.level is not Level.SELLABLE for verdict in judge(other, POLICY).values())


def trade_unconfirmed(facts: DeviceFacts) -> bool:
    """No grade, or the guideline's erasure not all established (decided here, independently)."""
    checks = facts.erasure_checks.value if facts.erasure_checks.known else {}
    complete = (
        facts.erased.known
        and facts.erased.value is True
        and checks.get("resets", 0) >= 2
        and bool(checks.get("checked_by"))
        and checks.get("felica") in ("cleared", "warned", "none")
        and checks.get("jpki") in ("revoked", "none")
    )
    return not facts.grade.known or not complete


@settings(max_examples=1500, deadline=None)
@given(inspections())
def test_an_ungraded_phone_or_an_unconfirmed_erasure_is_never_plain_sellable(inspection: Inspection) -> None:
    verdicts = judge(inspection, POLICY)
    if trade_unconfirmed(inspection.facts):
        assert all(verdict.level is not Level.SELLABLE for verdict in verdicts.values())
    if inspection.facts.grade.value == "J":
        assert verdicts["retail"].level.rank >= Level.PARTS_ONLY.rank
