"""Profile files people write: each mistake is one line naming the file, the key and what was expected,
through the real `tenken sim android` entry point, before any adb server is started."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenken.sim.android.profile import bundled_names, load
from tests.conftest import run_cli

BASE = '[profile]\nbase = "so51c-docomo"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # bool("false") was True: the phone went offline
        (BASE + '[behaviour]\noffline = "false"\n', "behaviour.offline: expected bool, got 'false'"),
        (BASE + "[behaviour]\nlatency_ms = -1\n", "behaviour.latency_ms: expected float >= 0"),
        (
            BASE + "[behaviour]\nunplug_after_commands = 2.5\n",
            "behaviour.unplug_after_commands: expected int >= 0",
        ),
        (
            BASE + '[behaviour]\nmissing_commands = "dumpsys"\n',
            "behaviour.missing_commands: expected an array",
        ),
        (BASE + "[behavior]\noffline = true\n", "behavior: unknown key (did you mean 'behaviour'?)"),
        (BASE + "[battery]\nlevle = 3\n", "battery.levle: unknown key (did you mean 'level'?)"),
        (BASE + "[battery]\nhealth = 9\n", "battery.health: expected int >= 1 and <= 7, got 9"),
        (BASE + '[[accounts]]\nname = "a@example.jp"\n', "accounts[0].type: required key is missing"),
        (
            BASE.replace("\n", '\nimei = "004401510000017"\n', 1),
            "profile.imei: expected an array, got '004401510000017'",
        ),
        (
            BASE + '[props]\n"gsm.sim.state" = true\n',
            'props."gsm.sim.state": expected a string (or a number), got true',
        ),
        (
            BASE + "[settings.secure]\nuser_setup_complete = [1]\n",
            "settings.secure.user_setup_complete: expected a string",
        ),
        ('[props]\n"ro.build.version.sdk" = 34\n', 'props."ro.product.model": the model is required'),
        (BASE + '[outputs]\n"dumpsys battery" = 3\n', 'outputs."dumpsys battery": expected str, got 3'),
        (
            BASE + "[outputs]\n\"dumpsys 'battery'\" = ''\n",
            "outputs.\"dumpsys 'battery'\": write the command as it is run: 'dumpsys battery'",
        ),
        (BASE + '[outputs]\n"service call \'x" = ""\n', 'outputs."service call \'x": not a command line'),
        (
            BASE + '[outputs_status]\n"dumpsys battery" = 1\n',
            'outputs_status."dumpsys battery": no such command in [outputs]',
        ),
        (
            BASE + '[outputs]\n"dumpsys battery" = ""\n[outputs_status]\n"dumpsys battery" = 256\n',
            'outputs_status."dumpsys battery": expected int >= 0 and <= 255, got 256',
        ),
    ],
)
def test_a_profile_mistake_is_one_line_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "phone.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(["sim", "android", "--device", str(path), "--port", "0"], env={})
    assert result.exit_code == 78
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tenken: {path}: {message}")


def test_a_mistake_in_a_base_names_the_base(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(BASE + "[storage]\ndata_used_kb = -1\n", encoding="utf-8")
    (tmp_path / "phone.json").write_text('{"profile": {"base": "base.toml"}}', encoding="utf-8")
    result = run_cli(["sim", "android", "--device", str(tmp_path / "phone.json"), "--port", "0"], env={})
    assert result.exit_code == 78
    assert (
        result.stderr
        == f"tenken: {tmp_path / 'base.toml'}: storage.data_used_kb: expected int >= 0, got -1\n"
    )


def test_bundled_profiles_keep_their_values() -> None:
    profiles = {name: load(name) for name in bundled_names()}
    galaxy = profiles["sc51d-docomo"]
    assert galaxy.battery.vendor == {"mSavedBatteryAsoc": "89", "mSavedBatteryUsage": "31240"}
    assert (galaxy.battery.level, galaxy.battery.scale, galaxy.storage.data_total_kb) == (91, 100, 226492416)
    assert [account.type for account in galaxy.accounts][:2] == ["com.google", "com.osp.app.signin"]
    assert galaxy.settings["secure"]["user_setup_complete"] == "1"
    assert all(not profile.behaviour.offline for profile in profiles.values())
