"""Benchmark: tenken's look-up client vs bare httpx, same simulator, same run.

    python bench/bench_lookup.py [--imeis 200] [--rounds 5]

The carrier simulator runs in its own process. Both sides make the same HTTP requests (form GET +
answer POST at docomo, au and SoftBank; one JSON GET at Rakuten), carriers in parallel and one request
at a time per carrier, with spacing 0. tenken adds parsing, politeness bookkeeping, evidence hashing
and the SQLite store, and takes the reports as `tenken lookup --file` does, one at a time. A second
tenken pass over the same batch must be served from the cache.

Fair to both sides: tenken's database is created before the clock starts (a station's exists), and the
heap is collected before every pass, so that no pass pays for collecting what the pass before left.
Reports wall and CPU time and their ratios against the baseline measured in the same round; the
machines here are shared and noisy, so the medians of several rounds, and of several runs, count.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from stdnum import luhn

from tenken import config
from tenken.facts import Carrier
from tenken.lookups.service import LookupService
from tenken.store import open_store


def synthetic_imeis(count: int) -> list[str]:
    bodies = [f"35{index:012d}" for index in range(count)]
    return [body + luhn.calc_check_digit(body) for body in bodies]


def start_simulator() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tenken", "sim", "carriers", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # "carrier simulator on http://127.0.0.1:PORT  (Ctrl-C to stop)"
    origin = first.split()[3]
    return process, origin


async def bare_httpx(origin: str, imeis: list[str]) -> int:
    """The same requests with no parsing, no store, no politeness: the floor."""
    sent = 0

    async def carrier(name: str) -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=origin) as client:
            for imei in imeis:
                if name == "docomo":
                    await client.get("/top.php")
                    await client.post("/search.php", data={"productno": imei})
                elif name == "au":
                    page = await client.get("/cmn/WCV009001/WCE009001.hc")
                    token = page.text.split('name="_csrf" value="')[1].split('"')[0]
                    await client.post(
                        "/cmn/WCV009001/WCE009002.hc",
                        data={"_csrf": token, "pageId": "WCE009001", "nextPageId": "WCE009002", "imei": imei},
                    )
                elif name == "softbank":
                    page = await client.get("/WBF/icv")
                    token = page.text.split('name="_TokenID" value="')[1].split('"')[0]
                    await client.post(
                        "/WBF/icv",
                        data={
                            "_PageID": "WBF001000",
                            "_DataStoreID": "DSWBF100Control",
                            "_ControlID": "WBF100Control",
                            "_ActionID": "TE001",
                            "_TokenID": token,
                            "imei": imei,
                            "ACT_TE001": " 確 認 ",
                        },
                    )
                else:
                    await client.get(f"/restriction/eir/v1/rest-api/public/imei/{imei}")
                sent += 1 if name == "rakuten" else 2

    await asyncio.gather(*(carrier(name.value) for name in Carrier))
    return sent


async def tenken_pass(settings: config.Settings, imeis: list[str]) -> int:
    """The batch as `tenken lookup --file` runs it: reports taken one at a time and dropped (bare httpx
    keeps no response either)."""
    with open_store(settings) as database:
        async with LookupService(settings, database) as service:
            async with service.batch(imeis, list(Carrier)) as batch:
                taken = [report.imei async for report in batch]
            assert taken == imeis
            return service.client.requests_sent


def timed(coroutine_factory: object) -> tuple[float, float, int]:
    """Wall and CPU seconds of one pass (this process: the event loop and the store's thread), and its
    request count. The client is CPU-bound against the simulator, so the two move together."""
    gc.collect()  # the passes alternate: neither pays for collecting what the one before left
    started, cpu = time.perf_counter(), time.process_time()
    count = asyncio.run(coroutine_factory())  # type: ignore[operator]
    return time.perf_counter() - started, time.process_time() - cpu, count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--imeis", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    imeis = synthetic_imeis(options.imeis)
    process, origin = start_simulator()
    rounds: dict[str, list[tuple[float, float]]] = {"bare": [], "tenken": [], "cached": []}
    try:
        for round_number in range(options.rounds):
            with tempfile.TemporaryDirectory() as folder:
                environ = {
                    **{f"TENKEN_LOOKUP_{carrier.name}_ORIGIN": origin for carrier in Carrier},
                    "TENKEN_LOOKUP_SPACING": "0",
                    "TENKEN_DB": str(Path(folder) / "bench.sqlite3"),
                    "XDG_CONFIG_HOME": folder,
                }
                settings = config.load(environ={**os.environ, **environ})
                open_store(settings).close()  # the database a station already has: created before the clock
                bare, bare_cpu, bare_sent = timed(lambda: bare_httpx(origin, imeis))
                full, full_cpu, sent = timed(lambda settings=settings: tenken_pass(settings, imeis))
                cached, cached_cpu, cached_sent = timed(
                    lambda settings=settings: tenken_pass(settings, imeis)
                )
            assert sent == bare_sent, (sent, bare_sent)
            # cached: only Rakuten is asked again, for IMEIs it did not sell (its unread answer is never cached)
            assert cached_sent <= len(imeis), cached_sent
            rounds["bare"].append((bare, bare_cpu))
            rounds["tenken"].append((full, full_cpu))
            rounds["cached"].append((cached, cached_cpu))
            print(
                f"round {round_number + 1}: bare httpx {bare:.2f} s (cpu {bare_cpu:.2f}, {bare_sent} requests), "
                f"tenken {full:.2f} s (cpu {full_cpu:.2f}, {sent}) {full / bare:.2f}x, "
                f"cached {cached:.2f} s ({cached_sent} requests)"
            )
    finally:
        process.terminate()
        process.wait(timeout=10)
    wall = {name: statistics.median(time for time, _cpu in times) for name, times in rounds.items()}
    cpu = {name: statistics.median(cpu for _time, cpu in times) for name, times in rounds.items()}
    print(f"\n{options.imeis} IMEIs x 4 carriers, median of {options.rounds} rounds    wall        cpu")
    for name, label in (("bare", "bare httpx"), ("tenken", "tenken"), ("cached", "tenken, cached")):
        print(
            f"  {label:15} {wall[name]:6.2f} s {wall[name] / wall['bare']:5.2f}x"
            f"  {cpu[name]:6.2f} s {cpu[name] / cpu['bare']:5.2f}x"
        )
    print("  goal: tenken <= 1.20x bare httpx (wall). The machines here are shared and noisy: a run's ratio")
    print("  moves by up to about 0.05 from one run to the next; compare several runs, not one.")


if __name__ == "__main__":
    main()
