"""Benchmark: `tenken serve` in a browser. Asserts nothing; prints a table.

    python bench/bench_serve.py [--phones 32] [--gap 0.25] [--device-latency-ms 20]

Simulated iPhones (emulated usbmuxd + lockdownd, each its own copy of a bundled profile, every lockdown
round trip --device-latency-ms) are plugged in one after another, --gap seconds apart, while Debian's
Chromium (headless, through chromium-driver) shows the board. The carriers' sites are simulated too (no
spacing: this measures the page, not politeness).

Reported:
- plug → tile: from attaching a phone to its tile appearing on the board in the browser (a
  MutationObserver in the page notes when each port's tile is first drawn; both clocks are this machine's
  wall clock), the median and the worst phone;
- plug → done tile: the same, to the tile showing the phone done;
- CPU s/phone: the station process's user + system CPU from the first plug to every phone done, per phone,
  for `tenken serve` (the browser connected to its event stream) and for `tenken watch --jsonl` with the
  same phones in the same run; ratio = serve / watch (goal ≤ 1.2).

Only iPhones: Android phones go through the same station and the same page. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
import msgspec

from tenken.sim.carriers import CarrierSimulator, Rules
from tenken.sim.carriers.rules import bundled_rules
from tenken.sim.ios import profile as ios_profile
from tenken.sim.ios.simulator import IosSimulator

IPHONES = ("iphone13-docomo", "iphone16-rakuten", "iphone8-softbank-simlocked", "iphone14-hello")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
IMEI_KEYS = ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2")
WATCHER = """
window.seen = {}; window.done = {};
new MutationObserver(() => {
  for (const tile of document.querySelectorAll("#board li.tile")) {
    const port = tile.dataset.port;
    if (!(port in window.seen)) window.seen[port] = Date.now();
    if (!(port in window.done) && tile.querySelector(".stage-done")) window.done[port] = Date.now();
  }
}).observe(document.getElementById("board"), {subtree: true, childList: true, attributes: true,
  characterData: true});
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def phones(count: int, latency_ms: float, rules: Rules) -> list[ios_profile.PhoneProfile]:
    made = []
    for number in range(count):
        original = ios_profile.load(IPHONES[number % len(IPHONES)])
        copy = original.clone(100 + number)
        copy = replace(copy, behaviour=msgspec.structs.replace(copy.behaviour, latency_ms=latency_ms))
        for key in IMEI_KEYS:
            mine, theirs = copy.values.get(key), original.values.get(key)
            if isinstance(mine, str) and isinstance(theirs, str) and theirs in rules.marks:
                rules.marks[mine] = dict(rules.marks[theirs])
        made.append(copy)
    return made


def until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"after {seconds:g} s still waiting for {what}")
        time.sleep(0.05)


def browser() -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--disable-gpu", "--window-size=1600,1200", "--no-first-run"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def run(command: str, count: int, gap: float, latency_ms: float) -> dict[str, object]:
    rules = Rules.load(bundled_rules())
    with tempfile.TemporaryDirectory() as folder, CarrierSimulator(rules) as sites, IosSimulator() as iphones:
        made = phones(count, latency_ms, rules)
        env = {
            **os.environ,
            **sites.env(),
            "TENKEN_LOOKUP_SPACING": "0",
            "TENKEN_DB": str(Path(folder) / "bench.sqlite3"),
            "TENKEN_DATA_DIR": str(Path(folder) / "data"),
            "TENKEN_CONFIG": "",
            "XDG_CONFIG_HOME": str(Path(folder) / "config"),
            "TENKEN_IOS_USBMUX": iphones.address,
            "TENKEN_STATION_ID": "bench",
            "TENKEN_WATCH_POLL_SECONDS": "1",
            "TENKEN_LANG": "ja",
        }
        args = ["serve", "--port", "0"] if command == "serve" else ["watch", "--jsonl"]
        process = subprocess.Popen(
            [sys.executable, "-m", "tenken", *args, "--platform", "ios"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        driver = None
        lines: list[str] = []
        try:
            if command == "serve":
                url = process.stdout.readline().split()[2]
                driver = browser()
                driver.get(url + "/")  # type: ignore[attr-defined]
                until(
                    lambda: driver.find_element("id", "board").get_attribute("data-updated"), 30, "the page"
                )  # type: ignore[attr-defined]
                driver.execute_script(WATCHER)  # type: ignore[attr-defined]

                def finished() -> bool:
                    board = httpx.get(url + "/api/board", timeout=10).json()
                    return sum(tile["stage"] == "done" for tile in board["ports"]) >= count
            else:
                import threading

                def read() -> None:
                    for line in process.stdout:  # type: ignore[union-attr]
                        lines.append(line)

                threading.Thread(target=read, daemon=True).start()

                def finished() -> bool:
                    return len(lines) >= count

            time.sleep(1.0)  # the station's first listing
            cpu_before = cpu_seconds(process.pid)
            plugged: dict[str, float] = {}
            for profile in made:
                plugged[profile.udid] = time.time() * 1000
                iphones.attach(profile)
                time.sleep(gap)
            until(finished, 60 + count * 5, f"{count} phones done")
            cpu = cpu_seconds(process.pid) - cpu_before
            result: dict[str, object] = {"cpu_per_phone": cpu / count}
            if driver is not None:
                until(
                    lambda: len(driver.execute_script("return window.done")) >= count, 30, "every tile done"
                )  # type: ignore[attr-defined]
                seen = driver.execute_script("return window.seen")  # type: ignore[attr-defined]
                done = driver.execute_script("return window.done")  # type: ignore[attr-defined]
                board = httpx.get(url + "/api/board", timeout=10).json()
                port_of = {
                    tile["phone"]["device_id"]: tile["port"] for tile in board["ports"] if tile["phone"]
                }
                shown = [seen[port_of[udid]] - at for udid, at in plugged.items()]
                finished_at = [done[port_of[udid]] - at for udid, at in plugged.items()]
                result.update(
                    tile_median=statistics.median(shown),
                    tile_worst=max(shown),
                    done_median=statistics.median(finished_at),
                    done_worst=max(finished_at),
                )
            return result
        finally:
            if driver is not None:
                driver.quit()  # type: ignore[attr-defined]
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=32)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between two plugs")
    parser.add_argument("--device-latency-ms", type=float, default=20.0)
    options = parser.parse_args()
    watch = run("watch", options.phones, options.gap, options.device_latency_ms)
    serve = run("serve", options.phones, options.gap, options.device_latency_ms)
    print(
        f"{options.phones} simulated iPhones, plugged {options.gap:g} s apart, lockdown {options.device_latency_ms:g} ms"
    )
    print(
        f"plug → tile in the browser:      median {serve['tile_median']:7.0f} ms   worst {serve['tile_worst']:7.0f} ms"
    )
    print(
        f"plug → done tile in the browser: median {serve['done_median']:7.0f} ms   worst {serve['done_worst']:7.0f} ms"
    )
    ratio = float(serve["cpu_per_phone"]) / float(watch["cpu_per_phone"])  # type: ignore[arg-type]
    print(
        f"CPU s/phone: serve {serve['cpu_per_phone']:.3f}  watch {watch['cpu_per_phone']:.3f}  "
        f"ratio {ratio:.2f} (goal ≤ 1.2)"
    )


if __name__ == "__main__":
    main()
