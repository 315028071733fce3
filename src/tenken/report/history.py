"""A phone's history: its inspections and the carriers' answers about its IMEIs, newest first, each
with what changed since the one before it (a mark ○ → △, a lock that came or went, a verdict level or
the battery's health that changed). Changes are Messages; words come from the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tenken.facts import Carrier, Message, Outcome, msg
from tenken.inspection import Inspection

LOCKS = ("owner_lock", "mdm_enrolled", "supervised", "sim_locked", "bootloader_unlocked")
NOT_ASKED = "not_asked"
MARKS = frozenset(outcome.symbol for outcome in Outcome if outcome.is_mark)


class Answer(Protocol):
    """A stored carrier answer (store.records.Answer)."""

    @property
    def record_id(self) -> str: ...
    @property
    def imei(self) -> str: ...
    @property
    def carrier(self) -> Carrier: ...
    @property
    def outcome(self) -> Outcome: ...
    @property
    def checked_at(self) -> datetime: ...
    @property
    def sha256(self) -> str | None: ...


def cell(outcome: Outcome | None) -> str:
    """A carrier's answer in one word: its mark, else why it has none."""
    if outcome is None:
        return NOT_ASKED
    return outcome.symbol if outcome.is_mark else outcome.value


def marks(inspection: Inspection) -> dict[str, dict[str, str]]:
    """IMEI → carrier → mark (or why none) for every IMEI × carrier the inspection has an entry for."""
    found: dict[str, dict[str, str]] = {}
    for asked in inspection.asked:
        found.setdefault(asked.imei, {})[asked.carrier.value] = cell(asked.outcome)
    return found


def inspection_changes(older: Inspection, newer: Inspection) -> list[Message]:
    """What differs in `newer` from `older`: marks (both answered), locks, verdict levels, battery health."""
    changes: list[Message] = []
    before, after = marks(older), marks(newer)
    for imei in dict.fromkeys([*after, *before]):
        for carrier in Carrier:
            was, now = before.get(imei, {}).get(carrier.value), after.get(imei, {}).get(carrier.value)
            if was in MARKS and now in MARKS and was != now:  # not "not asked" or "site down": no news
                changes.append(msg("change.mark", carrier=carrier, imei=imei, before=was, after=now))
    old_facts, new_facts = dict(older.facts.facts()), dict(newer.facts.facts())
    for lock in LOCKS:
        changed = _lock_change(lock, old_facts[lock].value, new_facts[lock].value)
        if changed is not None:
            changes.append(changed)
    for channel, verdict in newer.verdicts.items():
        earlier = older.verdicts.get(channel)
        if earlier is not None and earlier.level is not verdict.level:
            changes.append(msg("change.level", channel=channel, before=earlier.level, after=verdict.level))
    was_battery, battery = old_facts["battery_health_pct"].value, new_facts["battery_health_pct"].value
    if was_battery is not None and battery is not None and was_battery != battery:
        changes.append(msg("change.battery", before=was_battery, after=battery))
    return changes


def _lock_change(lock: str, was: Any, now: Any) -> Message | None:
    if was is now or (was is None and now is None):
        return None
    if now is True:
        return msg("change.lock_on", lock=lock)
    if now is False and was is True:
        return msg("change.lock_off", lock=lock)
    if now is None:
        return msg("change.lock_unknown", lock=lock)
    return None  # unknown before, off now: nothing came or went


@dataclass(frozen=True, slots=True)
class Phone:
    key: str  # serial, else IMEI, else device id
    inspections: list[Inspection]  # newest first
    answers: Sequence[Answer]  # newest first

    def imeis(self) -> list[str]:
        found: dict[str, None] = {}
        for inspection in self.inspections:
            found.update(dict.fromkeys(inspection.facts.imeis()))
        return list(found)


def phone_key(inspection: Inspection) -> str:
    facts = inspection.facts
    for fact in (facts.serial, facts.imei):
        if fact.known and fact.value:
            return str(fact.value)
    return facts.ref.device_id


def group(inspections: Iterable[Inspection]) -> dict[str, list[Inspection]]:
    """Inspections by phone (phone_key), each list in the order given (newest first)."""
    phones: dict[str, list[Inspection]] = {}
    for inspection in inspections:
        phones.setdefault(phone_key(inspection), []).append(inspection)
    return phones


def answer_changes(answers: Sequence[Answer]) -> list[list[Message]]:
    """For each answer (newest first), the change of mark since the carrier's previous mark about the
    same IMEI (answers without a mark, a site that was down, neither change nor end a mark)."""
    changes: list[list[Message]] = []
    for index, answer in enumerate(answers):
        previous = next(
            (
                older
                for older in answers[index + 1 :]
                if older.imei == answer.imei and older.carrier is answer.carrier and older.outcome.is_mark
            ),
            None,
        )
        if answer.outcome.is_mark and previous is not None and previous.outcome is not answer.outcome:
            changes.append(
                [
                    msg(
                        "change.mark",
                        carrier=answer.carrier,
                        imei=answer.imei,
                        before=cell(previous.outcome),
                        after=cell(answer.outcome),
                    )
                ]
            )
        else:
            changes.append([])
    return changes


def to_json(phone: Phone) -> dict[str, Any]:
    """One phone as `history --json` prints it (report/schema.py HistoryPhoneDoc)."""
    newest = phone.inspections[0] if phone.inspections else None
    facts = newest.facts if newest is not None else None
    model = facts.model_name.value or facts.model_id.value if facts is not None else None
    entries = []
    for index, inspection in enumerate(phone.inspections):
        older = phone.inspections[index + 1] if index + 1 < len(phone.inspections) else None
        values = dict(inspection.facts.facts())
        entries.append(
            {
                "inspection_id": inspection.id,
                "read_at": inspection.facts.read_at.isoformat(),
                "station": inspection.station,
                "state": inspection.facts.state.value,
                "levels": {channel: verdict.level.value for channel, verdict in inspection.verdicts.items()},
                "marks": marks(inspection),
                "owner_lock": values["owner_lock"].value,
                "mdm": inspection.facts.managed(),
                "sim_locked": values["sim_locked"].value,
                "battery_health_pct": values["battery_health_pct"].value,
                "changes": inspection_changes(older, inspection) if older is not None else [],
            }
        )
    answers = [
        {
            "imei": answer.imei,
            "carrier": answer.carrier.value,
            "outcome": answer.outcome.value,
            "mark": answer.outcome.symbol if answer.outcome.is_mark else None,
            "checked_at": answer.checked_at.isoformat(),
            "sha256": answer.sha256,
            "record_id": answer.record_id,
            "changes": changed,
        }
        for answer, changed in zip(phone.answers, answer_changes(phone.answers), strict=True)
    ]
    serial = facts.serial.value if facts is not None and facts.serial.known else None
    return {
        "key": phone.key,
        "model": model,
        "serial": serial,
        "imeis": phone.imeis(),
        "inspections": entries,
        "lookups": answers,
    }
