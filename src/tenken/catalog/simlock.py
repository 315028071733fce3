"""SIM-lock inference from the history of Japan's SIM-lock rules (no phone tells its carrier lock directly).

The history (carriers.toml, from ../shared/docs/domain.md): models from 2015-05 must be unlockable on
request (second-hand owners too from 2019-09); docomo unlocked lump-sum and card purchases at sale from
2020-08; SoftBank / Y!mobile handed every phone over unlocked from 2021-05-12; no model was sold locked from
2021-10-01 (docomo's from 2021-08-27); Rakuten never locked; J/A iPhone 13 and later were sold unlocked by
all four carriers. So an inference says "unlocked" only where every sale of the model was unlocked, and
"possibly locked" for an older carrier model — never "locked": what its owner bought, when and how, and
whether they asked for an unlock is not on the phone. Only another carrier's SIM, or the phone's own
Settings screen, measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tenken.catalog import CarrierInfo, carriers, simlock_history
from tenken.facts import SIM_FREE, Carrier, Fact, Message, SoldFor, msg


@dataclass(frozen=True, slots=True)
class SimLockGuess:
    locked: bool | None  # True: possibly locked; False: every sale was unlocked; None: cannot be inferred
    rule: Message  # the evidence

    def as_fact(self, source: str = "carrier SIM-lock policy dates") -> Fact[bool]:
        if self.locked is None:
            return Fact.unknown(source, self.rule)
        return Fact.inferred(self.locked, source, self.rule)


def unlocked_models_from(sold_by: Carrier) -> date | None:
    """The release date from which every sale of a `sold_by` model was unlocked (None: never locked)."""
    policy = carriers()[sold_by.value].simlock_free_from
    latest = simlock_history().no_locked_sales_from
    return None if policy is None else min(policy, latest)


def infer_sim_lock(
    sold_by: SoldFor | None, released: date | None, *, japan_model: bool = True, iphone: bool = False
) -> SimLockGuess:
    """The SIM lock as far as who sold the phone and when the model came out can tell, with the rule used.

    sold_by: the carrier the phone was sold by (or made for), SIM_FREE, or None when unknown.
    iphone: a J/A iPhone, for which Apple's own date applies (every carrier sold the iPhone 13 unlocked).
    """
    history = simlock_history()
    if not japan_model:
        return SimLockGuess(None, msg("simlock.not_japanese_model"))
    if sold_by == SIM_FREE:
        return SimLockGuess(False, msg("simlock.sold_sim_free"))
    if iphone and released is not None and released >= history.iphone_unlocked_from:
        return SimLockGuess(
            False,
            msg(
                "simlock.iphone_unlocked",
                released=released.isoformat(),
                policy=history.iphone_unlocked_from.isoformat(),
            ),
        )
    if released is not None and released >= history.no_locked_sales_from:
        return SimLockGuess(
            False,
            msg(
                "simlock.after_every_carrier",
                released=released.isoformat(),
                policy=history.no_locked_sales_from.isoformat(),
            ),
        )
    if not isinstance(sold_by, Carrier):
        return SimLockGuess(None, msg("simlock.seller_unknown", unlock=_unlockable(released)))
    since = unlocked_models_from(sold_by)
    if since is None:
        return SimLockGuess(False, msg("simlock.never_locked", carrier=sold_by))
    if released is None:
        return SimLockGuess(None, msg("simlock.release_unknown", carrier=sold_by))
    if released >= since:
        return SimLockGuess(
            False,
            msg(
                "simlock.after_carrier",
                carrier=sold_by,
                released=released.isoformat(),
                policy=since.isoformat(),
            ),
        )
    return SimLockGuess(
        True,
        msg(
            "simlock.possibly_locked",
            carrier=sold_by,
            released=released.isoformat(),
            policy=since.isoformat(),
            at_sale=_unlocked_at_sale(carriers()[sold_by.value]),
            unlock=_unlockable(released),
        ),
    )


def _unlocked_at_sale(info: CarrierInfo) -> Message | None:
    """Sales a carrier unlocked before it stopped selling locked models (what only the owner knows)."""
    if info.key == Carrier.DOCOMO:
        return msg("simlock.docomo_lump_sum")
    if info.key == Carrier.SOFTBANK and info.simlock_free_from is not None:
        return msg("simlock.softbank_every_sale", since=info.simlock_free_from.isoformat())
    return None


def _unlockable(released: date | None) -> Message | None:
    """Whether the carrier must unlock the model on request (2015-05 rule), when its release date is known."""
    if released is None:
        return None
    since = simlock_history().unlockable_from
    if released >= since:
        return msg("simlock.unlock_on_request", since=since.isoformat())
    return msg("simlock.before_unlock_rule", since=since.isoformat())
