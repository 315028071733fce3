"""Benchmark: carrier requests per phone with the look-up plan (lookups/plan.py) against the naive plan
(every IMEI at every carrier), same phones, same carrier simulator, same run. Asserts nothing; prints.

    python bench/bench_plan.py [--phones 32] [--spacing 3.0]

A realistic station mix: Android carrier models (docomo, au, SoftBank; dual IMEI), J/A iPhones (sold by
a carrier the model does not name; the SIM inside hints the network), SIM-free phones registered
nowhere, and single-IMEI phones. Reports look-ups and HTTP requests per phone and the time to the last
verdict with the given spacing (default: tenken's default, 3 s between requests to one site), and
checks that both plans give identical verdicts. The carrier simulator runs on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stdnum import luhn

from tenken import config
from tenken.facts import SIM_FREE, Carrier, DeviceFacts, DeviceRef, Fact, Outcome, Platform
from tenken.inspection import Asked, Inspection, Level
from tenken.lookups.service import LookupService
from tenken.sim.carriers import CarrierSimulator, Rules
from tenken.station.pipeline import Options, Pipeline
from tenken.verdict.judge import judge
from tenken.verdict.policy import load_policy

SELLERS = (Carrier.DOCOMO, Carrier.AU, Carrier.SOFTBANK)


@dataclass(frozen=True)
class Phone:
    facts: DeviceFacts
    registered: Carrier | None  # where the carriers' registers know its IMEIs


def imei(number: int) -> str:
    body = f"35{number:012d}"
    return body + luhn.calc_check_digit(body)


def station_mix(count: int) -> list[Phone]:
    """A quarter each: Android carrier models, J/A iPhones, SIM-free phones, single-IMEI carrier models."""
    phones = []
    for index in range(count):
        kind = index % 4
        seller = SELLERS[index % len(SELLERS)]
        platform = Platform.IOS if kind == 1 else Platform.ANDROID
        facts = DeviceFacts(DeviceRef(platform, f"phone-{index}"))
        facts.imei = Fact.measured(imei(index * 10), "bench")
        if kind != 3:
            facts.imei2 = Fact.measured(imei(index * 10 + 1), "bench")
        for name in ("owner_lock", "mdm_enrolled", "supervised", "bootloader_unlocked"):
            setattr(facts, name, Fact.measured(False, "bench"))
        facts.setup_complete = Fact.measured(True, "bench")
        facts.sim_state = Fact.measured("READY", "bench")
        if kind == 0 or kind == 3:
            facts.sold_for = Fact.inferred(seller, "bench")
            facts.sim_carrier = Fact.measured(seller.value, "bench")
            registered: Carrier | None = seller
        elif kind == 1:
            facts.sold_for = Fact.unknown("bench")
            facts.sim_carrier = Fact.measured(seller.value, "bench")  # the SIM's network hints the seller
            registered = seller
        else:
            facts.sold_for = Fact.inferred(SIM_FREE, "bench")
            facts.sim_carrier = Fact.measured("none", "bench")
            registered = None
        phones.append(Phone(facts, registered))
    return phones


def rules_for(phones: list[Phone]) -> Rules:
    rules = Rules()
    for index, phone in enumerate(phones):
        mark = (Outcome.OK, Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED)[index % 4]
        for number in phone.facts.imeis():
            rules.set_mark(number, phone.registered, mark)
    return rules


async def planned(settings: config.Settings, phones: list[Phone]) -> tuple[list[Inspection], int, int]:
    options = Options(policy=load_policy(), use_cache=False, station="bench")
    async with Pipeline(settings, options, None) as pipeline:
        inspections = await asyncio.gather(*(pipeline.judge_and_keep(phone.facts) for phone in phones))
        lookups = sum(1 for inspection in inspections for asked in inspection.asked if asked.result)
        return list(inspections), lookups, pipeline.lookups.client.requests_sent


async def naive(settings: config.Settings, phones: list[Phone]) -> tuple[list[Inspection], int, int]:
    policy = load_policy()
    async with LookupService(settings, None, use_cache=False) as service:
        numbers = [number for phone in phones for number in phone.facts.imeis()]
        reports = {report.imei: report for report in await service.lookup_many(numbers, list(Carrier))}
        inspections = []
        for phone in phones:
            asked = [
                Asked.of(number, result.carrier, result)
                for number in phone.facts.imeis()
                for result in reports[number].results
            ]
            inspection = Inspection(phone.facts, asked=asked)
            inspection.verdicts = judge(inspection, policy)
            inspections.append(inspection)
        return inspections, len(numbers) * len(Carrier), service.client.requests_sent


def levels(inspections: list[Inspection]) -> list[dict[str, Level]]:
    return [{key: found.level for key, found in inspection.verdicts.items()} for inspection in inspections]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phones", type=int, default=32)
    parser.add_argument("--spacing", type=float, default=config.LookupSettings().spacing)
    options = parser.parse_args()
    phones = station_mix(options.phones)
    with CarrierSimulator(rules_for(phones)) as sites, tempfile.TemporaryDirectory() as folder:
        environ = {
            **os.environ,
            **sites.env(),
            "TENKEN_LOOKUP_SPACING": str(options.spacing),
            "TENKEN_DB": str(Path(folder) / "bench.sqlite3"),
            "XDG_CONFIG_HOME": folder,
        }
        settings = config.load(environ=environ)
        started = time.perf_counter()
        smart, smart_lookups, smart_http = asyncio.run(planned(settings, phones))
        smart_time = time.perf_counter() - started
        started = time.perf_counter()
        every, every_lookups, every_http = asyncio.run(naive(settings, phones))
        every_time = time.perf_counter() - started
    same = levels(smart) == levels(every)
    count = len(phones)
    print(
        f"{count} phones (Android carrier models, J/A iPhones, SIM-free, single-IMEI), spacing {options.spacing:g} s"
    )
    print(
        f"  naive plan    {every_lookups / count:5.2f} look-ups/phone  {every_http / count:5.2f} HTTP/phone  last verdict {every_time:7.1f} s   1.00x"
    )
    print(
        f"  planned       {smart_lookups / count:5.2f} look-ups/phone  {smart_http / count:5.2f} HTTP/phone  last verdict {smart_time:7.1f} s   "
        f"{smart_lookups / every_lookups:.2f}x look-ups, {smart_http / every_http:.2f}x HTTP, {smart_time / every_time:.2f}x time  (goal <= 0.5x)"
    )
    print(f"  identical verdicts: {'yes' if same else 'NO'}")
    if not same:
        for index, (a, b) in enumerate(zip(levels(smart), levels(every), strict=True)):
            if a != b:
                print(f"    phone {index}: planned {a} naive {b}")


if __name__ == "__main__":
    main()
