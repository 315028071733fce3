"""Benchmark: `tenken export` streams, so its memory stays the same for 10k and 100k stored inspections,
as CSV and as an Excel workbook (xlsx).

    python bench/bench_export.py [--sizes 10000 100000] [--formats csv xlsx] [--work DIR] [--in-memory]

One real inspection is made first (an iPhone 13 on the simulated usbmuxd, its IMEIs asked of the
carrier simulator, judged and stored by `tenken inspect`); each database is filled with copies of its
row, each with its own inspection id, IMEIs, serial number and time (about 17 kB of JSON an inspection,
as stored). Each measurement is a child process whose peak RSS is read with wait4():

- floor:    `tenken export` of no rows (--since in the future): the interpreter, tenken, SQLAlchemy;
- export:   `tenken export --format FORMAT --out FILE` of every row, for each format (FILE: a file in the
            work folder, since a workbook is put together when it is closed; removed after);
- in memory (--in-memory): every stored inspection read into a list at once (store.records.inspections_of),
             what an export that did not stream would hold, for contrast (8.4 GB at 100k: off by default).

Reports the peak RSS per size and format, the ratio 100k/10k for each, rows per second, and each
format's peak RSS and time against CSV's in the same run (xlsx/csv).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stdnum import luhn

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.ios.profile import load
from tenken.sim.ios.simulator import IosSimulator

TEMPLATE_IMEIS = ("353915111001014", "353915111001022")
TEMPLATE_SERIAL = "SIMT13DOC001"


def template(work: Path) -> dict[str, object]:
    """One inspection made by `tenken inspect` against the simulators: its row in the inspections table."""
    database = work / "template.sqlite3"
    with CarrierSimulator() as carriers, IosSimulator() as usbmux:
        usbmux.attach(load("iphone13-docomo"))
        carriers.rules.set_mark(TEMPLATE_IMEIS[0], Carrier.DOCOMO, Outcome.PENDING)
        env = {
            **os.environ,
            **carriers.env(),
            "TENKEN_LOOKUP_SPACING": "0",
            "TENKEN_DB": str(database),
            "TENKEN_DATA_DIR": str(work / "data"),
            "TENKEN_IOS_USBMUX": usbmux.address,
            "TENKEN_CONFIG": "",
        }
        done = subprocess.run(
            [sys.executable, "-m", "tenken", "inspect", "--platform", "ios", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode < 64, done.stderr
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM inspections").fetchone()
        return dict(row)


def imei(index: int, slot: int) -> str:
    body = f"35{slot}{index:011d}"
    return body + luhn.calc_check_digit(body)


def fill(database: Path, row: dict[str, object], count: int) -> None:
    """`count` copies of the template row, each its own inspection, in the schema tenken made."""
    source = Path(str(row.pop("_source")))
    database.write_bytes(source.read_bytes())  # the schema at head, with the template's own row
    start = datetime(2026, 1, 1, tzinfo=UTC)
    texts = {key: str(row[key]) for key in ("facts_json", "inspection_json", "verdicts_json")}
    old_id = str(row["record_id"])
    columns = [key for key in row if key != "id"]
    insert = f"INSERT INTO inspections ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM inspections")
        batch = []
        for index in range(count):
            new_id = f"{index:032x}"
            first, second, serial = imei(index, 1), imei(index, 2), f"SIMB{index:08d}"
            values = dict(row)
            for key, text in texts.items():
                values[key] = (
                    text.replace(old_id, new_id)
                    .replace(TEMPLATE_IMEIS[0], first)
                    .replace(TEMPLATE_IMEIS[1], second)
                    .replace(TEMPLATE_SERIAL, serial)
                )
            values.update(
                record_id=new_id,
                imei=first,
                imei2=second,
                serial=serial,
                read_at=(start + timedelta(seconds=index)).strftime("%Y-%m-%d %H:%M:%S.%f"),
            )
            batch.append([values[key] for key in columns])
            if len(batch) == 5000:
                connection.executemany(insert, batch)
                batch.clear()
        connection.executemany(insert, batch)


# A small process starts the measured one: a child forked from this (large) process would start with
# this process's peak RSS as its own (Linux carries the high-water mark across fork and exec).
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of a child process."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - began
    kilobytes, code = done.stdout.split()
    assert code == "0", done.stderr
    return int(kilobytes) / 1024, seconds


IN_MEMORY = """
import sys
from tenken import config
from tenken.store import open_store
from tenken.store.records import inspections_of
with open_store(config.load()) as store:
    rows = inspections_of(store, None, None)
print(len(rows))
"""


def measure(database: Path, kind: str, work: Path, in_memory: bool) -> dict[str, float]:
    env = {
        **os.environ,
        "TENKEN_DB": str(database),
        "TENKEN_DATA_DIR": str(work / "data"),
        "TENKEN_CONFIG": "",
    }
    tenken = [sys.executable, "-m", "tenken"]
    out = work / f"export.{kind}"
    floor, _ = peak_rss(
        [*tenken, "export", "--format", kind, "--since", "2099-01-01", "--out", str(out)], env
    )
    export, seconds = peak_rss([*tenken, "export", "--format", kind, "--out", str(out)], env)
    found = {"floor": floor, "export": export, "seconds": seconds, "megabytes": out.stat().st_size / 1e6}
    out.unlink()
    if in_memory:
        found["in_memory"], _ = peak_rss([sys.executable, "-c", IN_MEMORY], env)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--formats", nargs="+", choices=["csv", "xlsx", "json", "jsonl"], default=["csv", "xlsx"]
    )
    parser.add_argument("--work", type=Path, help="folder for the databases (default: a temporary one)")
    parser.add_argument(
        "--in-memory", action="store_true", help="also read every inspection into memory at once"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=arguments.work) as folder:
        work = Path(folder)
        row = template(work)
        row["_source"] = str(work / "template.sqlite3")
        print(
            f"one inspection as stored: {sum(len(str(row[key])) for key in ('facts_json', 'inspection_json', 'verdicts_json'))} characters of JSON"
        )
        results: dict[str, dict[int, dict[str, float]]] = {kind: {} for kind in arguments.formats}
        for size in arguments.sizes:
            database = work / f"export-{size}.sqlite3"
            began = time.perf_counter()
            fill(database, dict(row), size)
            print(
                f"{size} inspections stored in {time.perf_counter() - began:.0f} s ({database.stat().st_size / 1e6:.0f} MB)"
            )
            for index, kind in enumerate(arguments.formats):
                found = measure(database, kind, work, arguments.in_memory and index == 0)
                results[kind][size] = found
                contrast = (
                    f"; all read into memory: {found['in_memory']:.0f} MB" if "in_memory" in found else ""
                )
                print(
                    f"  export --format {kind}: peak RSS {found['export']:.0f} MB in {found['seconds']:.1f} s "
                    f"({size / found['seconds']:.0f} rows/s, {found['megabytes']:.0f} MB written); "
                    f"no rows: {found['floor']:.0f} MB{contrast}"
                )
            database.unlink()
        summary: dict[str, object] = {"rows": arguments.sizes}
        for kind, sizes in results.items():
            small, large = min(sizes), max(sizes)
            if small != large:
                for key in ("export", "in_memory"):
                    if key in sizes[small]:
                        summary[f"{kind}_{key}_peak_rss_ratio"] = round(
                            sizes[large][key] / sizes[small][key], 3
                        )
            if kind != "csv" and "csv" in results:
                for size in sizes:
                    summary[f"{kind}_vs_csv_{size}"] = {
                        "peak_rss": round(sizes[size]["export"] / results["csv"][size]["export"], 3),
                        "seconds": round(sizes[size]["seconds"] / results["csv"][size]["seconds"], 3),
                    }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
