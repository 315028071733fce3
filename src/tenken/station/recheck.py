"""Re-checks before listing: a △ can turn × before the phone sells, and an answer that could not be read
is no answer. The carriers are asked again (never from the cache) for the look-ups of stored inspections
that are due, and the verdict is judged again; the result is a new inspection that names the one it
re-checked, stored with its answers, and every change is reported (and sent to the webhook)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tenken.facts import Carrier, Outcome, utcnow
from tenken.inspection import Asked, Inspection, Level
from tenken.station.pipeline import Pipeline, seller_from_lookups
from tenken.verdict.judge import judge

# --status: what a look-up said, in the words a shop uses
STATUSES: dict[str, frozenset[Outcome]] = {
    "pending": frozenset({Outcome.PENDING}),
    "unknown": frozenset(outcome for outcome in Outcome if not outcome.is_mark),
    "ok": frozenset({Outcome.OK}),
    "restricted": frozenset({Outcome.RESTRICTED}),
}


@dataclass(frozen=True, slots=True)
class AnswerChange:
    imei: str
    carrier: Carrier
    before: Outcome | None  # None: not asked before (the inspection had no look-ups)
    after: Outcome


@dataclass(frozen=True, slots=True)
class Recheck:
    before: Inspection
    after: Inspection
    answers: list[AnswerChange] = field(default_factory=list)  # only those that changed
    levels: dict[str, tuple[Level, Level]] = field(default_factory=dict)  # channel → (before, after), changed

    @property
    def changed(self) -> bool:
        return bool(self.answers or self.levels)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """An answer not due yet: a re-check with the same --older-than asks it from `due_at` on."""

    inspection: Inspection
    asked: Asked | None  # None: the carriers were never asked about the phone (read_at: its inspection)
    read_at: datetime
    due_at: datetime


def due(inspection: Inspection, statuses: Collection[str], checked_before: datetime) -> list[Asked]:
    """The look-ups of `inspection` to ask again: their outcome is one of `statuses` and they were read
    before `checked_before`."""
    return [asked for asked, read_at in _asked_again(inspection, statuses) if read_at < checked_before]


def needs_recheck(inspection: Inspection, statuses: Collection[str], checked_before: datetime) -> bool:
    return any(read_at < checked_before for _asked, read_at in _candidates(inspection, statuses))


def upcoming(
    inspections: Iterable[Inspection], statuses: Collection[str], checked_before: datetime, span: timedelta
) -> Upcoming | None:
    """Of the answers `statuses` names that are not due yet (read from `checked_before` on), the one that
    comes due first, when a re-check asks what was read longer than `span` ago."""
    waiting = [
        Upcoming(inspection, asked, read_at, read_at + span)
        for inspection in inspections
        for asked, read_at in _candidates(inspection, statuses)
        if read_at >= checked_before
    ]
    return min(waiting, key=lambda entry: entry.due_at, default=None)


def not_read(results: Iterable[Recheck]) -> list[tuple[Inspection, Asked]]:
    """The answers that could not be read, after the re-checks (the new inspections'): exit 3."""
    return [
        (result.after, asked)
        for result in results
        for asked in result.after.asked
        if asked.result is not None and not asked.result.outcome.is_mark
    ]


def _asked_again(inspection: Inspection, statuses: Collection[str]) -> list[tuple[Asked, datetime]]:
    """The look-ups whose outcome is one of `statuses`, with when each was read."""
    wanted = frozenset().union(*(STATUSES[status] for status in statuses))
    return [
        (asked, asked.result.checked_at)
        for asked in inspection.asked
        if asked.result is not None and asked.result.outcome in wanted
    ]


def _candidates(inspection: Inspection, statuses: Collection[str]) -> list[tuple[Asked | None, datetime]]:
    """What a re-check may ask about `inspection`, with since when: its look-ups `statuses` names, or,
    for a phone the carriers were never asked about (an unknown), the whole plan (None), since its
    inspection."""
    found: list[tuple[Asked | None, datetime]] = list(_asked_again(inspection, statuses))
    if not inspection.looked_up and "unknown" in statuses:
        found.append((None, inspection.finished_at or inspection.started_at))
    return found


async def recheck(
    pipeline: Pipeline, before: Inspection, statuses: Collection[str], checked_before: datetime
) -> Recheck:
    """Ask again what is due, judge again (under the pipeline's policy), keep nothing yet."""
    options = pipeline.options
    after = pipeline.successor(before, before.facts, looked_up=True)
    if not before.looked_up:
        await pipeline.look_up(after)  # never asked: the whole plan, as `tenken inspect` would
    else:
        again = due(before, statuses, checked_before)
        fresh = await asyncio.gather(*(pipeline.lookups.ask(asked.imei, asked.carrier) for asked in again))
        by_pair = {
            (asked.imei, asked.carrier): Asked.of(asked.imei, asked.carrier, result)
            for asked, result in zip(again, fresh, strict=True)
        }
        after.asked = [by_pair.get((asked.imei, asked.carrier), asked) for asked in before.asked]
    seller_from_lookups(after)  # an iPhone's seller (and SIM-lock inference) may follow from a new answer
    after.verdicts = judge(after, options.policy)
    after.finished_at = utcnow()
    # Before, judged under the same policy: a change then comes from the answers, not from a new policy.
    before.verdicts = judge(before, options.policy)
    return _compare(before, after)


def _compare(before: Inspection, after: Inspection) -> Recheck:
    earlier = {(asked.imei, asked.carrier): asked.outcome for asked in before.asked}
    answers = [
        AnswerChange(
            asked.imei, asked.carrier, earlier.get((asked.imei, asked.carrier)), asked.result.outcome
        )
        for asked in after.asked
        if asked.result is not None and earlier.get((asked.imei, asked.carrier)) is not asked.result.outcome
    ]
    levels = {
        channel: (before.verdicts[channel].level, verdict.level)
        for channel, verdict in after.verdicts.items()
        if channel in before.verdicts and before.verdicts[channel].level is not verdict.level
    }
    return Recheck(before, after, answers, levels)


def worse(change: Recheck, channel: str) -> bool:
    """The re-check turned the phone BLOCKED or PARTS_ONLY on `channel`."""
    levels = change.levels.get(channel)
    return levels is not None and levels[1] in (Level.BLOCKED, Level.PARTS_ONLY)
