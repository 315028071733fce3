"""`tenken report --from FILE`: saved inspections (the JSON `tenken inspect --json` printed) judged again
under a policy, without the phones. A shop trying a stricter policy sees at once what would change."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.errors import InputFileError
from tenken.facts import msg


@click.command()
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="A file `tenken inspect --json` wrote ('-' reads stdin).",
)
@options.policy(
    "The policy to judge under (default: the `policy` setting, else the one shipped with tenken)."
)
@options.channel()
@click.option("--details", is_flag=True, help="Every phone in full.")
@options.json_output("The inspections, judged again, as JSON.")
@pass_app
def report(
    app: AppContext, source: Path, policy_path: Path | None, channel: str, details: bool, as_json: bool
) -> None:
    """Judge saved inspections again under a policy and print them as `tenken inspect` would.

    Each keeps its facts and carrier answers as they were read; only the verdict is new, and it names
    the policy (and its sha256) that gave it. Exit codes as `tenken inspect`.
    """
    from rich.console import Console

    from tenken.inspection import inspection_from_json
    from tenken.report.board import attention, board, inspection_details
    from tenken.report.json_output import document
    from tenken.station.outcome import exit_code
    from tenken.verdict.judge import judge

    policy = app.policy_with(policy_path, channel)
    inspections = []
    for position, entry in enumerate(_entries(source), start=1):
        try:
            inspection = inspection_from_json(entry)
        except (KeyError, TypeError, ValueError) as error:
            raise InputFileError(
                f"{source}: inspection {position} cannot be read ({type(error).__name__}: {error})"
            ) from None
        inspection.verdicts = judge(inspection, policy)
        inspection.policy_name, inspection.policy_sha256 = policy.name, policy.sha256
        inspections.append(inspection)
    lang = app.lang
    if as_json:
        emit_json(
            document(
                policy=policy.reference(),
                channel=channel,
                phones=[inspection.to_json() for inspection in inspections],
            )
        )
    else:
        console = Console()
        short = not details and len(inspections) > 1
        titles = {key: entry.title(lang, short) for key, entry in policy.channels.items()}
        if short:
            console.print(board(inspections, titles, lang, channel, app.settings.port_name))
            needed = attention(inspections, lang, channel)
            if needed is not None:
                console.print(needed)
        else:
            for inspection in inspections:
                console.print(inspection_details(inspection, titles, lang, app.settings.port_name))
    sys.exit(exit_code(inspections, channel, [], False))


def _entries(source: Path) -> list[dict[str, Any]]:
    try:
        text = sys.stdin.read() if str(source) == "-" else source.read_text(encoding="utf-8")
    except OSError as error:
        raise InputFileError(msg("error.cannot_read", file=str(source), why=error.strerror)) from None
    except UnicodeDecodeError:
        raise InputFileError(msg("error.not_utf8", file=str(source))) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(
            msg("error.not_json", file=str(source), line=error.lineno, why=error.msg)
        ) from None
    phones = payload.get("phones") if isinstance(payload, dict) else payload
    if not isinstance(phones, list) or not all(isinstance(entry, dict) for entry in phones):
        raise InputFileError(msg("error.not_inspect_json", file=str(source)))
    return phones
