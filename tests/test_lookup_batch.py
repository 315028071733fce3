"""Large `tenken lookup --file` batches: streamed output, bounded memory, Ctrl-C, the table of a big batch.

The batches run through the real CLI against the carrier simulator; a large cache is made by copying
the rows one real look-up stored, so that 20,000 IMEIs take seconds instead of minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from stdnum import luhn

from tenken import config
from tenken.facts import Carrier, Outcome
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator
from tenken.store import Store, open_store
from tests.conftest import copy_answers, fast_env, run_cli

TEMPLATE = "490154203237518"
CARRIERS = 3  # docomo, au, SoftBank (Rakuten is off: see env)

# Peak RSS of `tenken lookup --json` over 20,000 cached + 500 fetched IMEIs, measured once on the
# development machine (Python 3.11, x86-64): 70 MiB after streaming, 743 MiB before (every report with
# its evidence bodies held to the end). The bound is generous against allocator and library noise.
PEAK_RSS_BOUND_MIB = 150

# Runs tenken's CLI (argv after -c) and writes the process's own peak, VmHWM in KiB, to $PEAK_RSS_FILE at
# exit. Not ru_maxrss: Linux carries the parent's high-water mark over fork and exec into the child's, so
# a child of pytest would report pytest's peak.
PEAK_RSS = """
import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_RSS_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
atexit.register(peak)
runpy.run_module("tenken", run_name="__main__")
"""


def synthetic_imeis(count: int, start: int = 0) -> list[str]:
    bodies = [f"35{index:012d}" for index in range(start, start + count)]
    return [body + luhn.calc_check_digit(body) for body in bodies]


def cache_answers(env: dict[str, str], imeis: list[str]) -> None:
    """Store for each IMEI the answers stored for TEMPLATE, as its carriers would have given them (the
    page names that IMEI; the station signs each row)."""
    copy_answers(env, TEMPLATE, imeis)


@pytest.fixture
def env(carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    carrier_sim.rules.set_mark(TEMPLATE, Carrier.AU, Outcome.OK)
    # Rakuten off: its unread answer (the shape of its "not registered" is unknown) is never cached
    environ = {**fast_env(carrier_sim, tmp_path), "TENKEN_LOOKUP_RAKUTEN_ENABLED": "false"}
    assert run_cli(["lookup", TEMPLATE], environ).exit_code == 0  # the database, and the rows to copy
    return environ


def start(args: list[str], env: dict[str, str], **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tenken", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env, **extra},
    )


def test_memory_stays_flat_over_a_large_batch(tmp_path: Path, env: dict[str, str]) -> None:
    """20,000 IMEIs from the cache (read a chunk at a time) and 500 asked at the simulator: every report
    is printed and dropped, so the peak resident memory stays far below what holding them takes."""
    cached, asked = synthetic_imeis(20_000), synthetic_imeis(500, start=20_000)
    cache_answers(env, cached)
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(cached + asked) + "\n", encoding="ascii")
    output, peak = tmp_path / "out.json", tmp_path / "peak"
    with output.open("wb") as sink:
        code = subprocess.call(
            [sys.executable, "-c", PEAK_RSS, "lookup", "--json", "--file", str(batch)],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **env, "PEAK_RSS_FILE": str(peak)},
        )
    assert code == 1  # the simulator's default rules give some of the 500 a × or △
    listed = json.loads(output.read_bytes())["imeis"]
    assert [item["imei"] for item in listed] == cached + asked
    assert sum(result["from_cache"] for item in listed for result in item["results"]) == CARRIERS * len(
        cached
    )
    peak_mib = int(peak.read_text()) / 1024
    assert peak_mib < PEAK_RSS_BOUND_MIB, f"peak RSS {peak_mib:.0f} MiB"


def test_ctrl_c_keeps_the_json_valid_and_prints_what_was_fetched(
    carrier_sim: CarrierSimulator, tmp_path: Path, env: dict[str, str]
) -> None:
    imeis = synthetic_imeis(2_000)
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(imeis) + "\n", encoding="ascii")
    process = start(["lookup", "--json", "--file", str(batch)], env, TENKEN_LOOKUP_SPACING="0.01")
    assert process.stdout is not None
    written = b""
    deadline = time.monotonic() + 60
    while written.count(b"\n    {\n") < 10:  # ten reports printed: the batch is well under way
        assert time.monotonic() < deadline and process.poll() is None, written[-500:]
        if select.select([process.stdout], [], [], 1)[0]:
            written += os.read(process.stdout.fileno(), 65536)
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    payload = json.loads(written + rest)
    assert payload["interrupted"] is True
    listed = [item["imei"] for item in payload["imeis"]]
    assert 10 <= len(listed) < len(imeis)
    assert listed == [imei for imei in imeis if imei in set(listed)]  # in input order
    assert all(len(item["results"]) == CARRIERS for item in payload["imeis"])  # complete reports only
    with sqlite3.connect(env["TENKEN_DB"]) as connection:  # and what was printed is stored
        stored = {row[0] for row in connection.execute("SELECT DISTINCT imei FROM lookups")}
    assert set(listed) <= stored


def test_a_large_batch_lists_what_needs_a_look_and_counts_the_rest(
    tmp_path: Path, env: dict[str, str]
) -> None:
    imeis = synthetic_imeis(1_200)
    cache_answers(env, imeis[:-1])  # the last one asked: − everywhere at the simulator
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(imeis) + "\n", encoding="ascii")
    result = run_cli(["lookup", "--file", str(batch)], env)
    assert result.exit_code == 2, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.strip()[:2] == "35"]
    assert rows == [line for line in rows if imeis[-1] in line] and len(rows) == 1  # the − row only
    assert "1200 IMEIs: 1199 clean, 1 − everywhere" in result.stdout
    assert "1199 clean IMEIs are not listed" in result.stdout
    assert result.stdout.count("IMEI ") == 1  # one header, though the rows are printed in pieces


def test_an_imei_given_twice_is_looked_up_and_shown_once(
    carrier_sim: CarrierSimulator, env: dict[str, str]
) -> None:
    hits = sum(carrier_sim.hits.values())
    result = run_cli(["lookup", "--json", "--no-cache", TEMPLATE, TEMPLATE], env)
    assert result.exit_code == 0, result.stderr
    assert [item["imei"] for item in json.loads(result.stdout)["imeis"]] == [TEMPLATE]
    assert f"argument 2: {TEMPLATE} was given before; it is looked up and shown once" in result.stderr
    assert sum(carrier_sim.hits.values()) - hits == 6  # a form and an answer at each of three


def test_a_batch_runs_one_worker_per_carrier(carrier_sim: CarrierSimulator, tmp_path: Path) -> None:
    """The carriers are asked by one worker each, going through the IMEIs in input order: a batch does
    not cost a task per IMEI and carrier (it did: five per IMEI, much of the client's overhead beside
    parsing and the store), and no flow waits on another for a carrier's site."""
    settings = config.load(environ=fast_env(carrier_sim, tmp_path))
    imeis = synthetic_imeis(60)
    asking: list[str] = []  # the batch's own tasks, by coroutine (the store writer's are not counted)

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        name = getattr(coro, "__qualname__", "")
        if name.startswith(("Batch.", "LookupService.answer")):
            asking.append(name)
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def run(database: Store) -> list[str]:
        async with LookupService(settings, database) as service:
            asyncio.get_running_loop().set_task_factory(counting)
            async with service.batch(imeis, list(Carrier)) as batch:
                return [report.imei async for report in batch]

    with open_store(settings) as database:
        assert asyncio.run(run(database)) == imeis
        assert len(database.lookup_history(imeis[-1])) == 4  # all four asked here
    assert asking == ["Batch._work"] * len(Carrier)


def test_a_large_file_is_read_a_piece_at_a_time(tmp_path: Path, env: dict[str, str]) -> None:
    """60 MB of rows (one IMEI with long notes, 330,000 times; a 100,000-character line among them) is
    read without holding the file: the file is far larger than the bound, and the IMEI is asked once."""
    batch = tmp_path / "big.csv"
    row = "490154203237518," + "メモ" * 90 + "\n"
    with batch.open("w", encoding="utf-8") as out:
        out.write("IMEI,メモ\n")
        for number in range(330_000):
            out.write(row if number != 1000 else "4" * 100_000 + "\n")
    assert batch.stat().st_size > 60 * 1024 * 1024
    peak = tmp_path / "peak"
    result = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, "lookup", "--json", "--carrier", "docomo", "--file", str(batch)],
        capture_output=True,
        env={**os.environ, **env, "PEAK_RSS_FILE": str(peak)},
    )
    listed = json.loads(result.stdout)
    asked = [item["imei"] for item in listed["imeis"] if item["status"] != "invalid"]
    assert asked == ["490154203237518"]
    assert b"a line longer than 4096 characters" in result.stderr
    assert b"more IMEIs were given again" in result.stderr
    assert result.stderr.count(b"was given before") == 20  # the rest are counted, not listed
    peak_mib = int(peak.read_text()) / 1024
    assert peak_mib < PEAK_RSS_BOUND_MIB, f"peak RSS {peak_mib:.0f} MiB"
