"""`tenken recheck` through the CLI: stored phones whose answers were △ or unknown are asked again (never
from the cache), judged again, stored as a new inspection, and every change is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread, bundled

IMEI = "353915111001014"  # iphone13-docomo's first IMEI
IMEI2 = "353915111001022"


@pytest.fixture
def env(usbmux: SimulatorThread, carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    return {**fast_env(carrier_sim, tmp_path), "TENKEN_IOS_USBMUX": usbmux.address}


def _pending_at_docomo(carrier_sim: CarrierSimulator, mark: Outcome) -> None:
    for imei in (IMEI, IMEI2):
        carrier_sim.rules.set_mark(imei, None, Outcome.NOT_FOUND)
        carrier_sim.rules.set_mark(imei, Carrier.DOCOMO, mark)


def test_a_pending_phone_that_turned_restricted_is_reported_stored_and_flagged(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.PENDING)
    first = run_cli(["inspect", "--platform", "ios", "--json"], env)
    inspected = json.loads(first.stdout)["phones"][0]
    assert {a["outcome"] for a in inspected["lookups"]["answers"] if a["carrier"] == "docomo"} == {"pending"}

    _pending_at_docomo(carrier_sim, Outcome.RESTRICTED)  # the instalments stopped: △ → ×
    hits = carrier_sim.hits["docomo"]
    result = run_cli(["recheck", "--older-than", "0", "--json"], env)
    payload = json.loads(result.stdout)
    assert result.exit_code == 1, result.stderr  # turned PARTS_ONLY or BLOCKED on retail
    assert payload["due"] == [inspected["inspection_id"]]
    (only,) = payload["rechecks"]
    assert only["rechecked"] == inspected["inspection_id"]
    assert {(c["carrier"], c["before"], c["after"]) for c in only["answers"]} == {
        ("docomo", "pending", "restricted")
    }
    assert only["levels"]["retail"]["after"] in ("BLOCKED", "PARTS_ONLY")
    assert only["inspection"]["rechecks"] == inspected["inspection_id"]
    assert carrier_sim.hits["docomo"] > hits  # asked again, not served from the cache
    # answers other than △/unknown were kept as they were, not asked again
    assert {a["carrier"] for a in only["inspection"]["lookups"]["answers"]} >= {"au", "softbank"}

    # the new inspection is the phone's latest: a second run finds nothing due (× is not asked again)
    again = run_cli(["recheck", "--older-than", "0"], env)
    assert again.exit_code == 0 and "nothing is due" in again.stdout


def test_an_unchanged_pending_phone_is_counted_not_flagged(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.PENDING)
    run_cli(["inspect", "--platform", "ios", "--json"], env)
    result = run_cli(["recheck", "--older-than", "0"], env)
    assert result.exit_code == 0, result.stderr
    assert "re-checked 1 phone(s); 0 changed" in result.stdout


def test_answers_younger_than_older_than_are_not_due_and_dry_run_asks_nobody(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.PENDING)
    run_cli(["inspect", "--platform", "ios", "--json"], env)
    assert "nothing is due" in run_cli(["recheck"], env).stdout  # default: older than 1 day
    hits = dict(carrier_sim.hits)
    dry = run_cli(["--lang", "ja", "recheck", "--older-than", "0", "--dry-run"], env)
    assert dry.exit_code == 0 and "再照会の対象：1 台" in dry.stdout
    assert dict(carrier_sim.hits) == hits


def test_never_asked_phones_are_unknown_and_get_the_whole_plan(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.OK)
    run_cli(["inspect", "--platform", "ios", "--no-lookup", "--json"], env)
    assert "nothing is due" in run_cli(["recheck", "--older-than", "0", "--status", "pending"], env).stdout
    result = run_cli(["recheck", "--older-than", "0", "--json"], env)
    (only,) = json.loads(result.stdout)["rechecks"]
    assert ("docomo", None, "ok") in {(c["carrier"], c["before"], c["after"]) for c in only["answers"]}
    assert "not_checked" not in {r["code"] for r in only["inspection"]["verdicts"]["retail"]["reasons"]}


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--status", "maybe"], "--status maybe: choose from"),
        (["--older-than", "tomorrow"], "--older-than 'tomorrow'"),
        (["--channel", "auction"], "--channel 'auction'"),
    ],
)
def test_bad_options_are_one_line_usage_errors(env: dict[str, str], args: list[str], complaint: str) -> None:
    result = run_cli(["recheck", *args], env)
    assert result.exit_code == 64
    assert complaint in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_nothing_due_says_which_answer_comes_due_next_and_when(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    from datetime import datetime, timedelta

    from tenken.report.labels import jst

    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.PENDING)
    inspected = json.loads(run_cli(["inspect", "--platform", "ios", "--json"], env).stdout)["phones"][0]
    read = min(
        datetime.fromisoformat(answer["checked_at"])
        for answer in inspected["lookups"]["answers"]
        if answer["outcome"] == "pending"
    )
    due_at = read + timedelta(hours=12)

    result = run_cli(["recheck", "--older-than", "12h"], env)  # right after `inspect`: nothing is due
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "nothing is due for a re-check"
    assert lines[1].startswith("next due: iPhone 13 (353915111001014): docomo △")
    assert f"read {jst(read)}" in lines[1] and f"due at {jst(due_at)}" in lines[1]

    ja = run_cli(["--lang", "ja", "recheck", "--older-than", "12h", "--dry-run"], env)
    assert f"{jst(due_at)} から再照会の対象" in ja.stdout and "ドコモ △" in ja.stdout

    document = json.loads(run_cli(["recheck", "--older-than", "12h", "--json"], env).stdout)
    assert document["due"] == []
    upcoming = document["next_due"]
    assert {key: upcoming[key] for key in ("inspection", "imei", "carrier", "outcome")} == {
        "inspection": inspected["inspection_id"],
        "imei": IMEI,
        "carrier": "docomo",
        "outcome": "pending",
    }
    assert datetime.fromisoformat(upcoming["read_at"]) == read
    assert datetime.fromisoformat(upcoming["due_at"]) == due_at


def test_a_carrier_that_could_not_be_read_is_named_when_recheck_exits_3(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _pending_at_docomo(carrier_sim, Outcome.PENDING)
    carrier_sim.rules.faults[Carrier.DOCOMO] = "maintenance"  # docomo's checker is down, and stays down
    run_cli(["inspect", "--platform", "ios", "--json"], env)

    result = run_cli(["recheck", "--older-than", "0"], env)
    assert result.exit_code == 3, result.stderr
    out = result.stdout
    assert "could not be read" in out
    unread = [line for line in out.splitlines() if IMEI in line and "docomo" in line]
    assert unread, out

    document = json.loads(run_cli(["recheck", "--older-than", "0", "--json"], env).stdout)
    named = {(entry["imei"], entry["carrier"]): entry["outcome"] for entry in document["not_read"]}
    assert named[IMEI, "docomo"] == named[IMEI2, "docomo"] == "unavailable"
    assert not {outcome for outcome in named.values()} & {"ok", "pending", "restricted", "not_found"}
