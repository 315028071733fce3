"""Android phones are told where *their* screens show a fact, never an iPhone's path: the verdict's actions
(JSON, `inspect --details` in both languages, the certificate) and what `tenken record` keeps when no
`--what` is given. Per maker where the makers' screens differ (Samsung, Sony, Sharp, Google). And their
values in the words shops use: the storage as sold, the model number as the 型番. Real CLI → adbutils →
adb server → simulated phones."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tenken.report.html import claims
from tenken.sim.android.profile import erased, load
from tests.android.conftest import Phones
from tests.conftest import run_cli

# What only an iPhone shows (Settings paths, its OS, its account): never in what an Android phone is told.
IPHONE_ONLY = (
    "一般 › 情報",
    "General › About",
    "VPNとデバイス管理",
    "VPN & Device Management",
    "iOS",
    "Apple ID",
    "iCloud",
    "「iPhoneを探す」",
)


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "COLUMNS": "400"}  # rich lays tables out wide: one row a line


def inspect(env: dict[str, str], serial: str, *extra: str) -> Any:
    port = env["ANDROID_ADB_SERVER_PORT"]
    return run_cli(
        ["inspect", "--platform", "android", "--adb-port", port, "--serial", serial, "--no-lookup", *extra],
        env,
    )


def actions(phone: dict[str, Any]) -> dict[str, str]:
    """condition → the action's English words, as `inspect --json` prints them."""
    return {
        reason["code"]: reason["action"]["text"]
        for verdict in phone["verdicts"].values()
        for reason in verdict["reasons"]
        if reason["action"] is not None
    }


def free_of_iphone_paths(text: str) -> None:
    found = [marker for marker in IPHONE_ONLY if marker in text]
    assert not found, (found, text)


@pytest.mark.parametrize(
    ("profile", "told"),
    [
        pytest.param(
            "sc51d-docomo",
            {
                "owner_lock_on": "Settings › Accounts and backup › Manage accounts",
                "sim_lock_unconfirmed": "insert a SIM of another carrier",
            },
            id="samsung",
        ),
        pytest.param(
            "so51c-docomo",
            {
                "sim_lock_unconfirmed": "Settings › About phone › SIM card status",
                "battery_unknown": "Settings › About phone › Battery performance",
            },
            id="sony",
        ),
        pytest.param(
            "shg14-au",
            {
                "sim_lock_unconfirmed": "insert a SIM of another carrier",
                "battery_unknown": "Settings › About phone › Battery performance",
            },
            id="sharp",
        ),
        pytest.param(
            "pixel7-jp",
            {"battery_unknown": "Settings › Battery › Battery health (Pixel 8a and later)"},
            id="google",
        ),
    ],
)
def test_an_android_phone_is_told_its_own_screens(
    phones: Phones, env: dict[str, str], tmp_path: Path, profile: str, told: dict[str, str]
) -> None:
    serial = phones.attach(profile).serial
    result = inspect(env, serial, "--json")
    assert result.exit_code < 64, result.stderr
    (phone,) = json.loads(result.stdout)["phones"]
    said = actions(phone)
    for condition, words in told.items():
        assert words in said[condition], said
    free_of_iphone_paths(" ".join(said.values()))

    for lang in ("en", "ja"):
        details = run_cli(["--lang", lang, *inspect_args(env, serial), "--details"], env)
        assert details.exit_code < 64, details.stderr
        free_of_iphone_paths(details.stdout)

    out = tmp_path / "certificates"
    written = run_cli(["certificate", str(phone["facts"]["serial"]["value"]), "--out", str(out)], env)
    assert written.exit_code == 0, written.stderr
    (page,) = out.glob("*.html")
    found = claims(page.read_text(encoding="utf-8")).values
    free_of_iphone_paths(" ".join(value for key, value in found.items() if key.endswith(".action.ja")))
    free_of_iphone_paths(" ".join(value for key, value in found.items() if key.endswith(".action.en")))


def inspect_args(env: dict[str, str], serial: str) -> list[str]:
    port = env["ANDROID_ADB_SERVER_PORT"]
    return ["inspect", "--platform", "android", "--adb-port", port, "--serial", serial, "--no-lookup"]


def test_an_erased_android_phone_is_told_the_setup_screen_frp_shows(
    phones: Phones, env: dict[str, str]
) -> None:
    serial = phones.attach(erased(load("sc51d-docomo"))).serial
    result = inspect(env, serial, "--json")
    (phone,) = json.loads(result.stdout)["phones"]
    said = actions(phone)
    assert "owner_lock_unknown" in said, said
    assert "the screen after Wi-Fi" in said["owner_lock_unknown"]
    assert "Samsung account" in said["owner_lock_unknown"]  # a Galaxy has Reactivation Lock too
    free_of_iphone_paths(" ".join(said.values()))


@pytest.mark.parametrize(
    ("profile", "fact", "value", "kept"),
    [
        ("sc51d-docomo", "sim-lock", "unlocked", "manual: 他社SIMでの確認: unlocked ("),
        ("so51c-docomo", "sim-lock", "unlocked", "manual: 設定 › デバイス情報 › SIMカードステータス"),
        ("so51c-docomo", "battery", "85", "manual: 設定 › デバイス情報（端末情報） › 電池性能表示: 85 ("),
        ("sc51d-docomo", "battery", "85", "manual: 設定 › バッテリー › バッテリー情報: 85 ("),
        ("pixel7-jp", "mdm", "no", "manual: 設定 › セキュリティ › デバイス管理アプリ"),
    ],
)
def test_a_fact_recorded_for_an_android_phone_keeps_its_own_screen(
    phones: Phones, env: dict[str, str], profile: str, fact: str, value: str, kept: str
) -> None:
    serial = phones.attach(profile).serial
    first = inspect(env, serial, "--json")
    (phone,) = json.loads(first.stdout)["phones"]
    phone_serial = str(phone["facts"]["serial"]["value"])
    recorded = run_cli(["record", fact, value, "--serial", phone_serial, "--by", "sato", "--json"], env)
    assert recorded.exit_code == 0, recorded.stderr
    source = json.loads(recorded.stdout)["source"]
    assert source.startswith(kept), source
    free_of_iphone_paths(source)
    again = inspect(env, serial, "--json")
    (phone,) = json.loads(again.stdout)["phones"]
    name = {"sim-lock": "sim_locked", "battery": "battery_health_pct", "mdm": "mdm_enrolled"}[fact]
    assert phone["facts"][name]["source"] == source


# ---------------------------------------------------------------------------------------------- values in words


def test_storage_as_sold_and_the_model_number_as_the_kataban(
    phones: Phones, env: dict[str, str], tmp_path: Path
) -> None:
    serial = phones.attach("shg14-au").serial  # AQUOS: /data is 113 GB of 128 GB
    inspected = run_cli([*inspect_args(env, serial), "--json"], env)
    assert inspected.exit_code < 64, inspected.stderr
    out = tmp_path / "certificates"
    assert run_cli(["certificate", "SH14SIM0002", "--out", str(out)], env).exit_code == 0
    (path,) = out.glob("*.html")
    page = path.read_text(encoding="utf-8")
    found = claims(page).values
    assert found["fact.storage_bytes"] == "128 GB"
    assert found["fact.model_id"] == "SHG14" and "fact.part_number" not in found
    row = re.search(
        r'<tr><th><span lang="ja">([^<]+)</span> <span[^>]*>([^<]+)</span></th><td><span data-k="fact.model_id"',
        page,
    )
    assert row is not None and row.groups() == ("型番", "Model number")
    assert run_cli(["verify", str(path)], env).exit_code == 0

    details = run_cli(["--lang", "ja", *inspect_args(env, serial), "--details"], env)
    assert re.search(r"型番\s+SHG14", details.stdout) and re.search(r"容量\s+128 GB", details.stdout), (
        details.stdout
    )
    assert "113 GB" not in details.stdout and "機種ID" not in details.stdout
