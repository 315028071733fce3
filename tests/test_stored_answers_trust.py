"""What tenken stored counts only for the origin it came from, only while it is as it was kept, and an
unreadable answer never replaces a readable one (issue "answers you can stake a sale on", items 7, 10,
11, 12): through the real CLI, over HTTP to the carrier simulator, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli

IMEI = "490154203237518"


@pytest.fixture
def env(carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    return {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false"}


def docomo(env: dict[str, str], *extra: str) -> tuple[int, dict[str, object], str]:
    """`tenken lookup --carrier docomo --json IMEI`: exit code, docomo's answer, stderr."""
    result = run_cli(["lookup", "--carrier", "docomo", "--json", *extra, IMEI], env)
    (report,) = json.loads(result.stdout)["imeis"]
    return result.exit_code, report["results"][0], result.stderr


# ---------------------------------------------------------------------------------------------- item 7


def test_an_answer_is_cached_for_its_origin_only(tmp_path: Path) -> None:
    """After training on a simulator, a station pointed at another checker (the real site, here a second
    simulator) is never served the first one's ○."""
    with CarrierSimulator() as training, CarrierSimulator() as real:
        training.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
        real.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
        trained = fast_env(training, tmp_path)
        assert docomo(trained)[1]["mark"] == "○"
        shop = {**trained, **real.env()}  # same database, other origin
        code, answer, _ = docomo(shop)
        assert (code, answer["mark"], answer["from_cache"]) == (1, "×", False)
        assert real.hits["docomo"] == 2
        again = docomo(trained)[1]  # and back on the simulator, its own answer is cached for it
        assert (again["mark"], again["from_cache"]) == ("○", True)


# ---------------------------------------------------------------------------------------------- item 10


def record_mark(env: dict[str, str], tmp_path: Path, glyph: str = "○") -> None:
    screenshot = tmp_path / "docomo.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n a screenshot")
    recorded = run_cli(
        [
            "record",
            "mark",
            "docomo",
            glyph,
            "--imei",
            IMEI,
            "--new",
            "--by",
            "sato",
            "--evidence",
            str(screenshot),
        ],
        env,
    )
    assert recorded.exit_code == 0, recorded.stderr


@pytest.mark.parametrize("fault", ["captcha", "maintenance", "503", "js-only", "changed"])
def test_a_recorded_mark_survives_the_next_unreadable_answer(
    carrier_sim: CarrierSimulator, env: dict[str, str], tmp_path: Path, fault: str
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
    carrier_sim.set_fault(Carrier.DOCOMO, fault)
    assert docomo(env)[0] == 3  # unreadable: check by hand
    record_mark(env, tmp_path)
    code, answer, _ = docomo(env)
    assert (code, answer["mark"], answer["from_cache"]) == (0, "○", True)
    assert "checked by hand by sato" in answer["detail"]["text"]  # type: ignore[index]
    # Asked again (--no-cache), the site still cannot be read: the person's mark stands.
    hits = carrier_sim.hits["docomo"]
    code, answer, _ = docomo(env, "--no-cache")
    assert carrier_sim.hits["docomo"] > hits
    assert (code, answer["mark"]) == (0, "○")
    code, answer, _ = docomo(env)  # and the unreadable answer now stored does not hide it either
    assert (code, answer["mark"], answer["from_cache"]) == (0, "○", True)
    # Its time to live ends it: back to "check by hand".
    assert docomo({**env, "TENKEN_LOOKUP_CACHE_TTL_HOURS": "0"})[0] == 3


def test_a_newer_readable_answer_replaces_a_recorded_mark(
    carrier_sim: CarrierSimulator, env: dict[str, str], tmp_path: Path
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
    record_mark(env, tmp_path, "○")
    code, answer, _ = docomo(env, "--no-cache")
    assert (code, answer["mark"], answer["from_cache"]) == (1, "×", False)
    assert docomo(env)[1]["mark"] == "×"  # the newest readable answer is the one served


def test_a_sites_mark_survives_a_later_outage(carrier_sim: CarrierSimulator, env: dict[str, str]) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
    assert docomo(env)[1]["mark"] == "×"
    carrier_sim.set_fault(Carrier.DOCOMO, "maintenance")
    code, answer, _ = docomo(env, "--no-cache")
    assert (code, answer["mark"]) == (1, "×")  # never "unknown" because the site is down now


# ---------------------------------------------------------------------------------------------- item 11


def test_clean_with_unread_carriers_says_which_and_strict_makes_it_unknown(
    carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.SOFTBANK, Outcome.OK)
    for carrier in (Carrier.DOCOMO, Carrier.AU, Carrier.RAKUTEN):
        carrier_sim.set_fault(carrier, "503")
    every = {**env, "TENKEN_LOOKUP_RAKUTEN_ENABLED": "true"}
    relaxed = run_cli(["lookup", "--json", IMEI], every)
    (report,) = json.loads(relaxed.stdout)["imeis"]
    assert (relaxed.exit_code, report["status"]) == (0, "clean")
    assert report["unread"] == ["docomo", "au", "rakuten"]
    assert "docomo, au, Rakuten Mobile not read" in report["summary"]["text"]
    table = run_cli(["lookup", IMEI], every)
    assert "not read" in table.stdout
    for strict in (["lookup", "--strict", "--json", IMEI], ["lookup", "--json", IMEI]):
        environ = every if "--strict" in strict else {**every, "TENKEN_LOOKUP_STRICT": "true"}
        result = run_cli(strict, environ)
        (report,) = json.loads(result.stdout)["imeis"]
        assert (result.exit_code, report["status"]) == (3, "unknown")


# ---------------------------------------------------------------------------------------------- item 12


def edit(env: dict[str, str], sql: str) -> None:
    with sqlite3.connect(env["TENKEN_DB"]) as database:
        assert database.execute(sql).rowcount >= 1


def test_an_edited_answer_is_not_believed_and_evidence_says_so(
    carrier_sim: CarrierSimulator, env: dict[str, str], tmp_path: Path
) -> None:
    """`UPDATE … SET outcome='ok', raw_mark='○'` on a stored ×, the page untouched: the page read again
    says ×. `lookup` asks again (and says why), `evidence` names it and exits 5."""
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.RESTRICTED)
    assert docomo(env)[1]["mark"] == "×"
    edit(env, "UPDATE lookups SET outcome = 'ok', raw_mark = '○' WHERE carrier = 'docomo'")
    code, answer, stderr = docomo(env)
    assert (code, answer["mark"], answer["from_cache"]) == (1, "×", False)
    assert "ALTERED" in stderr and "the kept page reads ×, the row says ○" in stderr
    listed = run_cli(["evidence", IMEI, "--carrier", "docomo", "--all", "--json", "--no-save"], env)
    assert listed.exit_code == 5
    rows = json.loads(listed.stdout)["answers"]
    assert [row["intact"] for row in rows] == [True, False]  # the new × checks out; the edited row not
    assert rows[1]["problem"]["code"] == "integrity.page_says_otherwise"


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE lookups SET checked_at = datetime(checked_at, '+1 day')", "integrity.signature_broken"),
        ("UPDATE lookups SET detail = '\"fine\"'", "integrity.signature_broken"),
        ("UPDATE lookups SET signed_by = NULL, signature = NULL", "integrity.unsigned"),
        ("UPDATE lookups SET signed_by = '0123456789abcdef'", "integrity.foreign_key"),
    ],
)
def test_a_site_answer_changed_beside_its_page_is_not_served(
    carrier_sim: CarrierSimulator, env: dict[str, str], sql: str, problem: str
) -> None:
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
    assert docomo(env)[1]["mark"] == "○"
    edit(env, sql)
    hits = carrier_sim.hits["docomo"]
    _, answer, stderr = docomo(env)
    assert answer["from_cache"] is False and carrier_sim.hits["docomo"] > hits  # asked again
    assert "was not used" in stderr or "ALTERED" in stderr
    listed = run_cli(["evidence", IMEI, "--carrier", "docomo", "--all", "--json", "--no-save"], env)
    codes = [
        row["problem"]["code"] if row["problem"] else None for row in json.loads(listed.stdout)["answers"]
    ]
    assert problem in codes
    assert listed.exit_code == (5 if problem == "integrity.signature_broken" else 0)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE lookups SET outcome = 'ok', raw_mark = '○' WHERE method = 'MANUAL'",
        "UPDATE lookups SET checked_at = datetime('now') WHERE method = 'MANUAL'",
        "UPDATE lookups SET signature = NULL WHERE method = 'MANUAL'",
    ],
)
def test_a_persons_mark_changed_in_the_database_is_not_believed(
    carrier_sim: CarrierSimulator, env: dict[str, str], tmp_path: Path, sql: str
) -> None:
    carrier_sim.set_fault(Carrier.DOCOMO, "captcha")
    record_mark(env, tmp_path, "×")
    assert docomo(env)[1]["mark"] == "×"
    edit(env, sql)
    code, answer, stderr = docomo(env)
    assert (code, answer["mark"]) == (3, None)  # back to "check by hand": never ○ from an edited row
    assert "was not used" in stderr or "ALTERED" in stderr


def test_a_recorded_fact_changed_in_the_database_is_not_used(env: dict[str, str]) -> None:
    """A fact entered by hand (record battery) is signed too: edited, it is not applied to the phone."""
    from tenken import config
    from tenken.store import open_store

    assert run_cli(["record", "battery", "91", "--imei", IMEI, "--new", "--by", "sato"], env).exit_code == 0
    settings = config.load(environ=env)
    with open_store(settings) as store:
        (kept,) = store.recorded_for(None, [IMEI])
    assert kept.seal is not None and kept.seal.value == "signed"
    edit(env, "UPDATE manual_facts SET value_json = '99'")
    with open_store(settings) as store:
        (edited,) = store.recorded_for(None, [IMEI])
    assert edited.seal is not None and edited.seal.value == "broken"

    from tenken.facts import DeviceFacts, DeviceRef, Platform
    from tenken.station.pipeline import apply_recorded

    facts = DeviceFacts(DeviceRef(Platform.ANDROID, "serial"))
    apply_recorded(facts, [edited])
    assert not facts.battery_health_pct.known
    apply_recorded(facts, [kept])
    assert facts.battery_health_pct.value == 91


def test_the_station_key_is_owner_only_and_kept_outside_the_database(env: dict[str, str]) -> None:
    assert run_cli(["lookup", "--carrier", "docomo", IMEI], env).exit_code in (0, 2)
    key = Path(env["TENKEN_DATA_DIR"]) / "station.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    with sqlite3.connect(env["TENKEN_DB"]) as database:
        (signed_by,) = database.execute("SELECT DISTINCT signed_by FROM lookups").fetchone()
    assert signed_by and key.read_text().strip() not in signed_by


def test_an_earlier_inspection_edited_in_the_database_does_not_carry_its_owner_lock(
    env: dict[str, str],
) -> None:
    """The two-read rule makes an erased phone sellable on the strength of an earlier read in use: an
    earlier inspection whose stored owner lock was edited from on to off must not count; nor must one
    kept unsigned (by an earlier tenken), nor re-checks of either."""
    from datetime import UTC, datetime, timedelta

    from tenken import config
    from tenken.facts import DeviceFacts, DeviceRef, Fact, Platform
    from tenken.inspection import Inspection
    from tenken.store import open_store

    settings = config.load(environ=env)
    phone = DeviceFacts(DeviceRef(Platform.IOS, "udid-1"), read_at=datetime.now(UTC) - timedelta(hours=2))
    phone.serial = Fact.measured("F2LXQ0AAAAAA", "t")
    phone.imei = Fact.measured(IMEI, "t")
    phone.setup_complete = Fact.measured(True, "t")
    phone.owner_lock = Fact.measured(True, "t")  # Find My on, while in use
    kept = Inspection(phone, finished_at=datetime.now(UTC) - timedelta(hours=2))
    with open_store(settings) as store:
        store.save_inspections([kept])
        as_kept = store.earlier_in_use(phone, datetime.now(UTC))
        assert as_kept is not None and as_kept.facts.owner_lock.value is True  # on: nothing carries
    text = '"owner_lock": {"value": true'
    edit(
        env,
        "UPDATE inspections SET facts_json = replace(facts_json, '"
        + text
        + "', '\"owner_lock\": {\"value\": false'), inspection_json = replace(inspection_json, '"
        + text
        + '\', \'"owner_lock": {"value": false\')',
    )
    with open_store(settings) as store:
        assert store.earlier_in_use(phone, datetime.now(UTC)) is None
        assert store.latest_inspections(datetime.now(UTC) - timedelta(days=1)) == []
    edit(env, "UPDATE inspections SET signed_by = NULL, signature = NULL")
    with open_store(settings) as store:
        assert store.earlier_in_use(phone, datetime.now(UTC)) is None


def test_an_earlier_inspection_as_kept_carries_its_owner_lock(env: dict[str, str]) -> None:
    """The same, unedited, with the owner lock off: it counts (the test above is not vacuous)."""
    from datetime import UTC, datetime, timedelta

    from tenken import config
    from tenken.facts import DeviceFacts, DeviceRef, Fact, Platform
    from tenken.inspection import Inspection
    from tenken.store import open_store

    settings = config.load(environ=env)
    phone = DeviceFacts(DeviceRef(Platform.IOS, "udid-1"), read_at=datetime.now(UTC) - timedelta(hours=2))
    phone.serial = Fact.measured("F2LXQ0AAAAAA", "t")
    phone.imei = Fact.measured(IMEI, "t")
    phone.setup_complete = Fact.measured(True, "t")
    phone.owner_lock = Fact.measured(False, "t")
    with open_store(settings) as store:
        store.save_inspections([Inspection(phone, finished_at=datetime.now(UTC) - timedelta(hours=2))])
        earlier = store.earlier_in_use(phone, datetime.now(UTC))
        assert earlier is not None and earlier.facts.owner_lock.value is False
        assert len(store.latest_inspections(datetime.now(UTC) - timedelta(days=1))) == 1
