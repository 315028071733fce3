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
3. **Web queue** — the queue page of `tenken serve` (its manual path: a copy button, the four marks as
   buttons, a screenshot dropped on the page). Not measured here yet: when the web face is on main, the
   integrator adds its scripted run in `web_queue()` below.

Each path must end with every phone's Rakuten answer stored as ○ (`via` hand / browser); the bench checks
that before it prints the counts.
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


def web_queue(phones: list[str], env: dict[str, str]) -> Hands | None:
    """The queue page of `tenken serve` (its manual path). The integrator adds the scripted run here once
    the web face is on main; None until then."""
    return None


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
    results: dict[str, Hands | None] = {}
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
                results[name] = web_queue(phones, env)
                via = "hand"
            if results[name] is not None and stored(folder / "tenken.sqlite3", via) != count:
                raise SystemExit(f"{name}: not every phone's Rakuten answer was stored as ○ via {via}")
    baseline = results["CLI today"]
    assert baseline is not None
    print(f"{count} SIM-free phones, Rakuten's check each (typed = characters, actions = clicks, Enter, …)")
    print(f"{'path':<18}{'typed':>8}{'actions':>9}{'typed/phone':>13}{'actions/phone':>15}{'vs CLI':>16}")
    for name, hands in results.items():
        if hands is None:
            print(f"{name:<18}{'—':>8}{'—':>9}{'':>13}{'':>15}  (not measured yet)")
            continue
        ratio = f"{hands.typed / baseline.typed:.2f}× / {hands.actions / baseline.actions:.2f}×"
        print(
            f"{name:<18}{hands.typed:>8}{hands.actions:>9}{hands.typed / count:>13.1f}"
            f"{hands.actions / count:>15.1f}{ratio:>16}"
        )


if __name__ == "__main__":
    main()
