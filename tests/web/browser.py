"""Debian's Chromium driven through chromium-driver (Selenium), for what only a browser shows: the board
following the station live, the forms (a screenshot pasted or chosen), keyboard-only use, and that
nothing a phone says becomes an element or runs. CI installs chromium and chromium-driver (.ci/run): their
absence is a failure, never a skip; no browser is ever downloaded."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
DEADLINE = 30.0
ARTIFACTS = Path(os.environ.get("TENKEN_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / ".artifacts"))


def browser_paths() -> tuple[str, str]:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(found).exists() and Path(driver).exists()):
        pytest.fail(
            "chromium and chromium-driver are missing: install Debian's packages "
            "(apt-get install chromium chromium-driver fonts-noto-cjk), as .ci/run does",
            pytrace=False,
        )
    return found, driver


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = browser_paths()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never fetches a driver or a browser
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--disable-gpu",
        "--window-size=1280,900",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(DEADLINE)
    try:
        yield driver
        # The page's own script never fails (a form it did not expect once stopped every handler after it).
        failed = [entry for entry in driver.get_log("browser") if entry["source"] == "javascript"]
        assert not failed, failed
        outside = [url for url in requested(driver) if not on_this_machine(url)]
        assert not outside, f"the page fetched from outside 127.0.0.1: {outside}"
    finally:
        driver.quit()


def until(condition: Callable[[], T], what: str, timeout: float = DEADLINE) -> T:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:  # the element is being replaced: ask again
            value = None  # type: ignore[assignment]
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout:g} s the browser still does not show: {what}", pytrace=False)
        time.sleep(0.05)


def keep_screenshot(driver: object, name: str) -> Path:
    """A screenshot kept as a test artifact (.artifacts/, or $TENKEN_TEST_ARTIFACTS)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), path  # type: ignore[attr-defined]
    return path


def requested(driver: object) -> list[str]:
    """Every address the browser asked for since the last call (Chromium's network log)."""
    import json

    found = []
    for entry in driver.get_log("performance"):  # type: ignore[attr-defined]
        event = json.loads(entry["message"]).get("message", {})
        if event.get("method") == "Network.requestWillBeSent":
            found.append(str(event["params"]["request"]["url"]))
    return found


def on_this_machine(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    local = (
        "data",
        "blob",
        "about",
        "chrome",
        "chrome-untrusted",
    )  # the browser's own new-tab page: no network
    return parts.scheme in local or parts.hostname in ("127.0.0.1", "localhost", "::1")
