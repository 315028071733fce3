"""One pipeline for `inspect`, `demo` and `watch`: read the phone, add what a technician recorded, look
its IMEIs up in a planned order, judge it under the policy, keep it as one inspection.

    read ─► recorded facts, the earlier reading in use ─► plan + look up ─► the seller the look-ups name
         ─► judge ─► store

Every phone runs its own pass; phones run at once, and share one polite look-up client (one request
at a time per carrier site) and one store. A store that fails does not lose the inspection: it waits
in the spool and the error is reported after the results (`Pipeline.health`: the store's health).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

from tenken import __version__
from tenken.config import Settings
from tenken.devices.ios.facts import use_lookups
from tenken.errors import StoreError
from tenken.facts import (
    Carrier,
    DeviceFacts,
    DeviceRef,
    Fact,
    LookupResult,
    Message,
    Platform,
    Seal,
    msg,
    utcnow,
)
from tenken.imei import is_valid_imei
from tenken.inspection import Asked, Inspection, Level, Recorded
from tenken.lookups.plan import Query, not_asked, order
from tenken.lookups.service import LookupService, enabled_carriers
from tenken.station.readers import inspect_one
from tenken.store import Store
from tenken.store.health import StoreHealth
from tenken.store.rows import Outgoing
from tenken.verdict.judge import could_have_sold, findings, judge
from tenken.verdict.policy import Policy

log = logging.getLogger(__name__)

StageHook = Callable[[str], None]  # hears "reading", "looking_up", "judging"


@dataclass(frozen=True, slots=True)
class Expected:
    """What the intake says a phone should be (by IMEI): `--expect IMEI` or `--intake FILE`."""

    imeis: tuple[str, ...]
    stock_no: str = ""


@dataclass(slots=True)
class Options:
    policy: Policy
    look_up: bool = True
    use_cache: bool = True
    station: str = field(default_factory=socket.gethostname)
    expected: Sequence[Expected] = ()  # several: the intake list; the phone must match one of them


class Pipeline:
    """Use as `async with Pipeline(settings, options, store) as pipeline: await pipeline.run(ref)`."""

    def __init__(self, settings: Settings, options: Options, store: Store | None) -> None:
        self.settings = settings
        self.options = options
        self.store = store
        self.enabled = enabled_carriers(settings)
        self.lookups = LookupService(settings, store, use_cache=options.use_cache)
        self.health: StoreHealth = self.lookups.health  # the store's: what it did not take or give

    async def __aenter__(self) -> Pipeline:
        await self.lookups.__aenter__()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.lookups.__aexit__(kind, error, trace)

    async def run_all(self, refs: Sequence[DeviceRef]) -> list[Inspection]:
        """Every phone through the pipeline at once; results in the order given, each stored."""
        return list(await asyncio.gather(*(self.run(ref) for ref in refs)))

    async def run(
        self, ref: DeviceRef, *, keep: bool = True, on_stage: StageHook | None = None
    ) -> Inspection:
        """One phone from the cable to a verdict; kept in the store unless `keep` is false (the station
        keeps only the last inspection of each plug). `on_stage` hears "reading", "looking_up", "judging"."""
        if on_stage is not None:
            on_stage("reading")
        facts = await inspect_one(ref, self.settings)
        return await self.judge_and_keep(facts, keep=keep, on_stage=on_stage)

    async def judge_and_keep(
        self, facts: DeviceFacts, *, keep: bool = True, on_stage: StageHook | None = None
    ) -> Inspection:
        inspection = Inspection(
            facts,
            station=self.options.station,
            tenken_version=__version__,
            looked_up=self.options.look_up,
            policy_name=self.options.policy.name,
            policy_sha256=self.options.policy.sha256,
        )
        await self._remembered(inspection)
        self._expected(inspection)
        if on_stage is not None:
            on_stage("looking_up")
        await self.look_up(inspection)
        seller_from_lookups(inspection)
        if on_stage is not None:
            on_stage("judging")
        inspection.verdicts = judge(inspection, self.options.policy)
        inspection.finished_at = utcnow()
        if keep:
            await self.keep(inspection)
        return inspection

    def successor(self, before: Inspection, facts: DeviceFacts, *, looked_up: bool) -> Inspection:
        """A new inspection of the phone `before` inspected, naming it (`rechecks`), under this pipeline's
        station and policy: what a re-check or a judgement after a record fills in."""
        return Inspection(
            facts,
            station=self.options.station,
            tenken_version=__version__,
            looked_up=looked_up,
            expected_imeis=before.expected_imeis,
            stock_no=before.stock_no,
            earlier=before.earlier,
            policy_name=self.options.policy.name,
            policy_sha256=self.options.policy.sha256,
            rechecks=before.id,
        )

    async def rejudge(
        self, before: Inspection, *, recorded: Sequence[Recorded] = (), answers: Sequence[LookupResult] = ()
    ) -> Inspection:
        """`before` judged again at once, without reading the phone: with the facts recorded by hand for
        it (`recorded`: those just entered, in case the database cannot give them back yet) and with
        `answers` (a person's marks) in place of the carriers' answers for the same IMEI and carrier. The
        carriers are asked only about an IMEI that none was asked about (one just recorded). A new
        inspection that names the one it judged again (`rechecks`); not kept."""
        options = self.options
        after = self.successor(before, dataclasses.replace(before.facts), looked_up=before.looked_up)
        await self._remembered(after)
        apply_recorded(after.facts, recorded)
        self._expected(after)
        asked = {(entry.imei, entry.carrier): entry for entry in before.asked}
        asked |= {
            (answer.imei, answer.carrier): Asked.of(answer.imei, answer.carrier, answer) for answer in answers
        }
        after.asked = list(asked.values())
        if before.looked_up and set(after.facts.imeis()) - {imei for imei, _carrier in asked}:
            await self.look_up(after)  # an IMEI a person typed: its plan, as a fresh read would ask
            after.asked += [entry for pair, entry in asked.items() if pair not in _pairs(after.asked)]
        seller_from_lookups(after)
        after.verdicts = judge(after, options.policy)
        after.finished_at = utcnow()
        return after

    # ---------------------------------------------------------------------------------------- steps

    async def _remembered(self, inspection: Inspection) -> None:
        """Facts recorded by hand for this phone, and its last reading in use (for an erased phone)."""
        if self.store is None:
            return
        facts = inspection.facts
        serial = facts.serial.value if facts.serial.known else None
        try:
            recorded = await asyncio.to_thread(self.store.recorded_for, serial, facts.imeis())
            inspection.earlier = await asyncio.to_thread(self.store.earlier_in_use, facts, facts.read_at)
        except StoreError as error:
            self.health.failed(error, write=False)  # judged without them: unknowns stay unknown (HOLD)
            return
        apply_recorded(facts, recorded)
        earlier = inspection.earlier
        said = facts.erased.note
        if earlier is not None and facts.erased.value is True and (said is None or said.code != AFTER_IN_USE):
            # read in use before, initialised now: the erase after purchase, measured
            after = msg("erased.after_in_use", before=earlier.read_at, note=said)
            facts.erased = facts.erased.with_note(after)

    def _expected(self, inspection: Inspection) -> None:
        expected = self.options.expected
        if not expected:
            return
        read = set(inspection.facts.imeis())
        match = next((entry for entry in expected if read & set(entry.imeis)), None)
        if match is not None:
            inspection.expected_imeis, inspection.stock_no = match.imeis, match.stock_no
        else:
            inspection.expected_imeis = tuple(imei for entry in expected for imei in entry.imeis)

    async def look_up(self, inspection: Inspection) -> None:
        """Ask the carriers what the phone's plan calls for (plan.py), into `inspection.asked`."""
        if not self.options.look_up:
            return
        query = plan_for(inspection, self.options.policy, self.enabled)
        if not query.imeis:
            return
        answers = (await self.lookups.ask_planned([query]))[0]
        outcomes = {pair: result.outcome for pair, result in answers.items()}
        inspection.asked = [Asked.of(imei, carrier, result) for (imei, carrier), result in answers.items()]
        inspection.asked += [
            Asked(imei, carrier, None, why) for imei, carrier, why in not_asked(query, outcomes)
        ]

    async def keep(self, inspection: Inspection, messages: Sequence[Outgoing] = ()) -> None:
        """Store the inspection as one unit (its answers first), with the webhook messages it owes; a
        store failure is the store's health's to say (what the database did not take waits in the spool)."""
        if self.store is None:
            return
        await self.lookups.flush()  # the answers it links to go in first
        with contextlib.suppress(StoreError):  # the store's health heard it
            await asyncio.to_thread(self.store.save_inspections, [inspection], messages)


def _pairs(asked: Sequence[Asked]) -> set[tuple[str, Carrier]]:
    return {(entry.imei, entry.carrier) for entry in asked}


def plan_for(inspection: Inspection, policy: Policy, enabled: list[Carrier]) -> Query:
    """The look-up plan for a phone: its valid IMEIs, the carriers in order, and whether any answer could
    change its verdict at all."""
    facts = inspection.facts
    imeis = tuple(imei for imei in facts.imeis() if is_valid_imei(imei))
    sellers = tuple(could_have_sold(facts))  # the verdict's own list: what it waits for is asked first
    return Query(
        imeis, order(enabled, sellers, sim_network(facts)), sellers, blocked_everywhere(inspection, policy)
    )


def seller_from_lookups(inspection: Inspection) -> None:
    """What the look-ups tell about the phone itself: for an iPhone (whose seller no lockdown key gives),
    the carrier whose register holds the IMEI, and the SIM-lock inference that follows from it."""
    if inspection.facts.ref.platform is Platform.IOS:
        use_lookups(inspection.facts, inspection.results())


def blocked_everywhere(inspection: Inspection, policy: Policy) -> Message | None:
    """A condition already established that blocks the phone on every channel: no carrier's answer can
    change the verdict, so none is asked (the politeness the carriers' sites need)."""
    for finding in findings(inspection, policy.battery_worn_below):
        if all(channel.levels[finding.condition] is Level.BLOCKED for channel in policy.channels.values()):
            return finding.says
    return None


def sim_network(facts: DeviceFacts) -> Carrier | None:
    """The network of the SIM inside ("docomo network"), when a carrier's: only a hint of whom to ask
    first. An MVNO rides on a carrier's network and a SIM says nothing of who sold the phone, so nothing
    else may take it for the seller; the order of asking changes no verdict."""
    value = str(facts.sim_carrier.value).lower() if facts.sim_carrier.known else ""
    for carrier in Carrier:
        if carrier.value in value.replace(" ", ""):
            return carrier
    return None


AFTER_IN_USE = "erased.after_in_use"  # the note on `erased` of a phone read in use before


def apply_recorded(facts: DeviceFacts, recorded: Sequence[Recorded]) -> None:
    """Facts a technician recorded override what the phone could not say (newest last, so it wins). One
    read back from the store counts only while it is as its station signed it: an entry changed in the
    database, unsigned, or signed with a key not held here is left out (the fact stays as read)."""
    names = {name for name, _ in facts.facts()}
    for entry in recorded:
        if entry.seal is not None and entry.seal is not Seal.SIGNED:
            log.warning(
                "a recorded %s (%s, %s) is not used: its row is %s (tenken evidence; docs/station.md)",
                entry.fact,
                entry.recorded_by,
                entry.recorded_at.isoformat(timespec="minutes"),
                entry.seal.value,
            )
            continue
        value = entry.value
        if isinstance(value, dict) and entry.fact in value and set(value) <= names:
            for (
                name,
                part,
            ) in value.items():  # one entry, several facts (a grade: its class, NG items, photos)
                setattr(facts, name, Fact.measured(part, entry.source))
        elif entry.fact in names:
            setattr(facts, entry.fact, Fact.measured(value, entry.source))
