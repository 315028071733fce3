"""`tenken recheck`: ask the carriers again about stored phones whose answers were △ or unknown."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, emit_json, pass_app, run_async
from tenken.commands import options
from tenken.errors import EXIT_FLAGGED, EXIT_NOT_ASKED, EXIT_OK, UsageError
from tenken.facts import msg, utcnow

if TYPE_CHECKING:
    from rich.console import Console

    from tenken.config import Settings
    from tenken.inspection import Inspection
    from tenken.report.labels import Lang
    from tenken.station.recheck import Recheck, Upcoming
    from tenken.verdict.policy import Policy


@click.command()
@click.option(
    "--older-than",
    default="1d",
    show_default=True,
    help="Ask again only answers read longer ago than this (30m, 12h, 1d, 2w, or a date; 0 for all).",
)
@click.option(
    "--since",
    default="30d",
    show_default=True,
    help="Only phones whose last inspection finished within this time (or since this date).",
)
@click.option(
    "--status",
    "statuses",
    default="pending,unknown",
    show_default=True,
    help="Which answers to ask again, comma-separated: pending (△), unknown (could not be read, or the "
    "carriers were not asked), ok (○), restricted (×).",
)
@options.channel()
@options.policy()
@click.option("--dry-run", is_flag=True, help="List the phones that are due; ask nobody.")
@options.json_output("Every re-check and what changed, as one JSON object.")
@pass_app
def recheck(
    app: AppContext,
    older_than: str,
    since: str,
    statuses: str,
    channel: str,
    policy_path: Path | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Ask the carriers again about stored phones whose answers were △ or could not be read (a △ can
    turn × before the phone sells), judge them again, and report every change (△→×, ○→×, unknown→○).
    Each re-check is stored as a new inspection naming the one it re-checked, with the carriers' pages
    as evidence, and changes are sent to the webhook. Made for cron or a systemd timer (docs/station.md).

    \b
    Exit code (for --channel, default retail):
      0  nothing turned BLOCKED or PARTS_ONLY (or nothing was due)
      1  some phone turned BLOCKED or PARTS_ONLY
      3  some carrier could not be read
    """
    from rich.console import Console

    from tenken.commands.since import span_of
    from tenken.station.recheck import STATUSES, upcoming

    wanted = [status.strip() for status in statuses.split(",") if status.strip()]
    unknown = [status for status in wanted if status not in STATUSES]
    if unknown or not wanted:
        raise UsageError(msg("error.recheck_status", given=statuses, choices=", ".join(STATUSES)))
    policy = app.policy_with(policy_path, channel)
    now = utcnow()
    checked_before = _moment(older_than, "--older-than", now)
    window_start = _moment(since, "--since", now)
    console = Console(stderr=as_json)
    lang = app.lang

    latest, due, results, store_error = run_async(
        _run(app.settings, policy, wanted, checked_before, window_start, dry_run, console, lang)
    )
    span = span_of(older_than)  # None: --older-than is a date, and what was read after it never comes due
    next_due = upcoming(latest, wanted, checked_before, span) if span is not None and not due else None
    if as_json:
        emit_json(_document(due, results, policy, channel, dry_run, next_due))
    else:
        _print(console, due, results, policy, lang, dry_run)
        if not due and span is not None:
            _print_next(console, next_due, window_start, lang)
        _print_not_read(console, results, lang)
    if store_error is not None:
        raise store_error
    sys.exit(_exit_code(results, channel))


async def _run(
    settings: Settings,
    policy: Policy,
    statuses: list[str],
    checked_before: datetime,
    window_start: datetime,
    dry_run: bool,
    console: Console,
    lang: Lang,
) -> tuple[list[Inspection], list[Inspection], list[Recheck], Exception | None]:
    """The latest inspection of every phone in the window, those due, their re-checks (stored), and
    what the store could not take."""
    import asyncio

    from tenken.report.labels import render
    from tenken.station.pipeline import Options, Pipeline
    from tenken.station.recheck import needs_recheck, recheck
    from tenken.station.webhooks import Sender, changed
    from tenken.store import open_store

    with open_store(settings) as database:
        latest = await asyncio.to_thread(database.latest_inspections, window_start)
        due = [inspection for inspection in latest if needs_recheck(inspection, statuses, checked_before)]
        if dry_run or not due:
            return latest, due, [], None
        options = Options(policy=policy, use_cache=False, station=settings.station.name)
        with console.status(render(msg("recheck.asking", count=len(due)), lang)):
            async with Pipeline(settings, options, database) as pipeline:
                results = list(
                    await asyncio.gather(
                        *(recheck(pipeline, inspection, statuses, checked_before) for inspection in due)
                    )
                )
                for result in results:
                    messages = []
                    if result.changed and settings.webhook.url:
                        before = {channel: level.value for channel, (level, _after) in result.levels.items()}
                        messages.append(changed(result.after, before, "changed"))
                    await pipeline.keep(result.after, messages)
            if settings.webhook.url:
                sender = Sender(settings.webhook, database, settings.station.name)
                try:
                    await sender.send_due()  # what a receiver does not take now, `tenken watch` sends later
                finally:
                    await sender.aclose()
        return latest, due, results, pipeline.health.error


def _document(
    due: list[Inspection],
    results: list[Recheck],
    policy: Policy,
    channel: str,
    dry_run: bool,
    next_due: Upcoming | None,
) -> dict[str, object]:
    from tenken.report.json_output import document
    from tenken.station.recheck import not_read

    return document(
        policy=policy.reference(),
        channel=channel,
        dry_run=dry_run,
        due=[inspection.id for inspection in due],
        next_due=None
        if next_due is None
        else {
            "inspection": next_due.inspection.id,
            "imei": next_due.asked.imei if next_due.asked else None,
            "carrier": next_due.asked.carrier.value if next_due.asked else None,
            "outcome": next_due.asked.outcome.value if next_due.asked and next_due.asked.outcome else None,
            "read_at": next_due.read_at,
            "due_at": next_due.due_at,
        },
        not_read=[
            {
                "inspection": inspection.id,
                "imei": asked.imei,
                "carrier": asked.carrier.value,
                "outcome": asked.result.outcome.value,
                "detail": asked.result.detail,
            }
            for inspection, asked in not_read(results)
            if asked.result is not None
        ],
        rechecks=[
            {
                "rechecked": result.before.id,
                "changed": result.changed,
                "answers": [
                    {
                        "imei": change.imei,
                        "carrier": change.carrier.value,
                        "before": change.before.value if change.before else None,
                        "after": change.after.value,
                    }
                    for change in result.answers
                ],
                "levels": {
                    channel_key: {"before": before.value, "after": after.value}
                    for channel_key, (before, after) in result.levels.items()
                },
                "inspection": result.after.to_json(),
            }
            for result in results
        ],
    )


def _print(
    console: Console,
    due: list[Inspection],
    results: list[Recheck],
    policy: Policy,
    lang: Lang,
    dry_run: bool,
) -> None:
    from rich.table import Table

    from tenken.report.board import level_text, phone_name
    from tenken.report.labels import label, name, render
    from tenken.report.terminal import outside

    if not due:
        console.print(render(msg("recheck.nothing_due"), lang))
        return
    if dry_run:
        console.print(render(msg("recheck.would_ask", count=len(due)), lang))
        for inspection in due:
            imei = inspection.facts.imei.value if inspection.facts.imei.known else ""
            console.print(outside(f"  {phone_name(inspection, lang)} {imei} {inspection.stock_no}".rstrip()))
        return
    changes = [result for result in results if result.changed]
    if changes:
        table = Table(box=None, pad_edge=False)
        table.add_column(label("demo.phone", lang))
        table.add_column(label("recheck.answers", lang))
        table.add_column(label("recheck.verdicts", lang))
        for result in changes:
            facts = result.after.facts
            phone = phone_name(result.after, lang) + (f" {facts.imei.value}" if facts.imei.known else "")
            answers = ", ".join(
                f"{name(change.carrier, lang)} "
                f"{change.before.symbol if change.before else '?'}→{change.after.symbol}"
                + ("" if facts.imei.known and change.imei == facts.imei.value else f" ({change.imei})")
                for change in result.answers
            )
            verdicts = outside("")
            for channel, (before, after) in result.levels.items():
                title = (
                    policy.channels[channel].title(lang, short=True)
                    if channel in policy.channels
                    else channel
                )
                verdicts.append(outside(f"{title}: "))  # a policy file's words
                verdicts.append(level_text(before, lang))
                verdicts.append(" → ")
                verdicts.append(level_text(after, lang))
                verdicts.append("  ")
            table.add_row(
                outside(phone + (f" [{result.after.stock_no}]" if result.after.stock_no else "")),
                outside(answers),
                verdicts,
            )
        console.print(table)
    console.print(render(msg("recheck.summary", count=len(results), changed=len(changes)), lang))


def _print_next(console: Console, next_due: Upcoming | None, since: datetime, lang: Lang) -> None:
    """After "nothing is due": the answer that comes due first, and when (JST); or that none waits."""
    from tenken.report.board import phone_name
    from tenken.report.labels import name
    from tenken.report.terminal import said

    if next_due is None:
        console.print(said(msg("recheck.nothing_waiting", since=since), lang))
        return
    inspection, asked = next_due.inspection, next_due.asked
    facts = inspection.facts
    phone = phone_name(inspection, lang) + (f" [{inspection.stock_no}]" if inspection.stock_no else "")
    imei = asked.imei if asked is not None else facts.imei.value if facts.imei.known else None
    times = {"read_at": next_due.read_at, "due_at": next_due.due_at}
    if asked is None or asked.result is None:
        console.print(said(msg("recheck.next_due_unasked", phone=phone, imei=imei, **times), lang))
        return
    outcome = asked.result.outcome
    answer = outcome.symbol if outcome.is_mark else name(outcome, lang)
    console.print(
        said(
            msg("recheck.next_due", phone=phone, imei=imei, carrier=asked.carrier, answer=answer, **times),
            lang,
        )
    )


def _print_not_read(console: Console, results: list[Recheck], lang: Lang) -> None:
    """Every answer that still could not be read (why the exit code is 3), by IMEI and carrier."""
    from tenken.report.terminal import problems_table
    from tenken.station.recheck import not_read

    unread = [(asked.imei, asked.result) for _inspection, asked in not_read(results) if asked.result]
    if unread:
        console.print(problems_table(unread, lang))


def _moment(text: str, option: str, now: datetime) -> datetime:
    from tenken.commands.since import parse_since

    try:
        return parse_since(text, now)
    except click.BadParameter as error:
        raise UsageError(f"{option} {error.message}") from None


def _exit_code(results: list[Recheck], channel: str) -> int:
    from tenken.station.recheck import not_read, worse

    if any(worse(result, channel) for result in results):
        return EXIT_FLAGGED
    if not_read(results):
        return EXIT_NOT_ASKED
    return EXIT_OK
