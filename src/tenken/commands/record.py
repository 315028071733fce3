"""`tenken record`: a fact the technician reads off the phone's screen or its box, kept with who, when and
an optional screenshot, and used by every later inspection of that phone like any other measurement.

The phone must be one tenken has seen (an inspection, a carrier answer or a recorded fact names its serial
number or IMEI), unless `--new` says it is one not inspected yet: a mistyped serial would otherwise keep a
fact for no phone. What people type is taken as they type it (○ o 0 maru まる, ドコモ, full-width letters);
what was recorded is said back in words, in the user's language.
"""

from __future__ import annotations

import getpass
import hashlib
import mimetypes
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.errors import InputError, InputFileError, NotFound, UsageError
from tenken.facts import Carrier, Message, Outcome, msg
from tenken.report.inert import visible

if TYPE_CHECKING:
    from tenken.store.records import Seen

Parser = Callable[[str], Any]


def typed(text: str) -> str:
    """What a person typed, as compared: NFKC (full-width letters and digits become ASCII, half-width kana
    full-width), case folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class Refused(ValueError):
    """What was typed is not a value of the fact; the message says what is expected."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def _flag(yes: tuple[str, ...], no: tuple[str, ...]) -> Parser:
    def parse(text: str) -> bool:
        word = typed(text)
        if word in yes:
            return True
        if word in no:
            return False
        raise Refused(msg("record.not_a_value", text=text, words=list(yes + no)))

    return parse


def _percent(text: str) -> float:
    try:
        value = float(typed(text).rstrip("%"))
    except ValueError:
        raise Refused(msg("record.not_a_percentage", text=text)) from None
    if not 0 < value <= 100:
        raise Refused(msg("record.percentage_bounds", text=text))
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


@click.command()
@click.argument("fact", type=click.Choice([*FACTS, "mark"]))
@click.argument("values", nargs=-1, required=True)
@click.option("--imei", "phone_imei", help="The phone, by its IMEI.")
@click.option("--serial", "phone_serial", help="The phone, by its serial number.")
@click.option(
    "--new",
    "new_phone",
    is_flag=True,
    help="The phone is one tenken has not seen yet (no inspection, answer or recorded fact names it).",
)
@click.option(
    "--what", help="What was read, and where (default: where this phone's platform and maker show it)."
)
@click.option("--by", "recorded_by", help="Who read it (default: the user running tenken).")
@click.option(
    "--evidence",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A screenshot or photo of what was read; kept in the store with its sha256.",
)
@options.json_output("Print what was recorded as JSON.")
@pass_app
def record(
    app: AppContext,
    fact: str,
    values: tuple[str, ...],
    phone_imei: str | None,
    phone_serial: str | None,
    new_phone: bool,
    what: str | None,
    recorded_by: str | None,
    evidence: Path | None,
    as_json: bool,
) -> None:
    """Record FACT = VALUE for a phone, as read by hand. FACT is one of:

    \b
      sim-lock locked|unlocked    the SIM-lock line in Settings, or another carrier's SIM
      battery 87                  the battery's maximum capacity in %
      owner-lock on|off           whether setup asked for the owner's account after the erase
      mdm yes|no                  whether an organisation manages the phone
      imei 356…                   the IMEI from *#06# or the tray, when the phone could not tell it
      mark CARRIER MARK           a carrier's answer checked by hand in a browser (CAPTCHA, JavaScript):
                                  ○ o maru まる, △ ▲ sankaku, × x batsu ばつ, − - none なし;
                                  docomo ドコモ, au エーユー, softbank ソフトバンク, rakuten 楽天

    The phone is named by --imei or --serial and must be one tenken has inspected, looked up or recorded
    (--new for one it has not). Without --what, the place this phone's platform and maker show the fact
    is kept. Later inspections use the fact as measured, and every report shows it was entered by a
    person, who and when.
    """
    from tenken.imei import validate_imei
    from tenken.store import open_store
    from tenken.store.records import seen_phone

    if not phone_imei and not phone_serial:
        raise UsageError(_words(app, msg("record.name_the_phone")))
    imei = validate_imei(typed(phone_imei)) if phone_imei else ""
    serial = (phone_serial or "").strip()
    if fact == "mark" and (not imei or len(values) != 2):
        raise UsageError(_words(app, msg("record.mark_usage")))
    if fact != "mark" and len(values) != 1:
        raise UsageError(_words(app, msg("record.one_value", fact=fact)))
    by = recorded_by or _user()
    body, digest = _evidence(evidence)
    with open_store(app.settings) as database:
        seen = seen_phone(database, serial, imei)
        if seen is None and not new_phone:
            raise NotFound(_words(app, msg("record.unknown_phone", phone=_phone(serial, imei))))
        if fact == "mark":
            _record_mark(app, database, imei, values, what, by, evidence, body, as_json)
            return
        _record_fact(
            app, database, seen, fact, values[0], serial, imei, what, by, evidence, digest, body, as_json
        )


def _record_fact(
    app: AppContext,
    database: Any,
    seen: Seen | None,
    fact: str,
    value_text: str,
    serial: str,
    imei: str,
    what: str | None,
    by: str,
    evidence: Path | None,
    digest: str,
    body: bytes | None,
    as_json: bool,
) -> None:
    from tenken.inspection import Recorded

    name, parse = FACTS[fact]
    try:
        value = parse(value_text)
    except Refused as refused:
        raise InputError(_words(app, refused.message)) from None
    entry = Recorded(
        fact=name,
        value=value,
        what=what or f"{_usual_place(name, seen)}: {value_text.strip()}",
        recorded_by=by,
        serial=serial,
        imei=imei,
        evidence_name=evidence.name if evidence else "",
        evidence_sha256=digest,
        evidence=body,
    )
    database.save_recorded(entry)
    if as_json:
        shown = {
            "fact": name,
            "value": entry.value,
            "source": entry.source,
            "evidence_sha256": digest or None,
        }
        emit_json(shown)
        return
    said = msg(
        "record.recorded",
        phone=_phone(serial, imei),
        fact=name,
        value=_value_words(name, value),
        what=entry.what,
        by=by,
        when=entry.recorded_at,
    )
    click.echo(_words(app, said))  # a person's words: shown, never acted on


def _usual_place(name: str, seen: Seen | None) -> str:
    """Where this phone shows the fact, in the words of its screens (Japanese: a phone sold in Japan)."""
    from tenken.report.labels import render
    from tenken.verdict.instructions import Screens, place, screens_of

    on = screens_of(seen.facts) if seen is not None and seen.facts is not None else Screens.UNKNOWN
    where = place(name, on)
    if where is None:
        where = (
            msg("where.other_sim")
            if name == "sim_locked" and on is not Screens.UNKNOWN
            else msg("where.by_hand")
        )
    return render(where, "ja")


def _value_words(name: str, value: Any) -> Message | str:
    if isinstance(value, bool):
        return msg("value.yes") if value else msg("value.no")
    if isinstance(value, float):
        return f"{value:g} %"
    return str(value)


def _phone(serial: str, imei: str) -> Message:
    return msg("record.phone_serial", serial=serial) if serial else msg("record.phone_imei", imei=imei)


def _record_mark(
    app: AppContext,
    database: Any,
    imei: str,
    values: tuple[str, ...],
    what: str | None,
    by: str,
    evidence: Path | None,
    body: bytes | None,
    as_json: bool,
) -> None:
    from tenken.facts import MANUAL_ORIGIN, Evidence, LookupResult, utcnow

    carrier_text, glyph = values
    carrier = parse_carrier(carrier_text)
    if carrier is None:
        choices = [msg("record.carrier_choice", carrier=known, code=known.value) for known in Carrier]
        raise InputError(_words(app, msg("record.not_a_carrier", text=carrier_text, choices=choices)))
    outcome = parse_mark(glyph)
    if outcome is None:
        raise InputError(_words(app, msg("record.not_a_mark", text=glyph)))
    what = what or "checked by hand in a browser"
    content_type = (
        (mimetypes.guess_type(evidence.name)[0] or "application/octet-stream") if evidence else "text/plain"
    )
    result = LookupResult(
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
            body=body if body is not None else what.encode(),
            content_type=content_type,
        ),
        origin=MANUAL_ORIGIN,
    )
    database.save_lookups([result])
    sha256 = result.evidence.sha256 if result.evidence else ""
    if as_json:
        emit_json(
            {
                "imei": imei,
                "carrier": carrier.value,
                "mark": outcome.symbol,
                "outcome": outcome.value,
                "record_id": result.record_id,
                "evidence_sha256": sha256,
            }
        )
        return
    said = msg("record.mark", carrier=carrier, imei=imei, outcome=outcome, by=by, sha256=sha256)
    click.echo(_words(app, said))


def _words(app: AppContext, message: Message) -> str:
    from tenken.report.labels import render

    return visible(render(message, app.lang))


def _evidence(path: Path | None) -> tuple[bytes | None, str]:
    if path is None:
        return None, ""
    try:
        body = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}") from None
    return body, hashlib.sha256(body).hexdigest()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "technician"
