"""Benchmark: peak memory of `tenken lookup --file` against the batch size.

    python bench/bench_batch_memory.py [--sizes 1000,10000,100000] [--table] [--cached]

The carrier simulator runs in its own process; each batch runs `tenken lookup --json --file` (or the
table with --table) in a fresh process with spacing 0 and a fresh database. With --cached every answer
comes from the cache (bodies read back from the store): the first IMEI is looked up, and its four
stored answers are copied for every other IMEI before the measured run. The JSON is checked to hold
every IMEI.

The peak is the process's own VmHWM (/proc/self/status), written when it exits. Not ru_maxrss: Linux
carries the parent's high-water mark over fork and exec into the child's, so a child started by a
large process (this script after reading a big JSON, or pytest) would report the parent's peak.
Memory, not time, is the point: the figures are ratios to the smallest batch and MiB per 1,000 IMEIs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_lookup import start_simulator, synthetic_imeis
from tenken.facts import Carrier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests' helpers
from tests.conftest import copy_answers

# Runs tenken's CLI (argv after -c) and writes the process's VmHWM in KiB to $PEAK_RSS_FILE at exit.
PEAK_RSS = """
import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_RSS_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
atexit.register(peak)
runpy.run_module("tenken", run_name="__main__")
"""


def run_batch(environ: dict[str, str], batch: Path, output: Path, table: bool) -> tuple[int, float, int]:
    """Exit code, peak RSS in MiB and seconds of one `tenken lookup` run over `batch`."""
    command = [sys.executable, "-c", PEAK_RSS, "lookup", "--file", str(batch)]
    if not table:
        command.append("--json")
    peak = output.with_name("peak")
    started = time.perf_counter()
    with output.open("wb") as sink:
        code = subprocess.call(
            command, stdout=sink, stderr=subprocess.DEVNULL, env={**environ, "PEAK_RSS_FILE": str(peak)}
        )
    return code, int(peak.read_text()) / 1024, round(time.perf_counter() - started)


def fill_cache(environ: dict[str, str], imeis: list[str]) -> None:
    """Look the first IMEI up, then store a copy of its four answers for each of the others."""
    subprocess.run(
        [sys.executable, "-m", "tenken", "lookup", imeis[0]],
        stdout=subprocess.DEVNULL,
        env=environ,
        check=False,
    )
    copy_answers(environ, imeis[0], imeis[1:])  # signed, each page naming its IMEI: they check out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--table", action="store_true", help="print the table instead of --json")
    parser.add_argument("--cached", action="store_true", help="every answer from the cache")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    process, origin = start_simulator()
    rows: list[tuple[int, float, int, int]] = []
    try:
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder:
                environ = {
                    **os.environ,
                    **{f"TENKEN_LOOKUP_{carrier.name}_ORIGIN": origin for carrier in Carrier},
                    "TENKEN_LOOKUP_SPACING": "0",
                    "TENKEN_DB": str(Path(folder) / "bench.sqlite3"),
                    "TENKEN_DATA_DIR": str(Path(folder) / "data"),
                    "XDG_CONFIG_HOME": folder,
                }
                imeis = synthetic_imeis(size)
                batch = Path(folder) / "batch.txt"
                batch.write_text("\n".join(imeis) + "\n", encoding="ascii")
                if options.cached:
                    fill_cache(environ, imeis)
                output = Path(folder) / "out"
                code, peak, seconds = run_batch(environ, batch, output, options.table)
                if not options.table:
                    listed = len(json.loads(output.read_bytes())["imeis"])
                    assert listed == size, (listed, size)
            rows.append((size, peak, seconds, code))
            print(f"{size:>7} IMEIs: peak RSS {peak:7.1f} MiB  (exit {code}, {seconds} s)", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)
    smallest_size, smallest_peak = rows[0][0], rows[0][1]
    mode = "table" if options.table else "--json"
    print(f"\ntenken lookup {mode}{' (cached)' if options.cached else ''}, spacing 0: peak RSS by batch size")
    print(f"{'IMEIs':>8} {'peak MiB':>9} {'x smallest':>11} {'MiB per 1k beyond smallest':>28}")
    for size, peak, _seconds, _code in rows:
        growth = (peak - smallest_peak) / (size - smallest_size) * 1000 if size > smallest_size else 0.0
        print(f"{size:>8} {peak:>9.1f} {peak / smallest_peak:>10.2f}x {growth:>28.3f}")


if __name__ == "__main__":
    main()
