from __future__ import annotations

import pytest

from tenken.facts import Carrier, ImeiStatus, LookupResult, Outcome
from tenken.lookups.summary import combine
from tests.conftest import text

IMEI = "490154203237518"


def results(**outcomes: Outcome) -> list[LookupResult]:
    return [LookupResult(IMEI, Carrier(name), outcome) for name, outcome in outcomes.items()]


OK_, P, R, N, DOWN = Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED, Outcome.NOT_FOUND, Outcome.UNAVAILABLE


@pytest.mark.parametrize(
    ("outcomes", "status", "registered_at"),
    [
        ({"docomo": OK_, "au": N, "softbank": N, "rakuten": N}, ImeiStatus.CLEAN, (Carrier.DOCOMO,)),
        ({"docomo": N, "au": P, "softbank": N, "rakuten": N}, ImeiStatus.PENDING, (Carrier.AU,)),
        ({"docomo": N, "au": N, "softbank": R, "rakuten": N}, ImeiStatus.RESTRICTED, (Carrier.SOFTBANK,)),
        ({"docomo": N, "au": N, "softbank": N, "rakuten": N}, ImeiStatus.NOT_REGISTERED, ()),
        ({"docomo": OK_, "au": DOWN, "softbank": N, "rakuten": N}, ImeiStatus.CLEAN, (Carrier.DOCOMO,)),
        ({"docomo": N, "au": DOWN, "softbank": N, "rakuten": N}, ImeiStatus.UNKNOWN, ()),
        ({"docomo": R, "au": DOWN, "softbank": N, "rakuten": N}, ImeiStatus.RESTRICTED, (Carrier.DOCOMO,)),
        (
            {"docomo": OK_, "au": P, "softbank": R, "rakuten": N},
            ImeiStatus.RESTRICTED,
            (Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK),
        ),
        ({"docomo": N, "au": Outcome.PARSE_ERROR, "softbank": N, "rakuten": N}, ImeiStatus.UNKNOWN, ()),
    ],
)
def test_combination(
    outcomes: dict[str, Outcome], status: ImeiStatus, registered_at: tuple[Carrier, ...]
) -> None:
    report = combine(IMEI, results(**outcomes), asked_all=True)
    assert report.status is status
    assert report.registered_at == registered_at


def test_dash_everywhere_is_neutral_and_says_why() -> None:
    report = combine(IMEI, results(docomo=N, au=N, softbank=N, rakuten=N), asked_all=True)
    assert report.status is ImeiStatus.NOT_REGISTERED
    words = text(report.summary)
    assert words.startswith("− everywhere asked: not registered, or not yet reflected")
    assert "Not clean by itself: fine for a SIM-free model, a question for a carrier's model" in words


def test_one_carrier_asked_names_it() -> None:
    report = combine(IMEI, results(docomo=N), asked_all=False)
    assert text(report.summary).startswith("− everywhere asked (docomo): not registered")


def test_an_unread_carrier_keeps_the_imei_unknown_until_another_registers_it() -> None:
    """Only the carrier that sold a phone registers its IMEI (○ △ ×; the others answer −), as the verdict
    and the look-up plan also hold: with no mark but −, an unread carrier may be the seller, so the IMEI
    is unknown; once one carrier registers it, the unread one cannot change it, and the summary says so."""
    unknown = combine(IMEI, results(docomo=N, au=Outcome.CAPTCHA_REQUIRED), asked_all=False)
    assert unknown.status is ImeiStatus.UNKNOWN
    assert "au wants a CAPTCHA" in text(unknown.summary)
    named = combine(IMEI, results(docomo=OK_, rakuten=Outcome.NEEDS_BROWSER), asked_all=False)
    assert named.status is ImeiStatus.CLEAN
    assert "Rakuten Mobile not read: only the selling carrier registers an IMEI" in text(named.summary)
