"""The command line: the only module that talks to a person. Errors become one clear line here.

Heavy libraries (pymobiledevice3, adbutils, httpx, SQLAlchemy) are imported inside the commands that
use them so that `tenken --help` stays quick.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from tenken import __version__
from tenken.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NO_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    TenkenError,
    UsageError,
)

if TYPE_CHECKING:
    from tenken.config import Settings
    from tenken.facts import Message
    from tenken.report.labels import Lang
    from tenken.verdict.policy import Policy

T = TypeVar("T")

log = logging.getLogger("tenken")


class AppContext:
    """Per-invocation state: global options and lazily loaded settings."""

    def __init__(self, config_path: Path | None, db: str | None, verbose: int, lang: str | None) -> None:
        self.config_path = config_path
        self.db = db
        self.verbose = verbose
        self.lang_option = lang
        self._settings: Settings | None = None

    def policy(self, path: Path | None = None) -> Policy:
        """The policy in effect: --policy, else the `policy` setting, else the one shipped with tenken."""
        from tenken.verdict.policy import load_policy

        chosen = path or (Path(self.settings.policy).expanduser() if self.settings.policy else None)
        return load_policy(chosen)

    def words(self, message: Message) -> str:
        """A message in the user's language, made safe for a terminal (it may quote outside strings)."""
        from tenken.report.inert import visible
        from tenken.report.labels import render

        return visible(render(message, self.lang))

    def policy_with(self, path: Path | None, channel: str) -> Policy:
        """The policy in effect, which must have the sales channel `--channel` names."""
        policy = self.policy(path)
        if channel not in policy.channels:
            raise UsageError(f"--channel {channel!r}: the policy has {', '.join(policy.channels)}")
        return policy

    def use_transports(self, usbmux: str | None, adb_port: int | None) -> None:
        """--usbmux and --adb-port over the configuration."""
        if usbmux:
            self.settings.ios.usbmux = usbmux
        if adb_port:
            self.settings.android.adb_port = adb_port

    @property
    def lang(self) -> Lang:
        """--lang, else the `lang` setting (TENKEN_LANG), else the locale (LANG=ja_JP.UTF-8 → Japanese)."""
        from tenken.report.labels import language

        return language(self.lang_option or self.settings.lang)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from tenken import config

            settings = config.load(self.config_path)
            if self.db:
                settings.db = self.db
            self._settings = settings
        return self._settings


pass_app = click.make_pass_decorator(AppContext)


def fail(message: str, code: int) -> NoReturn:
    """Print one line to stderr and exit."""
    click.echo(f"tenken: {one_line(message)}", err=True)
    sys.exit(code)


def one_line(message: str) -> str:
    """A message as one line: what a technician reads, never a wall of text, and never a terminal control
    sequence (errors quote files, profiles and what phones and servers said)."""
    from tenken.report.terminal import visible

    return visible(" ".join(message.split()))


def _words(error: TenkenError) -> str:
    """An error's one line: its message in the user's language when it was raised with a code."""
    from tenken.facts import Message

    said = error.said
    if not isinstance(said, Message):
        return str(error)
    from tenken.report.labels import language, render

    app = _APP[0] if _APP else None
    try:
        lang = app.lang if app is not None else language(None)
    except TenkenError:
        lang = language(None)
    return render(said, lang)


_APP: list[AppContext] = []  # the running command's context, for saying an error in its language


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@dataclass(frozen=True, slots=True)
class Entry:
    """A command: where it lives (imported only when invoked) and its one-line help, as a message code."""

    module: str
    attribute: str
    help: str  # the code of its one-line help in report/labels.py (`tenken --help` lists it in words)


COMMANDS: dict[str, Entry] = {
    "inspect": Entry("tenken.commands.inspect", "inspect", "help.inspect"),
    "watch": Entry("tenken.commands.watch", "watch", "help.watch"),
    "serve": Entry("tenken.commands.serve", "serve", "help.serve"),
    "user": Entry("tenken.commands.user", "user_group", "help.user"),
    "record": Entry("tenken.commands.record", "record", "help.record"),
    "handoff": Entry("tenken.commands.handoff", "handoff", "help.handoff"),
    "recheck": Entry("tenken.commands.recheck", "recheck", "help.recheck"),
    "lookup": Entry("tenken.commands.lookup", "lookup", "help.lookup"),
    "evidence": Entry("tenken.commands.evidence", "evidence", "help.evidence"),
    "certificate": Entry("tenken.commands.certificate", "certificate", "help.certificate"),
    "verify": Entry("tenken.commands.certificate", "verify", "help.verify"),
    "label": Entry("tenken.commands.label", "label", "help.label"),
    "history": Entry("tenken.commands.history", "history", "help.history"),
    "export": Entry("tenken.commands.export", "export", "help.export"),
    "report": Entry("tenken.commands.report", "report", "help.report"),
    "policy": Entry("tenken.commands.policy", "policy_group", "help.policy"),
    "schema": Entry("tenken.commands.schema", "schema_command", "help.schema"),
    "doctor": Entry("tenken.commands.doctor", "doctor", "help.doctor"),
    "udev": Entry("tenken.commands.udev", "udev_group", "help.udev"),
    "config": Entry("tenken.commands.config", "config_command", "help.config"),
    "demo": Entry("tenken.commands.demo", "demo", "help.demo"),
    "sim": Entry("tenken.cli", "sim", "help.sim"),
}
SIMULATORS: dict[str, Entry] = {
    "carriers": Entry("tenken.commands.sim_carriers", "command", "help.sim_carriers"),
    "ios": Entry("tenken.commands.sim_ios", "command", "help.sim_ios"),
    "android": Entry("tenken.commands.sim_android", "command", "help.sim_android"),
}


class LazyGroup(click.Group):
    """A group whose subcommands live in other modules and are imported only when invoked."""

    def __init__(self, *args: Any, lazy: dict[str, Entry] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is not None:
            command: click.Command = getattr(importlib.import_module(entry.module), entry.attribute)
            return helped(command)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing lazy commands would import them; their one-line help comes from the catalog instead.
        from tenken.report.labels import label

        lang = help_language(ctx)
        rows = [(name, label(entry.help, lang)) for name, entry in self.lazy.items()]
        if rows:
            with formatter.section(label("help.commands", lang)):
                formatter.write_dl(rows)


class HelpContext(click.Context):
    """A command's context whose --help is written in the user's language (report/help_ja.py holds the
    Japanese of every help text, keyed by its English)."""

    formatter_class = click.HelpFormatter

    def get_help(self) -> str:
        lang = help_language(self)
        if lang == "ja":
            from tenken.commands.help_ja import in_japanese

            with in_japanese(self.command):
                return super().get_help()
        return super().get_help()

    def make_formatter(self) -> click.HelpFormatter:
        if help_language(self) != "ja":
            return super().make_formatter()
        from tenken.commands.help_ja import JapaneseHelpFormatter

        return JapaneseHelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


def helped(command: click.Command) -> click.Command:
    """The command (and every subcommand of a group) with the context that writes --help in the user's
    language."""
    command.context_class = HelpContext
    if isinstance(command, click.Group) and not isinstance(command, LazyGroup):
        for sub in command.commands.values():
            helped(sub)
    return command


def help_language(ctx: click.Context) -> Lang:
    """The language of --help: `--lang` when it came before --help, else the setting or the locale."""
    from tenken.report.labels import language

    chosen = ctx.find_root().meta.get(LANG_KEY)
    return language(chosen or os.environ.get("TENKEN_LANG") or None)


LANG_KEY = "tenken.lang"


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        ctx.meta[LANG_KEY] = value
    return value


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": None},
)
@click.version_option(__version__, prog_name="tenken")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: the platform config dir's tenken/config.toml).",
)
@click.option("--db", help="Database: a SQLite file path or a SQLAlchemy URL (postgresql://…).")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    is_eager=True,  # read before --help, so that `tenken --lang ja --help` is in Japanese
    callback=_remember_lang,
    help="Language of what tenken prints (default: from the locale; LANG=ja_JP.UTF-8 gives Japanese).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db: str | None, verbose: int, lang: str | None) -> None:
    """tenken (点検): inspect used phones and tell whether they can be sold, and why."""
    from tenken.config import named_file_exists

    named_file_exists(config_path)  # for every command, one that reads no setting too
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    app = AppContext(config_path, db, verbose, lang)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogLines(app))
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = app
    _APP[:] = [app]


class LogLines(logging.Formatter):
    """What the log says on stderr. A notice (a warning that carries a Message as `notice`: something a
    person must know, such as why the spool stays) is one `tenken: …` line in their language; every
    other record is `LEVEL logger: text`. Any credential a URL or a connection string in it carries is
    masked (`-v` shows the URLs httpx requests, with their userinfo and query)."""

    def __init__(self, app: AppContext) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.app = app

    def format(self, record: logging.LogRecord) -> str:
        from tenken.facts import Message
        from tenken.store.urls import masked_in

        notice = getattr(record, "notice", None)
        if isinstance(notice, Message) and record.levelno >= logging.WARNING:
            from tenken.report.labels import render

            return f"tenken: {one_line(masked_in(render(notice, self._lang())))}"
        return masked_in(super().format(record))

    def _lang(self) -> Lang:
        try:
            return self.app.lang
        except TenkenError:  # the settings cannot be read: a notice is still said
            return "en"


@click.group(cls=LazyGroup, lazy=SIMULATORS)
def sim() -> None:
    """Simulators that speak the real protocols, on 127.0.0.1 only."""


cli.context_class = HelpContext
sim.context_class = HelpContext


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every error becomes one line on stderr and its documented exit code.

    The mapping lives here and in tenken.errors (each error class carries its exit code); no
    user-facing path prints a traceback (`-vv` logs one for an internal error).
    """
    try:
        cli.main(args=argv, prog_name="tenken", standalone_mode=False)
    except click.exceptions.Abort:
        fail("aborted", EXIT_INTERRUPTED)
    except click.FileError as error:
        fail(error.format_message(), EXIT_NO_INPUT)
    except click.UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx is not None else ""
        fail(error.format_message() + hint, EXIT_USAGE)
    except click.ClickException as error:
        fail(error.format_message(), EXIT_USAGE if error.exit_code == 2 else error.exit_code)
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
    except TenkenError as error:
        fail(_words(error), error.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as error:  # a bug: say so in one line; the trace only when asked for
        log.debug("internal error", exc_info=True)
        fail(
            f"internal error ({type(error).__name__}: {error}); run with -vv for details and report it",
            EXIT_INTERNAL,
        )
    sys.exit(EXIT_OK)


def emit_json(payload: Any) -> None:
    """Print a `--json` document (report/json_output.py): codes, English text, schema version."""
    from tenken.report.json_output import dumps

    click.echo(dumps(payload))
