"""`tenken record`: a fact the technician reads off the phone's screen or its box, kept with who, when and
an optional screenshot, and used by every later inspection of that phone like any other measurement.

The phone must be one tenken has seen (an inspection, a carrier answer or a recorded fact names its serial
number or IMEI), unless `--new` says it is one not inspected yet: a mistyped serial would otherwise keep a
fact for no phone. What people type is taken as they type it (○ o 0 maru まる, ドコモ, full-width letters);
what was recorded is said back in words, in the user's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.errors import NotFound, UsageError
from tenken.facts import Message, msg
from tenken.station.recording import ERASURE, FACTS, GRADE, MARK

if TYPE_CHECKING:
    from tenken.inspection import Recorded
    from tenken.station.recording import Screenshot
    from tenken.store import Store
    from tenken.store.records import Seen


@click.command()
@click.argument("fact", type=click.Choice([*FACTS, MARK, GRADE, ERASURE]))
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
@click.option(
    "--ng",
    "ng_items",
    multiple=True,
    help="grade: an item that failed (画面割れ, カメラ不良); repeat for each. A J grade needs one.",
)
@click.option("--note", default="", help="grade: a note on the grade (why it is junk, the scratches seen).")
@click.option(
    "--photo",
    "photos",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="grade: a photo of the phone; repeat for each. Kept in the store with its sha256.",
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
    ng_items: tuple[str, ...],
    note: str,
    photos: tuple[Path, ...],
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
      grade S|A|B|C|J             the appearance grade (the RMJ guideline's ranks, or the steps of
                                  [grade] scale), with --ng for each failed item (J needs one),
                                  --note and --photo FILE for each photo
      erasure ITEM=VALUE…         the erasure checklist a person confirmed: resets=2 (factory resets:
                                  at purchase and at inspection), checked-by=NAME (the second person),
                                  felica=cleared|warned|none, jpki=revoked|none

    The phone is named by --imei or --serial and must be one tenken has inspected, looked up or recorded
    (--new for one it has not). Without --what, the place this phone's platform and maker show the fact
    is kept. Later inspections use the fact as measured, and every report shows it was entered by a
    person, who and when.
    """
    from tenken.imei import validate_imei
    from tenken.station.recording import GradeEntry, Screenshot, os_user, trade_entries, typed
    from tenken.store import open_store
    from tenken.store.records import seen_phone

    if not phone_imei and not phone_serial:
        raise UsageError(app.words(msg("record.name_the_phone")))
    imei = validate_imei(typed(phone_imei)) if phone_imei else ""
    serial = (phone_serial or "").strip()
    if fact == MARK and (not imei or len(values) != 2):
        raise UsageError(app.words(msg("record.mark_usage")))
    if fact not in (MARK, ERASURE) and len(values) != 1:
        raise UsageError(app.words(msg("record.one_value", fact=fact)))
    if fact != GRADE and (ng_items or note or photos):
        raise UsageError(app.words(msg("record.grade_options")))
    by = recorded_by or os_user() or "technician"
    shot = Screenshot.read(evidence) if evidence is not None else None
    with open_store(app.settings) as database:
        seen = seen_phone(database, serial, imei)
        if seen is None and not new_phone:
            raise NotFound(app.words(msg("record.unknown_phone", phone=_phone(serial, imei))))
        if fact == MARK:
            _record_mark(app, database, imei, values, what, by, shot, as_json)
            return
        if fact in (GRADE, ERASURE):
            entry = GradeEntry(ng_items, note, tuple(Screenshot.read(photo) for photo in photos))
            kept = trade_entries(fact, values, entry, app.settings.grade, serial=serial, imei=imei, by=by)
            for row in kept:
                database.save_recorded(row)
            _said_trade(app, kept[0], serial, imei, by, as_json)
            return
        _record_fact(app, database, seen, fact, values[0], serial, imei, what, by, shot, as_json)


def _record_fact(
    app: AppContext,
    database: Store,
    seen: Seen | None,
    fact: str,
    value_text: str,
    serial: str,
    imei: str,
    what: str | None,
    by: str,
    shot: Screenshot | None,
    as_json: bool,
) -> None:
    from tenken.station.recording import recorded_fact

    entry = recorded_fact(
        fact,
        value_text,
        serial=serial,
        imei=imei,
        by=by,
        what=what,
        facts=seen.facts if seen is not None else None,
        evidence=shot,
    )
    database.save_recorded(entry)
    if as_json:
        shown = {
            "fact": entry.fact,
            "value": entry.value,
            "source": entry.source,
            "evidence_sha256": entry.evidence_sha256 or None,
        }
        emit_json(shown)
        return
    said = msg(
        "record.recorded",
        phone=_phone(serial, imei),
        fact=entry.fact,
        value=_value_words(entry.value),
        what=entry.what,
        by=by,
        when=entry.recorded_at,
    )
    click.echo(app.words(said))  # a person's words: shown, never acted on


def _said_trade(app: AppContext, entry: Recorded, serial: str, imei: str, by: str, as_json: bool) -> None:
    """A grade or an erasure checklist said back: what was kept, by whom, when."""
    if as_json:
        emit_json(
            {
                "fact": entry.fact,
                "value": entry.value,
                "source": entry.source,
                "recorded_by": by,
                "recorded_at": entry.recorded_at.isoformat(),
                "record_id": entry.record_id,
            }
        )
        return
    value = entry.value
    if entry.fact == GRADE:
        said = msg(
            "record.grade_recorded",
            phone=_phone(serial, imei),
            grade=value["grade"],
            ng=value["ng_items"],
            photos=[photo["sha256"][:12] for photo in value["grade_photos"]],
            by=by,
            when=entry.recorded_at,
        )
    else:
        said = msg("record.erasure_recorded", phone=_phone(serial, imei), by=by, when=entry.recorded_at)
    click.echo(app.words(said))  # a person's words: shown, never acted on


def _value_words(value: Any) -> Message | str:
    if isinstance(value, bool):
        return msg("value.yes") if value else msg("value.no")
    if isinstance(value, float):
        return f"{value:g} %"
    return str(value)


def _phone(serial: str, imei: str) -> Message:
    return msg("record.phone_serial", serial=serial) if serial else msg("record.phone_imei", imei=imei)


def _record_mark(
    app: AppContext,
    database: Store,
    imei: str,
    values: tuple[str, ...],
    what: str | None,
    by: str,
    shot: Screenshot | None,
    as_json: bool,
) -> None:
    from tenken.station.recording import recorded_mark

    carrier_text, glyph = values
    result = recorded_mark(imei, carrier_text, glyph, by=by, what=what, evidence=shot)
    database.save_lookups([result])
    sha256 = result.evidence.sha256 if result.evidence else ""
    if as_json:
        emit_json(
            {
                "imei": imei,
                "carrier": result.carrier.value,
                "mark": result.outcome.symbol,
                "outcome": result.outcome.value,
                "record_id": result.record_id,
                "evidence_sha256": sha256,
            }
        )
        return
    said = msg("record.mark", carrier=result.carrier, imei=imei, outcome=result.outcome, by=by, sha256=sha256)
    click.echo(app.words(said))
