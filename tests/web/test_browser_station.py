"""The whole way: `tenken serve` in its own process over tenken's simulators (usbmuxd with iPhones, the
carriers' sites), Debian's Chromium on its page; simulated iPhones are plugged in and out and the tiles
follow without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tenken.sim.ios.simulator import IosSimulator
from tests.station.conftest import Sites, iphone, station_env
from tests.web.browser import keep_screenshot, until
from tests.web.serving import Serve

pytestmark = pytest.mark.slow


@pytest.fixture
def serve(sites: Sites, iphones: IosSimulator, tmp_path: Path) -> Iterator[Serve]:
    env = {**station_env(sites, tmp_path, usbmux=iphones.address), "TENKEN_LANG": "ja"}
    running = Serve(["--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    try:
        yield running
    finally:
        running.kill()


def test_simulated_iphones_plugged_in_and_out_in_the_browser(
    chrome: WebDriver, sites: Sites, iphones: IosSimulator, serve: Serve
) -> None:
    chrome.get(serve.url + "/")
    until(lambda: chrome.find_element(By.ID, "board").get_attribute("data-updated"), "the first event")
    assert chrome.find_elements(By.CSS_SELECTOR, "#board li.tile") == []
    phones = []
    for copy, name in enumerate(("iphone13-docomo", "iphone16-rakuten")):
        profile = iphone(name, copy + 1)
        sites.like(profile, iphone(name))
        iphones.attach(profile)
        phones.append(profile)

    def tiles() -> list[str]:
        return [tile.text for tile in chrome.find_elements(By.CSS_SELECTOR, "#board li.tile")]

    until(lambda: len(tiles()) == 2 and all("完了" in text for text in tiles()), "two tiles, done")
    assert any("iPhone 13" in text for text in tiles()) and any("iPhone 16" in text for text in tiles())
    keep_screenshot(chrome, "serve-board-simulators.png")
    iphones.detach(phones[0].udid)
    until(lambda: any("抜去済み" in text and "iPhone 13" in text for text in tiles()), "iPhone 13 unplugged")
    link = chrome.find_element(By.PARTIAL_LINK_TEXT, "iPhone 16")
    link.click()
    until(lambda: str(phones[1].values["SerialNumber"]) in chrome.page_source, "the phone's page")
    assert serve.stop() == 0
