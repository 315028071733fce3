"""The page in Debian's Chromium (tests/web/browser.py): tiles follow phones plugged in and out, a queue
item finished with a screenshot changes the verdict, a hostile phone injects nothing, the keyboard alone
does the job, a POST without the session's token is refused."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from tenken.facts import Carrier, Platform
from tests.conftest import ESCAPES, MARKUP
from tests.web.browser import keep_screenshot, until
from tests.web.conftest import Served
from tests.web.fake import FakeView, phone

IMEI = "490154203237518"
# The smallest PNG there is (1×1), as a screenshot.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def tile(driver: WebDriver, port: str) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f'li.tile[data-port="{port}"]')


def test_the_tiles_follow_phones_plugged_in_and_out(
    chrome: WebDriver, view: FakeView, served: Served
) -> None:
    chrome.get(served.url + "/")
    assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    until(lambda: chrome.find_element(By.ID, "board").get_attribute("data-updated"), "the first event")
    assert "空き" in tile(chrome, "A-1").text
    android = phone("R5CT1234ABC", IMEI, model="SC-51D", platform=Platform.ANDROID, location="1-1.2")
    iphone = phone("F2LXK0AAAAAA", "354178036859789", battery=92.0)
    view.plug("A-2", android)
    until(lambda: "読取中" in tile(chrome, "A-2").text, "A-2 reading")
    view.done("A-2", android)
    view.done("A-10", iphone)
    until(lambda: "販売可" in tile(chrome, "A-10").text, "A-10's level")
    until(lambda: "SC-51D" in tile(chrome, "A-2").text, "A-2's phone")
    shot = keep_screenshot(chrome, "serve-board.png")
    view.unplug("A-2")
    until(lambda: "抜去済み" in tile(chrome, "A-2").text, "A-2 marked unplugged")
    assert "unplugged" in (tile(chrome, "A-2").get_attribute("class") or "")
    order = [each.get_attribute("data-port") for each in chrome.find_elements(By.CSS_SELECTOR, "li.tile")]
    assert order == ["A-1", "A-2", "A-10"]
    counts = chrome.find_element(By.ID, "counts").text
    assert "完了 2" in counts
    assert shot.stat().st_size > 10_000


def test_a_queue_item_finished_with_a_screenshot_changes_the_verdict(
    chrome: WebDriver, view: FakeView, served: Served, tmp_path: Path
) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, unanswered=Carrier.DOCOMO, battery=91.0)
    view.done("A-1", held)
    chrome.get(served.url + "/")
    until(lambda: "保留" in tile(chrome, "A-1").text, "A-1 on HOLD")
    chrome.get(served.url + "/queue")
    form = chrome.find_element(By.CSS_SELECTOR, "form.record")
    Select(form.find_element(By.NAME, "carrier")).select_by_value("docomo")
    shot = tmp_path / "docomo.png"
    shot.write_bytes(PNG)
    form.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(str(shot))  # chosen
    form.find_element(By.CSS_SELECTOR, 'button[name="mark"][value="−"]').click()  # the mark seen
    until(lambda: view.recorded, "the record")
    assert view.recorded[0][1:5] == ("mark", ["docomo", "−"], "tester", PNG)
    until(lambda: chrome.current_url.endswith("/queue"), "back on the queue")
    chrome.get(served.url + "/")
    until(
        lambda: "販売可" in tile(chrome, "A-1").text and "保留" not in tile(chrome, "A-1").text,
        "A-1 sellable",
    )


def test_a_screenshot_pasted_with_ctrl_v_is_sent(chrome: WebDriver, view: FakeView, served: Served) -> None:
    held = phone("F2LXK0BBBBBB", IMEI, unanswered=Carrier.DOCOMO, battery=91.0)
    view.done("A-1", held)
    chrome.get(served.url + "/queue")
    chrome.execute_script(
        """
        const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "pasted.png", {type: "image/png"}));
        const zone = document.querySelector("form.record .paste");
        zone.focus();
        zone.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        """,
        base64.b64encode(PNG).decode(),
    )
    form = chrome.find_element(By.CSS_SELECTOR, "form.record")
    assert "pasted.png" in form.find_element(By.CSS_SELECTOR, ".paste").text
    form.find_element(By.CSS_SELECTOR, 'button[name="mark"][value="○"]').click()
    until(lambda: view.recorded, "the record")
    assert view.recorded[0][4] == PNG


HOSTILE = f'<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>{MARKUP}{ESCAPES}'


def test_a_hostile_phone_injects_nothing(chrome: WebDriver, view: FakeView, served: Served) -> None:
    first = phone("F2LXK0CCCCCC", IMEI, model=HOSTILE)
    view.done("A-1", first)  # on the page as it is served
    chrome.get(served.url + "/")
    until(lambda: chrome.find_element(By.ID, "board").get_attribute("data-updated"), "the first event")
    second = phone("F2LXK0DDDDDD", "354178036859789", model=HOSTILE)
    view.done("A-2", second)  # and as the event stream brings it
    until(lambda: "<img" in tile(chrome, "A-2").text, "the hostile model as text")
    for where in (served.url + "/", served.url + f"/phones/{first.id}", served.url + "/queue"):
        chrome.get(where)
        if where.endswith("/"):
            until(lambda: "<img" in tile(chrome, "A-2").text, "the hostile model as text, again")
        assert chrome.execute_script("return window.pwned") is None, where
        assert chrome.find_elements(By.CSS_SELECTOR, "main img, main script") == [], where
        assert "<script>window.pwned=2</script>" in chrome.find_element(By.TAG_NAME, "main").text, where


def test_the_keyboard_alone_records_a_battery_figure(
    chrome: WebDriver, view: FakeView, served: Served
) -> None:
    view.done("A-1", phone("F2LXK0BBBBBB", IMEI))
    chrome.get(served.url + "/queue")
    body = chrome.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = chrome.switch_to.active_element
    assert first.get_attribute("class") == "skip"  # the first stop: skip to the content
    for _ in range(60):
        active = chrome.switch_to.active_element
        if active.get_attribute("name") == "value":
            break
        active.send_keys(Keys.TAB)
    else:
        pytest.fail("Tab never reached the battery figure")
    active.send_keys("87")
    active.send_keys(Keys.ENTER)  # submits the form it is in
    until(lambda: view.recorded, "the record")
    assert view.recorded[0][1:3] == ("battery", ["87"])


def test_a_post_without_the_token_is_refused_in_the_browser(
    chrome: WebDriver, view: FakeView, served: Served
) -> None:
    held = phone("F2LXK0BBBBBB", IMEI)
    view.done("A-1", held)
    chrome.get(served.url + "/queue")
    statuses = chrome.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const path = "/api/phones/" + arguments[0] + "/record";
        const bare = new FormData();
        bare.append("fact", "battery");
        bare.append("value", "88");
        const wrong = new FormData();
        for (const [key, value] of bare) wrong.append(key, value);
        wrong.append("csrf", "0".repeat(64));
        Promise.all([
            fetch(path, {method: "POST", body: bare}).then((r) => r.status),
            fetch(path, {method: "POST", body: wrong}).then((r) => r.status),
        ]).then(done);
        """,
        held.id,
    )
    assert statuses == [403, 403]
    assert view.recorded == []
