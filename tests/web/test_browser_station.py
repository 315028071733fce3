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
    running = Serve(["--port", "0", "--platform", "ios", "--handoff-headless"], env, tmp_path / "serve.log")
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


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010804000000b51c0c02"
    "0000000b4944415478da63646000000006000230810d0b0000000049454e44ae426082"
)


def test_a_carrier_checked_by_hand_is_finished_on_the_queue_page_one_imei_at_a_time(
    chrome: WebDriver, sites: Sites, iphones: IosSimulator, serve: Serve, tmp_path: Path
) -> None:

    from tenken.facts import Carrier

    sites.set_fault(Carrier.DOCOMO, "captcha")  # docomo's checker wants a person
    profile = iphone("iphone13-docomo", 3)
    sites.like(profile, iphone("iphone13-docomo"))
    iphones.attach(profile)
    imeis = {
        profile.values["InternationalMobileEquipmentIdentity"],
        profile.values.get("InternationalMobileEquipmentIdentity2"),
    }
    shot = tmp_path / "docomo.png"
    shot.write_bytes(PNG)

    def mark_forms() -> list[object]:
        chrome.get(serve.url + "/queue")
        return chrome.find_elements(By.CSS_SELECTOR, 'li[data-condition="carrier_unanswered"] form.record')

    forms = until(mark_forms, "docomo's answers waiting for the technician")
    named = {form.find_element(By.NAME, "imei").get_attribute("value") for form in forms}  # type: ignore[attr-defined]
    assert named <= imeis and named
    keep_screenshot(chrome, "serve-queue-marks.png")
    while forms:  # an IMEI's form: the mark, the screenshot, recorded (each answer may settle others)
        before = len(forms)
        form = forms[0]
        form.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(shot))  # type: ignore[attr-defined]
        form.find_element(By.CSS_SELECTOR, 'button[name="mark"][value="○"]').click()  # type: ignore[attr-defined]
        # the queue is the page before the post too: what says it was recorded is one form fewer
        (forms,) = until(
            lambda before=before: (found,) if len(found := mark_forms()) < before else None, "one form fewer"
        )
    assert mark_forms() == []
    chrome.find_element(By.LINK_TEXT, "ステーション").click()
    link = until(lambda: chrome.find_element(By.PARTIAL_LINK_TEXT, "iPhone 13"), "the tile")
    link.click()
    until(
        lambda: "○" in chrome.find_element(By.ID, "answers").find_element(By.XPATH, "..").text,
        "○ on the phone's page",
    )
    assert serve.stop() == 0


def test_a_carrier_answering_only_a_browser_is_checked_with_the_queue_pages_browser_button(
    chrome: WebDriver, sites: Sites, iphones: IosSimulator, serve: Serve
) -> None:
    from tenken.facts import Carrier

    sites.set_fault(Carrier.RAKUTEN, "browser_only")
    profile = iphone("iphone16-rakuten", 4)
    sites.like(profile, iphone("iphone16-rakuten"))
    iphones.attach(profile)
    imei = str(profile.values["InternationalMobileEquipmentIdentity"])

    def rakuten_button() -> object:
        chrome.get(serve.url + "/queue")
        found = chrome.find_elements(By.CSS_SELECTOR, 'form.handoff input[name="carrier"][value="rakuten"]')
        return found[0].find_element(By.XPATH, "..") if found else None

    form = until(rakuten_button, "Rakuten's browser button on the queue")
    copy = chrome.find_element(By.CSS_SELECTOR, f'button.copy[data-copy="{imei}"]')
    copy.click()  # the clipboard (127.0.0.1 is a secure context), else the IMEI selected for Ctrl-C
    until(
        lambda: (
            copy.text == "コピーしました" or chrome.execute_script("return String(getSelection())") == imei
        ),
        "the IMEI copied",
    )
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()  # type: ignore[attr-defined]
    until(lambda: gone(form), "the queue page again, after the browser check")  # the old page, left
    until(lambda: chrome.execute_script("return document.readyState") == "complete", "the new queue")
    assert chrome.current_url.endswith("/queue")
    assert chrome.find_elements(By.CSS_SELECTOR, 'form.handoff input[name="carrier"][value="rakuten"]') == []
    assert serve.stop() == 0


def gone(element: object) -> bool:
    """The page holding `element` has been left (the browser navigated: the element is stale)."""
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.is_enabled()  # type: ignore[attr-defined]
    except StaleElementReferenceException:
        return True
    return False
