"""SIM-lock inference from the carriers' policy dates (no phone tells its carrier lock directly).

Japanese carriers stopped selling SIM-locked phones in 2021 (carriers.toml holds the dates). A model
released on or after its carrier's date carries no lock; an older carrier model was sold locked and
stays so unless unlocked on request, which only a SIM of another carrier reveals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tenken.catalog import carriers
from tenken.facts import Fact

SIM_FREE = "sim-free"  # sold_by value for phones sold without a carrier (Apple Store, maker SIM-free)


@dataclass(frozen=True, slots=True)
class SimLockGuess:
    locked: bool | None  # None: cannot be inferred
    rule: str  # the evidence, in one line

    def as_fact(self, source: str = "carrier SIM-lock policy dates") -> Fact[bool]:
        if self.locked is None:
            return Fact.unknown(source, self.rule)
        return Fact.inferred(self.locked, source, self.rule)


def latest_policy_date() -> date:
    """From this date on, no Japanese carrier released a SIM-locked model."""
    return max(info.simlock_free_from for info in carriers().values())


def infer_sim_lock(sold_by: str | None, released: date | None, *, japan_model: bool = True) -> SimLockGuess:
    """Guess the SIM lock from who sold the phone and when the model came out, saying which rule applied.

    sold_by: a carrier key ("docomo", "au", "softbank", "rakuten"), SIM_FREE, or None when unknown.
    """
    if not japan_model:
        return SimLockGuess(None, "not a Japanese model: the Japanese carriers' policy dates do not apply")
    if sold_by == SIM_FREE:
        return SimLockGuess(False, "sold SIM-free (not by a carrier)")
    if sold_by is None:
        if released is not None and released >= latest_policy_date():
            return SimLockGuess(
                False,
                f"model released {released.isoformat()}, after every carrier stopped SIM locks "
                f"({latest_policy_date().isoformat()})",
            )
        return SimLockGuess(
            None, "carrier that sold the phone is not known, and the model predates the end of SIM locks"
        )
    info = carriers().get(sold_by)
    if info is None:
        return SimLockGuess(None, f"no SIM-lock policy known for {sold_by!r}")
    if released is None:
        return SimLockGuess(None, f"sold by {info.name}, but the model's release date is not known")
    if released >= info.simlock_free_from:
        return SimLockGuess(
            False,
            f"{info.name} model released {released.isoformat()}, on or after {info.name} stopped SIM locks "
            f"({info.simlock_free_from.isoformat()})",
        )
    return SimLockGuess(
        True,
        f"{info.name} model released {released.isoformat()}, before {info.simlock_free_from.isoformat()}: "
        "sold SIM-locked; unlocked only if the owner asked (a SIM of another carrier tells for sure)",
    )
