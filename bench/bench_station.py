"""Benchmark: the station (`tenken watch --jsonl`, its own process) from plug-in to verdict, for 1, 8 and
32 phones plugged in at once, with realistic latencies. Asserts nothing; prints a table.

    python bench/bench_station.py [--phones 1,8,32] [--spacing 3.0] [--quick]

Half iPhones (emulated usbmuxd + lockdownd), half Android phones (emulated adbd behind a private adb
server), each its own copy (own serial, own IMEIs) of a bundled profile that the carriers must be asked
about; every lockdown round trip and adb shell command takes --device-latency-ms (20), every answer of a
carrier's site --site-latency-ms (300). The carriers' spacing is tenken's default (3 s) unless given.

Reported per run:
- last verdict: seconds from plugging the phones in to the last phone's verdict on stdout;
- floor: what politeness alone costs, the busiest site's requests × spacing (sites are asked in parallel;
  the requests are the carrier simulator's counts in the same run); ratio = last verdict / floor (goal ≤ 1.1);
- floor+site: the busiest site's requests × (spacing + site latency): tenken waits `spacing` from the
  end of one request to the start of the next, so this is what its politeness costs; the rest of the
  ratio is phones whose plan asks one site after another (each answer decides the next ask);
- CPU s/phone: the station process's user + system CPU from plug-in to the last verdict, per phone;
- MiB/phone: growth of the station's resident memory with every phone attached, per phone (goal ≤ 5),
  measured after a warm-up phone of each kind so that it is the phones and not tenken's first imports.
Everything runs on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import msgspec

from tenken import config
from tenken.sim.android import profile as android_profile
from tenken.sim.android.adb_server import PrivateAdbServer
from tenken.sim.android.host import ThreadedSimHost
from tenken.sim.carriers import CarrierSimulator, Rules
from tenken.sim.carriers.rules import bundled_rules
from tenken.sim.ios import profile as ios_profile
from tenken.sim.ios.simulator import IosSimulator

# Phones the carriers are asked about (the plan asks none for a phone blocked whatever they say).
IPHONES = ("iphone13-docomo", "iphone16-rakuten", "iphone8-softbank-simlocked", "iphone14-hello")
ANDROIDS = ("so51c-docomo", "shg14-au", "a002so-softbank", "sov33-au", "pixel7-jp")
WARM_UP = ("iphone12-findmy", "sc51d-docomo")  # blocked everywhere: read and judged, no carrier asked
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
IMEI_KEYS = ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2")


@dataclass
class Result:
    phones: int
    last_verdict: float
    median: float  # one phone's plug-in to verdict, the median phone
    requests: Counter[str]
    floor: float
    cpu_per_phone: float
    mib_per_phone: float
    states: Counter[str]


class Station:
    """`tenken watch --jsonl` with every stdout line's arrival time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tenken", "watch", "--jsonl"],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.arrivals: list[tuple[float, dict[str, object]]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        import json

        assert self.process.stdout is not None
        for line in self.process.stdout:
            arrived = time.monotonic()
            with self._lock:
                self.arrivals.append((arrived, json.loads(line)["inspection"]))

    def verdicts(self) -> list[tuple[float, dict[str, object]]]:
        with self._lock:
            return list(self.arrivals)

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.verdicts()) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the station gave {len(self.verdicts())} of {count} verdicts")
            time.sleep(0.01)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)


def with_latency(profile: ios_profile.PhoneProfile, latency_ms: float) -> ios_profile.PhoneProfile:
    return replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, latency_ms=latency_ms))


def android_with_latency(profile: android_profile.Profile, latency_ms: float) -> android_profile.Profile:
    return replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, latency_ms=latency_ms))


def copy_marks(rules: Rules, copy: list[str | None], original: list[str | None]) -> None:
    """The carriers say of a copy's IMEIs what they say of the original's."""
    for mine, theirs in zip(copy, original, strict=True):
        if mine and theirs and theirs in rules.marks:
            rules.marks[mine] = dict(rules.marks[theirs])


def run(count: int, spacing: float, device_ms: float, site_ms: float, adb: PrivateAdbServer) -> Result:
    rules = Rules.load(bundled_rules())
    with (
        tempfile.TemporaryDirectory(prefix="tenken-bench-") as folder,
        CarrierSimulator(rules, latency=site_ms / 1000) as sites,
        IosSimulator() as iphones,
    ):
        androids = ThreadedSimHost(adb.port)
        env = {
            **sites.env(),
            "TENKEN_LOOKUP_SPACING": str(spacing),
            "TENKEN_DB": str(Path(folder) / "bench.sqlite3"),
            "TENKEN_DATA_DIR": str(Path(folder) / "data"),
            "TENKEN_CONFIG": "",
            "XDG_CONFIG_HOME": folder,
            "TENKEN_IOS_USBMUX": iphones.address,
            "TENKEN_ANDROID_ADB_PORT": str(adb.port),
            "TENKEN_STATION_ID": "bench",
        }
        station = Station(env)
        try:
            # Warm-up: one phone of each kind through the whole station, then unplugged.
            warm_iphone = with_latency(ios_profile.load(WARM_UP[0]).clone(900), device_ms)
            iphones.attach(warm_iphone)
            warm_android = androids.attach(
                android_with_latency(android_profile.clone(android_profile.load(WARM_UP[1]), 900), device_ms)
            )
            station.wait_for(2, 120)
            iphones.detach(warm_iphone.udid)
            androids.detach(warm_android.serial)
            time.sleep(3)  # listed again without them; the station idles
            hits_before = Counter(sites.hits)
            cpu_before, rss_before = station.cpu_seconds(), station.rss_mib()

            plugged: dict[str, float] = {}
            started = time.monotonic()
            for index in range(count):
                copy = index // 2 + 1
                if index % 2 == 0:
                    original = ios_profile.load(IPHONES[(index // 2) % len(IPHONES)])
                    phone = with_latency(original.clone(copy), device_ms)
                    copy_marks(
                        rules,
                        [phone.values.get(key) for key in IMEI_KEYS],
                        [original.values.get(key) for key in IMEI_KEYS],
                    )
                    iphones.attach(phone)
                    plugged[phone.udid] = time.monotonic()
                else:
                    base = android_profile.load(ANDROIDS[(index // 2) % len(ANDROIDS)])
                    profile = android_with_latency(android_profile.clone(base, copy), device_ms)
                    copy_marks(rules, list(profile.imeis), list(base.imeis))
                    attached = androids.attach(profile)
                    plugged[attached.serial] = time.monotonic()
            station.wait_for(2 + count, 60 + 30 * count * max(spacing, 0.1))
            verdicts = station.verdicts()[2:]
            last = max(arrived for arrived, _ in verdicts)
            cpu = station.cpu_seconds() - cpu_before
            rss = station.rss_mib() - rss_before
        finally:
            station.stop()
            androids.close()
    requests = Counter(sites.hits) - hits_before
    each = sorted(
        arrived - plugged[str(inspection["device"]["device_id"])]  # type: ignore[index]
        for arrived, inspection in verdicts
    )
    return Result(
        phones=count,
        last_verdict=last - started,
        median=each[len(each) // 2],
        requests=requests,
        floor=max(requests.values(), default=0) * spacing,
        cpu_per_phone=cpu / count,
        mib_per_phone=rss / count,
        states=Counter(str(inspection["state"]) for _, inspection in verdicts),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", default="1,8,32", help="phone counts, comma-separated (1,8,32)")
    parser.add_argument("--spacing", type=float, default=config.LookupSettings().spacing)
    parser.add_argument("--device-latency-ms", type=float, default=20.0)
    parser.add_argument("--site-latency-ms", type=float, default=300.0)
    parser.add_argument("--quick", action="store_true", help="1 and 8 phones, spacing 1 s")
    options = parser.parse_args()
    counts = [int(part) for part in options.phones.split(",") if part.strip()]
    spacing = options.spacing
    if options.quick:
        counts, spacing = [count for count in counts if count <= 8] or [1], min(spacing, 1.0)
    print(
        f"tenken watch: phones plugged in at once, half iPhones half Android; device round trip "
        f"{options.device_latency_ms:g} ms, carrier site {options.site_latency_ms:g} ms, spacing {spacing:g} s"
    )
    header = (
        f"{'phones':>6}  {'last verdict':>12}  {'median phone':>12}  {'floor':>7}  {'ratio':>5}  "
        f"{'floor+site':>10}  {'ratio':>5}  {'CPU s/phone':>11}  {'MiB/phone':>9}  requests per site"
    )
    print(header)
    with PrivateAdbServer() as adb:
        for count in counts:
            result = run(count, spacing, options.device_latency_ms, options.site_latency_ms, adb)
            ratio = result.last_verdict / result.floor if result.floor else float("nan")
            # tenken spaces a site's requests from the end of the previous one: each costs spacing + latency
            busiest = max(result.requests.values(), default=0)
            with_site = busiest * (spacing + options.site_latency_ms / 1000)
            ratio_with_site = result.last_verdict / with_site if with_site else float("nan")
            sites = " ".join(f"{site} {number}" for site, number in sorted(result.requests.items()))
            print(
                f"{result.phones:>6}  {result.last_verdict:>10.1f} s  {result.median:>10.1f} s  "
                f"{result.floor:>5.1f} s  {ratio:>5.2f}  {with_site:>8.1f} s  {ratio_with_site:>5.2f}  "
                f"{result.cpu_per_phone:>11.3f}  {result.mib_per_phone:>9.2f}  {sites}",
                flush=True,
            )
            other = {state: number for state, number in result.states.items() if state != "ready"}
            if other:
                print(f"{'':>6}  not ready: {other}")
    print("goals: ratio <= 1.1 (politeness is the only wait), MiB/phone <= 5")


if __name__ == "__main__":
    main()
