"""Android inspection cost, against baselines measured in the same run on the same simulated phones.

    python bench/bench_android.py [--rounds 15] [--latency-ms 0 --latency-ms 20]

1. Per phone: `tenken.devices.android.reader.inspect` vs the bare adb calls that fetch the same data
   (the same command lines through adbutils with no parsing, sequentially and with the reader's
   concurrency, and through the `adb` CLI). Goal: inspect ≤ 1.2 × bare.
2. Fleet: 1 / 8 / 32 phones inspected concurrently, wall time vs 1 phone. Goal: ≤ 1.5 × at 32.

The phones run in a separate `tenken sim android` process (its CPU is not ours) behind the adb server
bundled with adbutils, on a private port with a private HOME. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import adbutils

from tenken.config import Settings
from tenken.devices.android import reader as android
from tenken.devices.android.server import bundled_adb
from tenken.facts import DeviceRef, Platform
from tenken.sim.android.adb_server import PrivateAdbServer

SHELL = "com.android.shell"
# What the reader runs on a healthy dual-SIM Android 11+ phone, in its order.
COMMANDS = [
    "getprop",
    f"service call iphonesubinfo 1 s16 {SHELL}",
    f"service call iphonesubinfo 4 i32 1 s16 {SHELL}",
    "dumpsys account",
    "settings get secure user_setup_complete",
    "settings get global device_provisioned",
    "dumpsys battery",
    "df /data",
]


def median_time(action: Callable[[], object], rounds: int) -> float:
    action()  # warm up: connections, imports, caches
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


class Simulator:
    """`tenken sim android` in its own process; yields the adb serials it prints."""

    def __init__(self, adb_port: int, env: dict[str, str], profile: Path, count: int) -> None:
        tenken = str(Path(sys.executable).with_name("tenken"))
        args = [tenken, "sim", "android", "--port", "0", "--adb-port", str(adb_port)]
        for _ in range(count):
            args += ["--device", str(profile)]
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.serials: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.lines.get(timeout=120)
            if line.startswith("127.0.0.1:"):
                self.serials.append(line.split("\t")[0])
            elif line.startswith("ready:"):
                return
        raise RuntimeError("simulator did not start")

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def profile_with_latency(directory: Path, latency_ms: float) -> Path:
    path = directory / f"bench-{latency_ms:g}ms.toml"
    path.write_text(
        f'[profile]\nbase = "so51c-docomo"\nname = "bench"\n\n[behaviour]\nlatency_ms = {latency_ms}\n',
        encoding="utf-8",
    )
    return path


def run(latency_ms: float, rounds: int, workers: int, adb_port: int, env: dict[str, str], work: Path) -> None:
    settings = Settings()
    settings.android.adb_port = adb_port
    settings.android.workers = workers
    sim = Simulator(adb_port, env, profile_with_latency(work, latency_ms), 32)
    try:
        serials = sim.serials
        refs = [DeviceRef(Platform.ANDROID, serial, None, "device") for serial in serials]
        one = refs[0]

        def inspect(count: int) -> None:
            async def all_of() -> None:
                results = await asyncio.gather(*(android.inspect(ref, settings) for ref in refs[:count]))
                assert all(item.state.value == "ready" for item in results), [r.action for r in results]

            asyncio.run(all_of())

        client = adbutils.AdbClient(port=adb_port)
        device = client.device(one.device_id)

        def bare_sequential() -> None:
            for line in COMMANDS:
                device.shell2(line, timeout=10, v2=True)

        pool = ThreadPoolExecutor(max_workers=16)

        def bare_concurrent() -> None:
            device.shell2(COMMANDS[0], timeout=10, v2=True)
            list(pool.map(lambda line: device.shell2(line, timeout=10, v2=True), COMMANDS[1:]))

        adb = [bundled_adb(), "-P", str(adb_port), "-s", one.device_id, "shell"]

        def adb_cli() -> None:
            for line in COMMANDS:
                subprocess.run([*adb, line], capture_output=True, env=env, check=True)

        reader = median_time(lambda: inspect(1), rounds)
        sequential = median_time(bare_sequential, rounds)
        concurrent = median_time(bare_concurrent, rounds)
        cli = median_time(adb_cli, max(3, rounds // 3))
        print(
            f"\n== simulated command latency {latency_ms:g} ms, android.workers {workers}, median of {rounds} rounds"
        )
        print("per phone (same phone, same run):")
        print(f"  tenken inspect                         {reader * 1000:8.1f} ms")
        print(
            f"  bare adbutils calls, sequential        {sequential * 1000:8.1f} ms   ratio {reader / sequential:5.2f}x"
        )
        print(
            f"  bare adbutils calls, reader's overlap  {concurrent * 1000:8.1f} ms   ratio {reader / concurrent:5.2f}x"
        )
        print(f"  adb CLI, one process per command       {cli * 1000:8.1f} ms   ratio {reader / cli:5.2f}x")
        print("phones inspected concurrently vs one:")
        base = reader
        for count in (1, 8, 32):
            took = median_time(lambda count=count: inspect(count), max(3, rounds // 3))
            print(
                f"  {count:2d} phone(s)                            {took * 1000:8.1f} ms   ratio {took / base:5.2f}x"
            )
        pool.shutdown()
    finally:
        sim.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--latency-ms", type=float, action="append", help="per-command latency (repeatable)")
    parser.add_argument("--workers", type=int, default=Settings().android.workers, help="android.workers")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tenken-bench-") as temp:
        work = Path(temp)
        with PrivateAdbServer(home=work / "home") as server:
            for latency in options.latency_ms or [0.0, 20.0]:
                run(latency, options.rounds, options.workers, server.port, server.env, work)


if __name__ == "__main__":
    main()
