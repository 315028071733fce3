"""What a person read off a phone or a carrier's page, made into what the store keeps: a fact the phone
could not tell (`Recorded`: the SIM-lock line, a battery figure, the owner lock seen in setup, MDM, an
IMEI) or a carrier's mark checked by hand (a `LookupResult` from MANUAL_ORIGIN), with who, when and an
optional screenshot. `tenken record` and the station run (a face's form) both go through here, and the
store signs what they keep.

What people type is taken as they type it (○ o 0 maru まる, ドコモ, full-width letters); what is not a
value raises InputError with a message that says what is expected.
"""

from __future__ import annotations

import getpass
import hashlib
import mimetypes
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenken.errors import InputError, InputFileError
from tenken.facts import (
    MANUAL_ORIGIN,
    Carrier,
    DeviceFacts,
    Evidence,
    LookupResult,
    Outcome,
    Via,
    msg,
    utcnow,
)
from tenken.inspection import Recorded

if TYPE_CHECKING:
    from tenken.config import GradeSettings

Parser = Callable[[str], Any]


def typed(text: str) -> str:
    """What a person typed, as compared: NFKC (full-width letters and digits become ASCII, half-width kana
    full-width), case folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _flag(yes: tuple[str, ...], no: tuple[str, ...]) -> Parser:
    def parse(text: str) -> bool:
        word = typed(text)
        if word in yes:
            return True
        if word in no:
            return False
        raise InputError(msg("record.not_a_value", text=text, words=list(yes + no)))

    return parse


def _percent(text: str) -> float:
    try:
        value = float(typed(text).rstrip("%"))
    except ValueError:
        raise InputError(msg("record.not_a_percentage", text=text)) from None
    if not 0 < value <= 100:
        raise InputError(msg("record.percentage_bounds", text=text))
    return value


def _imei(text: str) -> str:
    from tenken.imei import validate_imei

    return validate_imei(typed(text))


# FACT → (DeviceFacts field, how the value is read); where it is read comes from verdict/instructions.py
FACTS: dict[str, tuple[str, Parser]] = {
    "sim-lock": (
        "sim_locked",
        _flag(
            ("locked", "yes", "on", "あり", "simロックあり"),
            ("unlocked", "no", "off", "なし", "simロックなし"),
        ),
    ),
    "battery": ("battery_health_pct", _percent),
    "owner-lock": ("owner_lock", _flag(("on", "yes", "あり"), ("off", "no", "なし"))),
    "mdm": ("mdm_enrolled", _flag(("yes", "on", "あり"), ("no", "off", "なし"))),
    "imei": ("imei", _imei),
}
MARK = "mark"  # `record mark CARRIER MARK`: a carrier's answer checked by hand
GRADE = "grade"  # `record grade S|A|B|C|J [--ng ITEM]… [--note TEXT] [--photo FILE]…`: the appearance rank
ERASURE = "erasure"  # `record erasure ITEM=VALUE…`: the erasure checklist a person confirmed

# What people type for a mark, beside the glyphs the carriers' pages use (lookups/marks.py).
MARK_WORDS: dict[str, Outcome] = {
    **dict.fromkeys(("o", "0", "maru", "まる", "マル", "ok"), Outcome.OK),
    **dict.fromkeys(("sankaku", "さんかく", "サンカク"), Outcome.PENDING),
    **dict.fromkeys(("x", "batsu", "ばつ", "バツ", "peke", "ぺけ"), Outcome.RESTRICTED),
    **dict.fromkeys(("none", "なし", "ナシ", "nashi"), Outcome.NOT_FOUND),
}


def parse_mark(text: str) -> Outcome | None:
    """The mark a person typed: a carrier's glyph (○ 〇 △ ▲ × − ー …) or a word for it (o 0 maru まる,
    sankaku, x batsu ばつ, - none なし), full-width or not; None when it is none of them."""
    from tenken.lookups.marks import normalise_mark

    found = normalise_mark(text) or normalise_mark(unicodedata.normalize("NFKC", text))
    return found if found is not None else MARK_WORDS.get(typed(text))


def parse_carrier(text: str) -> Carrier | None:
    """A carrier by its code (docomo), the name tenken prints in English or Japanese (SoftBank, ドコモ,
    楽天モバイル) or a common short name (エーユー, 楽天); None when it is none of them."""
    from tenken.catalog import carrier_row
    from tenken.report.labels import LANGS, name

    word = typed(text)
    for carrier in Carrier:
        names = {typed(name(carrier, lang)) for lang in LANGS} | {
            typed(alias) for alias in carrier_row(carrier).typed
        }
        if word == carrier.value or word in names:
            return carrier
    return None


@dataclass(frozen=True, slots=True)
class Screenshot:
    """A screenshot or photo of what was read, kept in the store with its sha256."""

    name: str
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @classmethod
    def read(cls, path: Path) -> Screenshot:
        try:
            return cls(path.name, path.read_bytes())
        except OSError as error:
            raise InputFileError(f"cannot read {path}: {error.strerror}") from None


def recorded_fact(
    fact: str,
    text: str,
    *,
    serial: str,
    imei: str,
    by: str,
    what: str | None = None,
    facts: DeviceFacts | None = None,
    evidence: Screenshot | None = None,
) -> Recorded:
    """`fact` (sim-lock, battery, owner-lock, mdm, imei) = `text` for the phone with this serial or IMEI,
    ready to keep (Store.save_recorded). Without `what`, where this phone (`facts`: its platform and maker)
    shows the fact is kept."""
    if fact not in FACTS:
        raise InputError(msg("record.not_a_value", text=fact, words=[*FACTS, MARK]))
    field, parse = FACTS[fact]
    value = parse(text)
    return Recorded(
        fact=field,
        value=value,
        what=what or f"{usual_place(field, facts)}: {text.strip()}",
        recorded_by=by,
        serial=serial,
        imei=imei,
        evidence_name=evidence.name if evidence else "",
        evidence_sha256=evidence.sha256 if evidence else "",
        evidence=evidence.body if evidence else None,
    )


# ---------------------------------------------------------------------------------------------- the trade's facts


@dataclass(frozen=True, slots=True)
class GradeEntry:
    """What a person enters with a grade: the items that failed, a note, photos of the phone."""

    ng_items: tuple[str, ...] = ()
    note: str = ""
    photos: tuple[Screenshot, ...] = ()


def recorded_grade(
    text: str, entry: GradeEntry, scale: GradeSettings, *, serial: str, imei: str, by: str
) -> list[Recorded]:
    """The grade `text` (a step of the configured scale, as typed: ｊ, j, J) for the phone, ready to keep:
    the grade itself (with its NG items and the photos' names and sha256), then one row per photo holding
    its bytes. A grade that counts as J must name at least one NG item (the RMJ guideline)."""
    step = _step(text, scale)
    rank = scale.rank_of(step)
    items = [item.strip() for item in entry.ng_items if item.strip()]
    if rank == "J" and not items:
        raise InputError(msg("record.junk_needs_ng", grade=step))
    photos = [{"name": photo.name, "sha256": photo.sha256} for photo in entry.photos]
    value = {"grade": step, "grade_class": rank, "ng_items": items, "grade_photos": photos}
    note = entry.note.strip()
    grade = Recorded(
        fact=GRADE,
        value=value,
        what=f"{GRADE} {step}" + (f": {note}" if note else ""),
        recorded_by=by,
        serial=serial,
        imei=imei,
    )
    return [grade] + [
        Recorded(
            fact=PHOTO,
            value={"of": grade.record_id, "name": photo.name, "sha256": photo.sha256},
            what=f"photo of {GRADE} {step}",
            recorded_by=by,
            recorded_at=grade.recorded_at,
            serial=serial,
            imei=imei,
            evidence_name=photo.name,
            evidence_sha256=photo.sha256,
            evidence=photo.body,
        )
        for photo in entry.photos
    ]


PHOTO = "grade_photo"  # a photo of a graded phone: its bytes, kept beside the grade that lists its sha256


def _step(text: str, scale: GradeSettings) -> str:
    word = typed(text)
    for step in scale.scale:
        if typed(step) == word:
            return step
    raise InputError(msg("record.not_a_grade", text=text, scale=list(scale.scale)))


# The checklist of `record erasure`: ITEM → the words a person may type for each value it takes.
ERASURE_ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "felica": {
        "cleared": ("cleared", "消去済み", "消去", "削除済み"),
        "warned": ("warned", "案内済み", "警告済み"),
        "none": ("none", "なし", "非搭載"),
    },
    "jpki": {"revoked": ("revoked", "失効済み", "失効"), "none": ("none", "なし", "未登録")},
}
RESETS, CHECKED_BY = "resets", "checked-by"


def recorded_erasure(values: Sequence[str], *, serial: str, imei: str, by: str) -> Recorded:
    """The erasure checklist (`resets=2 checked-by=佐藤 felica=cleared jpki=revoked`), ready to keep. The
    second person is not the one recording it; an item not given is missing (a later entry replaces the
    whole list)."""
    checks: dict[str, Any] = {}
    for text in values:
        key, equals, value = (part.strip() for part in unicodedata.normalize("NFKC", text).partition("="))
        key = key.casefold()
        if not equals or not value:
            raise InputError(msg("record.erasure_usage", text=text))
        if key == RESETS:
            if not value.isdigit() or not 0 <= int(value) <= 9:
                raise InputError(msg("record.erasure_resets", text=text))
            checks["resets"] = int(value)
        elif key == CHECKED_BY:
            if typed(value) == typed(by):
                raise InputError(msg("record.erasure_same_person", by=by))
            checks["checked_by"] = value
        elif key in ERASURE_ITEMS:
            checks[key] = _choice(key, value)
        else:
            raise InputError(msg("record.erasure_usage", text=text))
    if not checks:
        raise InputError(msg("record.erasure_usage", text=""))
    said = " ".join(values)
    return Recorded(
        fact="erasure_checks",
        value=checks,
        what=f"{ERASURE}: {said}",
        recorded_by=by,
        serial=serial,
        imei=imei,
    )


def _choice(item: str, text: str) -> str:
    word = typed(text)
    for value, words in ERASURE_ITEMS[item].items():
        if word in {typed(known) for known in words}:
            return value
    taken = [known for choices in ERASURE_ITEMS[item].values() for known in choices]
    raise InputError(msg("record.not_a_value", text=text, words=taken))


def trade_entries(
    fact: str,
    values: Sequence[str],
    entry: GradeEntry,
    scale: GradeSettings,
    *,
    serial: str,
    imei: str,
    by: str,
) -> list[Recorded]:
    """What `record grade` or `record erasure` keeps (the grade first, then its photos)."""
    if fact == GRADE:
        if len(values) != 1:
            raise InputError(msg("record.one_value", fact=fact))
        return recorded_grade(values[0], entry, scale, serial=serial, imei=imei, by=by)
    return [recorded_erasure(values, serial=serial, imei=imei, by=by)]


def recorded_mark(
    imei: str,
    carrier_text: str,
    mark_text: str,
    *,
    by: str,
    what: str | None = None,
    evidence: Screenshot | None = None,
) -> LookupResult:
    """A carrier's mark about `imei` checked by hand, as an answer from MANUAL_ORIGIN whose evidence is
    the screenshot (or, without one, what was written), ready to keep (Store.save_lookups)."""
    carrier = parse_carrier(carrier_text)
    if carrier is None:
        choices = [msg("record.carrier_choice", carrier=known, code=known.value) for known in Carrier]
        raise InputError(msg("record.not_a_carrier", text=carrier_text, choices=choices))
    outcome = parse_mark(mark_text)
    if outcome is None:
        raise InputError(msg("record.not_a_mark", text=mark_text))
    what = what or "checked by hand in a browser"
    content_type = (
        (mimetypes.guess_type(evidence.name)[0] or "application/octet-stream") if evidence else "text/plain"
    )
    return LookupResult(
        imei=imei,
        carrier=carrier,
        outcome=outcome,
        raw_mark=outcome.symbol,
        detail=msg("lookup.recorded", what=what, by=by),
        evidence=Evidence.received(
            url=f"manual: {what}",
            method="MANUAL",
            http_status=0,
            fetched_at=utcnow(),
            body=evidence.body if evidence is not None else what.encode(),
            content_type=content_type,
        ),
        origin=MANUAL_ORIGIN,
        via=Via.HAND,
        by=by,
    )


def usual_place(field: str, facts: DeviceFacts | None) -> str:
    """Where this phone shows the fact, in the words of its screens (Japanese: a phone sold in Japan)."""
    from tenken.report.labels import render
    from tenken.verdict.instructions import Screens, place, screens_of

    on = screens_of(facts) if facts is not None else Screens.UNKNOWN
    where = place(field, on)
    if where is None:
        where = (
            msg("where.other_sim")
            if field == "sim_locked" and on is not Screens.UNKNOWN
            else msg("where.by_hand")
        )
    return render(where, "ja")


def os_user() -> str:
    """The user running tenken, or "" when the system cannot say."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
