"""`tenken handoff`: the assisted browser check, where a carrier's site will not answer a program."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, pass_app, run_async
from tenken.errors import EXIT_FLAGGED, EXIT_NOT_ASKED, EXIT_OK, UsageError
from tenken.facts import Carrier, Message, Outcome, msg

if TYPE_CHECKING:
    from tenken.station.handoff import Handed
    from tenken.store import Store

DEFAULT_WAIT = 300.0


@click.command()
@click.argument("imeis", nargs=-1, required=True)
@click.option(
    "--carrier",
    "-c",
    "carriers",
    type=click.Choice([carrier.value for carrier in Carrier]),
    multiple=True,
    help="Carrier whose page to open (repeatable; default: each carrier whose newest answer about the IMEI "
    "is not a mark).",
)
@click.option("--by", "checked_by", help="Who is at the station (default: the user running tenken).")
@click.option(
    "--headless",
    is_flag=True,
    help="No window (tests and CI only): nobody can read a CAPTCHA there, so such a page waits and times out.",
)
@click.option(
    "--timeout",
    "wait_seconds",
    type=click.FloatRange(min=1),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Seconds to wait for each answer (the person reading a CAPTCHA, the page loading).",
)
@pass_app
def handoff(
    app: AppContext,
    imeis: tuple[str, ...],
    carriers: tuple[str, ...],
    checked_by: str | None,
    headless: bool,
    wait_seconds: float,
) -> None:
    """Check IMEIs on a carrier's own page in a Chromium window, with the person at the station.

    tenken opens the carrier's page, types the IMEI and clicks the page's button — or, where the page
    shows a CAPTCHA, waits for the person to type it and click. The answer is read with the same parser
    as `tenken lookup`, and kept with the page, a full-page screenshot, their sha256, the time and the
    address, as `via: browser` and who was at the station. The phone's IMEI2 (from its newest
    inspection) follows in the same window. tenken never solves a CAPTCHA, never hides that the browser
    is automated, and never retries past a refusal. Needs `pip install 'tenken[browser]'` and Chromium
    with its driver (apt-get install chromium chromium-driver).

    \b
    Exit codes:
      0  every answer read, none × or △
      1  some answer × or △
      3  some answer not read: no answer within --timeout (nothing is kept), or the page still refused
      64 usage error; 65 not an IMEI; 69 the browser cannot start; 74 the database failed
    """
    from tenken.imei import validate_imei
    from tenken.lookups.service import enabled_carriers
    from tenken.station.handoff import hand_off
    from tenken.station.recording import os_user, typed
    from tenken.store import open_store

    asked = [validate_imei(typed(text)) for text in imeis]
    by = checked_by or os_user() or "technician"
    with open_store(app.settings) as store:
        asked = _with_imei2(store, asked)
        chosen = [Carrier(name) for name in carriers] or _unread(store, asked, enabled_carriers(app.settings))
        if not chosen:
            click.echo(app.words(msg("handoff.nothing_to_do", imeis=asked)))
            return
        found = run_async(
            hand_off(
                app.settings,
                store,
                asked,
                chosen,
                by=by,
                headless=headless,
                wait_seconds=wait_seconds,
                say=lambda said: click.echo(app.words(said), err=True),
            )
        )
        for handed in found:
            click.echo(app.words(_said(handed)))
        if store.health.error is not None:
            raise store.health.error
    raise SystemExit(_exit_code(found))


def _with_imei2(store: Store, imeis: list[str]) -> list[str]:
    """The IMEIs given, and the phone's IMEI2 after its IMEI when its newest inspection read one."""
    from tenken.store.records import seen_phone

    if len(imeis) != 1:
        return imeis
    seen = seen_phone(store, "", imeis[0])
    facts = seen.facts if seen is not None else None
    if facts is None:
        return imeis
    pair = [str(fact.value) for fact in (facts.imei, facts.imei2) if fact.known and fact.value]
    return pair if imeis[0] in pair and len(pair) == 2 else imeis


def _unread(store: Store, imeis: list[str], enabled: list[Carrier]) -> list[Carrier]:
    """The carriers whose newest answer about some IMEI is not a mark (or that were never asked)."""
    unread = []
    for carrier in enabled:
        for imei in imeis:
            newest = store.lookup_history(imei, carrier)
            if not newest or not newest[0].outcome.is_mark:
                unread.append(carrier)
                break
    if len(unread) == len(enabled) and not any(store.lookup_history(imei) for imei in imeis):
        raise UsageError(msg("handoff.name_the_carrier"))
    return unread


def _said(handed: Handed) -> Message:
    result = handed.result
    if result is None:
        return msg("handoff.nothing_kept", carrier=handed.carrier, imei=handed.imei, why=handed.problem)
    evidence = result.evidence
    return msg(
        "handoff.kept",
        carrier=handed.carrier,
        imei=handed.imei,
        outcome=result.outcome,
        detail=result.detail,
        url=evidence.url if evidence else "",
        sha256=evidence.sha256 if evidence else "",
        screenshot=evidence.screenshot_sha256 if evidence else "",
        when=result.checked_at,
        by=result.by,
    )


def _exit_code(found: list[Handed]) -> int:
    outcomes = [handed.result.outcome if handed.result else None for handed in found]
    if any(outcome in (Outcome.RESTRICTED, Outcome.PENDING) for outcome in outcomes):
        return EXIT_FLAGGED
    if any(outcome is None or not outcome.is_mark for outcome in outcomes):
        return EXIT_NOT_ASKED
    return EXIT_OK
