"""The assisted browser check (`tenken handoff`, issue 18) in a real Chromium (headless, driven over
Debian's chromedriver) against each obstacle of the carrier simulator, through the real CLI: the answer is
read by the same parser as the automatic look-up, the page's HTML and a full-page screenshot are stored
with their hashes, `via: browser` and who; the verdict changes; a CAPTCHA without a person times out and
records nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread, bundled
from tests.report.conftest import IMEI_1, IMEI_2

PNG = b"\x89PNG\r\n\x1a\n"
AU_IMEI = "353915111001030"
RAKUTEN_PHONE = "356790126006010"  # iphone16-rakuten


@pytest.fixture
def usbmux() -> Iterator[SimulatorThread]:
    with SimulatorThread() as simulator:
        yield simulator


@pytest.fixture
def env(carrier_sim: CarrierSimulator, usbmux: SimulatorThread, tmp_path: Path) -> dict[str, str]:
    return {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_IOS_USBMUX": usbmux.address,
        "TENKEN_IOS_PAIR_TIMEOUT": "2",
        "TENKEN_STATION_ID": "shop-a-1",
    }


def handoff(env: dict[str, str], *args: str) -> Any:
    return run_cli(["handoff", "--headless", "--timeout", "20", "--by", "佐藤", *args], env)


def stored(env: dict[str, str], carrier: str) -> list[dict[str, Any]]:
    with sqlite3.connect(env["TENKEN_DB"]) as database:
        database.row_factory = sqlite3.Row
        rows = database.execute("SELECT * FROM lookups WHERE carrier = ? ORDER BY id", (carrier,))
        return [dict(row) for row in rows]


def test_au_behind_a_bot_check_is_read_in_the_browser_and_kept_with_page_and_screenshot(
    carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    carrier_sim.set_fault(Carrier.AU, "waf")
    carrier_sim.rules.set_mark(AU_IMEI, Carrier.AU, Outcome.PENDING)
    automatic = run_cli(["lookup", "--carrier", "au", "--json", AU_IMEI], env)
    assert automatic.exit_code == 3
    assert json.loads(automatic.stdout)["imeis"][0]["results"][0]["outcome"] == "needs_browser"

    checked = handoff(env, "--carrier", "au", AU_IMEI)
    assert checked.exit_code == 1, checked.stderr  # △: flagged, as `lookup` says it
    assert "read in the browser by 佐藤" in checked.stdout

    row = stored(env, "au")[-1]
    assert (row["outcome"], row["via"], row["via_by"], row["method"]) == (
        "pending",
        "browser",
        "佐藤",
        "BROWSER",
    )
    assert row["url"].endswith("/cmn/WCV009001/WCE009002.hc") and row["http_status"] == 200
    assert row["sha256"] == hashlib.sha256(row["body"]).hexdigest()
    assert b"list_details" in row["body"]  # the result page as the browser had it
    assert row["screenshot"].startswith(PNG)
    assert row["screenshot_sha256"] == hashlib.sha256(row["screenshot"]).hexdigest()
    assert row["signature"]

    # Served from the store afterwards: read again with au's parser, it still says △.
    again = run_cli(["lookup", "--carrier", "au", "--json", AU_IMEI], env)
    answer = json.loads(again.stdout)["imeis"][0]["results"][0]
    assert (again.exit_code, answer["mark"], answer["from_cache"]) == (1, "△", True)
    assert (answer["via"], answer["by"]) == ("browser", "佐藤")
    assert answer["evidence"]["screenshot_sha256"] == row["screenshot_sha256"]
    evidence = run_cli(["evidence", AU_IMEI, "--no-save", "--json"], env)
    assert evidence.exit_code == 0, evidence.stderr  # the stored page and screenshot match their hashes


def test_rakuten_browser_only_the_verdict_changes(
    carrier_sim: CarrierSimulator, usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    carrier_sim.set_fault(Carrier.RAKUTEN, "browser_only")
    carrier_sim.rules.set_mark(RAKUTEN_PHONE, Carrier.RAKUTEN, Outcome.OK)
    usbmux.attach(bundled("iphone16-rakuten"))
    before = inspected(env)
    assert "carrier_unanswered" in reasons(before)
    (waiting,) = [r for r in before["verdicts"]["retail"]["reasons"] if r["code"] == "carrier_unanswered"]
    action = waiting["action"]["text"]  # names the carrier, its page, the IMEI, and the hand-off
    assert "Rakuten Mobile at https://network.mobile.rakuten.co.jp/restriction/" in action
    assert RAKUTEN_PHONE in action and "tenken handoff IMEI" in action

    checked = handoff(env, RAKUTEN_PHONE, "--carrier", "rakuten")
    assert checked.exit_code == 0, checked.stderr
    row = stored(env, "rakuten")[-1]
    assert (row["outcome"], row["via"], row["via_by"]) == ("ok", "browser", "佐藤")
    assert row["url"].endswith(f"/restriction/eir/v1/rest-api/public/imei/{RAKUTEN_PHONE}")
    assert json.loads(row["body"]) == {
        "status": 0
    }  # the reply the page's script received, read as lookup reads it
    assert (
        b'id="search-result"' in row["page"] and row["page_sha256"] == hashlib.sha256(row["page"]).hexdigest()
    )
    assert row["screenshot"].startswith(PNG)

    after = inspected(env)
    assert "carrier_unanswered" not in reasons(after)
    rakuten = [a for a in after["lookups"]["answers"] if a["carrier"] == "rakuten" and a["asked"]]
    assert [(a["via"], a["by"], a["mark"]) for a in rakuten] == [("browser", "佐藤", "○")]

    # The certificate says so next to the mark, and `tenken verify` renders it again identically.
    out = Path(env["TENKEN_DATA_DIR"]).parent / "certificates"
    made = run_cli(["certificate", after["inspection_id"], "--out", str(out)], env)
    assert made.exit_code == 0, made.stderr
    (page,) = out.glob("*.html")
    assert "ブラウザ照会（佐藤）" in page.read_text(encoding="utf-8")
    assert run_cli(["verify", str(page)], env).exit_code == 0


def test_a_captcha_without_a_person_times_out_and_records_nothing(
    carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    carrier_sim.set_fault(Carrier.DOCOMO, "captcha")
    imei = "353915111001014"
    assert run_cli(["lookup", "--carrier", "docomo", imei], env).exit_code == 3
    kept = len(stored(env, "docomo"))
    checked = run_cli(["handoff", "--headless", "--timeout", "2", "--carrier", "docomo", imei], env)
    assert checked.exit_code == 3
    assert "CAPTCHA" in checked.stderr and "nothing was recorded" in checked.stdout
    assert len(stored(env, "docomo")) == kept


def test_without_the_browser_it_says_so_in_one_line(
    carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    missing = {**env, "TENKEN_CHROMEDRIVER": "/nonexistent/chromedriver"}
    checked = run_cli(["handoff", "--headless", "--carrier", "au", AU_IMEI], missing)
    assert checked.exit_code == 69
    assert checked.stderr.count("\n") == 1 and "apt-get install chromium chromium-driver" in checked.stderr


def inspected(env: dict[str, str]) -> dict[str, Any]:
    result = run_cli(["inspect", "--platform", "ios", "--json"], env)
    assert result.exit_code < 64, result.stderr
    phone: dict[str, Any] = json.loads(result.stdout)["phones"][0]
    return phone


def reasons(phone: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in phone["verdicts"]["retail"]["reasons"]]


def test_imei2_follows_in_the_same_window_under_the_sites_spacing(
    carrier_sim: CarrierSimulator, usbmux: SimulatorThread, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))  # IMEI and IMEI2
    assert run_cli(["inspect", "--platform", "ios", "--no-lookup"], env).exit_code < 64
    carrier_sim.set_fault(Carrier.AU, "waf")
    spaced = {**env, "TENKEN_LOOKUP_SPACING": "0.05"}
    checked = handoff(spaced, IMEI_1, "--carrier", "au")
    assert checked.exit_code == 0, checked.stderr
    rows = stored(env, "au")
    assert [(row["imei"], row["outcome"], row["via"]) for row in rows] == [
        (IMEI_1, "not_found", "browser"),
        (IMEI_2, "not_found", "browser"),
    ]
    with sqlite3.connect(env["TENKEN_DB"]) as database:  # each page's turn booked with the fleet
        assert database.execute("SELECT COUNT(*) FROM site_turns WHERE site = 'au'").fetchone() == (1,)


@pytest.mark.parametrize(
    "fault", ["huge", "other-imei", "not-found-status", "redirect-away", "mark-in-sentence"]
)
def test_a_hostile_page_read_in_the_browser_is_no_mark(
    carrier_sim: CarrierSimulator, env: dict[str, str], fault: str
) -> None:
    """What the automatic look-up refuses, the browser path refuses too: a page over lookup.max_page_bytes,
    one naming another IMEI, a 404 with a mark, a result sent off the origin, a mark inside a sentence."""
    carrier_sim.rules.set_mark(AU_IMEI, Carrier.AU, Outcome.OK)
    carrier_sim.set_fault(Carrier.AU, fault)
    checked = handoff(env, "--carrier", "au", AU_IMEI)
    assert checked.exit_code == 3, (checked.stdout, checked.stderr)  # not read: no mark
    assert [row["outcome"] for row in stored(env, "au") if row["outcome"] == "ok"] == []
