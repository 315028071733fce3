"""SIM-lock inference from the carriers' policy dates (no phone tells its carrier lock directly).

Japanese carriers stopped selling SIM-locked phones in 2021 (carriers.toml holds the dates). A model
released on or after its carrier's date carries no lock; an older carrier model was sold locked and
stays so unless unlocked on request, which only a SIM of another carrier reveals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tenken.catalog import carriers
from tenken.facts import SIM_FREE, Carrier, Fact, Message, SoldFor, msg


@dataclass(frozen=True, slots=True)
class SimLockGuess:
    locked: bool | None  # None: cannot be inferred
    rule: Message  # the evidence

    def as_fact(self, source: str = "carrier SIM-lock policy dates") -> Fact[bool]:
        if self.locked is None:
            return Fact.unknown(source, self.rule)
        return Fact.inferred(self.locked, source, self.rule)


def latest_policy_date() -> date:
    """From this date on, no Japanese carrier released a SIM-locked model."""
    return max(info.simlock_free_from for info in carriers().values())


def infer_sim_lock(
    sold_by: SoldFor | None, released: date | None, *, japan_model: bool = True
) -> SimLockGuess:
    """Guess the SIM lock from who sold the phone and when the model came out, saying which rule applied.

    sold_by: the carrier the model was made for, SIM_FREE, or None when unknown.
    """
    if not japan_model:
        return SimLockGuess(None, msg("simlock.not_japanese_model"))
    if sold_by == SIM_FREE:
        return SimLockGuess(False, msg("simlock.sold_sim_free"))
    if sold_by is None:
        if released is not None and released >= latest_policy_date():
            return SimLockGuess(
                False,
                msg(
                    "simlock.after_every_carrier",
                    released=released.isoformat(),
                    policy=latest_policy_date().isoformat(),
                ),
            )
        return SimLockGuess(None, msg("simlock.seller_unknown"))
    info = carriers().get(sold_by)
    if info is None:
        return SimLockGuess(None, msg("simlock.no_policy", carrier=sold_by))
    if released is None:
        return SimLockGuess(None, msg("simlock.release_unknown", carrier=Carrier(info.key)))
    if released >= info.simlock_free_from:
        return SimLockGuess(
            False,
            msg(
                "simlock.after_carrier",
                carrier=Carrier(info.key),
                released=released.isoformat(),
                policy=info.simlock_free_from.isoformat(),
            ),
        )
    return SimLockGuess(
        True,
        msg(
            "simlock.before_carrier",
            carrier=Carrier(info.key),
            released=released.isoformat(),
            policy=info.simlock_free_from.isoformat(),
        ),
    )
