"""The verdict's commands through the CLI: `inspect` on the pipeline, `policy show|check`, `record` and
`report --from`, against the simulated usbmuxd and the carrier simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tenken.verdict.policy import default_policy_path
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread, bundled

IPHONE_13_SERIAL = "SIMT13DOC001"  # iphone13-docomo: docomo SIM inside, in use, Find My off


@pytest.fixture
def env(usbmux: SimulatorThread, carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    return {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_IOS_USBMUX": usbmux.address,
        "TENKEN_IOS_PAIR_TIMEOUT": "2",
    }


def inspect_json(env: dict[str, str], *extra: str) -> tuple[int, dict[str, object]]:
    result = run_cli(["inspect", "--platform", "ios", "--json", *extra], env)
    return result.exit_code, json.loads(result.stdout)


def verdict(payload: dict[str, object], channel: str = "retail") -> dict[str, object]:
    phones = payload["phones"]
    assert isinstance(phones, list) and len(phones) == 1
    found: dict[str, object] = phones[0]["verdicts"][channel]
    return found


def codes(found: dict[str, object]) -> list[str]:
    reasons = found["reasons"]
    assert isinstance(reasons, list)
    return [reason["code"] for reason in reasons]


def test_inspect_joins_the_phone_and_the_carriers_and_judges_each_channel(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    for imei in ("353915111001014", "353915111001022"):
        carrier_sim.rules.set_mark(
            imei, None, Outcome.NOT_FOUND
        )  # registered nowhere: − (an Apple-like model)
    code, payload = inspect_json(env)
    phone = payload["phones"][0]  # type: ignore[index]
    assert payload["schema_version"] >= 3 and payload["policy"]["name"] == "tenken default"  # type: ignore[index]
    assert phone["policy"]["sha256"] == payload["policy"]["sha256"]  # type: ignore[index]
    answers = phone["lookups"]["answers"]
    assert {
        (entry["carrier"], entry["asked"]) for entry in answers if entry["imei"] == "353915111001014"
    } == {
        ("docomo", True),
        ("au", True),
        ("softbank", True),
        ("rakuten", True),
    }
    assert all(entry["evidence_sha256"] for entry in answers if entry["asked"])
    retail = verdict(payload)
    assert retail["level"] == "HOLD"
    assert {"in_use", "sim_inserted", "sim_lock_unconfirmed"} <= set(codes(retail))
    # Rakuten's "not registered" shape is unknown (its 404 reads as needs_browser): a carrier that could
    # have sold the phone was not read, so the exit code says "could not ask" before "hold"
    rakuten = {entry["outcome"] for entry in answers if entry["carrier"] == "rakuten"}
    assert rakuten == {"needs_browser"}
    assert code == 3


def test_no_lookup_holds_the_network_part(usbmux: SimulatorThread, env: dict[str, str]) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    code, payload = inspect_json(env, "--no-lookup")
    assert "not_checked" in codes(verdict(payload)) and code == 2
    assert payload["phones"][0]["lookups"] == {"asked": False, "answers": []}  # type: ignore[index]


def test_a_phone_blocked_everywhere_is_not_looked_up(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone12-findmy"))
    code, payload = inspect_json(env)
    assert code == 1 and verdict(payload)["level"] == "BLOCKED"
    assert sum(carrier_sim.hits.values()) == 0  # no answer could change the verdict: none asked
    answers = payload["phones"][0]["lookups"]["answers"]  # type: ignore[index]
    assert answers and {entry["why_not"]["code"] for entry in answers} == {"plan.blocked"}


def test_record_a_sim_lock_read_in_settings(
    usbmux: SimulatorThread, env: dict[str, str], tmp_path: Path
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    _, before = inspect_json(env, "--no-lookup")
    assert "sim_lock_unconfirmed" in codes(verdict(before))
    shot = tmp_path / "settings.png"
    shot.write_bytes(b"\x89PNG fake screenshot")
    recorded = run_cli(
        [
            "record",
            "sim-lock",
            "unlocked",
            "--serial",
            IPHONE_13_SERIAL,
            "--by",
            "sato",
            "--evidence",
            str(shot),
        ],
        env,
    )
    assert recorded.exit_code == 0, recorded.stderr
    _, payload = inspect_json(env, "--no-lookup")
    fact = payload["phones"][0]["facts"]["sim_locked"]  # type: ignore[index]
    assert fact["value"] is False and fact["provenance"] == "measured"
    # where an iPhone shows it: the phone's own screens, as its inspection read the platform
    assert fact["source"].startswith("manual: 設定 › 一般 › 情報 › SIMロック（iOS 14以降）: unlocked (sato, ")
    assert "sim_lock_unconfirmed" not in codes(verdict(payload))


def test_record_a_mark_checked_by_hand_is_used_as_the_carriers_answer(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    carrier_sim.set_fault(Carrier.DOCOMO, "captcha")
    usbmux.attach(bundled("iphone13-docomo"))
    _, before = inspect_json(env)
    assert "carrier_unanswered" in codes(verdict(before))
    marked = run_cli(["record", "mark", "docomo", "○", "--imei", "353915111001014", "--by", "sato"], env)
    assert marked.exit_code == 0, marked.stderr
    _, half = inspect_json(env)  # IMEI2 could not be read at the seller either: it may be × there
    unanswered = next(r for r in verdict(half)["reasons"] if r["code"] == "carrier_unanswered")  # type: ignore[index]
    assert unanswered["says"]["params"]["imeis"] == ["353915111001022"]
    marked = run_cli(["record", "mark", "docomo", "○", "--imei", "353915111001022", "--by", "sato"], env)
    assert marked.exit_code == 0, marked.stderr
    _, after = inspect_json(env)
    answers = after["phones"][0]["lookups"]["answers"]  # type: ignore[index]
    docomo = next(
        entry for entry in answers if entry["carrier"] == "docomo" and entry["imei"] == "353915111001014"
    )
    assert (
        docomo["mark"] == "○"
        and docomo["from_cache"]
        and "checked by hand by sato" in docomo["detail"]["text"]
    )
    assert "carrier_unanswered" not in codes(verdict(after))


def test_report_judges_saved_inspections_again_under_another_policy(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str], tmp_path: Path
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    carrier_sim.rules.set_mark("353915111001014", Carrier.DOCOMO, Outcome.PENDING)
    saved = tmp_path / "saved.json"
    first = run_cli(["inspect", "--platform", "ios", "--json"], env)
    saved.write_text(first.stdout, encoding="utf-8")
    assert "pending" in codes(verdict(json.loads(first.stdout)))

    strict = tmp_path / "strict.toml"
    strict.write_text(
        default_policy_path()
        .read_text(encoding="utf-8")
        .replace('name = "tenken default"', 'name = "strict"')
        .replace('pending = "SELLABLE_WITH_DISCLOSURE"        # △', 'pending = "BLOCKED"        # △', 1),
        encoding="utf-8",
    )
    again = run_cli(["report", "--from", str(saved), "--policy", str(strict), "--json"], env)
    assert again.exit_code == 1, again.stderr  # the stricter policy blocks the △ phone at retail
    payload = json.loads(again.stdout)
    assert payload["policy"]["name"] == "strict" and verdict(payload)["level"] == "BLOCKED"
    phone = payload["phones"][0]
    original = json.loads(first.stdout)["phones"][0]
    assert phone["facts"] == original["facts"] and phone["lookups"] == original["lookups"]
    assert phone["inspection_id"] == original["inspection_id"]

    same = run_cli(["report", "--from", str(saved), "--json"], env)
    assert json.loads(same.stdout)["phones"][0]["verdicts"] == original["verdicts"]


def test_report_from_a_file_that_is_not_an_inspection_is_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"phones": [{"device": {}}]}', encoding="utf-8")
    result = run_cli(["report", "--from", str(junk)], env)
    assert result.exit_code == 66 and result.stderr.count("\n") == 1 and "inspection 1" in result.stderr


def test_policy_show_and_check(env: dict[str, str], tmp_path: Path) -> None:
    shown = run_cli(["policy", "show", "--json"], env)
    payload = json.loads(shown.stdout)
    assert set(payload["channels"]) == {"retail", "flea_market", "parts"}
    assert payload["channels"]["flea_market"]["levels"]["pending"] == "BLOCKED"
    copy = tmp_path / "shop.toml"
    copy.write_text(run_cli(["policy", "show", "--toml"], env).stdout, encoding="utf-8")
    checked = run_cli(["policy", "check", str(copy)], env)
    assert checked.exit_code == 0 and "ok" in checked.stdout and payload["sha256"] in checked.stdout


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (
            ('owner_lock_unknown = "HOLD"', 'owner_lock_unknown = "SELLABLE"'),
            "channels.retail.levels.owner_lock_unknown",
            "never be SELLABLE",
        ),
        (
            ('mdm_unknown = "HOLD"', 'mdm_unknown = "SELLABLE_WITH_DISCLOSURE"'),
            "channels.retail.levels.mdm_unknown",
            "must be HOLD or worse",
        ),
        (
            ('pending = "SELLABLE_WITH_DISCLOSURE"', 'pending = "SELLABLE_WITH_DISKLOSURE"'),
            "channels.retail.levels.pending",
            "SELLABLE_WITH_DISCLOSURE",
        ),
        (
            ('battery_unknown = "SELLABLE_WITH_DISCLOSURE"\n', 'batery_unknown = "SELLABLE"\n'),
            "channels.retail.levels.batery_unknown",
            "unknown condition",
        ),
    ],
)
def test_a_malformed_policy_is_refused_naming_file_key_and_problem(
    env: dict[str, str], tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(default_policy_path().read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    for args in (["policy", "check", str(bad)], ["inspect", "--policy", str(bad), "--platform", "ios"]):
        result = run_cli(args, env)
        assert result.exit_code == 78, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and str(bad) in result.stderr
        assert key in result.stderr and problem in result.stderr


def test_inspect_does_not_believe_an_answer_edited_in_the_database(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    """A stored × edited to ○ in SQL (`UPDATE lookups SET outcome='ok', raw_mark='○'`): the next inspection
    reads the kept page again, asks docomo again, says so, and the phone stays restricted."""
    import sqlite3

    usbmux.attach(bundled("iphone13-docomo"))
    for imei in ("353915111001014", "353915111001022"):
        carrier_sim.rules.set_mark(imei, Carrier.DOCOMO, Outcome.RESTRICTED)
    _, first = inspect_json(env)
    assert "restricted" in codes(verdict(first))
    with sqlite3.connect(env["TENKEN_DB"]) as database:
        database.execute("UPDATE lookups SET outcome = 'ok', raw_mark = '○' WHERE outcome = 'restricted'")
    hits = carrier_sim.hits["docomo"]
    result = run_cli(["inspect", "--platform", "ios", "--json"], env)
    again = json.loads(result.stdout)
    assert "restricted" in codes(verdict(again)) and carrier_sim.hits["docomo"] > hits
    assert result.stderr.count("ALTERED: the stored docomo answer") == 2  # one per IMEI


def test_a_check_by_hand_names_the_carrier_its_page_and_the_imeis(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    """docomo shows a CAPTCHA: the action names docomo, its page's address and both IMEIs to type there —
    in the JSON, with --details, and on the board's list of what needs the technician."""
    carrier_sim.set_fault(Carrier.DOCOMO, "captcha")
    for imei in ("353915111001014", "353915111001022"):
        carrier_sim.rules.set_mark(imei, Carrier.DOCOMO, Outcome.OK)
    usbmux.attach(bundled("iphone13-docomo"))
    env = {**env, "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false"}
    _, payload = inspect_json(env)
    unanswered = next(r for r in verdict(payload)["reasons"] if r["code"] == "carrier_unanswered")  # type: ignore[index]
    pages = {page["params"]["carrier"]: page for page in unanswered["action"]["params"]["pages"]}
    assert set(pages) == {"docomo", "rakuten"}  # Rakuten is off here: what it would say is not known either
    assert pages["docomo"]["params"] == {
        "carrier": "docomo",
        "url": "https://nw-restriction.nttdocomo.co.jp/top.php",
        "imeis": "353915111001014 / 353915111001022",
    }
    for args in (["inspect", "--platform", "ios"], ["inspect", "--platform", "ios", "--details"]):
        for lang, carrier in (("en", "docomo at"), ("ja", "ドコモ（")):
            result = run_cli(["--lang", lang, *args], {**env, "COLUMNS": "400"})
            shown = result.stdout
            assert result.exit_code == 3, result.stderr  # a carrier could not be asked
            assert (
                carrier + ("https://nw-restriction.nttdocomo.co.jp/top.php" if lang == "ja" else " ") in shown
            )
            assert "https://nw-restriction.nttdocomo.co.jp/top.php" in shown
            assert "353915111001014 / 353915111001022" in shown


def test_a_policy_older_than_a_condition_loads_with_the_shipped_level_and_says_so(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A shop's file written before the trade's conditions: it still loads (an upgrade never stops the
    station), each missing condition as shipped on the same channel, else HOLD, and check and show say
    which; a condition that stands for something unknown is still never SELLABLE."""
    newer = ("grade_unknown", "grade_j", "grade_c", "erasure_unconfirmed")
    text = default_policy_path().read_text(encoding="utf-8")
    older = "".join(line for line in text.splitlines(keepends=True) if not line.strip().startswith(newer))
    older += '\n[channels.ebay]\ntitle = { en = "eBay", ja = "eBay" }\ninherit = "retail"\n'
    shop = tmp_path / "shop.toml"
    shop.write_text(older, encoding="utf-8")
    checked = run_cli(["policy", "check", str(shop)], env)
    assert checked.exit_code == 0, checked.stderr
    assert "retail: not in this file" in checked.stdout and "grade_unknown" in checked.stdout
    shown = json.loads(run_cli(["policy", "show", "--json", "--policy", str(shop)], env).stdout)
    shipped = json.loads(run_cli(["policy", "show", "--json"], env).stdout)
    for condition in newer:
        assert (
            shown["channels"]["retail"]["levels"][condition]
            == shipped["channels"]["retail"]["levels"][condition]
        )
    assert set(shown["channels"]["retail"]["not_in_file"]) == set(newer)
    assert shipped["channels"]["retail"]["not_in_file"] == []
    assert shown["channels"]["ebay"]["levels"]["grade_unknown"] != "SELLABLE"

    own = tmp_path / "own.toml"  # a channel of the shop's own, not inheriting: HOLD where it says nothing
    own.write_text(
        'name = "own"\n[channels.shop]\ntitle = { en = "Shop", ja = "店" }\nlevels = { owner_lock_on = "BLOCKED" }\n',
        encoding="utf-8",
    )
    levels = json.loads(run_cli(["policy", "show", "--json", "--policy", str(own)], env).stdout)["channels"][
        "shop"
    ]
    assert levels["levels"]["owner_lock_on"] == "BLOCKED" and levels["levels"]["grade_c"] == "HOLD"
