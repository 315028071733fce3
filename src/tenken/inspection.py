"""One inspection of one phone, as a unit: what the phone said, what the carriers said, what the
policy made of it per sales channel, and how to find all of it again (ids, versions, hashes).

Pure data, no I/O. The station fills it (station/pipeline.py), the verdict judges it
(verdict/judge.py), the store keeps it, the reports print it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tenken.facts import (
    Carrier,
    DeviceFacts,
    LookupResult,
    Message,
    Outcome,
    Seal,
    Via,
    device_facts_from_json,
    message_from_json,
    utcnow,
    via_of,
)


class Level(StrEnum):
    """Per sales channel, from best to worst; a phone's level is the worst of its reasons."""

    SELLABLE = "SELLABLE"
    SELLABLE_WITH_DISCLOSURE = "SELLABLE_WITH_DISCLOSURE"
    HOLD = "HOLD"
    PARTS_ONLY = "PARTS_ONLY"
    BLOCKED = "BLOCKED"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def sellable(self) -> bool:
        return self.rank <= _RANKS[Level.SELLABLE_WITH_DISCLOSURE]


_RANKS = {level: rank for rank, level in enumerate(Level)}


def worst(levels: list[Level]) -> Level:
    return max(levels, key=lambda level: level.rank, default=Level.SELLABLE)


@dataclass(frozen=True, slots=True)
class Asked:
    """One carrier look-up an inspection used (or chose not to make, and why)."""

    imei: str
    carrier: Carrier
    result: LookupResult | None  # None: not asked
    why_not: Message | None = None  # why it was not asked (the model rules the carrier out, …)
    evidence_sha256: str | None = None  # of the page kept in the store, under the answer's record id
    evidence_url: str | None = None

    @property
    def outcome(self) -> Outcome | None:
        return self.result.outcome if self.result is not None else None

    @classmethod
    def of(cls, imei: str, carrier: Carrier, result: LookupResult) -> Asked:
        evidence = result.evidence
        return cls(
            imei,
            carrier,
            result,
            None,
            evidence.sha256 if evidence else None,
            evidence.url if evidence else None,
        )

    def to_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "imei": self.imei,
            "carrier": self.carrier.value,
            "asked": result is not None,
            "why_not": self.why_not,
            "outcome": result.outcome.value if result else None,
            "mark": result.outcome.symbol if result and result.outcome.is_mark else None,
            "raw_mark": result.raw_mark if result else None,
            "detail": result.detail if result else None,
            "checked_at": result.checked_at.isoformat() if result else None,
            "from_cache": result.from_cache if result else False,
            "via": result.via.value if result else None,
            "by": (result.by or None) if result else None,
            "evidence_sha256": self.evidence_sha256,
            "evidence_url": self.evidence_url,
            "record_id": result.record_id if result else None,
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a channel is not simply SELLABLE: a condition, what it rests on, and what would change it."""

    condition: str  # the policy's key: "owner_lock_on", "pending", …
    level: Level
    says: Message  # the reason in words (report/labels.py: reason.<condition>)
    facts: tuple[str, ...] = ()  # DeviceFacts fields it rests on
    lookups: tuple[tuple[str, Carrier], ...] = ()  # (IMEI, carrier) answers it rests on
    action: Message | None = None  # what would change it
    carried_from: str | None = None  # an earlier inspection whose measurement it uses

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.condition,
            "level": self.level.value,
            "says": self.says,
            "facts": list(self.facts),
            "lookups": [{"imei": imei, "carrier": carrier.value} for imei, carrier in self.lookups],
            "action": self.action,
            "carried_from": self.carried_from,
        }


@dataclass(frozen=True, slots=True)
class ChannelVerdict:
    channel: str
    level: Level
    reasons: tuple[Reason, ...]  # worst first

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level.value, "reasons": [reason.to_json() for reason in self.reasons]}


@dataclass(frozen=True, slots=True)
class Earlier:
    """A measurement from an earlier inspection of the same phone that this one may use."""

    inspection_id: str
    read_at: datetime
    facts: DeviceFacts


MANUAL = "manual:"  # how the source of a fact a technician entered begins (Recorded.source)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A fact a technician read off the phone's screen or box and entered (tenken record): measured,
    by a person; its source says what was read."""

    fact: str  # a DeviceFacts field: sim_locked, battery_health_pct, imei, owner_lock, …
    value: Any
    what: str  # what was read, where ("Settings › General › About › SIMロック: SIMロックなし")
    recorded_by: str
    recorded_at: datetime = field(default_factory=utcnow)
    serial: str = ""
    imei: str = ""
    evidence_name: str = ""  # a screenshot, kept in the store with its sha256
    evidence_sha256: str = ""
    evidence: bytes | None = None
    record_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    seal: Seal | None = None  # read back from the store: whether the row is as its station signed it

    @property
    def source(self) -> str:
        return f"{MANUAL} {self.what} ({self.recorded_by}, {self.recorded_at.isoformat()})"


# ---------------------------------------------------------------------------------------------- the trade's words

RESETS_WANTED = 2  # the RMJ guideline: a factory reset at purchase and again at inspection
ERASURE_STEPS = ("measured", "resets", "checked_by", "felica", "jpki")


def erasure_missing(facts: DeviceFacts) -> list[str]:
    """What the guideline's erasure still lacks for this phone (ERASURE_STEPS, in order): the phone read
    initialised (`erased`), the resets, the second person's check, FeliCa cleared or its owner warned (or
    none on the phone), the スマホ用電子証明書 revoked (or none). Empty: 初期化2回・第三者確認済み."""
    measured = facts.erased.known and facts.erased.value is True
    checks = facts.erasure_checks.value if facts.erasure_checks.known else None
    checks = checks if isinstance(checks, dict) else {}
    present = {
        "measured": measured,
        "resets": isinstance(checks.get("resets"), int) and checks["resets"] >= RESETS_WANTED,
        "checked_by": bool(checks.get("checked_by")),
        "felica": checks.get("felica") in ("cleared", "warned", "none"),
        "jpki": checks.get("jpki") in ("revoked", "none"),
    }
    return [step for step in ERASURE_STEPS if not present[step]]


def erased_state(facts: DeviceFacts) -> str:
    """`erased` as the export writes it: true, false or unknown."""
    fact = facts.erased
    return "unknown" if not fact.known else ("true" if fact.value else "false")


def battery_method(facts: DeviceFacts) -> str | None:
    """How the battery figure was obtained, in the guideline's terms: ios_settings (iOS 設定の最大容量, read
    by a person), ioregistry (IORegistry から算出), android_health (Android の充電サイクル・健全性), manual
    (手入力); None when there is no figure."""
    fact = facts.battery_health_pct
    if not fact.known:
        return None
    ios = facts.ref.platform.value == "ios"
    if fact.source.startswith(MANUAL):
        return "ios_settings" if ios else "manual"
    return "ioregistry" if ios else "android_health"


@dataclass(slots=True)
class Inspection:
    facts: DeviceFacts
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    station: str = ""
    tenken_version: str = ""
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    asked: list[Asked] = field(default_factory=list)
    looked_up: bool = True  # False with --no-lookup: the carriers were not asked at all
    expected_imeis: tuple[str, ...] = ()  # from --expect / --intake
    stock_no: str = ""
    earlier: Earlier | None = None
    policy_name: str = ""
    policy_sha256: str = ""
    verdicts: dict[str, ChannelVerdict] = field(default_factory=dict)
    rechecks: str = (
        ""  # a re-check (`tenken recheck`): the id of the inspection it asked the carriers again for
    )

    def results(self) -> list[LookupResult]:
        return [asked.result for asked in self.asked if asked.result is not None]

    def to_json(self) -> dict[str, Any]:
        facts = self.facts.to_json()
        return {
            "inspection_id": self.id,
            "station": self.station,
            "tenken_version": self.tenken_version,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "stock_no": self.stock_no or None,
            "expected_imeis": list(self.expected_imeis),
            **facts,
            "lookups": {
                "asked": self.looked_up,
                "answers": [asked.to_json() for asked in self.asked],
            },
            "earlier": (
                {
                    "inspection_id": self.earlier.inspection_id,
                    "read_at": self.earlier.read_at.isoformat(),
                    "facts": self.earlier.facts.to_json(),
                }
                if self.earlier
                else None
            ),
            "policy": {"name": self.policy_name, "sha256": self.policy_sha256},
            "verdicts": {channel: verdict.to_json() for channel, verdict in self.verdicts.items()},
            "rechecks": self.rechecks or None,
        }


def inspection_from_json(data: dict[str, Any]) -> Inspection:
    """An inspection back from what `Inspection.to_json` wrote (`inspect --json`, the store), with
    everything the verdict needs, so it can be judged again under another policy without the phone,
    and the verdicts it was given (certificates, history and exports show them as they were)."""
    facts = device_facts_from_json(data)
    lookups = data.get("lookups") or {}
    asked = [_asked_from_json(entry) for entry in lookups.get("answers", [])]
    earlier_data = data.get("earlier")
    earlier = (
        Earlier(
            earlier_data["inspection_id"],
            datetime.fromisoformat(earlier_data["read_at"]),
            device_facts_from_json(earlier_data["facts"]),
        )
        if earlier_data
        else None
    )
    policy = data.get("policy") or {}
    return Inspection(
        facts,
        id=data["inspection_id"],
        station=data.get("station") or "",
        tenken_version=data.get("tenken_version") or "",
        started_at=datetime.fromisoformat(data["started_at"]),
        finished_at=datetime.fromisoformat(data["finished_at"]) if data.get("finished_at") else None,
        asked=asked,
        looked_up=bool(lookups.get("asked", True)),
        expected_imeis=tuple(data.get("expected_imeis") or ()),
        stock_no=data.get("stock_no") or "",
        earlier=earlier,
        policy_name=policy.get("name") or "",
        policy_sha256=policy.get("sha256") or "",
        rechecks=data.get("rechecks") or "",
        verdicts={
            channel: _verdict_from_json(channel, entry)
            for channel, entry in (data.get("verdicts") or {}).items()
        },
    )


def _verdict_from_json(channel: str, data: dict[str, Any]) -> ChannelVerdict:
    return ChannelVerdict(
        channel,
        Level(data["level"]),
        tuple(
            Reason(
                condition=reason["code"],
                level=Level(reason["level"]),
                says=message_from_json(reason["says"]),
                facts=tuple(reason.get("facts") or ()),
                lookups=tuple(
                    (entry["imei"], Carrier(entry["carrier"])) for entry in reason.get("lookups") or ()
                ),
                action=message_from_json(reason.get("action")),
                carried_from=reason.get("carried_from"),
            )
            for reason in data.get("reasons") or ()
        ),
    )


def _asked_from_json(entry: dict[str, Any]) -> Asked:
    carrier = Carrier(entry["carrier"])
    if not entry.get("asked"):
        return Asked(entry["imei"], carrier, None, message_from_json(entry.get("why_not")))
    detail = message_from_json(entry.get("detail"))
    if entry.get("via"):
        via, by = Via(entry["via"]), entry.get("by") or ""
    else:  # kept before tenken said how each answer was obtained
        via, by = via_of("", None, entry.get("evidence_url"), detail)
    result = LookupResult(
        imei=entry["imei"],
        carrier=carrier,
        outcome=Outcome(entry["outcome"]),
        raw_mark=entry.get("raw_mark"),
        detail=detail,
        checked_at=datetime.fromisoformat(entry["checked_at"]),
        from_cache=bool(entry.get("from_cache")),
        record_id=entry.get("record_id") or "",
        via=via,
        by=by,
    )
    return Asked(
        entry["imei"], carrier, result, None, entry.get("evidence_sha256"), entry.get("evidence_url")
    )
