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


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        # a webhook receiver's URL: its userinfo, and query parameters that carry a credential
        ("https://hooks:s3cret@qa.shop.lan/tenken", ["https://hooks:***@qa.shop.lan/tenken"]),
        ("https://qa.shop.lan/tenken?token=s3cret&shop=ueno", ["token=***", "shop=ueno"]),
        (
            "https://qa.shop.lan/tenken?key=s3cret&api_key=s3cret&apikey=s3cret",
            ["key=***&api_key=***&apikey=***"],
        ),
        ("https://qa.shop.lan/t?access_token=s3cret&secret=s3cret&password=s3cret", ["access_token=***"]),
        ("https://q.blob.core.windows.net/t?sv=2022&sig=s3cret&Signature=s3cret", ["sv=2022", "sig=***"]),
        (
            "https://h/t?X-Amz-Credential=s3cret&X-Amz-Signature=s3cret&x-api-key=s3cret",
            ["X-Amz-Signature=***"],
        ),
        (
            "http://u:s3cret@127.0.0.1:8080/hooks?auth=s3cret&subscription-key=s3cret",
            ["u:***@127.0.0.1:8080"],
        ),
    ],
)
def test_webhook_credentials_are_masked(url: str, kept: list[str]) -> None:
    shown = masked(url)
    assert SECRET not in shown
    for part in kept:
        assert part in shown, shown


@pytest.mark.parametrize(
    "url", ["https://qa.shop.lan/tenken?shop=ueno&monkey=1", "http://127.0.0.1:8080/top.php"]
)
def test_urls_without_a_credential_are_shown_as_they_are(url: str) -> None:
    assert masked(url) == url


def test_every_url_and_password_in_a_log_line_is_masked() -> None:
    from tenken.store.urls import masked_in

    line = (
        'INFO httpx: HTTP Request: POST http://hooks:s3cret@127.0.0.1:8080/h?token=s3cret "HTTP/1.1 200 OK" '
        "(then postgresql+psycopg://tenken:s3cret@db/tenken). conninfo host=db password=s3cret user=tenken"
    )
    shown = masked_in(line)
    assert SECRET not in shown
    assert 'POST http://hooks:***@127.0.0.1:8080/h?token=*** "HTTP/1.1 200 OK"' in shown
    assert "(then postgresql+psycopg://tenken:***@db/tenken). conninfo" in shown
    assert "password=*** user=tenken" in shown


def test_tenken_config_shows_no_webhook_credential(tmp_path: Path) -> None:
    env = {
        "TENKEN_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path),
        "TENKEN_WEBHOOK_URL": "https://hooks:s3cret@qa.shop.lan/tenken?shop=ueno&token=s3cret",
        "TENKEN_WEBHOOK_SECRET": "s3cret",
    }
    text = run_cli(["config"], env)
    as_json = run_cli(["config", "--json"], env)
    assert text.exit_code == as_json.exit_code == 0
    assert SECRET not in text.stdout and SECRET not in as_json.stdout
    shown = "https://hooks:***@qa.shop.lan/tenken?shop=ueno&token=***"
    assert shown in text.stdout
    assert json.loads(as_json.stdout)["settings"]["webhook"]["url"] == shown
