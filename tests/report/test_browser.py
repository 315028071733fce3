"""The certificate in a real browser: Debian's Chromium (headless) opens it, screenshots it and prints it
to PDF. The page shows the verdict and the carriers' marks, holds no element a phone's strings could
have made, and asks the network for nothing (Chromium's net log). CI installs chromium (.ci/run): its
absence is a failure, never a skip."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tenken.report.html import claims
from tenken.report.pdf import browser_command, chromium
from tests.ios.simulator import bundled
from tests.report.conftest import IPHONE_13, Station
from tests.report.test_certificate import HOSTILE, certify, inspected

BROWSER_SECONDS = 90


@pytest.fixture(scope="session")
def browser() -> str:
    found = chromium()
    if found is None:
        pytest.fail(
            "chromium is missing: install Debian's chromium and fonts-noto-cjk packages "
            "(apt-get install chromium fonts-noto-cjk), as .ci/run does",
            pytrace=False,
        )
    return found


def open_page(browser: str, page: Path, work: Path, *extra: str) -> tuple[str, list[dict[str, Any]]]:
    """Chromium with tenken's flags (report/pdf.py) on `page`: what it printed (--dump-dom: the DOM) and
    every URL request the net log saw, with who started it."""
    net_log = work / f"{page.stem}.netlog.json"
    command = browser_command(browser, work / f"profile-{page.stem}", f"--log-net-log={net_log}", *extra)
    done = subprocess.run(
        [*command, page.resolve().as_uri()], capture_output=True, timeout=BROWSER_SECONDS, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    log = json.loads(net_log.read_text(encoding="utf-8"))
    kinds = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = [
        event["params"]
        for event in log["events"]
        if kinds[event["type"]] == "URL_REQUEST_START_JOB" and "url" in (event.get("params") or {})
    ]
    return done.stdout.decode("utf-8"), requests


def by_the_page(requests: list[dict[str, Any]]) -> list[str]:
    """Requests the page started (the browser's own carry no origin)."""
    return [request["url"] for request in requests if request.get("initiator") != "not an origin"]


def test_the_net_log_sees_a_page_that_fetches(browser: str, tmp_path: Path) -> None:
    """The check below can fail: a page with an image and a stylesheet from outside is caught."""
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><img src="http://127.0.0.1:9/probe.png"><link rel=stylesheet href="http://example.invalid/x.css">',
        encoding="utf-8",
    )
    _dom, requests = open_page(browser, probe, tmp_path, "--dump-dom")
    assert set(by_the_page(requests)) == {"http://127.0.0.1:9/probe.png", "http://example.invalid/x.css"}


def test_the_certificate_in_chromium(
    browser: str, station: Station, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    phone = inspected(station)
    page = certify(station, IPHONE_13)
    said = claims(page.read_text(encoding="utf-8")).values

    dom, requests = open_page(browser, page, tmp_path, "--dump-dom")
    assert by_the_page(requests) == []
    shown = claims(dom).values
    assert shown["verdict.retail"] == "保留 / HOLD" and shown["verdict.flea_market"] == "販売不可 / BLOCKED"
    marks = [shown[key] for key in shown if key.endswith(".mark")]
    assert sorted(marks) == sorted(["○", "△"]) and shown == said  # the browser shows what the file says
    assert "<script" not in dom and phone["inspection_id"] in dom

    shot = tmp_path / "certificate.png"
    _dom, requests = open_page(
        browser, page, tmp_path, "--hide-scrollbars", "--window-size=820,2400", f"--screenshot={shot}"
    )
    assert by_the_page(requests) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    with capsys.disabled():
        print(f"\ncertificate screenshot: {shot}")


def test_a_hostile_phone_makes_no_element_in_the_browser(
    browser: str, station: Station, tmp_path: Path
) -> None:
    hostile = bundled("iphone13-docomo")
    hostile.values["ProductType"] = f"model {HOSTILE}"
    hostile.values["CarrierBundleInfoArray"] = [
        {"CFBundleIdentifier": f"carrier {HOSTILE}", "MCC": "999", "MNC": "99"}
    ]
    station.usbmux.attach(hostile)
    station.inspect()
    page = certify(station, IPHONE_13)
    dom, requests = open_page(browser, page, tmp_path, "--dump-dom")
    assert by_the_page(requests) == []  # the <img> a phone tried to plant fetched nothing
    assert "<script" not in dom and "<img" not in dom
    assert claims(dom).values["fact.model_id"] == f"model {HOSTILE}"


def test_certificate_pdf(browser: str, station: Station) -> None:
    inspected(station)
    result = station.run("certificate", IPHONE_13, "--out", str(station.tmp / "pdf"), "--pdf")
    assert result.exit_code == 0, result.stderr
    pdf = next((station.tmp / "pdf").glob("*.pdf"))
    assert f"wrote {pdf}" in result.stdout
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    sizes = {
        tuple(float(number) for number in box.split()) for box in re.findall(rb"/MediaBox \[([^\]]*)\]", data)
    }
    assert sizes and all(
        abs(width - 595.3) < 1 and abs(height - 841.9) < 1 for _x, _y, width, height in sizes
    )  # A4


def test_pdf_without_chromium_says_how_to_print_it(station: Station) -> None:
    inspected(station)
    env = {**station.env, "TENKEN_CHROMIUM": "no-such-browser"}
    from tests.conftest import run_cli

    result = run_cli(["certificate", IPHONE_13, "--out", str(station.tmp / "x"), "--pdf"], env)
    assert (
        result.exit_code == 73
        and "--pdf needs Chromium" in result.stderr
        and "print it to PDF" in result.stderr
    )
