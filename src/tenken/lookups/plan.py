"""Which carrier to ask about which IMEI, in which order, and what not to ask at all. Pure.

An IMEI is registered only by the carrier that sold the phone, so a phone needs far fewer requests
than IMEIs × carriers (the carriers' checkers are built for one manual look-up at a time):
- the carriers that could have sold the model first (a docomo model number: docomo; a Pixel's SKU: au
  and SoftBank), then the network of the SIM inside, then in order of market share; the first ○ / △ / ×
  names the seller and ends the search;
- IMEI2 is asked only where IMEI1 is registered, or, when IMEI1 is registered nowhere, everywhere
  IMEI1 was asked (IMEI − while IMEI2 has a mark is the sign of a rewritten IMEI);
- nothing at all when the phone is blocked on every channel whatever the carriers say.
Every pair not asked is reported with why, so a report never looks as if a carrier were forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tenken.catalog import market_order
from tenken.facts import Carrier, Message, Outcome, msg

MARKET_ORDER = market_order()  # the carriers' table, in its order

Answers = Mapping[tuple[str, Carrier], Outcome]


@dataclass(frozen=True, slots=True)
class Query:
    """What the plan needs to know about one phone."""

    imeis: tuple[str, ...]  # valid IMEIs, primary first
    carriers: tuple[Carrier, ...]  # the carriers enabled, in the order to ask them
    sellers: tuple[Carrier, ...] = ()  # the carriers that could have sold the phone (verdict.could_have_sold)
    blocked_by: Message | None = None  # set when no carrier's answer can change the verdict


def order(enabled: list[Carrier], sellers: tuple[Carrier, ...], hint: Carrier | None) -> tuple[Carrier, ...]:
    """The carriers that could have sold the phone (the SIM's network first among them), then the SIM's
    network, then market order; only enabled carriers."""
    first = [carrier for carrier in (hint,) if carrier in sellers] + [*sellers, *([hint] if hint else [])]
    ranked = list(dict.fromkeys([*first, *MARKET_ORDER]))
    return tuple(carrier for carrier in ranked if carrier in enabled)


def next_ask(query: Query, answers: Answers) -> tuple[str, Carrier] | None:
    """The next (IMEI, carrier) to ask given what is known, or None when the plan is complete."""
    if query.blocked_by is not None or not query.imeis:
        return None
    primary = query.imeis[0]
    seller = _seller(query, answers, primary)
    if seller is None:
        for carrier in query.carriers:
            if (primary, carrier) not in answers:
                return primary, carrier
    for second in query.imeis[1:]:
        targets = [seller] if seller is not None else [c for c in query.carriers if (primary, c) in answers]
        for carrier in targets:
            if (second, carrier) not in answers:
                return second, carrier
    return None


def _seller(query: Query, answers: Answers, imei: str) -> Carrier | None:
    for carrier in query.carriers:
        outcome = answers.get((imei, carrier))
        if outcome is not None and outcome.registers:
            return carrier
    return None


def not_asked(query: Query, answers: Answers) -> list[tuple[str, Carrier, Message]]:
    """Every (IMEI, carrier) the plan did not ask, with why."""
    skipped: list[tuple[str, Carrier, Message]] = []
    primary = query.imeis[0] if query.imeis else None
    seller = _seller(query, answers, primary) if primary is not None else None
    for imei in query.imeis:
        for carrier in MARKET_ORDER:
            if (imei, carrier) in answers:
                continue
            if carrier not in query.carriers:
                why = msg("plan.disabled")
            elif query.blocked_by is not None:
                why = msg("plan.blocked", because=query.blocked_by)
            elif seller is not None:
                why = msg("plan.registered_elsewhere", seller=seller)
            else:
                why = msg("plan.imei1_not_asked_here")
            skipped.append((imei, carrier, why))
    return skipped
