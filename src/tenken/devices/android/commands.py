"""Shell commands run on a phone: their outcome, and what an outcome that is not an answer tells the technician."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenken.facts import Fact, Message, msg

MISSING = 127  # sh: command not found


@dataclass(frozen=True, slots=True)
class CommandResult:
    command: str
    status: int | None  # exit code; None when the command did not finish
    stdout: str = ""
    stderr: str = ""
    problem: str = ""  # why it did not finish (timeout, transport error)

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def missing(self) -> bool:
        return self.status == MISSING

    @property
    def tool(self) -> str:
        return self.command.split(" ", 1)[0]


Runner = Callable[[str], Awaitable[CommandResult]]


class DeviceGone(Exception):
    """The phone left the adb server during the read (unplugged, or its link dropped)."""


def command(*words: str) -> str:
    """A shell command line with every word quoted: phone and profile strings never run as shell syntax."""
    return shlex.join(words)


def unavailable(result: CommandResult, manual: Message) -> Fact[Any]:
    """An unknown fact explaining why the command gave no answer, and what to check by hand instead."""
    if result.missing:
        note = msg("android.tool_missing", tool=result.tool, manual=manual)
    elif result.status is None:
        note = msg("android.no_answer", problem=result.problem, manual=manual)
    else:
        detail = (result.stderr or result.stdout).strip().splitlines()
        note = msg(
            "android.exit_status",
            status=result.status,
            output=detail[0][:120] if detail else "",
            manual=manual,
        )
    return Fact.unknown(result.command, note)
