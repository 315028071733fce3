"""`tenken policy show` and `tenken policy check FILE`: the sales policy as data a shop can read and edit.

A policy file is outside data: its name, channel keys and titles reach the terminal through
`report.terminal.outside()` (no markup, no control), as a phone's strings do."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.facts import msg

if TYPE_CHECKING:
    from tenken.verdict.policy import Policy


@click.group(name="policy")
def policy_group() -> None:
    """The sales policy: which level each condition gets on each channel (docs/policy.md)."""


@policy_group.command(name="show")
@options.policy("A policy file (default: the `policy` setting, else the one shipped with tenken).")
@click.option("--toml", "as_toml", is_flag=True, help="Print the file itself (to copy and edit).")
@options.json_output("The effective levels as JSON.")
@pass_app
def show(app: AppContext, policy_path: Path | None, as_toml: bool, as_json: bool) -> None:
    """Print the policy in effect: its name, where it comes from, its sha256, and per channel the level
    of every condition."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from tenken.report.board import level_text
    from tenken.report.labels import label
    from tenken.report.terminal import outside, visible
    from tenken.verdict.conditions import KEYS

    policy = app.policy(policy_path)
    if as_toml:
        # TOML allows raw C1 controls and bidi overrides in strings and comments: a terminal is shown
        # them as escapes; a pipe or a file gets the text as it is, to copy and edit.
        on_terminal = sys.stdout.isatty()
        click.echo(
            visible(policy.text.replace("\r\n", "\n"), keep="\t\n") if on_terminal else policy.text, nl=False
        )
        return
    if as_json:
        emit_json(
            {
                "name": policy.name,
                "source": policy.source,
                "sha256": policy.sha256,
                "channels": {
                    key: {
                        "title": {"en": channel.title_en, "ja": channel.title_ja},
                        "levels": {condition: level.value for condition, level in channel.levels.items()},
                        "not_in_file": list(policy.filled.get(key, ())),
                    }
                    for key, channel in policy.channels.items()
                },
            }
        )
        return
    lang = app.lang
    console = Console()
    source = app.words(msg("policy.built_in")) if policy.source == "built in" else policy.source
    console.print(outside(f"{policy.name}  ({source})  sha256 {policy.sha256}"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(label("ui.condition", lang))
    for channel in policy.channels.values():
        table.add_column(outside(channel.title(lang, short=True)), no_wrap=True)
    for condition in KEYS:
        table.add_row(
            label(f"cond.{condition}", lang),
            *(level_text(channel.levels[condition], lang) for channel in policy.channels.values()),
        )
    console.print(table)
    for line in _filled(app, policy):
        console.print(outside(line))


def _filled(app: AppContext, policy: Policy) -> list[str]:
    """A line per channel whose file does not name every condition (one newer than the file)."""
    return [
        app.words(msg("policy.filled", channel=channel, conditions=", ".join(conditions)))
        for channel, conditions in policy.filled.items()
    ]


@policy_group.command(name="check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def check(app: AppContext, path: Path) -> None:
    """Validate a policy file: every condition given a level on every channel, levels spelled right, no
    unknown made better than the rule allows. One line naming file, key and problem when it is not."""
    from tenken.report.terminal import visible
    from tenken.verdict.policy import load_policy

    policy = load_policy(path)
    channels = ", ".join(policy.channels)
    click.echo(visible(f"{path}: ok — {policy.name!r}, channels {channels}, sha256 {policy.sha256}"))
    for line in _filled(app, policy):
        click.echo(visible(line))
