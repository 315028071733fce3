"""Database credentials never reach the screen: `tenken config`, store errors, in every form a
SQLAlchemy URL can carry them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.store import open_store
from tenken.store.urls import masked
from tests.conftest import run_cli

SECRET = "s3cret"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        # the userinfo password, plain and percent-encoded
        ("postgresql+psycopg://tenken:s3cret@127.0.0.1/tenken", ["tenken:***@127.0.0.1/tenken"]),
        ("postgresql+psycopg://tenken:s3cret%40x%3Ay@127.0.0.1:5433/tenken", ["tenken:***@127.0.0.1:5433"]),
        # libpq keywords as query parameters (psycopg passes them on)
        ("postgresql+psycopg://tenken@127.0.0.1/tenken?password=s3cret", ["password=***"]),
        (
            "postgresql+psycopg://127.0.0.1/tenken?user=tenken&password=s3cret&sslmode=require",
            ["user=tenken", "password=***", "sslmode=require"],
        ),
        (
            "postgresql+psycopg://tenken@127.0.0.1/tenken?sslpassword=s3cret&sslkey=/etc/tenken/key.pem",
            ["sslpassword=***", "sslkey=%2Fetc%2Ftenken%2Fkey.pem"],
        ),
        ("postgresql+psycopg://tenken@127.0.0.1/tenken?password=s3cret&password=s3cret", ["password=***"]),
        # other drivers' spellings
        ("mysql+pymysql://shop@127.0.0.1/tenken?passwd=s3cret", ["passwd=***"]),
        (
            "mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3D127.0.0.1%3BUID%3Dshop"
            "%3BPWD%3Ds3cret",
            ["UID%3Dshop", "PWD%3D***"],
        ),
        # not something SQLAlchemy parses: still no password
        ("postgresql+psycopg://tenken:s3cret@127.0.0.1:port/tenken", ["tenken:***@"]),
    ],
)
def test_every_credential_form_is_masked(url: str, kept: list[str]) -> None:
    shown = masked(url)
    assert SECRET not in shown and "s3cret%40" not in shown
    for part in kept:
        assert part in shown, shown


@pytest.mark.parametrize("path", ["/var/lib/tenken/tenken.sqlite3", "sqlite:////var/lib/tenken/t.sqlite3"])
def test_paths_are_shown_as_they_are(path: str) -> None:
    assert masked(path) == path


def test_tenken_config_shows_no_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://tenken:s3cret@127.0.0.1/tenken?sslpassword=s3cret&password=s3cret"
    env = {"TENKEN_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path)}
    text = run_cli(["--db", url, "config"], env)
    as_json = run_cli(["--db", url, "config", "--json"], env)
    assert text.exit_code == as_json.exit_code == 0
    assert SECRET not in text.stdout and SECRET not in as_json.stdout
    payload = json.loads(as_json.stdout)
    assert payload["db_url"] == payload["settings"]["db"]
    assert "password=***" in payload["db_url"]


def test_store_errors_show_no_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://tenken@127.0.0.1:1/tenken?password=s3cret"  # nothing listens on port 1
    with pytest.raises(StoreError) as raised:
        open_store(Settings(db=url, data_dir=str(tmp_path), db_reconnect_seconds=0))
    assert SECRET not in str(raised.value)
    assert "password=***" in str(raised.value)
