from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenken import config
from tenken.config import ConfigError
from tests.conftest import run_cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_point_at_the_real_sites() -> None:
    settings = config.load(environ={"XDG_CONFIG_HOME": "/nonexistent"})
    assert settings.lookup.docomo.origin == "https://nw-restriction.nttdocomo.co.jp"
    assert settings.lookup.softbank.origin == "https://ct99.my.softbank.jp"
    assert settings.lookup.cache_ttl_hours == 12
    assert settings.lookup.spacing >= 1  # polite by default


def test_file_then_environment(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[lookup]\nspacing = 5\n[lookup.au]\norigin = "http://127.0.0.1:9"\n[android]\nadb_port = 5999\n',
    )
    settings = config.load(path, environ={"TENKEN_LOOKUP_SPACING": "0.5", "TENKEN_LOOKUP_AU_ENABLED": "no"})
    assert settings.lookup.spacing == 0.5  # environment wins over the file
    assert settings.lookup.au.origin == "http://127.0.0.1:9"
    assert settings.lookup.au.enabled is False
    assert settings.android.adb_port == 5999


def test_ports_name_hub_ports_however_their_location_is_written(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[ports]\n0x1100000 = "A-01"\n"usb:1-4.2" = "B-02"\n')
    settings = config.load(path, environ={})
    assert settings.port_name("0x01100000") == "A-01"  # as the iPhone reader shows a LocationID
    assert settings.port_name("1-4.2") == "B-02"  # as the Android reader shows `adb devices -l`'s usb:
    assert settings.port_name("1-4.3") is None

    from_environment = config.load(path, environ={"TENKEN_PORTS": "0x01100002 = A-03, 2-1=C-01"})
    assert from_environment.ports == {"0x01100002": "A-03", "2-1": "C-01"}  # replaces the file's table
    with pytest.raises(ConfigError, match="environment variable TENKEN_PORTS: expected a table"):
        config.load(path, environ={"TENKEN_PORTS": "A-03"})


def test_every_carrier_origin_has_its_variable() -> None:
    names = config.env_names()
    for carrier in ("DOCOMO", "AU", "SOFTBANK", "RAKUTEN"):
        assert f"TENKEN_LOOKUP_{carrier}_ORIGIN" in names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[lookup\nspacing = 1", "not valid TOML"),
        ("[lookup]\nspaceing = 1\n", "lookup.spaceing: unknown key (did you mean 'spacing'?)"),
        ('[lookup]\nspacing = "fast"\n', "lookup.spacing: expected float >= 0 and <= 31536000, got 'fast'"),
        ("lookup = 3\n", "lookup: expected a table, got 3"),
        ("[android]\nadb_port = true\n", "android.adb_port: expected int >= 1 and <= 65535, got true"),
        ('[lookup.au]\norigin = "my.au.com"\n', "lookup.au.origin: expected an origin"),
        ("[ios]\ntimeout = 0\n", "ios.timeout: expected float > 0 and <= 31536000, got 0"),
        ('[ports]\n"1-4.x" = "A-01"\n', 'ports."1-4.x": invalid key: expected a USB location: a usbmux'),
        ('[ports]\n0x01100000 = ""\n', "ports.0x01100000: expected a port name such as A-03, got ''"),
    ],
)
def test_corrupt_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as raised:
        config.load(path, environ={})
    assert str(raised.value).startswith(f"config file {path}: ")
    assert message in str(raised.value)


def test_a_table_may_set_only_some_of_its_keys(tmp_path: Path) -> None:
    settings = config.load(write(tmp_path / "c.toml", "[lookup.au]\nenabled = false\n"), environ={})
    assert settings.lookup.au.origin == "https://my.au.com"
    assert settings.lookup.au.enabled is False


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        ("yes", True),
        ("no", False),
        ("on", True),
        ("OFF", False),
    ],
)
def test_environment_booleans(word: str, value: bool) -> None:
    settings = config.load(environ={"TENKEN_LOOKUP_DOCOMO_ENABLED": word, "XDG_CONFIG_HOME": "/nonexistent"})
    assert settings.lookup.docomo.enabled is value


def test_environment_numbers_are_read_from_strings() -> None:
    settings = config.load(
        environ={
            "TENKEN_LOOKUP_SPACING": "0",
            "TENKEN_ANDROID_ADB_PORT": "5999",
            "XDG_CONFIG_HOME": "/nonexistent",
        }
    )
    assert (settings.lookup.spacing, settings.android.adb_port) == (0.0, 5999)


NO_FILE = {"XDG_CONFIG_HOME": "/nonexistent"}


def test_adb_server_variables_count_when_tenken_leaves_the_keys_unset(tmp_path: Path) -> None:
    adb = {"ANDROID_ADB_SERVER_PORT": "5999", "ANDROID_ADB_SERVER_ADDRESS": "localhost"}
    settings, sources = config.load_with_sources(environ={**NO_FILE, **adb})
    assert (settings.android.adb_host, settings.android.adb_port) == ("localhost", 5999)
    assert sources == {
        "android.adb_host": "ANDROID_ADB_SERVER_ADDRESS",
        "android.adb_port": "ANDROID_ADB_SERVER_PORT",
    }

    # tenken's own key wins, even when it says what the default says
    explicit = config.load(environ={**NO_FILE, **adb, "TENKEN_ANDROID_ADB_PORT": "6001"})
    assert explicit.android.adb_port == 6001
    path = write(tmp_path / "c.toml", "[android]\nadb_port = 5037\n")
    from_file, sources = config.load_with_sources(path, environ=adb)
    assert from_file.android.adb_port == 5037
    assert sources["android.adb_port"] == config.FROM_FILE

    assert config.load(environ={**NO_FILE, "ANDROID_ADB_SERVER_PORT": ""}).android.adb_port == 5037  # as adb
    assert config.load_with_sources(environ=NO_FILE)[1] == {}


def test_a_bad_adb_server_variable_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="environment variable ANDROID_ADB_SERVER_PORT: expected int >= 1"):
        config.load(environ={**NO_FILE, "ANDROID_ADB_SERVER_PORT": "70000"})


def test_config_command_shows_where_the_adb_server_setting_came_from(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "TENKEN_CONFIG": "", "ANDROID_ADB_SERVER_PORT": "5999"}
    result = run_cli(["config"], env=env)
    assert "adb server:   127.0.0.1:5999  (host: default, port: ANDROID_ADB_SERVER_PORT)\n" in result.stdout
    shown = json.loads(run_cli(["config", "--json"], env=env).stdout)
    assert shown["settings"]["android"]["adb_port"] == 5999
    android = {key: source for key, source in shown["sources"].items() if key.startswith("android.")}
    assert android == {"android.adb_port": "ANDROID_ADB_SERVER_PORT"}


def _float_keys(table: dict[str, object], prefix: str = "TENKEN") -> list[str]:
    names = []
    for key, value in table.items():
        name = f"{prefix}_{key.upper()}"
        if isinstance(value, dict):
            names += _float_keys(value, name)
        elif isinstance(value, float):
            names.append(name)
    return names


@pytest.mark.parametrize("name", _float_keys(config.as_dict(config.Settings())))
@pytest.mark.parametrize("text", ["1e308", "nan", "-1"])
def test_every_duration_is_bounded(name: str, text: str) -> None:
    with pytest.raises(ConfigError) as raised:
        config.load(environ={name: text, "XDG_CONFIG_HOME": "/nonexistent"})
    assert str(raised.value).startswith(f"environment variable {name}: expected float >")
    assert str(raised.value).endswith(f"got '{text}'")


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TENKEN_LOOKUP_RETRIES"):
        config.load(environ={"TENKEN_LOOKUP_RETRIES": "many", "XDG_CONFIG_HOME": "/nonexistent"})


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "absent.toml", environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(environ={"TENKEN_CONFIG": str(tmp_path / "absent.toml")})


def test_cli_reports_corrupt_config_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", "[lookup\n")
    result = run_cli(["--config", str(path), "lookup", "490154203237518"], env={})
    assert result.exit_code == 78
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("tenken: config file") and "not valid TOML" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("command", "text", "env", "message"),
    [
        (
            "lookup",
            "[lookup]\ncache_ttl_hours = 1e308\n",
            {},
            "lookup.cache_ttl_hours: expected float >= 0 and <= 8760, got 1e+308",
        ),
        ("lookup", "[lookup]\nretries = -3\n", {}, "lookup.retries: expected int >= 0 and <= 100, got -3"),
        (
            "lookup",
            "[lookup]\nspacing = nan\n",
            {},
            "lookup.spacing: expected float >= 0 and <= 31536000, got nan",
        ),
        ("inspect", "[ios]\ntimeout = -5\n", {}, "ios.timeout: expected float > 0 and <= 31536000, got -5"),
        (
            "lookup",
            "",
            {"TENKEN_LOOKUP_RETRIES": "abc"},
            "environment variable TENKEN_LOOKUP_RETRIES: expected int >= 0 and <= 100, got 'abc'",
        ),
    ],
)
def test_cli_refuses_values_out_of_bounds_in_one_line(
    tmp_path: Path, command: str, text: str, env: dict[str, str], message: str
) -> None:
    path = write(tmp_path / "config.toml", text)
    args = ["--config", str(path), command, *(["490154203237518"] if command == "lookup" else [])]
    result = run_cli(args, env={"TENKEN_DB": str(tmp_path / "t.sqlite3"), **env})
    assert result.exit_code == 78
    assert result.stderr.splitlines() == [f"tenken: {'' if env else f'config file {path}: '}{message}"]


def test_config_command_names_the_file_in_use(tmp_path: Path) -> None:
    path = write(tmp_path / "station.toml", "[lookup]\nspacing = 4\n")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "TENKEN_DB": ""}
    for args, extra in ((["--config", str(path)], {}), ([], {"TENKEN_CONFIG": str(path)})):
        result = run_cli([*args, "config"], env={**env, **extra})
        assert result.exit_code == 0, result.stderr
        assert f"config file:  {path}\n" in result.stdout
        assert "  TENKEN_CONFIG\n" in result.stdout
        shown = run_cli([*args, "config", "--json"], env={**env, **extra})
        assert json.loads(shown.stdout)["config_file"] == str(path)
        assert json.loads(shown.stdout)["settings"]["lookup"]["spacing"] == 4.0
    default = run_cli(["config"], env={**env, "TENKEN_CONFIG": ""})
    assert f"config file:  {tmp_path / 'xdg' / 'tenken' / 'config.toml'}  (not present" in default.stdout


def _keys(table: dict[str, object], prefix: str = "") -> list[str]:
    keys = []
    for key, value in table.items():
        keys += _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else [f"{prefix}{key}"]
    return keys


def test_every_key_is_documented_with_its_type() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for key in _keys(config.as_dict(config.Settings())):
        for carrier in ("docomo", "au", "softbank", "rakuten"):
            key = key.replace(f"lookup.{carrier}.", "lookup.<carrier>.")
        assert f"| `{key}` | " in text, key
