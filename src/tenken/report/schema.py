"""The JSON documents tenken prints, as types: `inspect --json` (and `report --json`), `lookup --json`,
`export --format json|jsonl` and `history --json`. JSON Schema (draft 2020-12) is generated from these
types (`schema()`, `tenken schema NAME`, docs/schema/*.schema.json); the tests check every JSON output
against both the schema and the types (`msgspec.convert(..., strict=True)`), so they cannot drift.

Unknown keys are refused here (additionalProperties: false): a key added to an output must be added to
its type. Readers of the documents should still ignore keys they do not know (docs/json.md).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

import msgspec
from msgspec import Meta

from tenken.facts import (
    SIM_FREE,
    Carrier,
    DeviceFacts,
    DeviceState,
    Fact,
    ImeiStatus,
    Outcome,
    Platform,
    Provenance,
    Via,
)
from tenken.inspection import Level

T = TypeVar("T")

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://tenken.invalid/schema/"  # names the documents; nothing is served there

Time = Annotated[datetime, Meta(extra_json_schema={"format": "date-time"})]
Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
Id = Annotated[str, Meta(pattern="^[0-9a-f]{32}$")]
Mark = Literal["○", "△", "×", "−"]
Version = Literal[3]  # == facts.SCHEMA_VERSION (tested)


class Doc(msgspec.Struct, forbid_unknown_fields=True):
    """Base of every document type: no key that is not declared."""


class MessageDoc(Doc):
    """Something said to a person: a stable code, its parameters, and the English words."""

    code: str
    params: dict[str, Any]
    text: str


class FactDoc(Doc, Generic[T]):
    value: T | None
    provenance: Provenance
    source: str
    note: MessageDoc | None


SoldFor = StrEnum(  # type: ignore[misc]
    "SoldFor", {**{carrier.name: carrier.value for carrier in Carrier}, "SIM_FREE": SIM_FREE}
)


def _fact_type(hint: Any) -> Any:
    """Fact[X] → FactDoc[X]; sold_for's Carrier | "sim-free" as one string enum (msgspec takes one
    string-like type per union), in a list too (sold_by_candidates)."""
    (value,) = typing.get_args(hint)
    if typing.get_origin(value) in (typing.Union, types.UnionType):
        value = SoldFor
    elif typing.get_origin(value) is list and typing.get_origin(typing.get_args(value)[0]) in (
        typing.Union,
        types.UnionType,
    ):
        value = list[SoldFor]
    return FactDoc[value]  # type: ignore[valid-type]


def _facts_type() -> type[Doc]:
    """One key per DeviceFacts field that is a Fact, typed by the Fact's value (built from DeviceFacts,
    so a new fact is in the schema at once)."""
    hints = typing.get_type_hints(DeviceFacts)
    fields = [
        (item.name, _fact_type(hints[item.name]))
        for item in dataclasses.fields(DeviceFacts)
        if typing.get_origin(hints[item.name]) is Fact
    ]
    return typing.cast(type[Doc], msgspec.defstruct("FactsDoc", fields, bases=(Doc,), module=__name__))


FactsDoc = _facts_type()


class DeviceDoc(Doc):
    platform: Platform
    device_id: str
    usb_location: str | None
    transport_state: str


class AnswerDoc(Doc):
    """One IMEI × carrier an inspection asked (outcome, mark, time, evidence) or did not (why_not)."""

    imei: str
    carrier: Carrier
    asked: bool
    why_not: MessageDoc | None
    outcome: Outcome | None
    mark: Mark | None
    raw_mark: str | None
    detail: MessageDoc | None
    checked_at: Time | None
    from_cache: bool
    via: Via | None  # how the answer was obtained (None: not asked)
    by: str | None  # who was at the station (browser, hand)
    evidence_sha256: Sha256 | None
    evidence_url: str | None
    record_id: str | None


class LookupsDoc(Doc):
    asked: bool
    answers: list[AnswerDoc]


class DeviceFactsDoc(Doc):
    """What was read from a phone, as DeviceFacts writes it."""

    device: DeviceDoc
    state: DeviceState
    action: MessageDoc | None
    read_at: Time
    facts: FactsDoc  # type: ignore[valid-type]


class EarlierDoc(Doc):
    """The earlier inspection whose owner-lock reading carries over; `facts` is everything it read."""

    inspection_id: Id
    read_at: Time
    facts: DeviceFactsDoc


class PhonePolicyDoc(Doc):
    name: str
    sha256: str


class PolicyDoc(PhonePolicyDoc):
    source: str


class ReasonLookupDoc(Doc):
    imei: str
    carrier: Carrier


class ReasonDoc(Doc):
    code: str
    level: Level
    says: MessageDoc
    facts: list[str]
    lookups: list[ReasonLookupDoc]
    action: MessageDoc | None
    carried_from: str | None


class VerdictDoc(Doc):
    level: Level
    reasons: list[ReasonDoc]


class PhoneDoc(Doc):
    """One inspection of one phone."""

    inspection_id: Id
    station: str
    tenken_version: str
    started_at: Time
    finished_at: Time | None
    stock_no: str | None
    expected_imeis: list[str]
    device: DeviceDoc
    state: DeviceState
    action: MessageDoc | None
    read_at: Time
    facts: FactsDoc  # type: ignore[valid-type]
    lookups: LookupsDoc
    earlier: EarlierDoc | None
    policy: PhonePolicyDoc
    verdicts: dict[str, VerdictDoc]
    rechecks: Id | None = None  # a re-check: the inspection whose answers it asked again (absent before 0.x)


class ReportDocument(Doc):
    """`tenken report --from FILE --json`: saved inspections judged again."""

    schema_version: Version
    policy: PolicyDoc
    channel: str
    phones: list[PhoneDoc]


class InspectDocument(ReportDocument):
    """`tenken inspect --json`."""

    problems: dict[Platform, MessageDoc]
    not_attached: list[str]


class FetchedDoc(Doc):
    """A page as it was fetched: the evidence of the check (the body itself is not printed)."""

    url: str
    method: str
    http_status: int
    fetched_at: Time
    sha256: Sha256
    content_type: str
    bytes: int
    cut: bool


class EvidenceDoc(FetchedDoc):
    # the assisted browser check's full-page screenshot and, where the answer came in a reply of its own
    # (Rakuten's JSON), the page's HTML: present on its answers only
    screenshot_sha256: Sha256 | None = None
    page_sha256: Sha256 | None = None


class ResultDoc(Doc):
    carrier: Carrier
    outcome: Outcome
    mark: Mark | None
    raw_mark: str | None
    detail: MessageDoc | None
    checked_at: Time
    from_cache: bool
    via: Via  # http: tenken asked the site; browser: the assisted browser check; hand: a person recorded it
    by: str | None  # who was at the station (browser, hand)
    evidence: EvidenceDoc | None


class InputDoc(Doc):
    where: str
    text: str


class ImeiDoc(Doc):
    imei: str
    status: ImeiStatus
    registered_at: list[Carrier]
    unread: list[Carrier]  # asked, and the answer could not be read
    summary: MessageDoc
    results: list[ResultDoc]
    input: InputDoc | msgspec.UnsetType = msgspec.UNSET  # only for an input that is not an IMEI


class LookupDocument(Doc):
    """`tenken lookup --json`: one entry per IMEI asked about, then the inputs that were not IMEIs."""

    schema_version: Version
    imeis: list[ImeiDoc]


# ---------------------------------------------------------------------------------------------- export

Cell = str | None  # a carrier's mark (○ △ × −), why it has none (`unavailable`, `not_asked`, …), or null
Known = Literal["on", "off", "unknown"]
How = Literal["measured", "inferred", "manual", "unknown"]
# `http`, or `browser`/`hand` with who was at the station: "browser (sato)"
Via_ = Annotated[str, Meta(pattern=r"^(http|browser|hand)( \(.*\))?$")]
BatteryMethod = Literal["ios_settings", "ioregistry", "android_health", "manual"]


class ExportRow(Doc):
    """One inspection, flat, as a spreadsheet wants it. The CSV's columns are these keys in this order,
    with `verdicts` spread into one column per channel (docs/reports.md)."""

    date_jst: str  # 2026-11-30 09:41
    inspected_at: Time  # the same moment in UTC
    inspection_id: Id
    station: str
    stock_no: str | None
    model: str | None
    model_number: str | None  # Apple part number (MLJH3J/A) or the model number (SO-52C)
    storage_gb: int | None
    colour: str | None
    imei: str | None
    imei2: str | None
    serial: str | None
    docomo: Cell
    au: Cell
    softbank: Cell
    rakuten: Cell
    docomo_imei2: Cell
    au_imei2: Cell
    softbank_imei2: Cell
    rakuten_imei2: Cell
    docomo_via: Via_ | None  # how that carrier's answer about `imei` was obtained, and by whom
    au_via: Via_ | None
    softbank_via: Via_ | None
    rakuten_via: Via_ | None
    sim_lock: Literal["locked", "unlocked", "unknown"]
    sim_lock_how: How
    find_my_frp: Known
    mdm: Known
    battery_health_pct: float | None
    battery_how: How
    # how the figure was obtained, in the RMJ guideline's terms (docs/reports.md), and 「バッテリー劣化」
    # (in --lang) when the verdict found it below the policy's battery line
    battery_method: BatteryMethod | None
    battery_disclosure: str | None
    grade: str | None  # the appearance grade a person entered (S A B C J, or a step of [grade] scale)
    ng_items: list[str]  # CSV and xlsx: joined with 、
    erased: Literal["true", "false", "unknown"]  # 初期化済み as the phone showed it
    erasure_missing: list[str]  # what the guideline's erasure lacks ([]: 初期化2回・第三者確認済み)
    erasure_checked_by: str | None  # the second person who checked the erasure
    verdicts: dict[str, Level]
    first_reason: str | None  # in --lang; on --channel
    first_reason_code: str | None
    certificate: str | None  # the newest certificate written for the inspection


class ExportDocument(Doc):
    """`tenken export --format json` (`jsonl`: one ExportRow a line, nothing around them)."""

    schema_version: Version
    exported_at: Time
    since: Time | None
    channel: str
    lang: Literal["en", "ja"]
    latest: bool  # --latest: one row per phone, its newest inspection
    inspections: list[ExportRow]


# ---------------------------------------------------------------------------------------------- history


class HistoryInspectionDoc(Doc):
    inspection_id: Id
    read_at: Time
    station: str
    state: DeviceState
    levels: dict[str, Level]
    marks: dict[str, dict[str, str]]  # IMEI → carrier → mark, or why none (`not_asked`, `unavailable`, …)
    owner_lock: bool | None
    mdm: bool | None
    sim_locked: bool | None
    battery_health_pct: float | None
    changes: list[MessageDoc]  # since the inspection before it


class HistoryAnswerDoc(Doc):
    imei: str
    carrier: Carrier
    outcome: Outcome
    mark: Mark | None
    checked_at: Time
    sha256: Sha256 | None
    record_id: str
    changes: list[MessageDoc]  # since this carrier's answer before it about this IMEI


class HistoryPhoneDoc(Doc):
    key: str  # the serial number, else the IMEI, else the device id
    model: str | None
    serial: str | None
    imeis: list[str]
    inspections: list[HistoryInspectionDoc]  # newest first
    lookups: list[HistoryAnswerDoc]  # newest first


class HistoryDocument(Doc):
    """`tenken history --json`."""

    schema_version: Version
    since: Time | None
    phones: list[HistoryPhoneDoc]


class WatchDocument(ReportDocument):
    """`tenken watch --once --json`: the last inspection of each phone plugged in."""

    problems: dict[Platform, MessageDoc]


class WebhookBody(Doc):
    """A webhook's body, and a line of `tenken watch --jsonl`."""

    schema_version: Version
    event: Literal["inspection.finished", "inspection.changed"]
    inspection: PhoneDoc
    before: dict[str, Level] | None = None  # inspection.changed: the levels that changed, as they were


class RecheckAnswerDoc(Doc):
    imei: str
    carrier: Carrier
    before: Outcome | None  # None: the carriers had not been asked
    after: Outcome


class LevelChangeDoc(Doc):
    before: Level
    after: Level


class RecheckDoc(Doc):
    rechecked: Id
    changed: bool
    answers: list[RecheckAnswerDoc]  # only those that changed
    levels: dict[str, LevelChangeDoc]  # only the channels that changed
    inspection: PhoneDoc


class NextDueDoc(Doc):
    """When nothing is due: the answer that comes due first (a re-check with the same --older-than asks
    it from `due_at` on); imei, carrier and outcome null for a phone the carriers were never asked about."""

    inspection: Id
    imei: str | None
    carrier: Carrier | None
    outcome: Outcome | None
    read_at: Time
    due_at: Time


class NotReadDoc(Doc):
    """An answer that could not be read after the re-check (exit 3)."""

    inspection: Id  # the re-check's new inspection
    imei: str
    carrier: Carrier
    outcome: Outcome
    detail: MessageDoc | None


class RecheckDocument(Doc):
    """`tenken recheck --json`."""

    schema_version: Version
    policy: PolicyDoc
    channel: str
    dry_run: bool
    due: list[Id]
    rechecks: list[RecheckDoc]
    next_due: NextDueDoc | None  # null: something is due, none waits, or --older-than is a date
    not_read: list[NotReadDoc]


DoctorCheck = Literal[
    "usbmuxd",
    "adb_server",
    "udev_android",
    "udev_iphone",
    "usb_permissions",
    "data_folder",
    "database",
    "carrier_sites",
    "webhook",
]


class DoctorCheckDoc(Doc):
    """One check: its stable code, what it found and, when something is wrong, what to do (messages)."""

    code: DoctorCheck
    status: Literal["ok", "warn", "fail"]
    found: MessageDoc
    fix: MessageDoc | None


class DoctorDocument(Doc):
    """`tenken doctor --json`."""

    schema_version: Version
    ok: bool
    checks: list[DoctorCheckDoc]


# ---------------------------------------------------------------------------------------- tenken serve
# The page's JSON for other tools (web/data.py): codes, and beside them the words in the page's language.

Stage = Literal["queued", "reading", "looking_up", "judging", "waiting", "done", "unplugged", "free"]
RecordFact = Literal["sim-lock", "battery", "owner-lock", "mdm", "imei", "mark", "grade", "erasure"]


class TilePhoneDoc(Doc):
    platform: Platform
    device_id: str
    model: str | None  # the marketing name, else the model ID; null until read
    serial: str | None  # from the first moment for an Android phone (adb names it so); an iPhone's once read
    imei: str | None
    stock_no: str | None
    words: str  # what the tile calls it


class ConditionDoc(Doc):
    code: str  # the verdict's condition
    text: str


class TileDoc(Doc):
    """One hub port."""

    port: str  # its [ports] name, else its location (a phone over TCP: its adb serial)
    location: str
    phone: TilePhoneDoc | None  # null: a free port
    stage: Stage
    stage_words: str
    attached: bool  # false: unplugged (the tile keeps its result until the port is used again)
    seconds: float
    levels: dict[str, Level]  # channel → level, once judged
    level_words: dict[str, str]
    first_reason: ConditionDoc | None  # on the focus channel, unless the phone is sellable there
    inspection_id: Id | None


class CountDoc(Doc):
    key: str  # done, waiting, or a level
    text: str
    count: int


class FooterDoc(Doc):
    station: str
    counts: dict[str, int]  # done, waiting, and each level on the focus channel
    count_words: list[CountDoc]
    kept: int
    webhooks_sent: int
    queued: dict[str, int]  # carrier site → look-ups waiting or running
    problems: list[MessageDoc]


class ServeBoardDocument(Doc):
    """`GET /api/board` of `tenken serve`: every port in the board's order."""

    focus: str
    channels: dict[str, str]  # channel → its title in the page's language
    ports: list[TileDoc]
    footer: FooterDoc


class ServeEventDocument(Doc):
    """One `/events` message of `tenken serve` (event `tiles`): the tiles that changed (the first message:
    all of them), the board's order, the footer, how many items need the technician."""

    ports: list[TileDoc]
    order: list[str]
    footer: FooterDoc
    tasks: int


class TaskDoc(Doc):
    inspection_id: Id
    port: str
    since: Time
    since_words: str  # JST, to the minute
    condition: str
    condition_words: str
    action: MessageDoc  # what to do, for this phone's platform and maker
    record: RecordFact | None  # the fact that finishes it (POST /api/phones/{inspection_id}/record)
    answers: list[ReasonLookupDoc]  # for `mark`: each IMEI × carrier still wanted (post `imei` with it)


class ServeQueueDocument(Doc):
    """`GET /api/queue` of `tenken serve`: what needs the technician, oldest first."""

    tasks: list[TaskDoc]


class ServeRecordedDocument(Doc):
    """`POST /api/phones/{inspection_id}/record` of `tenken serve`: the phone judged again."""

    inspection_id: Id  # the new inspection
    levels: dict[str, Level]
    level_words: dict[str, str]
    evidence_sha256: Sha256 | None  # of the screenshot sent with it
    said: MessageDoc


class FleetStationDoc(Doc):
    station: str
    phones: int  # phones whose newest inspection finished today (JST)
    levels: dict[str, int]  # level on the focus channel → phones
    last: Time | None
    unvouched: int  # of them, kept by a station whose key this one does not hold


class ServeFleetDocument(Doc):
    """`GET /api/fleet` of `tenken serve` on a fleet's shared database (PostgreSQL): today's phones of
    every station, the carriers' sites booked ahead, what waits for people anywhere."""

    since: Time  # midnight JST, in UTC
    focus: str
    stations: list[FleetStationDoc]
    queues: dict[str, float]  # carrier site → seconds booked ahead by all stations
    waiting: list[TaskDoc]  # `port` is the station


class ServeRefusedDocument(Doc):
    """What `tenken serve` answers a record it refuses (422): why, in the page's language."""

    error: MessageDoc


class CarrierPageDoc(Doc):
    """One carrier's checker page, loaded once without an IMEI (`state` is a stable code)."""

    carrier: Carrier
    state: Literal[
        "ready",
        "experimental",
        "captcha",
        "refused",
        "javascript",
        "changed",
        "redirected",
        "maintenance",
        "unreachable",
        "off",
    ]
    origin: str
    page: str
    found: MessageDoc
    means: MessageDoc  # what it means for the day's look-ups
    missing: list[str]  # of the form tenken reads (fields, tokens, button, cookie)
    not_checked: list[str]  # where an answer page holds the mark: seen only when an IMEI is sent
    fetched: FetchedDoc | None  # null: nothing came back, or the site is switched off


class DoctorCarriersDocument(Doc):
    """`tenken doctor --carriers --json`."""

    schema_version: Version
    ok: bool
    exit_code: Literal[0, 1, 2, 3]
    sites: list[CarrierPageDoc]


DOCUMENTS: dict[str, type[Doc]] = {
    "inspect": InspectDocument,
    "report": ReportDocument,
    "lookup": LookupDocument,
    "export": ExportDocument,
    "export-row": ExportRow,
    "history": HistoryDocument,
    "watch": WatchDocument,
    "watch-line": WebhookBody,
    "recheck": RecheckDocument,
    "doctor": DoctorDocument,
    "serve-board": ServeBoardDocument,
    "serve-event": ServeEventDocument,
    "serve-queue": ServeQueueDocument,
    "serve-recorded": ServeRecordedDocument,
    "serve-refused": ServeRefusedDocument,
    "serve-fleet": ServeFleetDocument,
    "doctor-carriers": DoctorCarriersDocument,
}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document in DOCUMENTS."""
    kind = DOCUMENTS[name]
    generated = msgspec.json.schema(kind)
    return {
        "$schema": SCHEMA_URI,
        "$id": f"{ID_BASE}{name}.schema.json",
        "title": f"tenken {name}",
        "description": " ".join((kind.__doc__ or "").split()),
        **generated,
    }
