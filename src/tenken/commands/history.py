"""`tenken history`: a phone's inspections and carrier answers, newest first, with what changed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.commands.since import parse_since
from tenken.errors import NotFound
from tenken.facts import Message, msg

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tenken.report.history import Phone
    from tenken.report.labels import Lang

DEFAULT_SPAN = "7d"  # without a phone: what the station did this week


@click.command()
@click.argument("key", metavar="[IMEI|SERIAL]", required=False)
@click.option(
    "--since",
    metavar="SPAN|DATE",
    help=f"Only from then on: 7d, 12h, 2w, or a date (JST) such as 2026-11-01 (default without a phone: {DEFAULT_SPAN}).",
)
@options.json_output("As JSON (docs/schema/history.schema.json).")
@pass_app
def history(app: AppContext, key: str | None, since: str | None, as_json: bool) -> None:
    """Past inspections and carrier answers of a phone (by IMEI, either slot, or serial number), or of
    every phone inspected since --since, newest first, each with what changed since the one before:
    a mark (○ → △), a lock that came or went, a verdict level or the battery's health."""
    from tenken.inspection import inspection_from_json
    from tenken.report.history import Phone, group
    from tenken.report.json_output import document
    from tenken.report.labels import jst
    from tenken.store import open_store
    from tenken.store.records import answers_for, inspections_of

    start = parse_since(since or DEFAULT_SPAN) if since or not key else None
    wanted = key.strip() if key else None
    with open_store(app.settings) as store:
        inspections = [inspection_from_json(data) for data in inspections_of(store, wanted, start)]
        groups = group(inspections)
        imeis = {imei for found in inspections for imei in found.facts.imeis()}
        if wanted and wanted.isdigit():
            imeis.add(wanted)
        answers = answers_for(store, sorted(imeis), start)
    phones = []
    for phone_key, found in groups.items():
        own = {imei for inspection in found for imei in inspection.facts.imeis()}
        phones.append(Phone(phone_key, found, [answer for answer in answers if answer.imei in own]))
    if wanted and not phones and answers:
        phones.append(Phone(wanted, [], answers))  # looked up, never inspected
    if wanted and not phones:
        raise NotFound(msg("error.nothing_stored", key=wanted, since=jst(start) if start else None))
    if as_json:
        from tenken.report.history import to_json

        emit_json(
            document(since=start.isoformat() if start else None, phones=[to_json(phone) for phone in phones])
        )
        return
    policy = app.policy()
    titles = {key: channel.title(app.lang, short=True) for key, channel in policy.channels.items()}
    _print(phones, app.lang, start, titles)


def _print(phones: list[Phone], lang: Lang, start: datetime | None, titles: dict[str, str]) -> None:
    from rich.console import Console

    from tenken.facts import msg
    from tenken.report.labels import jst
    from tenken.report.terminal import said

    console = Console()
    if not phones:
        console.print(said(msg("history.nothing", since=jst(start) if start else ""), lang))
    for phone in phones:
        console.print(_table(phone, lang, titles))


def _table(phone: Phone, lang: Lang, titles: dict[str, str]) -> RenderableType:
    """One row per inspection and per carrier answer, newest first: what it said, what changed."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tenken.facts import Carrier
    from tenken.report.board import level_text, phone_name
    from tenken.report.history import answer_changes, inspection_changes, marks
    from tenken.report.labels import jst, label, name, render
    from tenken.report.terminal import outside

    title = f"{phone_name(phone.inspections[0], lang)} {phone.key}" if phone.inspections else phone.key
    table = Table(box=box.SIMPLE_HEAD, title=outside(title), title_justify="left")
    for heading in ("history.when", "ui.status", "history.what", "history.changed"):
        table.add_column(label(heading, lang), overflow="fold")
    events: list[tuple[datetime, list[Text]]] = []
    for index, inspection in enumerate(phone.inspections):
        older = phone.inspections[index + 1] if index + 1 < len(phone.inspections) else None
        what = Text(" ").join(
            [
                *(
                    # a channel by its title in the policy in effect (a key it no longer has: as stored)
                    Text.assemble(
                        outside(f"{titles.get(channel, channel)} "), level_text(verdict.level, lang)
                    )
                    for channel, verdict in inspection.verdicts.items()
                ),
                *(
                    Text(f"{name(Carrier(carrier), lang)} {_mark_words(mark, lang)}")
                    for per_imei in marks(inspection).values()
                    for carrier, mark in per_imei.items()
                    if mark != "not_asked"
                ),
            ]
        )
        changes = inspection_changes(older, inspection) if older is not None else []
        events.append(
            (
                inspection.facts.read_at,
                [
                    Text(jst(inspection.facts.read_at)),
                    Text(label("history.inspection", lang)),
                    what,
                    outside("; ".join(render(_titled(change, titles), lang) for change in changes)),
                ],
            )
        )
    for answer, changed in zip(phone.answers, answer_changes(phone.answers), strict=True):
        mark = answer.outcome.symbol if answer.outcome.is_mark else name(answer.outcome, lang)
        events.append(
            (
                answer.checked_at,
                [
                    Text(jst(answer.checked_at)),
                    Text(label("history.lookup", lang)),
                    outside(f"{name(answer.carrier, lang)} {answer.imei} {mark}"),
                    outside("; ".join(render(change, lang) for change in changed)),
                ],
            )
        )
    for _when, cells in sorted(events, key=lambda event: event[0], reverse=True):
        table.add_row(*cells)
    return table


def _titled(change: Message, titles: dict[str, str]) -> Message:
    """A change with the channel it names by its title."""
    channel = change.params.get("channel")
    if isinstance(channel, str) and channel in titles:
        return Message(change.code, {**change.params, "channel": titles[channel]})
    return change


def _mark_words(mark: str, lang: Lang) -> str:
    """A carrier's answer as history keeps it: its mark, or why there is none, in words."""
    from tenken.facts import Outcome
    from tenken.report.labels import label

    try:
        outcome = Outcome(mark)
    except ValueError:
        return mark  # a mark (○ △ × −) is shown as it is
    return label(f"cell.{outcome.value}", lang)
