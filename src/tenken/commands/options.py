"""Options several commands share, written once: which phones, how to reach them, which policy and
sales channel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tenken.facts import Platform

F = TypeVar("F", bound=Callable[..., Any])

PLATFORM_CHOICES = {"ios": [Platform.IOS], "android": [Platform.ANDROID], "all": list(Platform)}


def transports(help_platform: str) -> Callable[[F], F]:
    """--platform, --usbmux, --adb-port (apply them with AppContext.use_transports)."""

    def decorate(command: F) -> F:
        command = click.option("--adb-port", type=int, help="adb server port (default 5037).")(command)
        command = click.option(
            "--usbmux", help="usbmuxd address HOST:PORT or socket path (default: the system's)."
        )(command)
        return click.option(
            "--platform",
            type=click.Choice(sorted(PLATFORM_CHOICES)),
            default="all",
            show_default=True,
            help=help_platform,
        )(command)

    return decorate


no_lookup = click.option(
    "--no-lookup", is_flag=True, help="Do not ask the carriers (the network check is then HOLD)."
)


def channel(help_text: str = "The sales channel the exit code is for.") -> Callable[[F], F]:
    return click.option("--channel", default="retail", show_default=True, help=help_text)


def policy(
    help_text: str = "Policy file (default: the `policy` setting, else the policy shipped with tenken).",
) -> Callable[[F], F]:
    return click.option(
        "--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


def json_output(help_text: str) -> Callable[[F], F]:
    """--json: what the command prints, as one JSON document for scripts (docs/json.md)."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)
