"""Probe: every fault mode of the carrier simulator at every carrier, through `tenken lookup --json`.

    python bench/probe_answers.py

Not a benchmark: a matrix to read. For each (fault, carrier) the simulator gives the IMEI ○ (× for
`mark-in-sentence`, whose spoiled page would read ○) and misbehaves that way; tenken must read no mark
unless the fault leaves the real answer intact, never cache what it could not read, and never exit 0.
Prints the outcome per cell and a last line saying whether anything read as a mark that should not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import FAULTS, CarrierSimulator

IMEI = "490154203237518"
# Faults that leave the real answer readable (they only slow it down or do not apply to that site).
HARMLESS = {
    ("slow", carrier) for carrier in Carrier
} | {  # a fault meant for another kind of site leaves this one's answer as it is
    ("form-loop", Carrier.DOCOMO),
    ("form-loop", Carrier.SOFTBANK),
    ("form-loop", Carrier.RAKUTEN),
    ("mark-in-sentence", Carrier.DOCOMO),
    ("mark-in-sentence", Carrier.SOFTBANK),
    ("mark-in-sentence", Carrier.RAKUTEN),
    ("duplicate-keys", Carrier.DOCOMO),
    ("duplicate-keys", Carrier.AU),
    ("duplicate-keys", Carrier.SOFTBANK),
    ("error-beside-status", Carrier.DOCOMO),
    ("error-beside-status", Carrier.AU),
    ("error-beside-status", Carrier.SOFTBANK),
    ("other-imei", Carrier.RAKUTEN),
    ("captcha", Carrier.RAKUTEN),
}


def lookup(env: dict[str, str], carrier: Carrier) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "tenken", "lookup", "--json", "--carrier", carrier.value, IMEI],
        capture_output=True,
        env=env,
        check=False,
    )
    (report,) = json.loads(done.stdout)["imeis"]
    return done.returncode, report["results"][0]


def main() -> int:
    wrong: list[str] = []
    with CarrierSimulator() as simulator, tempfile.TemporaryDirectory() as scratch:
        simulator.rules.slow_seconds = 0.5
        print(f"{'fault':22}" + "".join(f"{carrier.value:>26}" for carrier in Carrier))
        for fault in FAULTS:
            row = f"{fault:22}"
            for carrier in Carrier:
                data = Path(scratch) / f"{fault}-{carrier.value}"
                env = {
                    **os.environ,
                    **simulator.env(),
                    "TENKEN_DB": str(data / "tenken.sqlite3"),
                    "TENKEN_DATA_DIR": str(data),
                    "TENKEN_CONFIG": "",
                    "TENKEN_LOOKUP_SPACING": "0",
                    "TENKEN_LOOKUP_RETRIES": "0",
                    "TENKEN_LOOKUP_TIMEOUT": "2",
                }
                mark = Outcome.RESTRICTED if fault == "mark-in-sentence" else Outcome.OK
                simulator.rules.set_mark(IMEI, carrier, mark)
                simulator.set_fault(carrier, fault)
                code, first = lookup(env, carrier)
                _, again = lookup(env, carrier)
                simulator.set_fault(carrier, None)
                read = first["outcome"]
                expected_mark = (fault, carrier) in HARMLESS
                if Outcome(str(read)).is_mark != expected_mark:
                    wrong.append(f"{fault} at {carrier.value}: {read}")
                if not Outcome(str(read)).is_mark and (again["from_cache"] or code == 0):
                    wrong.append(f"{fault} at {carrier.value}: cached or exit 0")
                row += f"{read + (' ' + str(first['mark']) if first['mark'] else ''):>24} {code}"
            print(row, flush=True)
    print(wrong or "every hostile answer read as no mark, never cached, never exit 0")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
