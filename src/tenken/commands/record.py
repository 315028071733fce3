"""`tenken record`: a fact the technician reads off the phone's screen or its box, kept with who, when and
an optional screenshot, and used by every later inspection of that phone like any other measurement."""

from __future__ import annotations

import getpass
import hashlib
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.errors import InputError, InputFileError, UsageError
from tenken.facts import Carrier
from tenken.report.inert import visible

# FACT → (DeviceFacts field, how the value is read, what the technician usually reads)
Parser = Callable[[str], Any]


def _flag(yes: tuple[str, ...], no: tuple[str, ...]) -> Parser:
    def parse(text: str) -> bool:
        word = text.strip().lower()
        if word in yes:
            return True
        if word in no:
            return False
        raise InputError(f"{text!r}: expected one of {', '.join(yes + no)}")

    return parse


def _percent(text: str) -> float:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise InputError(f"{text!r}: expected a percentage such as 87") from None
    if not 0 < value <= 100:
        raise InputError(f"{text!r}: a battery health is between 1 and 100 %")
    return value


def _imei(text: str) -> str:
    from tenken.imei import validate_imei

    return validate_imei(text)


FACTS: dict[str, tuple[str, Parser, str]] = {
    "sim-lock": (
        "sim_locked",
        _flag(("locked", "yes", "あり"), ("unlocked", "no", "なし")),
        "設定 › 一般 › 情報 › SIMロック",
    ),
    "battery": ("battery_health_pct", _percent, "設定 › バッテリー › 最大容量"),
    "owner-lock": (
        "owner_lock",
        _flag(("on", "yes", "あり"), ("off", "no", "なし")),
        "setup passed the activation screen without asking for the owner's account",
    ),
    "mdm": (
        "mdm_enrolled",
        _flag(("yes", "on", "あり"), ("no", "off", "なし")),
        "設定 › 一般 › VPNとデバイス管理",
    ),
    "imei": ("imei", _imei, "*#06#"),
}


@click.command()
@click.argument("fact", type=click.Choice([*FACTS, "mark"]))
@click.argument("values", nargs=-1, required=True)
@click.option("--imei", "phone_imei", help="The phone, by its IMEI.")
@click.option("--serial", "phone_serial", help="The phone, by its serial number.")
@click.option("--what", help="What was read, and where (default: the usual place for this fact).")
@click.option("--by", "recorded_by", help="Who read it (default: the user running tenken).")
@click.option(
    "--evidence",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A screenshot or photo of what was read; kept in the store with its sha256.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was recorded as JSON.")
@pass_app
def record(
    app: AppContext,
    fact: str,
    values: tuple[str, ...],
    phone_imei: str | None,
    phone_serial: str | None,
    what: str | None,
    recorded_by: str | None,
    evidence: Path | None,
    as_json: bool,
) -> None:
    """Record FACT = VALUE for a phone, as read by hand. FACT is one of:

    \b
      sim-lock locked|unlocked    設定 › 一般 › 情報 › SIMロック (iOS 14+), or another carrier's SIM
      battery 87                  the battery's maximum capacity in %
      owner-lock on|off           whether setup asked for the owner's account after the erase
      mdm yes|no                  Settings › General › VPN & Device Management
      imei 356…                   the IMEI from *#06# or the tray, when the phone could not tell it
      mark CARRIER ○|△|×|−        a carrier's answer checked by hand in a browser (CAPTCHA, JavaScript)

    The phone is named by --imei or --serial. Later inspections use the fact as measured, and every
    report shows it was entered by a person, who and when.
    """
    from tenken.imei import validate_imei
    from tenken.inspection import Recorded
    from tenken.store import open_store

    if not phone_imei and not phone_serial:
        raise UsageError("name the phone with --imei or --serial")
    imei = validate_imei(phone_imei) if phone_imei else ""
    by = recorded_by or _user()
    body, digest = _evidence(evidence)
    if fact == "mark":
        if not imei or len(values) != 2:
            raise UsageError(
                "record mark needs --imei and CARRIER MARK, e.g. `tenken record mark docomo ○ --imei …`"
            )
        _record_mark(
            app, imei, values[0], values[1], what or "checked by hand in a browser", by, evidence, body
        )
        return
    if len(values) != 1:
        raise UsageError(f"record {fact} takes one value")
    name, parse, usual = FACTS[fact]
    entry = Recorded(
        fact=name,
        value=parse(values[0]),
        what=what or f"{usual}: {values[0]}",
        recorded_by=by,
        serial=phone_serial or "",
        imei=imei,
        evidence_name=evidence.name if evidence else "",
        evidence_sha256=digest,
        evidence=body,
    )
    with open_store(app.settings) as database:
        database.save_recorded(entry)
    shown = {"fact": name, "value": entry.value, "source": entry.source, "evidence_sha256": digest or None}
    if as_json:
        emit_json(shown)
    else:
        click.echo(visible(f"recorded {name} = {entry.value!r} ({entry.source})"))  # a person's words


def _record_mark(
    app: AppContext,
    imei: str,
    carrier_name: str,
    glyph: str,
    what: str,
    by: str,
    evidence: Path | None,
    body: bytes | None,
) -> None:
    from tenken.facts import MANUAL_ORIGIN, Evidence, LookupResult, msg, utcnow
    from tenken.lookups.marks import normalise_mark
    from tenken.store import open_store

    try:
        carrier = Carrier(carrier_name.lower())
    except ValueError:
        raise InputError(
            f"{carrier_name!r}: a carrier is one of {', '.join(c.value for c in Carrier)}"
        ) from None
    outcome = normalise_mark(glyph)
    if outcome is None:
        raise InputError(f"{glyph!r}: a mark is one of ○ △ × −")
    content_type = (
        (mimetypes.guess_type(evidence.name)[0] or "application/octet-stream") if evidence else "text/plain"
    )
    result = LookupResult(
        imei=imei,
        carrier=carrier,
        outcome=outcome,
        raw_mark=glyph.strip(),
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
    with open_store(app.settings) as database:
        database.save_lookups([result])
    click.echo(
        visible(
            f"recorded {carrier.value} {glyph.strip()} for {imei} (by {by}; "
            f"sha256 {result.evidence.sha256 if result.evidence else ''})"
        )
    )


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
