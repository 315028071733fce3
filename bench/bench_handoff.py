"""Benchmark: a technician's steps to finish 10 SIM-free phones' Rakuten checks, by each path.

    python bench/bench_handoff.py [--phones 10]

Rakuten's checker is a JavaScript app that answers no program (`tenken sim carriers --fault
rakuten=browser_only`), and every SIM-free phone needs its answer. Each path is run for real, scripted,
against the carrier simulator and a private database, and what the technician does is counted as it is
done:

- **typed**: characters typed into a page or a terminal (an IMEI, a command line, a file name);
- **actions**: everything else a hand does — a click, Enter, a shortcut (the screenshot), switching
  between the browser and the terminal.

Paths:

1. **CLI today** — the technician checks each IMEI on Rakuten's page in their own browser (here a headless
   Chromium that Selenium drives as the person would: open the page, click the field, type the IMEI, click
   確認する, take a screenshot and name it), then types `tenken record mark rakuten o --imei IMEI --evidence
   FILE` in the terminal.
2. **Assisted browser** — the technician types `tenken handoff IMEI`; tenken opens the page, types the
   IMEI, clicks, reads the answer and keeps it (here `--headless`, which the simulator's Rakuten lets
   through without a person, as a real window would).
3. **Web queue** — the queue page of `tenken serve` over simulated SIM-free iPhones: the technician
   presses each phone's "check in the browser on this station" (the assisted check started from the page,
   the phone's IMEIs in one window). Its manual path (copy, the carrier's page in one's own browser, the
   screenshot pasted, a mark button: typing nothing) is not scripted here.

Each path must end with every phone's Rakuten answer stored as ○ (`via` hand / browser); the bench checks that before it prints the counts.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator, Rules


@dataclass
class Hands:
    """What the technician did on one path."""

    typed: int = 0
    actions: int = 0

    def type(self, text: str) -> str:
        self.typed += len(text)
        return text

    def act(self, count: int = 1) -> None:
        self.actions += count

    def command(self, line: list[str], env: dict[str, str], folder: Path | None = None) -> None:
        """A command line typed in the terminal (in `folder`), then Enter; run for real."""
        self.type(" ".join(["tenken", *line]))
        self.act()  # Enter
        done = subprocess.run(
            [sys.executable, "-m", "tenken", *line], env=env, capture_output=True, text=True, cwd=folder
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"tenken {' '.join(line)}: exit {done.returncode}\n{done.stderr}")


def imeis(count: int) -> list[str]:
    from stdnum import luhn

    return [body + luhn.calc_check_digit(body) for body in (f"35679012{index:06d}" for index in range(count))]


def cli_today(phones: list[str], origin: str, env: dict[str, str], folder: Path) -> Hands:
    """Each IMEI checked on the page in the technician's own browser, then recorded with `record mark`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    hands = Hands()
    browser = person_browser()
    try:
        for index, imei in enumerate(phones):
            hands.act()  # to the browser
            browser.get(origin + "/restriction/")
            hands.act()  # open the page (a bookmark, or reload)
            field = WebDriverWait(browser, 20).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#imei")))
            field.click()
            hands.act()
            field.send_keys(hands.type(imei))
            browser.find_element(By.CSS_SELECTOR, "#search").click()
            hands.act()
            result = browser.find_element(By.CSS_SELECTOR, "#search-result")
            WebDriverWait(browser, 20).until(lambda _seen, shown=result: "○" in shown.text)
            shot = folder / hands.type(f"r{index + 1:02d}.png")
            browser.save_screenshot(str(shot))
            hands.act(2)  # the screenshot shortcut, Enter on its name
            hands.act()  # to the terminal
            hands.command(
                ["record", "mark", "rakuten", "o", "--imei", imei, "--evidence", shot.name], env, folder
            )
    finally:
        browser.quit()
    return hands


def assisted(phones: list[str], env: dict[str, str]) -> Hands:
    """`tenken handoff IMEI` per phone: the page opens, the IMEI is typed and the answer kept by tenken."""
    hands = Hands()
    for imei in phones:
        hands.command(["handoff", imei, "--headless", "--timeout", "30"], env)
        hands.typed -= len(" --headless --timeout 30")  # at the station the window shows: not typed there
    return hands


def web_queue(count: int, simulator: CarrierSimulator, env: dict[str, str]) -> Hands:
    """The queue page of `tenken serve`: `count` SIM-free iPhones (Rakuten-sold, IMEI and eSIM IMEI2)
    plugged into the simulated usbmuxd, the station's page open in the technician's browser; on each
    phone's Rakuten item they press "check in the browser on this station" (here `--handoff-headless`, which
    the simulator's Rakuten lets through as a real window would).
    Ends when no Rakuten item is left on the queue."""
    import time

    import httpx
    from selenium.webdriver.common.by import By

    from tenken.sim.ios import profile as ios_profile
    from tenken.sim.ios.simulator import IosSimulator

    original = ios_profile.load("iphone16-rakuten")
    iphones = [original.clone(copy + 1) for copy in range(count)]
    for phone in iphones:
        for key in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2"):
            imei = phone.values.get(key)
            if isinstance(imei, str):
                simulator.rules.set_mark(imei, Carrier.RAKUTEN, Outcome.OK)
    hands = Hands()
    with IosSimulator() as usbmux:
        serve = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tenken",
                "serve",
                "--port",
                "0",
                "--platform",
                "ios",
                "--handoff-headless",
            ],
            env={**env, "TENKEN_IOS_USBMUX": usbmux.address, "TENKEN_WATCH_POLL_SECONDS": "0.3"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        browser = person_browser()
        try:
            assert serve.stdout is not None
            url = serve.stdout.readline().split()[-1]
            for phone in iphones:
                usbmux.attach(phone)

            def waiting() -> int:
                tasks = httpx.get(f"{url}/api/queue", timeout=30).json()["tasks"]
                return sum(1 for task in tasks if any(a["carrier"] == "rakuten" for a in task["answers"]))

            deadline = time.monotonic() + 120
            while waiting() < count:
                if time.monotonic() > deadline:
                    raise SystemExit("web queue: the phones' Rakuten items did not all appear")
                time.sleep(0.3)
            hands.act()  # to the browser
            browser.get(url + "/queue")
            hands.act()  # open the queue
            while True:
                buttons = browser.find_elements(
                    By.XPATH, '//form[@class="handoff"][input[@name="carrier"][@value="rakuten"]]/button'
                )
                if not buttons:
                    break
                buttons[0].click()  # the page waits while the station's window checks the phone
                hands.act()
                browser.get(url + "/queue")  # back on the queue (the answer's redirect)
            if waiting():
                raise SystemExit("web queue: a Rakuten item is left")
        finally:
            browser.quit()
            serve.terminate()
            serve.wait(timeout=60)
    return hands


def person_browser():  # type: ignore[no-untyped-def]
    """A headless Chromium for the technician's own browser (Debian's chromium and chromedriver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.add_argument("--headless=new")
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def stored(database: Path, via: str) -> int:
    with sqlite3.connect(database) as db:
        query = "SELECT COUNT(*) FROM lookups WHERE carrier = 'rakuten' AND outcome = 'ok' AND via = ?"
        return int(db.execute(query, (via,)).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=10)
    count = parser.parse_args().phones
    phones = imeis(count)
    rules = Rules()
    for imei in phones:
        rules.set_mark(imei, Carrier.RAKUTEN, Outcome.OK)
    rules.faults[Carrier.RAKUTEN] = "browser_only"
    results: dict[str, Hands] = {}
    with CarrierSimulator(rules) as simulator, tempfile.TemporaryDirectory(prefix="tenken-bench-") as scratch:
        for name in ("CLI today", "assisted browser", "web queue"):
            folder = Path(scratch) / name.replace(" ", "-")
            folder.mkdir()
            env = {
                **os.environ,
                **simulator.env(),
                "TENKEN_DB": str(folder / "tenken.sqlite3"),
                "TENKEN_DATA_DIR": str(folder / "data"),
                "TENKEN_CONFIG": "",
                "TENKEN_LOOKUP_SPACING": "0",
                "TENKEN_LOOKUP_ENABLED": "true",
            }
            # What the station did first: the automatic look-up, which Rakuten does not answer.
            subprocess.run(
                [sys.executable, "-m", "tenken", "lookup", "-c", "rakuten", *phones],
                env=env,
                capture_output=True,
                check=False,
            )
            if name == "CLI today":
                results[name] = cli_today(phones, simulator.origin, env, folder)
                via = "hand"
            elif name == "assisted browser":
                results[name] = assisted(phones, env)
                via = "browser"
            else:
                results[name] = web_queue(count, simulator, env)
                via = "browser"
            wanted = count  # one Rakuten answer per phone (what the verdict asked for)
            if stored(folder / "tenken.sqlite3", via) != wanted:
                raise SystemExit(
                    f"{name}: {stored(folder / 'tenken.sqlite3', via)} of {wanted} Rakuten answers stored as ○ via {via}"
                )
    baseline = results["CLI today"]
    print(f"{count} SIM-free phones, Rakuten's check each (typed = characters, actions = clicks, Enter, …)")
    print(f"{'path':<18}{'typed':>8}{'actions':>9}{'typed/phone':>13}{'actions/phone':>15}{'vs CLI':>16}")
    for name, hands in results.items():
        ratio = f"{hands.typed / baseline.typed:.2f}× / {hands.actions / baseline.actions:.2f}×"
        print(
            f"{name:<18}{hands.typed:>8}{hands.actions:>9}{hands.typed / count:>13.1f}"
            f"{hands.actions / count:>15.1f}{ratio:>16}"
        )


if __name__ == "__main__":
    main()
