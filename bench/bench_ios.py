"""iPhone inspection benchmark, against `tenken sim ios` running as its own process.

1. Per phone: tenken's inspect() against the bare pymobiledevice3 calls that fetch the same values, on the
   same simulated phone with a per-round-trip latency, alternating in one run (goal: ≤ 1.2×).
2. Station: 1, 8 and 32 phones inspected concurrently; wall time against 1 phone (goal: ≤ 1.5× at 32).

    python bench/bench_ios.py [--latency-ms 5 20] [--rounds 15]

Both processes share this machine's CPUs, so the station figures are a floor for the simulated phones'
work as well as tenken's; the CPU lines say which side the time went to.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from pymobiledevice3.lockdown import create_using_usbmux
from pymobiledevice3.services.diagnostics import DiagnosticsService
from pymobiledevice3.services.mobile_config import MobileConfigService

from tenken import station
from tenken.config import Settings
from tenken.devices.ios import reader as ios
from tenken.devices.ios.facts import QUERIES
from tenken.facts import DeviceRef, DeviceState, Platform

PROFILE = "iphone13-docomo"


def start_simulator(copies: int, latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tenken", "sim", "ios", "--device", PROFILE, "--copies", str(copies),
         "--latency-ms", str(latency_ms)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if not first.startswith("usbmuxd listening on "):
        raise SystemExit(f"the simulator did not start: {first!r}")
    return process, first.rsplit(" ", 1)[1]


async def bare_pymobiledevice3(address: str, udid: str, folder: Path) -> None:
    """The same values tenken reads, asked one after the other with nothing around them."""
    lockdown = await create_using_usbmux(
        serial=udid, autopair=False, usbmux_address=address, pairing_records_cache_folder=folder
    )
    try:
        for query in QUERIES:
            domain, _, key = query.partition("/")
            await lockdown.get_value(domain, key or None)
        async with MobileConfigService(lockdown) as config:
            await config.get_cloud_configuration()
            await config.get_profile_list()
        async with DiagnosticsService(lockdown) as diagnostics:
            await diagnostics.get_battery()
    finally:
        await lockdown.close()


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


async def per_phone(settings: Settings, ref: DeviceRef, rounds: int) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(prefix="bench-pmd3-"))
    address = settings.ios.usbmux

    async def tenken() -> None:
        facts = await ios.inspect(ref, settings)
        assert facts.state is DeviceState.READY, facts.action

    async def bare() -> None:
        await bare_pymobiledevice3(address, ref.device_id, folder)

    await tenken()
    await bare()  # warm both paths (imports, key caches) before timing
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(await timed(tenken))
        theirs.append(await timed(bare))
    return statistics.median(ours), statistics.median(theirs)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def station_wall(
    settings: Settings, refs: list[DeviceRef], rounds: int, simulator: int
) -> tuple[float, float, float]:
    """Median wall time of inspecting `refs` at once, and the CPU per phone of tenken and of the simulator."""

    async def all_of_them() -> None:
        results = await station.inspect_all(refs, settings)
        assert all(facts.state is DeviceState.READY for facts in results)

    await all_of_them()
    ours, theirs = time.process_time(), cpu_seconds(simulator)
    walls = [await timed(all_of_them) for _ in range(rounds)]
    phones = rounds * len(refs)
    return (
        statistics.median(walls),
        (time.process_time() - ours) / phones,
        (cpu_seconds(simulator) - theirs) / phones,
    )


async def run(address: str, rounds: int, simulator: int) -> None:
    settings = Settings(data_dir=tempfile.mkdtemp(prefix="bench-tenken-"))
    settings.ios.usbmux = address
    found = await station.discover(settings, [Platform.IOS])
    refs = found.devices
    assert len(refs) == 32, found

    ours, theirs = await per_phone(settings, refs[0], rounds)
    print(f"per phone   tenken {ours * 1000:7.1f} ms   bare pymobiledevice3 {theirs * 1000:7.1f} ms   "
          f"ratio {ours / theirs:.2f}×  (goal ≤ 1.20×)")  # fmt: skip

    runs = {
        count: await station_wall(settings, refs[:count], max(3, rounds // 3), simulator)
        for count in (1, 8, 32)
    }
    single = runs[1][0]
    for count, (wall, ours_cpu, sim_cpu) in runs.items():
        goal = "  (goal ≤ 1.50×)" if count == 32 else ""
        print(f"{count:2d} phone(s)  wall {wall * 1000:7.1f} ms   ratio vs 1 phone {wall / single:.2f}×{goal}"
              f"   CPU per phone: tenken {ours_cpu * 1000:4.1f} ms, simulator {sim_cpu * 1000:4.1f} ms")  # fmt: skip
    print(f"({os.cpu_count()} CPUs shared by tenken and the simulated phones)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        nargs="+",
        default=[5.0, 20.0],
        help="per USB round trip (default: 5 and 20)",
    )
    parser.add_argument("--rounds", type=int, default=15)
    arguments = parser.parse_args()
    for latency in arguments.latency_ms:
        process, address = start_simulator(32, latency)
        print(f"\nsimulator {address}: 32 × {PROFILE}, {latency:g} ms per round trip")
        try:
            asyncio.run(run(address, arguments.rounds, process.pid))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
