"""An answer counts only when it is the carrier's, about the IMEI asked, with the site's success status,
read as one mark where the site prints it (issue "answers you can stake a sale on", items 1-6).

Each hostile answer the carrier simulator can give looks like ○ to a careless client; through the real
`tenken lookup` over HTTP, none may read as a mark, none may be cached, and the evidence shows what came.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli

IMEI = "490154203237518"
FORM_SITES = [Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK]

# fault → the carriers it applies to, and the code that says why the page is not an answer
CASES: list[tuple[str, Carrier, Outcome, str]] = [
    *[("other-imei", carrier, Outcome.PARSE_ERROR, "site.other_imei") for carrier in FORM_SITES],
    *[("not-found-status", carrier, Outcome.PARSE_ERROR, "site.not_success") for carrier in FORM_SITES],
    ("not-found-status", Carrier.RAKUTEN, Outcome.NEEDS_BROWSER, "rakuten.odd_reply"),
    *[("redirect-away", carrier, Outcome.PARSE_ERROR, "site.off_origin") for carrier in Carrier],
    ("mark-in-sentence", Carrier.AU, Outcome.PARSE_ERROR, "site.odd_mark"),
    ("duplicate-keys", Carrier.RAKUTEN, Outcome.NEEDS_BROWSER, "rakuten.odd_reply"),
    ("error-beside-status", Carrier.RAKUTEN, Outcome.NEEDS_BROWSER, "rakuten.odd_keys"),
    *[("huge", carrier, Outcome.PARSE_ERROR, "site.too_large") for carrier in Carrier],
]


def _answer(document: dict[str, object]) -> dict[str, object]:
    (report,) = document["imeis"]  # type: ignore[misc]
    (result,) = report["results"]
    return result  # type: ignore[no-any-return]


@pytest.mark.parametrize(("fault", "carrier", "outcome", "code"), CASES)
def test_a_hostile_answer_is_never_a_mark(
    carrier_sim: CarrierSimulator, tmp_path: Path, fault: str, carrier: Carrier, outcome: Outcome, code: str
) -> None:
    # The real answer for this IMEI is × (the sentence fault), or ○ everywhere else: the spoiled page would
    # read as ○ to a client that believed it.
    mark = Outcome.RESTRICTED if fault == "mark-in-sentence" else Outcome.OK
    carrier_sim.rules.set_mark(IMEI, carrier, mark)
    carrier_sim.set_fault(carrier, fault)
    env = fast_env(carrier_sim, tmp_path)
    first = run_cli(["lookup", IMEI, "--carrier", carrier.value, "--json"], env)
    answer = _answer(json.loads(first.stdout))
    assert answer["outcome"] == outcome.value, answer
    assert answer["mark"] is None
    assert answer["detail"]["code"] in (code, "site.check_by_hand")  # type: ignore[index]
    detail = json.dumps(answer["detail"])
    assert code in detail
    assert first.exit_code == 3  # unknown: not clean
    evidence = answer["evidence"]
    assert evidence is not None
    if fault == "huge":
        assert evidence["cut"] is True and evidence["bytes"] == 2 * 1024 * 1024  # type: ignore[index]
    if fault == "redirect-away":
        assert evidence["url"].startswith(carrier_sim.origin)  # type: ignore[index]
        assert evidence["http_status"] == 303  # type: ignore[index]
    hits = carrier_sim.hits[carrier.value]
    again = run_cli(["lookup", IMEI, "--carrier", carrier.value, "--json"], env)
    assert _answer(json.loads(again.stdout))["from_cache"] is False  # never cached
    assert carrier_sim.hits[carrier.value] > hits


def test_a_form_that_posts_elsewhere_is_not_sent(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """A form page whose action points to another origin: the IMEI is not sent there."""
    from tenken import config
    from tenken.lookups.au import Au
    from tenken.lookups.client import PoliteClient
    from tenken.lookups.pages import Form

    class Elsewhere(Au):
        def is_imei_form(self, form: Form) -> bool:
            form.action = "http://localhost:9/cmn/WCV009001/WCE009002.hc"
            return True

    settings = config.load(environ=fast_env(carrier_sim, tmp_path))

    async def run() -> object:
        async with PoliteClient(settings.lookup) as client:
            return await Elsewhere(carrier_sim.origin).check(client, IMEI)

    import asyncio

    result = asyncio.run(run())
    assert result.outcome is Outcome.PARSE_ERROR  # type: ignore[attr-defined]
    assert result.detail.code == "site.off_origin"  # type: ignore[attr-defined]
    assert carrier_sim.hits["au"] == 1  # the form page only


@pytest.mark.parametrize("status", [201, 204])
def test_any_success_status_is_read(carrier_sim: CarrierSimulator, status: int) -> None:
    """Only the status matters, not that it is exactly 200: a 2xx page is read as usual."""
    from tenken.lookups.base import refusal

    assert refusal(status, False, 1000) is None
    assert refusal(404, False, 1000) is not None
    assert refusal(200, True, 1000) is not None
