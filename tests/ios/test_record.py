"""`tenken record` through the CLI, against the simulated iPhone and carrier sites: a phone tenken has never
seen is refused unless `--new`; what was recorded is said back in words, in the user's language; marks and
carriers are taken as people type them."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread, bundled

IPHONE_13 = "SIMT13DOC001"  # iphone13-docomo
IMEI_1 = "353915111001014"
NEVER_SEEN = "490154203237518"  # a valid IMEI no inspection, answer or recorded fact names


@pytest.fixture
def env(usbmux: SimulatorThread, carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    return {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_IOS_USBMUX": usbmux.address,
        "TENKEN_IOS_PAIR_TIMEOUT": "2",
    }


def stored(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(env["TENKEN_DB"]) as database:
        return database.execute(sql).fetchall()


@pytest.mark.parametrize(
    "phone",
    [["--serial", "SIMT13DOX001"], ["--imei", NEVER_SEEN]],
    ids=["mistyped-serial", "unknown-imei"],
)
def test_a_phone_tenken_has_never_seen_is_refused_unless_new(env: dict[str, str], phone: list[str]) -> None:
    refused = run_cli(["record", "sim-lock", "unlocked", *phone, "--by", "sato"], env)
    assert refused.exit_code == 66 and refused.stderr.count("\n") == 1, refused.stderr
    assert phone[1] in refused.stderr and "--new" in refused.stderr
    assert stored(env, "SELECT count(*) FROM manual_facts") == [(0,)]

    japanese = run_cli(["--lang", "ja", "record", "sim-lock", "unlocked", *phone], env)
    assert japanese.exit_code == 66 and "の点検・キャリア回答・記録がありません" in japanese.stderr

    kept = run_cli(["record", "sim-lock", "unlocked", *phone, "--by", "sato", "--new"], env)
    assert kept.exit_code == 0, kept.stderr
    assert stored(env, "SELECT fact, value_json FROM manual_facts") == [("sim_locked", "false")]
    # once recorded, the phone is one tenken has seen
    again = run_cli(["record", "battery", "88", *phone, "--by", "sato"], env)
    assert again.exit_code == 0, again.stderr


def test_a_mark_for_an_imei_never_looked_up_is_refused_unless_new(env: dict[str, str]) -> None:
    refused = run_cli(["record", "mark", "docomo", "○", "--imei", NEVER_SEEN], env)
    assert refused.exit_code == 66 and NEVER_SEEN in refused.stderr
    assert stored(env, "SELECT count(*) FROM lookups") == [(0,)]
    assert run_cli(["record", "mark", "docomo", "○", "--imei", NEVER_SEEN, "--new"], env).exit_code == 0


def test_a_phone_inspected_or_looked_up_needs_no_new(
    usbmux: SimulatorThread, carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    assert run_cli(["inspect", "--platform", "ios", "--no-lookup", "--json"], env).exit_code < 64
    lower = IPHONE_13.lower()  # a serial number in any case
    assert run_cli(["record", "battery", "87", "--serial", lower, "--by", "sato"], env).exit_code == 0
    assert run_cli(["record", "mdm", "no", "--imei", "353915111001022"], env).exit_code == 0  # IMEI2
    looked_up = "354178036859789"
    assert run_cli(["lookup", "--carrier", "docomo", looked_up], env).exit_code < 64
    assert run_cli(["record", "mark", "docomo", "○", "--imei", looked_up], env).exit_code == 0


@pytest.mark.parametrize(
    ("lang", "said", "words"),
    [
        pytest.param(
            "en",
            "recorded for serial number SIMT13DOC001: SIM-locked = no (設定 › 一般 › 情報 › SIMロック",
            ("by sato, ", " JST)"),
            id="en",
        ),
        pytest.param(
            "ja",
            "シリアル番号 SIMT13DOC001 の端末に記録しました：SIMロック = なし（設定 › 一般 › 情報 › SIMロック",
            ("sato、", " JST）"),
            id="ja",
        ),
    ],
)
def test_what_was_recorded_is_said_in_words(
    usbmux: SimulatorThread, env: dict[str, str], lang: str, said: str, words: tuple[str, ...]
) -> None:
    usbmux.attach(bundled("iphone13-docomo"))
    assert run_cli(["inspect", "--platform", "ios", "--no-lookup"], env).exit_code < 64
    result = run_cli(
        ["--lang", lang, "record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--by", "sato"], env
    )
    assert result.exit_code == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(said), line
    assert all(word in line for word in words), line
    assert "sim_locked" not in line and "False" not in line and "manual:" not in line
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d JST", line)  # Japan time, to the minute

    battery = run_cli(["--lang", lang, "record", "battery", "87", "--serial", IPHONE_13, "--by", "sato"], env)
    assert "battery_health_pct" not in battery.stdout and "87.0" not in battery.stdout
    assert ("バッテリー最大容量 % = 87" if lang == "ja" else "Battery health % = 87") in battery.stdout

    mark = run_cli(
        ["--lang", lang, "record", "mark", "ドコモ", "まる", "--imei", IMEI_1, "--by", "sato"], env
    )
    assert mark.exit_code == 0, mark.stderr
    expected = (
        "ドコモの判定を記録しました：○ 制限なし" if lang == "ja" else "recorded docomo's answer about IMEI"
    )
    assert expected in mark.stdout and "○" in mark.stdout


@pytest.mark.parametrize(
    ("carrier", "typed", "code", "mark"),
    [
        ("ドコモ", "○", "docomo", "○"),
        ("docomo", "o", "docomo", "○"),
        ("DOCOMO", "0", "docomo", "○"),
        ("ｄｏｃｏｍｏ", "ｍａｒｕ", "docomo", "○"),  # full-width, as a Japanese keyboard types it
        ("ＮＴＴドコモ", "まる", "docomo", "○"),
        ("エーユー", "△", "au", "△"),
        ("ａｕ", "▲", "au", "△"),
        ("au", "sankaku", "au", "△"),
        ("ソフトバンク", "×", "softbank", "×"),
        ("SoftBank", "x", "softbank", "×"),
        ("softbank", "Ｘ", "softbank", "×"),
        ("ｿﾌﾄﾊﾞﾝｸ", "batsu", "softbank", "×"),  # half-width katakana
        ("softbank", "ばつ", "softbank", "×"),
        ("楽天", "−", "rakuten", "−"),
        ("楽天モバイル", "-", "rakuten", "−"),
        ("Rakuten Mobile", "ー", "rakuten", "−"),
        ("rakuten", "none", "rakuten", "−"),
        ("rakuten", "なし", "rakuten", "−"),
        ("rakuten", "－", "rakuten", "−"),
    ],
)
def test_marks_and_carriers_as_people_type_them(
    env: dict[str, str], carrier: str, typed: str, code: str, mark: str
) -> None:
    result = run_cli(
        ["record", "mark", carrier, typed, "--imei", NEVER_SEEN, "--new", "--by", "sato", "--json"], env
    )
    assert result.exit_code == 0, result.stderr
    said = json.loads(result.stdout)
    assert (said["carrier"], said["mark"]) == (code, mark)
    assert stored(env, "SELECT carrier, raw_mark, origin FROM lookups") == [(code, mark, "manual")]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["mark", "mineo", "○"],
            "'mineo' is not a carrier: one of docomo (docomo), au (au), SoftBank (softbank)",
        ),
        (["mark", "docomo", "ok?"], "'ok?' is not a mark: ○ (o, 0, maru, まる)"),
        (["sim-lock", "maybe"], "'maybe': expected one of locked, yes"),
        (["battery", "101"], "a battery health is between 1 and 100 %"),
    ],
)
def test_what_is_not_a_value_is_one_line_in_words(env: dict[str, str], args: list[str], said: str) -> None:
    result = run_cli(["record", *args, "--imei", NEVER_SEEN, "--new"], env)
    assert result.exit_code == 65 and said in result.stderr and result.stderr.count("\n") == 1, result.stderr
    japanese = run_cli(["--lang", "ja", "record", *args, "--imei", NEVER_SEEN, "--new"], env)
    assert japanese.exit_code == 65 and "「" in japanese.stderr, japanese.stderr


def test_the_new_options_are_explained_in_japanese() -> None:
    record = run_cli(["--lang", "ja", "record", "--help"], {"TENKEN_LANG": "", "LANG": "C"})
    assert "まだtenkenが扱っていない端末です" in record.stdout and "この端末のOSとメーカー" in record.stdout
    certificate = run_cli(["--lang", "ja", "certificate", "--help"], {"TENKEN_LANG": "", "LANG": "C"})
    assert "証明書に載せる担当者" in certificate.stdout
