"""The conditions the verdict knows, in the order a technician deals with them. A policy gives each a
level per sales channel (policy.toml); the judge (judge.py) finds which apply to a phone.

`unknown_of` pairs a condition with the one it stands in for when the fact is not established: a
policy may not make an unknown better than HOLD where the known-bad case is worse than a disclosure,
and may never make an unknown SELLABLE (policy.py checks both when a policy is loaded). An `unknown`
condition has no machine-measured bad case to stand in for (a grade not entered yet, an erasure not
confirmed): it too is never SELLABLE.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    unknown_of: str | None = None
    unknown: bool = False  # stands for something not established, with no known-bad case to floor it


CONDITIONS: tuple[Condition, ...] = (
    Condition("not_ready", unknown_of="owner_lock_on"),  # trust, unlock, replug: nothing is established
    Condition("imei_unknown", unknown_of="restricted"),
    Condition("imei_invalid"),  # fails its check digit
    Condition("imei_mismatch"),  # not the IMEI expected for this stock item
    Condition("imei2_only_registered"),  # IMEI − while IMEI2 has a mark
    Condition("owner_lock_on"),
    Condition("owner_lock_unknown", unknown_of="owner_lock_on"),
    Condition("owner_lock_off_earlier"),  # erased now; measured off by an earlier inspection in use
    Condition("mdm_enrolled"),
    Condition("mdm_unknown", unknown_of="mdm_enrolled"),
    Condition("restricted"),
    Condition("pending"),
    Condition("not_checked", unknown_of="restricted"),
    Condition("carrier_unanswered", unknown_of="restricted"),
    Condition("not_registered_carrier_model", unknown_of="restricted"),
    Condition("in_use"),
    Condition("setup_unknown", unknown_of="in_use"),
    Condition("sim_inserted"),
    Condition("sim_presence_unknown", unknown_of="sim_inserted"),
    Condition("bootloader_unlocked"),
    Condition("bootloader_unknown", unknown_of="bootloader_unlocked"),
    Condition("sim_locked"),
    Condition("sim_lock_unconfirmed", unknown_of="sim_locked"),
    Condition("battery_worn"),
    Condition("battery_unknown", unknown_of="battery_worn"),
    # what the trade writes (the RMJ guideline): a grade a person entered, the erasure confirmed
    Condition("grade_unknown", unknown=True),  # never SELLABLE; a disclosure is enough until graded
    Condition("grade_j"),  # ジャンク: the NG items named
    Condition("grade_c"),  # cracked or chipped glass or case: where a shop's policy wants it
    Condition("erasure_unconfirmed", unknown=True),  # initialised, reset twice, second person, FeliCa, JPKI
)

KEYS: tuple[str, ...] = tuple(condition.key for condition in CONDITIONS)
BY_KEY = {condition.key: condition for condition in CONDITIONS}
