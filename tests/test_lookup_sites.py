"""The real carrier clients against the carrier simulator over real sockets: every mark, every error."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.facts import Carrier, ImeiStatus, LookupResult, Outcome
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator
from tenken.store import Store
from tests.conftest import text

IMEI = "490154203237518"
MARKS = [Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED]


def ask(settings: Settings, imei: str, carrier: Carrier) -> LookupResult:
    async def run() -> LookupResult:
        async with LookupService(settings, None) as service:
            return await service.ask(imei, carrier)

    return asyncio.run(run())


@pytest.mark.parametrize("carrier", list(Carrier))
@pytest.mark.parametrize("mark", MARKS)
def test_every_mark_at_every_carrier(
    carrier_sim: CarrierSimulator, sim_settings: Settings, carrier: Carrier, mark: Outcome
) -> None:
    carrier_sim.rules.set_mark(IMEI, carrier, mark)
    result = ask(sim_settings, IMEI, carrier)
    assert result.outcome is mark
    assert result.evidence is not None and result.evidence.http_status == 200
    assert result.evidence.url.startswith(carrier_sim.origin)


@pytest.mark.parametrize("carrier", [Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK])
def test_not_registered_reads_as_not_found(
    carrier_sim: CarrierSimulator, sim_settings: Settings, carrier: Carrier
) -> None:
    carrier_sim.rules.set_mark(IMEI, None, Outcome.NOT_FOUND)
    assert ask(sim_settings, IMEI, carrier).outcome is Outcome.NOT_FOUND


def test_rakuten_never_reads_a_404_as_not_registered(
    carrier_sim: CarrierSimulator, sim_settings: Settings, tmp_path: Path
) -> None:
    """What an unregistered IMEI looks like at Rakuten is not known; the simulator answers HTTP 404 with
    JSON, as the one public client guessed. Read as −, a moved endpoint would make every phone clean."""
    carrier_sim.rules.set_mark(IMEI, None, Outcome.NOT_FOUND)
    with Store(sim_settings) as store:

        async def run() -> LookupResult:
            async with LookupService(sim_settings, store) as service:
                return await service.ask(IMEI, Carrier.RAKUTEN)

        first, again = asyncio.run(run()), asyncio.run(run())
    assert first.outcome is Outcome.NEEDS_BROWSER
    assert first.evidence is not None and first.evidence.http_status == 404
    assert "HTTP 404" in text(first.detail) and "network.mobile.rakuten.co.jp" in text(first.detail)
    assert not again.from_cache and carrier_sim.hits["rakuten"] == 2  # not kept as an answer


def test_docomo_answer_is_shift_jis_and_decoded(
    carrier_sim: CarrierSimulator, sim_settings: Settings
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
    result = ask(sim_settings, IMEI, Carrier.DOCOMO)
    assert result.evidence is not None
    assert "Shift_JIS" in result.evidence.content_type
    assert "利用制限中です。".encode("cp932") in result.evidence.body  # kept raw, as served
    assert result.raw_mark == "×"
    assert text(result.detail) == "the site says: 「利用制限中です。」"  # the carrier's legend, verbatim


def test_softbank_shows_its_own_triangle(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.SOFTBANK, Outcome.PENDING)
    result = ask(sim_settings, IMEI, Carrier.SOFTBANK)
    assert result.outcome is Outcome.PENDING
    assert result.raw_mark == "▲"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("maintenance", Outcome.UNAVAILABLE),
        ("503", Outcome.UNAVAILABLE),
        ("429", Outcome.UNAVAILABLE),
        ("captcha", Outcome.CAPTCHA_REQUIRED),
        ("changed", Outcome.PARSE_ERROR),
        ("js-only", Outcome.NEEDS_BROWSER),
    ],
)
@pytest.mark.parametrize("carrier", [Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK])
def test_fault_modes_end_as_their_error_kind(
    carrier_sim: CarrierSimulator, sim_settings: Settings, carrier: Carrier, fault: str, expected: Outcome
) -> None:
    carrier_sim.set_fault(carrier, fault)
    if fault == "js-only" and carrier is Carrier.AU:
        expected = Outcome.NEEDS_BROWSER
    result = ask(sim_settings, IMEI, carrier)
    assert result.outcome is expected, text(result.detail)
    assert not result.outcome.is_mark
    assert text(result.detail)  # always says why


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("changed", Outcome.NEEDS_BROWSER), ("js-only", Outcome.NEEDS_BROWSER), ("503", Outcome.UNAVAILABLE)],
)
def test_rakuten_fails_closed(
    carrier_sim: CarrierSimulator, sim_settings: Settings, fault: str, expected: Outcome
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.RAKUTEN, Outcome.OK)
    carrier_sim.set_fault(Carrier.RAKUTEN, fault)
    assert ask(sim_settings, IMEI, Carrier.RAKUTEN).outcome is expected


def test_au_form_coming_back_means_a_browser_is_needed(
    carrier_sim: CarrierSimulator, sim_settings: Settings
) -> None:
    carrier_sim.set_fault(Carrier.AU, "form-loop")
    result = ask(sim_settings, IMEI, Carrier.AU)
    assert result.outcome is Outcome.NEEDS_BROWSER
    assert "my.au.com" in text(result.detail)  # tells where to check by hand


def test_a_slow_site_times_out_as_unavailable(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    carrier_sim.rules.slow_seconds = 1.0
    sim_settings.lookup.timeout = 0.2
    sim_settings.lookup.retries = 0
    carrier_sim.set_fault(Carrier.DOCOMO, "slow")
    result = ask(sim_settings, IMEI, Carrier.DOCOMO)
    assert result.outcome is Outcome.UNAVAILABLE
    assert "no answer within" in text(result.detail)


def test_retries_then_gives_up(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    sim_settings.lookup.retries = 2
    carrier_sim.set_fault(Carrier.SOFTBANK, "503")
    result = ask(sim_settings, IMEI, Carrier.SOFTBANK)
    assert result.outcome is Outcome.UNAVAILABLE
    assert "HTTP 503 (tried 3×)" in text(result.detail)
    assert carrier_sim.hits["softbank"] == 3
    assert result.evidence is not None and result.evidence.http_status == 503  # the last answer is kept


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_carrier_that_is_down_is_unavailable_for_that_carrier_only(
    carrier_sim: CarrierSimulator, sim_settings: Settings
) -> None:
    sim_settings.lookup.au.origin = f"http://127.0.0.1:{closed_port()}"
    carrier_sim.rules.set_mark(IMEI, None, Outcome.NOT_FOUND)  # − where it can be read: au may be the seller

    async def run() -> None:
        async with LookupService(sim_settings, None) as service:
            report = await service.lookup(IMEI, list(Carrier))
        outcomes = {result.carrier: result.outcome for result in report.results}
        assert outcomes == {
            Carrier.DOCOMO: Outcome.NOT_FOUND,
            Carrier.AU: Outcome.UNAVAILABLE,
            Carrier.SOFTBANK: Outcome.NOT_FOUND,
            Carrier.RAKUTEN: Outcome.NEEDS_BROWSER,  # Rakuten's − has no known shape
        }
        assert report.status is ImeiStatus.UNKNOWN  # − elsewhere: the unread carrier may be the seller
        assert "au unavailable" in text(report.summary)

    asyncio.run(run())


def test_sessions_are_kept_per_site(carrier_sim: CarrierSimulator, sim_settings: Settings) -> None:
    """All four sites on one simulator host: cookies of one site must not clobber another's session."""
    imeis = ["490154203237518", "354178036859789", "356868000041418", "352099001761481"]

    async def run() -> None:
        async with LookupService(sim_settings, None) as service:
            reports = await service.lookup_many(imeis, list(Carrier))
        for report in reports:  # Rakuten (no session) gives no − (its shape is unknown)
            marks = [r for r in report.results if r.carrier is not Carrier.RAKUTEN or r.outcome.registers]
            assert all(result.outcome.is_mark for result in marks), text(report.summary)

    asyncio.run(run())
