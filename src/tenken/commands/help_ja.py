"""`--help` in Japanese: every command's and option's help, keyed by its English (as gettext keys a
message by its source text). The English stays beside the code that it explains; a test finds every help
text of every command and checks that it has its Japanese here, so a new option cannot ship in English
only. Commands, options, paths and codes inside a text stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

# click's own headings and prefixes (it writes them in English)
HEADINGS = {"Options": "オプション", "Commands": "コマンド", "Arguments": "引数"}
USAGE = "使い方: "

HELP_JA: dict[str, str] = {}


def in_japanese(command: click.Command) -> None:
    """Put the command's help and its options' help in Japanese (the process prints its help and ends)."""
    if command.help:
        command.help = HELP_JA.get(command.help, command.help)
    if command.short_help:
        command.short_help = HELP_JA.get(command.short_help, command.short_help)
    for param in command.params:
        text = getattr(param, "help", None)
        if isinstance(param, click.Option) and text:
            param.help = HELP_JA.get(text, text)


def help_texts(command: click.Command, path: str = "tenken") -> Iterator[tuple[str, str]]:
    """(where, English text) for every help text of a command and its subcommands, as --help shows them."""
    if command.help:
        yield path, command.help
    for param in command.params:
        text = getattr(param, "help", None)
        if isinstance(param, click.Option) and text:
            yield f"{path} {param.opts[0]}", text
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                yield from help_texts(sub, f"{path} {name}")


class JapaneseHelpFormatter(click.HelpFormatter):
    """click's formatter with its headings and the usage prefix in Japanese."""

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


# tenken export's options for the workbook, --latest and --excel (a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "xlsx: an Excel workbook (IMEIs as text, dates as dates; needs --out).": "xlsx：Excelブック"
        "（IMEIは文字列、日時は日付として。--out が必要）。",
        "File to write (default: stdout; `-` for stdout with xlsx).": "出力するファイル（既定：標準出力。"
        "xlsx を標準出力に書くには `-`）。",
        "One row per phone (by serial, else IMEI): its newest inspection, as a listing wants.": "端末ごとに1行"
        "（シリアル番号、なければIMEIで判別）：出品一覧向けに最新の点検だけを出力します。",
        "CSV only: start each identifier (IMEI, serial, stock and model number, inspection id) with a tab, so "
        "that Excel keeps it as text instead of 3.53915E+14 (docs/reports.md).": "CSVのみ：識別子（IMEI、"
        "シリアル番号、管理番号、型番、点検ID）の先頭にタブを付け、Excelが 3.53915E+14 のような数値に"
        "変えず文字列のまま表示するようにします（docs/reports.md）。",
    }
)


# tenken record's --new and --what, tenken certificate's --by (a block of its own, to keep merges easy)
HELP_JA.update(
    {
        "The phone is one tenken has not seen yet (no inspection, answer or recorded fact names it).": "まだ"
        "tenkenが扱っていない端末です（点検・キャリア回答・記録のどれにも載っていない端末を記録するとき）。",
        "What was read, and where (default: where this phone's platform and maker show it).": "何をどこで"
        "読み取ったか（既定：この端末のOSとメーカーでその項目が表示される場所）。",
        "The technician (担当者) on it (default: the user running tenken).": "証明書に載せる担当者（既定："
        "tenkenを実行しているユーザー）。",
    }
)
