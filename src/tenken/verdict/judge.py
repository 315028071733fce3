"""The verdict: an inspection's facts and look-ups, judged under a policy, per sales channel. Pure.

`findings()` says which conditions (conditions.py) apply to the phone and what each rests on; the
policy gives each a level per channel; a channel's level is the worst of them. A condition that a
fact cannot settle is reported as its "unknown" condition, which a policy can never make SELLABLE:
nothing unknown ever turns into "sellable".
"""

from __future__ import annotations

from dataclasses import dataclass

from tenken.catalog import checker_page
from tenken.catalog.apple import JAPAN_REGION, region_name
from tenken.facts import (
    SIM_FREE,
    Carrier,
    DeviceFacts,
    DeviceState,
    Fact,
    Message,
    Outcome,
    Platform,
    Provenance,
    msg,
)
from tenken.imei import is_valid_imei
from tenken.inspection import Asked, ChannelVerdict, Inspection, Reason, erasure_missing, worst
from tenken.verdict import instructions
from tenken.verdict.conditions import BY_KEY
from tenken.verdict.policy import Policy

SIM_PRESENT = {"READY", "LOADED", "PRESENT", "PIN_REQUIRED", "PUK_REQUIRED", "NETWORK_LOCKED"}
SIM_PRESENT |= {"PERSO_LOCKED", "CARD_RESTRICTED", "CARD_IO_ERROR", "PERM_DISABLED"}
SIM_ABSENT = {"ABSENT", ""}
WORN_BELOW = 80.0  # battery health %: below it the buyer must be told
JAPAN = frozenset({"JP", region_name(JAPAN_REGION)})  # sales_region as the readers give it (Android, iPhone)
MANUAL = "manual:"  # the source of a fact a technician recorded (tenken record)


@dataclass(frozen=True, slots=True)
class Finding:
    condition: str
    says: Message
    facts: tuple[str, ...] = ()
    lookups: tuple[tuple[str, Carrier], ...] = ()
    action: Message | None = None
    carried_from: str | None = None


def judge(inspection: Inspection, policy: Policy) -> dict[str, ChannelVerdict]:
    """Per channel of the policy: the level and the reasons, worst first."""
    found = findings(inspection, policy.battery_worn_below)
    verdicts: dict[str, ChannelVerdict] = {}
    for key, channel in policy.channels.items():
        reasons = [
            Reason(
                condition=finding.condition,
                level=channel.levels[finding.condition],
                says=finding.says,
                facts=finding.facts,
                lookups=finding.lookups,
                action=finding.action,
                carried_from=finding.carried_from,
            )
            for finding in found
        ]
        reasons.sort(key=lambda reason: -reason.level.rank)
        verdicts[key] = ChannelVerdict(key, worst([reason.level for reason in reasons]), tuple(reasons))
    return verdicts


def findings(inspection: Inspection, worn_below: float) -> list[Finding]:
    """Every condition that applies to the phone, with what it rests on (`worn_below`: the policy's
    battery line)."""
    facts = inspection.facts
    found: list[Finding] = []
    if facts.state is not DeviceState.READY:
        found.append(
            Finding("not_ready", msg("reason.not_ready", state=facts.state), ("state",), action=facts.action)
        )
    found += _identity(inspection)
    found += _owner_lock(inspection)
    found += _management(inspection)
    found += _network(inspection)
    found += _setup(facts)
    found += _sim_card(facts)
    found += _bootloader(facts)
    found += _sim_lock(facts)
    found += _battery(facts, worn_below)
    found += _grade(facts)
    found += _erasure(facts)
    if facts.state is not DeviceState.READY:
        # The phone said little: "not ready" stands for every fact it did not give; keep what it did.
        found = [
            finding
            for finding in found
            if (BY_KEY[finding.condition].unknown_of is None and not BY_KEY[finding.condition].unknown)
            or finding.condition == "not_ready"
        ]
    return found


# ---------------------------------------------------------------------------------------------- identity


def _identity(inspection: Inspection) -> list[Finding]:
    facts = inspection.facts
    found: list[Finding] = []
    if not facts.imei.known and not facts.without_cellular():  # a Wi-Fi-only model has no IMEI to ask about
        found.append(
            Finding("imei_unknown", msg("reason.imei_unknown"), ("imei",), action=msg("todo.record_imei"))
        )
    for name, fact in (("imei", facts.imei), ("imei2", facts.imei2)):
        if fact.known and not is_valid_imei(str(fact.value)):
            found.append(
                Finding(
                    "imei_invalid",
                    msg("reason.imei_invalid", imei=str(fact.value)),
                    (name,),
                    action=msg("todo.check_tampering"),
                )
            )
    read = facts.imeis()
    if inspection.expected_imeis and read and not set(read) & set(inspection.expected_imeis):
        found.append(
            Finding(
                "imei_mismatch",
                msg("reason.imei_mismatch", read=read, expected=list(inspection.expected_imeis)),
                ("imei", "imei2"),
                action=msg("todo.check_tampering"),
            )
        )
    return found


# ---------------------------------------------------------------------------------------------- locks


def _carried_off(inspection: Inspection) -> bool:
    """An earlier inspection measured the owner lock off while the phone was in use; it is erased now.

    Only the owner lock carries over: it cannot be read after an erase. Management (DEP/MDM) can be, and
    is read again."""
    earlier = inspection.earlier
    lock = earlier.facts.owner_lock if earlier is not None else None
    return lock is not None and lock.provenance is Provenance.MEASURED and lock.value is False


def _manual(fact: Fact[bool]) -> bool:
    return fact.source.startswith(MANUAL)


def _erased(facts: DeviceFacts) -> bool:
    return facts.setup_complete.known and facts.setup_complete.value is False


def _owner_lock(inspection: Inspection) -> list[Finding]:
    facts = inspection.facts
    lock = facts.owner_lock
    if lock.known and lock.value:
        accounts = facts.owner_accounts.value if facts.owner_accounts.known else []
        ios = facts.ref.platform is Platform.IOS
        todo = msg("todo.find_my_off") if ios else instructions.remove_account(instructions.screens_of(facts))
        says = msg("reason.owner_lock_on", accounts=accounts or [], note=lock.note)
        return [Finding("owner_lock_on", says, ("owner_lock", "owner_accounts"), action=todo)]
    # After a reset Android lists no account but FRP still wants the previous owner's: only a technician
    # who stepped through setup (`tenken record`) or an earlier read in use can say the lock is off.
    erased_android = (
        facts.ref.platform is Platform.ANDROID and lock.known and _erased(facts) and not _manual(lock)
    )
    if lock.known and not erased_android:
        return []
    if _erased(facts) and _carried_off(inspection) and inspection.earlier is not None:
        return [
            Finding(
                "owner_lock_off_earlier",
                msg("reason.owner_lock_off_earlier", read_at=inspection.earlier.read_at),
                ("owner_lock", "setup_complete"),
                carried_from=inspection.earlier.inspection_id,
            )
        ]
    why = msg("reason.owner_lock_erased_android") if erased_android else lock.note
    return [
        Finding(
            "owner_lock_unknown",
            msg("reason.owner_lock_unknown", why=why),
            ("owner_lock", "setup_complete"),
            action=instructions.read_owner_lock(instructions.screens_of(facts)),
        )
    ]


def _management(inspection: Inspection) -> list[Finding]:
    facts = inspection.facts
    managed = [
        name
        for name in ("mdm_enrolled", "supervised")
        if getattr(facts, name).known and getattr(facts, name).value
    ]
    if managed:
        note = facts.mdm_enrolled.note if "mdm_enrolled" in managed else facts.supervised.note
        return [
            Finding(
                "mdm_enrolled",
                msg("reason.mdm_enrolled", note=note),
                tuple(managed),
                action=msg("todo.organisation_releases"),
            )
        ]
    needed = [fact for _, fact in facts.management()]
    if all(fact.known for fact in needed):
        return []
    unknown = next(fact for fact in needed if not fact.known)
    return [
        Finding(
            "mdm_unknown",
            msg("reason.mdm_unknown", why=unknown.note),
            ("mdm_enrolled", "supervised"),
            action=instructions.read_management(instructions.screens_of(facts)),
        )
    ]


# ---------------------------------------------------------------------------------------------- network


def could_have_sold(facts: DeviceFacts) -> list[Carrier]:
    """The carriers whose register may hold the phone, in market order: the one that sold it (its model
    number, or the look-ups); else the carriers among those the model could have come from
    (`sold_by_candidates`: a Pixel's SKU, sold by Google Store, au or SoftBank; none for a model made for
    another country); else all four. The look-up plan asks them first, and only they can hold the phone."""
    seller = facts.sold_for.value if facts.sold_for.known else None
    if isinstance(seller, Carrier) and facts.sold_for.provenance is not Provenance.UNKNOWN:
        return [seller]
    candidates = facts.sold_by_candidates
    if candidates.known and isinstance(candidates.value, list):
        return [carrier for carrier in Carrier if carrier in candidates.value]
    region = facts.sales_region  # an inspection kept before sold_by_candidates: the same rule
    if region.provenance is Provenance.MEASURED and region.known and region.value not in JAPAN:
        return []
    return list(Carrier)


def _answers(asked: list[Asked], imei: str) -> dict[Carrier, Outcome]:
    return {entry.carrier: entry.result.outcome for entry in asked if entry.imei == imei and entry.result}


def _carriers(pairs: tuple[tuple[str, Carrier], ...]) -> list[Carrier]:
    return [carrier for carrier in Carrier if carrier in {found for _, found in pairs}]


def _imeis(pairs: tuple[tuple[str, Carrier], ...]) -> list[str]:
    return sorted({imei for imei, _ in pairs})


def _network(inspection: Inspection) -> list[Finding]:
    facts = inspection.facts
    imeis = [value for value in facts.imeis() if is_valid_imei(value)]
    if not imeis or not facts.imei.known:
        return []
    if not inspection.looked_up:
        return [Finding("not_checked", msg("reason.not_checked"), ("imei",), action=msg("todo.look_up"))]
    asked = inspection.asked
    marks = [(entry.imei, entry.carrier, entry.result.outcome) for entry in asked if entry.result]
    found: list[Finding] = []
    restricted = tuple((imei, carrier) for imei, carrier, seen in marks if seen is Outcome.RESTRICTED)
    pending = tuple((imei, carrier) for imei, carrier, seen in marks if seen is Outcome.PENDING)
    if restricted:
        says = msg("reason.restricted", carriers=_carriers(restricted), imeis=_imeis(restricted))
        found.append(Finding("restricted", says, ("imei", "imei2"), restricted, msg("todo.keep_evidence")))
    if pending:
        says = msg("reason.pending", carriers=_carriers(pending), imeis=_imeis(pending))
        found.append(Finding("pending", says, ("imei", "imei2"), pending, msg("todo.recheck_pending")))
    if found:
        return found
    primary = imeis[0]
    registered = {imei: _registering(asked, imei) for imei in imeis}
    second = imeis[1] if len(imeis) > 1 else None
    if second is not None and not registered[primary] and registered[second]:
        return _imei2_only(inspection, primary, second, registered[second])
    # Every IMEI must be read where it matters before the network is settled: at the seller the look-ups
    # name (IMEI1 registered there), else at every carrier that could have sold the phone. An IMEI that a
    # carrier registers is settled there (only the seller registers an IMEI); an unreadable answer about
    # any other settles nothing (a dual-SIM phone's IMEI2 may be × where IMEI1 is ○).
    relevant = [carrier for carrier in Carrier if carrier in registered[primary]] or could_have_sold(facts)
    missing = tuple(
        (imei, carrier)
        for imei in imeis
        if not registered[imei]
        for carrier in relevant
        if _answers(asked, imei).get(carrier) is not Outcome.NOT_FOUND
    )
    if missing:
        says = msg("reason.carrier_unanswered", carriers=_carriers(missing), imeis=_imeis(missing))
        return [
            Finding(
                "carrier_unanswered", says, ("imei", "imei2", "sold_for"), missing, check_by_hand(missing)
            )
        ]
    if registered[primary]:
        return []  # ○ at the carrier that sold it, every IMEI read there; the others' silence says nothing
    basis = tuple((imei, carrier) for imei in imeis for carrier in relevant)
    seller = facts.sold_for.value if facts.sold_for.known else None
    if isinstance(seller, Carrier):
        says = msg("reason.not_registered_carrier_model", carrier=seller)
        return [
            Finding(
                "not_registered_carrier_model",
                says,
                ("imei", "sold_for"),
                basis,
                msg("todo.check_imei_again"),
            )
        ]
    return []  # − everywhere for a SIM-free, overseas or Apple model: not registered is expected


def check_by_hand(pairs: tuple[tuple[str, Carrier], ...]) -> Message:
    """What the technician does about answers nobody could read: which carrier's page to open, where, and
    which IMEIs to type there, then record each mark."""
    pages = []
    for carrier in _carriers(pairs):
        imeis = " / ".join(_imeis(tuple(pair for pair in pairs if pair[1] is carrier)))
        pages.append(msg("todo.checker_page", carrier=carrier, url=checker_page(carrier), imeis=imeis))
    return msg("todo.check_by_hand", pages=pages)


def _registering(asked: list[Asked], imei: str) -> set[Carrier]:
    return {carrier for carrier, seen in _answers(asked, imei).items() if seen.registers}


def _imei2_only(inspection: Inspection, primary: str, second: str, sellers: set[Carrier]) -> list[Finding]:
    """IMEI2 is registered and IMEI1 is not: a rewritten IMEI1 — but only when IMEI1 was read as − at
    every carrier that could have sold the phone: the one that registers IMEI2 (only the seller registers
    an IMEI), and the one its model number names. An IMEI1 that could not be read at one of them is an
    unanswered question, never tampering: an outage is not evidence."""
    answers = _answers(inspection.asked, primary)
    model = inspection.facts.sold_for.value if inspection.facts.sold_for.known else None
    could = sellers | ({model} if isinstance(model, Carrier) else set())
    at = [carrier for carrier in Carrier if carrier in could]
    unread = tuple((primary, carrier) for carrier in at if answers.get(carrier) is not Outcome.NOT_FOUND)
    if unread:
        says = msg("reason.carrier_unanswered", carriers=_carriers(unread), imeis=[primary])
        return [Finding("carrier_unanswered", says, ("imei", "imei2"), unread, check_by_hand(unread))]
    registered_at = [carrier for carrier in Carrier if carrier in sellers]
    basis = (*((primary, carrier) for carrier in at), *((second, carrier) for carrier in registered_at))
    says = msg("reason.imei2_only_registered", carriers=registered_at)
    return [Finding("imei2_only_registered", says, ("imei", "imei2"), basis, msg("todo.check_tampering"))]


# ---------------------------------------------------------------------------------------------- the rest


def _setup(facts: DeviceFacts) -> list[Finding]:
    setup = facts.setup_complete
    if not setup.known:
        return [
            Finding(
                "setup_unknown",
                msg("reason.setup_unknown", why=setup.note),
                ("setup_complete",),
                action=msg("todo.look_at_screen"),
            )
        ]
    if setup.value:
        return [Finding("in_use", msg("reason.in_use"), ("setup_complete",), action=msg("todo.initialise"))]
    return []


def sim_states(facts: DeviceFacts) -> list[str]:
    if not facts.sim_state.known:
        return []
    return [state.strip().upper() for state in str(facts.sim_state.value).split(",")]


def _sim_card(facts: DeviceFacts) -> list[Finding]:
    states = sim_states(facts)
    carrier = facts.sim_carrier
    if any(state in SIM_PRESENT for state in states) or (carrier.known and carrier.value != "none"):
        shown = str(carrier.value) if carrier.known else ", ".join(states)
        return [
            Finding(
                "sim_inserted",
                msg("reason.sim_inserted", sim=shown),
                ("sim_state", "sim_carrier"),
                action=msg("todo.remove_sim"),
            )
        ]
    if states and all(state in SIM_ABSENT for state in states):
        return []
    if carrier.known and carrier.value == "none":
        return []
    return [
        Finding(
            "sim_presence_unknown",
            msg("reason.sim_presence_unknown", why=carrier.note),
            ("sim_state", "sim_carrier"),
            action=msg("todo.look_at_tray"),
        )
    ]


def _bootloader(facts: DeviceFacts) -> list[Finding]:
    if facts.ref.platform is not Platform.ANDROID:
        return []
    fact = facts.bootloader_unlocked
    if not fact.known:
        return [
            Finding(
                "bootloader_unknown",
                msg("reason.bootloader_unknown", why=fact.note),
                ("bootloader_unlocked",),
                action=msg("todo.check_bootloader"),
            )
        ]
    if fact.value:
        return [
            Finding(
                "bootloader_unlocked",
                msg("reason.bootloader_unlocked"),
                ("bootloader_unlocked",),
                action=msg("todo.relock"),
            )
        ]
    return []


def _sim_lock(facts: DeviceFacts) -> list[Finding]:
    fact = facts.sim_locked
    if fact.provenance is Provenance.MEASURED and fact.value is True:
        return [
            Finding(
                "sim_locked",
                msg("reason.sim_locked", note=fact.note),
                ("sim_locked",),
                action=msg("todo.offer_unlock"),
            )
        ]
    if fact.provenance is Provenance.MEASURED and fact.value is False:
        return []
    if facts.sold_for.known and facts.sold_for.value == SIM_FREE:
        return []
    guess = fact.value if fact.known else None
    says = msg("reason.sim_lock_unconfirmed", guess=guess, note=fact.note)
    todo = instructions.read_sim_lock(instructions.screens_of(facts))
    return [Finding("sim_lock_unconfirmed", says, ("sim_locked", "sold_for"), action=todo)]


def _battery(facts: DeviceFacts, worn_below: float) -> list[Finding]:
    health = facts.battery_health_pct
    if not health.known or not isinstance(health.value, int | float):
        return [
            Finding(
                "battery_unknown",
                msg("reason.battery_unknown"),
                ("battery_health_pct",),
                action=instructions.record_battery(instructions.screens_of(facts)),
            )
        ]
    if health.value < worn_below:
        return [
            Finding(
                "battery_worn",
                msg("reason.battery_worn", percent=health.value, line=worn_below),
                ("battery_health_pct",),
                action=msg("todo.disclose_battery"),
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------- the trade


def _grade(facts: DeviceFacts) -> list[Finding]:
    """The appearance grade a person entered (never guessed): none yet, J (ジャンク) or C."""
    grade = facts.grade
    if not grade.known:
        return [
            Finding("grade_unknown", msg("reason.grade_unknown"), ("grade",), action=msg("todo.record_grade"))
        ]
    rank = facts.grade_class.value if facts.grade_class.known else grade.value
    ng = list(facts.ng_items.value or []) if facts.ng_items.known else []
    if rank == "J":
        says = msg("reason.grade_j", grade=grade.value, ng=ng)
        return [Finding("grade_j", says, ("grade", "ng_items"), action=msg("todo.sell_as_junk"))]
    if rank == "C":
        says = msg("reason.grade_c", grade=grade.value, ng=ng)
        return [Finding("grade_c", says, ("grade", "ng_items"), action=msg("todo.disclose_grade"))]
    return []


def _erasure(facts: DeviceFacts) -> list[Finding]:
    """The guideline's erasure: what the phone shows (initialised) and what a person confirmed."""
    missing = erasure_missing(facts)
    if not missing:
        return []
    says = msg("reason.erasure_unconfirmed", missing=[msg(f"erasure.missing.{step}") for step in missing])
    in_use = facts.erased.known and facts.erased.value is False  # in_use's action says: initialise
    action = None if in_use else msg("todo.erase") if "measured" in missing else msg("todo.confirm_erasure")
    return [Finding("erasure_unconfirmed", says, ("erased", "erasure_checks"), action=action)]
