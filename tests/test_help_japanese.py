"""`--help` in Japanese: every help text of every command has its Japanese, and what `tenken --lang ja
CMD --help` prints holds no English prose — only names, commands, options, paths and codes."""

from __future__ import annotations

import re

import pytest

from tenken.cli import cli
from tenken.commands.help_ja import help_texts, japanese
from tenken.commands.record import FACTS
from tenken.sim.carriers import FAULTS
from tests.conftest import run_cli

# Words that stay as they are in Japanese text: product and protocol names, units, codes, and what a
# person types (commands, options, values of options, setting names).
KEPT = {
    "tenken", "iPhone", "iPhones", "Android", "IMEI", "IMEIs", "IMEISV", "IMEISVs", "UDID", "SIM", "MDM", "FRP",
    "USB", "JST", "UTC", "HTTP", "PDF", "CSV", "JSON", "HTML", "TOML", "URL", "QR", "TCP", "API", "CRLF",
    "SQLite", "SQLAlchemy", "PostgreSQL", "Chromium", "Excel", "LibreOffice", "Webhook", "cron", "systemd",
    "usbmuxd", "adb", "adbd", "adbutils", "udev", "getprop", "ideviceinfo", "plist", "root", "sha256",
    "docomo", "au", "softbank", "rakuten", "SoftBank", "Rakuten", "KDDI", "NTT", "CAPTCHA", "BOM", "UTF",
    "cp932", "xlsx", "jsonl", "schema", "stdout", "stdin", "Ctrl", "SIGTERM", "JavaScript", "ANDROID_SERIAL",
    "HOST", "PORT", "FILE", "DIRECTORY", "TEXT", "INTEGER", "FLOAT", "OPTIONS", "COMMAND", "ARGS",
    "PATH", "MODE", "NAME", "IMEI|SERIAL|INSPECTION_ID", "FACT", "VALUES", "Schema", "A4",
    "SELLABLE", "SELLABLE_WITH_DISCLOSURE", "HOLD", "PARTS_ONLY", "BLOCKED", "retail", "flea_market", "parts",
    "pending", "unknown", "ok", "restricted", "locked", "unlocked", "on", "off", "yes", "no", "none",
    "maru", "sankaku", "batsu", "o", "x", "Find", "My", "Wi", "Fi", "CARRIER", "MARK", "SERIAL",
    "ID", "OS", "Lines", "utf", "csv", "json", "postgresql", "first_reason", "all", "imei",
    "attach", "detach", "unplug", "list", "quit", "PROFILE",  # sim android's standard-input commands
}  # fmt: skip
KEPT |= set(FAULTS) | {part for fault in FAULTS for part in fault.split("-")}  # sim carriers --fault
KEPT |= {part for fact in FACTS for part in fact.split("-")} | {"mark"}  # tenken record FACT
KEPT |= {
    "grade",
    "erasure",
    "checked",
    "scale",
    "NG",
    "RMJ",
    "FeliCa",
}  # record grade / erasure, [grade] scale
# A run of Latin letters in a help text, outside `code`, options (--x), settings (a.b), paths and URLs.
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
CODE = re.compile(
    r"0x[0-9A-Fa-f]+|`[^`]*`|--?[\w-]+|[\w.-]+/[\w./-]*|\[[^\]]*\]|\$?[A-Z_]{3,}\w*|[\w-]+\.[\w.-]+|\w+=\S+"
)


def english_words(text: str) -> set[str]:
    return {word for word in WORD.findall(CODE.sub(" ", text)) if word not in KEPT | COMMAND_NAMES}


def test_every_help_text_has_its_japanese() -> None:
    missing = sorted({where for where, text in help_texts(cli) if japanese(text) is None})
    assert not missing, f"no Japanese in commands/help_ja.py for: {missing}"


def test_every_japanese_help_text_is_in_japanese() -> None:
    for where, text in help_texts(cli):
        translated = japanese(text) or ""
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", translated), where
        assert not english_words(translated), (where, english_words(translated))


def _commands(command: object = cli, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import click

    found = [path]
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            found += _commands(command.get_command(context, name), (*path, name))
    return found


COMMAND_NAMES = {name for path in _commands() for name in path}


@pytest.mark.parametrize("path", _commands(), ids=lambda path: " ".join(path) or "tenken")
def test_help_in_japanese_holds_no_english_prose(path: tuple[str, ...]) -> None:
    shown = run_cli(["--lang", "ja", *path, "--help"], {"LANG": "C", "TENKEN_LANG": ""})
    assert shown.exit_code == 0, shown.stderr
    assert "使い方:" in shown.stdout and ("オプション:" in shown.stdout)
    assert not english_words(shown.stdout.replace("使い方: ", "")), english_words(shown.stdout)
    english = run_cli([*path, "--help"], {"LANG": "C", "TENKEN_LANG": ""}).stdout
    assert "Usage:" in english and "Options:" in english  # and English stays English
