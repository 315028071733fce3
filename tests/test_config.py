from __future__ import annotations

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
    assert settings.lookup.docomo.origin == "http://nw-restriction.nttdocomo.co.jp"
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


def test_every_carrier_origin_has_its_variable() -> None:
    names = config.env_names()
    for carrier in ("DOCOMO", "AU", "SOFTBANK", "RAKUTEN"):
        assert f"TENKEN_LOOKUP_{carrier}_ORIGIN" in names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[lookup\nspacing = 1", "not valid TOML"),
        ("[lookup]\nspaceing = 1\n", "unknown key 'lookup.spaceing'"),
        ('[lookup]\nspacing = "fast"\n', "expected float"),
        ("lookup = 3\n", "'lookup' must be a table"),
        ("[android]\nadb_port = true\n", "expected int"),
    ],
)
def test_corrupt_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError, match=message):
        config.load(path, environ={})


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TENKEN_LOOKUP_RETRIES"):
        config.load(environ={"TENKEN_LOOKUP_RETRIES": "many", "XDG_CONFIG_HOME": "/nonexistent"})


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "absent.toml", environ={})


def test_cli_reports_corrupt_config_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", "[lookup\n")
    result = run_cli(["--config", str(path), "lookup", "490154203237518"], env={})
    assert result.exit_code == 78
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("tenken: config file") and "not valid TOML" in lines[0]
    assert "Traceback" not in result.stderr
