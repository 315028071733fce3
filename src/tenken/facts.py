"""The data model: what tenken knows about a phone and about its IMEIs, and how it knows it.

Pure data, no I/O, no prose: what a person reads is a Message (a code with parameters), put into
English or Japanese at the edge (tenken.report.labels). Every later stage (look-ups, verdict, store,
reports) reads these types; nothing here depends on a transport or a library beyond the standard one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")

SCHEMA_VERSION = 3  # of the JSON tenken prints; raised whenever a field changes meaning or shape


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Message:
    """Something to tell a person, as a stable code and its parameters. Parameters are plain values,
    Carriers, lists of them, or other Messages; the catalog (tenken.report.labels) holds the words."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def to_json(self) -> dict[str, Any]:
        """Code and parameters only; the JSON printed for people and scripts adds the English text."""
        return {"code": self.code, "params": _jsonable(self.params)}


def message_from_json(data: Any) -> Any:
    """The inverse of Message.to_json for stored values: {"code", "params"} objects become Messages again."""
    if isinstance(data, dict):
        if set(data) in ({"code", "params"}, {"code", "params", "text"}) and isinstance(data["code"], str):
            return Message(data["code"], message_from_json(data["params"]))
        return {key: message_from_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [message_from_json(item) for item in data]
    return data


def msg(code: str, /, **params: Any) -> Message:
    """A Message. Codes are string literals at the call site, so a test can find every one in the catalog."""
    return Message(code, params)


class Provenance(StrEnum):
    """How a value was obtained."""

    MEASURED = "measured"  # read from the phone or answered by a carrier
    INFERRED = "inferred"  # derived by a documented rule from measured values
    UNKNOWN = "unknown"  # not established; never to be treated as clean


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """One value with its provenance: what, how obtained, from where, and a short note."""

    value: T | None
    provenance: Provenance
    source: str = ""  # lockdown key, shell command, property, URL, rule name: technical, never translated
    note: Message | None = None  # what the value rests on, or why it is not known

    @classmethod
    def measured(cls, value: T, source: str, note: Message | None = None) -> Fact[T]:
        return cls(value, Provenance.MEASURED, source, note)

    @classmethod
    def inferred(cls, value: T, source: str, note: Message | None = None) -> Fact[T]:
        return cls(value, Provenance.INFERRED, source, note)

    @classmethod
    def unknown(cls, source: str = "", note: Message | None = None) -> Fact[T]:
        return cls(None, Provenance.UNKNOWN, source, note)

    @property
    def known(self) -> bool:
        return self.provenance is not Provenance.UNKNOWN and self.value is not None

    def with_note(self, note: Message | None) -> Fact[T]:
        return Fact(self.value, self.provenance, self.source, note)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": _jsonable(self.value),
            "provenance": self.provenance.value,
            "source": self.source,
            "note": self.note,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value  # Messages stay Messages: the JSON encoder at the edge renders them (json_default)


def json_default(value: Any) -> Any:
    """For json.dumps: Messages as code and parameters (what the store keeps)."""
    if isinstance(value, Message):
        return value.to_json()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


NOT_READ = Message("fact.not_read")


def _unknown() -> Any:
    return field(default_factory=lambda: Fact.unknown(note=NOT_READ))


# ---------------------------------------------------------------------------------------------- devices


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"


class DeviceState(StrEnum):
    """Where an inspection got to. Anything but READY comes with an action for the technician."""

    READY = "ready"
    NOT_PAIRED = "not_paired"  # iPhone: no pair record and pairing not attempted or timed out
    WAITING_FOR_TRUST = "waiting_for_trust"  # iPhone shows "Trust this computer?"
    TRUST_DENIED = "trust_denied"
    LOCKED = "locked"  # screen locked (PasswordProtected)
    BEFORE_FIRST_UNLOCK = "before_first_unlock"  # rebooted and not unlocked since
    UNAUTHORIZED = "unauthorized"  # Android: "Allow USB debugging?" not accepted
    OFFLINE = "offline"
    UNPLUGGED = "unplugged"  # disappeared during the read
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """A phone seen on a transport, before it is inspected."""

    platform: Platform
    device_id: str  # iPhone UDID, Android serial
    usb_location: str | None = None  # LocationID (hex) or adb usb path: names the hub port
    transport_state: str = ""  # what the transport says (usbmux connection type, adb state)

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform.value,
            "device_id": self.device_id,
            "usb_location": self.usb_location,
            "transport_state": self.transport_state,
        }


@dataclass(slots=True)
class DeviceFacts:
    """Everything read from one phone. Every field is a Fact; what was not read stays unknown."""

    ref: DeviceRef
    state: DeviceState = DeviceState.READY
    action: Message | None = None  # what the technician should do when state is not READY
    read_at: datetime = field(default_factory=utcnow)

    # identity
    imei: Fact[str] = _unknown()
    imei2: Fact[str] = _unknown()
    meid: Fact[str] = _unknown()
    serial: Fact[str] = _unknown()
    # model
    manufacturer: Fact[str] = _unknown()
    brand: Fact[str] = _unknown()
    model_name: Fact[str] = _unknown()  # marketing name: "iPhone 13", "Xperia 10 IV"
    model_id: Fact[str] = _unknown()  # ProductType "iPhone14,5" / ro.product.model "SO-52C"
    part_number: Fact[str] = _unknown()  # Apple ModelNumber+RegionInfo "MLJH3J/A"
    sales_region: Fact[str] = _unknown()
    colour: Fact[str] = _unknown()
    storage_bytes: Fact[int] = _unknown()
    # software
    os_version: Fact[str] = _unknown()
    os_build: Fact[str] = _unknown()
    security_patch: Fact[str] = _unknown()
    # owner and management locks
    activation_state: Fact[str] = _unknown()
    setup_complete: Fact[bool] = _unknown()
    owner_lock: Fact[bool] = _unknown()  # Find My / Activation Lock, Google FRP, Samsung Reactivation
    owner_accounts: Fact[list[str]] = _unknown()  # account types that arm the owner lock
    supervised: Fact[bool] = _unknown()
    mdm_enrolled: Fact[bool] = _unknown()
    bootloader_unlocked: Fact[bool] = _unknown()
    # carriers and SIM
    cellular: Fact[bool] = _unknown()  # has a cellular modem (IMEI, SIM); False: a Wi-Fi-only tablet
    sold_for: Fact[SoldFor] = _unknown()  # the carrier the model was made for, or SIM_FREE
    sold_by_candidates: Fact[list[SoldFor]] = _unknown()  # who could have sold the model ([]: no one here)
    sim_carrier: Fact[str] = _unknown()  # carrier of the inserted SIM(s)
    sim_state: Fact[str] = _unknown()
    sim_locked: Fact[bool] = _unknown()
    # battery
    battery_health_pct: Fact[float] = _unknown()
    battery_cycles: Fact[int] = _unknown()
    battery_level_pct: Fact[int] = _unknown()
    # what the trade writes (the RMJ guideline): entered by a person, except `erased`, read off the phone
    grade: Fact[str] = _unknown()  # the appearance rank (S A B C J, or a step of the configured scale)
    grade_class: Fact[str] = _unknown()  # the S–J rank it counts as for the policy (grade_c, grade_j)
    ng_items: Fact[list[str]] = _unknown()  # the items that failed (J must name at least one)
    grade_photos: Fact[list[dict[str, str]]] = _unknown()  # {"name", "sha256"} of each photo kept
    erased: Fact[bool] = _unknown()  # at the Setup Assistant / setup wizard with no account: 初期化済み
    erasure_checks: Fact[dict[str, Any]] = _unknown()  # the checklist a person confirmed (record erasure)

    def facts(self) -> Iterator[tuple[str, Fact[Any]]]:
        """(name, fact) for every fact field, in declaration order."""
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Fact):
                yield item.name, value

    def imeis(self) -> list[str]:
        """The known IMEIs, primary first, without duplicates."""
        found: list[str] = []
        for fact in (self.imei, self.imei2):
            if fact.known and isinstance(fact.value, str) and fact.value not in found:
                found.append(fact.value)
        return found

    def without_cellular(self) -> bool:
        """Measured to have no cellular modem and no IMEI read: the carriers' registers cannot hold it.
        Never from a default: an unknown `cellular` is not "no cellular"."""
        cellular = self.cellular
        return cellular.provenance is Provenance.MEASURED and cellular.value is False and not self.imeis()

    def management(self) -> list[tuple[str, Fact[bool]]]:
        """The facts that say whether an organisation manages the phone: MDM enrolment, and on an iPhone
        supervision too (Android has no supervision; a device owner is its MDM)."""
        found = [("mdm_enrolled", self.mdm_enrolled)]
        return found + ([("supervised", self.supervised)] if self.ref.platform is Platform.IOS else [])

    def managed(self) -> bool | None:
        """True when MDM enrolment or supervision is known on, False when every fact of management() is
        known off, else None."""
        if any(fact.known and fact.value for fact in (self.mdm_enrolled, self.supervised)):
            return True
        return False if all(fact.known for _, fact in self.management()) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.ref.to_json(),
            "state": self.state.value,
            "action": self.action,
            "read_at": self.read_at.isoformat(),
            "facts": {name: fact.to_json() for name, fact in self.facts()},
        }


# ---------------------------------------------------------------------------------------------- carriers


class Carrier(StrEnum):
    DOCOMO = "docomo"
    AU = "au"
    SOFTBANK = "softbank"
    RAKUTEN = "rakuten"


SIM_FREE: Literal["sim-free"] = "sim-free"  # a phone sold without a carrier (Apple Store, maker SIM-free)
SoldFor = Carrier | Literal["sim-free"]
ANY_SELLER: tuple[SoldFor, ...] = (*Carrier, SIM_FREE)  # a Japanese model no table narrows down


def sold_for_value(value: str) -> SoldFor:
    """A seller as JSON and the catalogs write it ("docomo", "sim-free")."""
    return SIM_FREE if value == SIM_FREE else Carrier(value)


class Outcome(StrEnum):
    """What a carrier's checker said about one IMEI, or why it could not be read."""

    OK = "ok"  # ○ no restriction
    PENDING = "pending"  # △ / ▲ instalments running; may turn ×
    RESTRICTED = "restricted"  # × 赤ロム
    NOT_FOUND = "not_found"  # − not registered at this carrier
    INVALID_IMEI = "invalid_imei"  # rejected before sending
    UNAVAILABLE = "unavailable"  # timeout, 5xx, maintenance
    CAPTCHA_REQUIRED = "captcha_required"
    NEEDS_BROWSER = "needs_browser"  # the site wants JavaScript / a browser
    PARSE_ERROR = "parse_error"  # the page changed; raw text kept

    @property
    def is_mark(self) -> bool:
        """True when the carrier gave one of the four marks."""
        return self in _MARKS

    @property
    def registers(self) -> bool:
        """○, △ or ×: only the carrier that sold the phone gives these (− says it is not theirs)."""
        return self in _MARKS and self is not Outcome.NOT_FOUND

    @property
    def symbol(self) -> str:
        return _SYMBOLS.get(self, "?")


_MARKS = frozenset({Outcome.OK, Outcome.PENDING, Outcome.RESTRICTED, Outcome.NOT_FOUND})
_SYMBOLS = {Outcome.OK: "○", Outcome.PENDING: "△", Outcome.RESTRICTED: "×", Outcome.NOT_FOUND: "−"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The carrier's raw answer, kept so a shop can prove what was said and when.

    `sha256` is the hash taken when the page arrived (`received`); read back from the store it is the
    hash recorded then, and `intact` tells whether the stored body still matches it."""

    url: str
    method: str
    http_status: int
    fetched_at: datetime
    body: bytes
    content_type: str
    sha256: str
    cut: bool = False  # the site sent more than the client reads: `body` is its first part only
    # The assisted browser check (tenken handoff) keeps what the person saw beside the answer: a full-page
    # screenshot (PNG) and, where the answer came in a reply of its own (Rakuten's JSON), the page's HTML.
    screenshot: bytes | None = None
    screenshot_sha256: str = ""
    page: bytes | None = None
    page_sha256: str = ""

    @classmethod
    def received(
        cls,
        url: str,
        method: str,
        http_status: int,
        fetched_at: datetime,
        body: bytes,
        content_type: str,
        *,
        cut: bool = False,
        screenshot: bytes | None = None,
        page: bytes | None = None,
    ) -> Evidence:
        """Evidence of a page just received: its hashes are taken now (of what was kept, when cut)."""
        digest = hashlib.sha256(body).hexdigest()
        return cls(
            url,
            method,
            http_status,
            fetched_at,
            body,
            content_type,
            digest,
            cut,
            screenshot,
            hashlib.sha256(screenshot).hexdigest() if screenshot is not None else "",
            page,
            hashlib.sha256(page).hexdigest() if page is not None else "",
        )

    @property
    def body_sha256(self) -> str:
        """The hash of the body as held now (`sha256` is the one recorded when it arrived)."""
        return hashlib.sha256(self.body).hexdigest()

    @property
    def intact(self) -> bool:
        """True when the body (and the screenshot and page kept beside it) are still the ones whose hashes
        were recorded."""
        kept = [(self.body, self.sha256)]
        kept += [(extra, digest) for extra, digest in self._beside() if extra is not None]
        return all(hashlib.sha256(body).hexdigest() == digest for body, digest in kept)

    def _beside(self) -> list[tuple[bytes | None, str]]:
        return [(self.screenshot, self.screenshot_sha256), (self.page, self.page_sha256)]

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "method": self.method,
            "http_status": self.http_status,
            "fetched_at": self.fetched_at.isoformat(),
            "sha256": self.sha256,
            "content_type": self.content_type,
            "bytes": len(self.body),
            "cut": self.cut,
            # what the assisted browser check keeps beside the page: only on its answers
            **({"screenshot_sha256": self.screenshot_sha256} if self.screenshot_sha256 else {}),
            **({"page_sha256": self.page_sha256} if self.page_sha256 else {}),
        }


class Seal(StrEnum):
    """Whether a stored answer or recorded fact is still what its station kept (store/signing.py, and
    for a carrier's page, reading the page again: lookups/integrity.py)."""

    SIGNED = "signed"  # signed with a key held here, and the row is as it was signed
    FOREIGN = "foreign"  # signed with another station's key, which this station does not hold
    UNSIGNED = "unsigned"  # no signature: kept before tenken signed its rows (or the signature was removed)
    BROKEN = "broken"  # the row is not what was kept: changed after it was written

    @property
    def trusted(self) -> bool:
        return self is Seal.SIGNED


MANUAL_ORIGIN = "manual"  # where a mark a person read off a carrier's page in a browser came from


class Via(StrEnum):
    """How a carrier's answer was obtained."""

    HTTP = "http"  # tenken asked the site (the automatic look-up)
    BROWSER = "browser"  # the assisted browser check: a person at the station, tenken read the page
    HAND = "hand"  # a person read the page and recorded the mark (tenken record mark)


BROWSER_METHOD = "BROWSER"  # Evidence.method of a page read in the assisted browser


def via_of(origin: str, method: str | None, url: str | None, detail: Message | None) -> tuple[Via, str]:
    """How an answer kept before tenken stored `via` was obtained, and by whom, from what it kept: a
    person's mark came from MANUAL_ORIGIN (its evidence `manual: …`), naming who in its detail."""
    by = str(detail.params.get("by") or "") if detail is not None else ""
    if origin == MANUAL_ORIGIN or method == "MANUAL" or (url or "").startswith("manual:"):
        return Via.HAND, by
    if method == BROWSER_METHOD:
        return Via.BROWSER, by
    return Via.HTTP, ""


@dataclass(frozen=True, slots=True)
class LookupResult:
    """One carrier's answer about one IMEI."""

    imei: str
    carrier: Carrier
    outcome: Outcome
    raw_mark: str | None = None  # the mark exactly as the page showed it
    detail: Message | None = None  # what was seen, or why it could not be read
    evidence: Evidence | None = None
    checked_at: datetime = field(default_factory=utcnow)
    from_cache: bool = False
    record_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # its row in the store, once kept
    origin: str = ""  # the checker's origin it came from (MANUAL_ORIGIN: read by a person)
    seal: Seal | None = None  # read back from the store: whether the row is still as it was kept
    via: Via = Via.HTTP  # how it was obtained; `by`: who was at the station (browser, hand)
    by: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier.value,
            "outcome": self.outcome.value,
            "mark": self.outcome.symbol if self.outcome.is_mark else None,
            "raw_mark": self.raw_mark,
            "detail": self.detail,
            "checked_at": self.checked_at.isoformat(),
            "from_cache": self.from_cache,
            "via": self.via.value,
            "by": self.by or None,
            "evidence": self.evidence.to_json() if self.evidence else None,
        }


class ImeiStatus(StrEnum):
    """The combined answer of every carrier asked about one IMEI."""

    CLEAN = "clean"  # ○ where registered, − elsewhere
    NOT_REGISTERED = "not_registered"  # − everywhere asked: neutral, judged only with the model's carrier
    PENDING = "pending"
    RESTRICTED = "restricted"
    UNKNOWN = "unknown"  # some carrier could not be read and nothing worse was seen
    INVALID = "invalid"  # not an IMEI; nothing was asked


@dataclass(frozen=True, slots=True)
class ImeiReport:
    """All carriers' answers for one IMEI and what they add up to."""

    imei: str
    results: tuple[LookupResult, ...]
    status: ImeiStatus
    registered_at: tuple[Carrier, ...]  # carriers whose register knows the IMEI (a mark other than −)
    summary: Message

    @property
    def unread(self) -> list[Carrier]:
        """The carriers asked whose answer could not be read."""
        return [result.carrier for result in self.results if not result.outcome.is_mark]

    def to_json(self) -> dict[str, Any]:
        return {
            "imei": self.imei,
            "status": self.status.value,
            "registered_at": [carrier.value for carrier in self.registered_at],
            "unread": [carrier.value for carrier in self.unread],
            "summary": self.summary,
            "results": [result.to_json() for result in self.results],
        }


# ---------------------------------------------------------------------------------------------- reading back


def fact_from_json(name: str, data: dict[str, Any]) -> Fact[Any]:
    """A Fact from its JSON (an inspection's own output, or the store); values keep their JSON types."""
    value = data.get("value")
    if name == "sold_for" and value is not None:
        value = sold_for_value(value)
    elif name == "sold_by_candidates" and isinstance(value, list):
        value = [sold_for_value(item) for item in value]
    return Fact(
        value,
        Provenance(data["provenance"]),
        str(data.get("source") or ""),
        message_from_json(data.get("note")),
    )


def device_facts_from_json(data: dict[str, Any]) -> DeviceFacts:
    """DeviceFacts from what DeviceFacts.to_json wrote (also inside an inspection's JSON)."""
    device = data["device"]
    ref = DeviceRef(
        Platform(device["platform"]),
        str(device["device_id"]),
        device.get("usb_location"),
        str(device.get("transport_state") or ""),
    )
    facts = DeviceFacts(
        ref,
        state=DeviceState(data["state"]),
        action=message_from_json(data.get("action")),
        read_at=datetime.fromisoformat(data["read_at"]),
    )
    names = {name for name, _ in facts.facts()}
    for name, entry in data.get("facts", {}).items():
        if name in names:
            setattr(facts, name, fact_from_json(name, entry))
    return facts
