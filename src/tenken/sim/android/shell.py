"""A small POSIX-shell subset: what adb clients send to a phone, run against simulated tools.

Supported: words with '…', "…" and backslash quoting, `$?` and `${?}`, pipelines `|`, lists with `;`,
`&&`, `||`, redirections `>FILE`, `2>FILE`, `2>&1`, `>&2` (only /dev/null is a file here) and `<` from
/dev/null. That covers adbutils' `cmd; echo X4EXIT:$?`, `getprop | grep …` and the `service call … |
cut … | tr …` idioms. Anything else is a syntax error (exit 2), an unknown command exits 127.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

SHELL = "/system/bin/sh"


@dataclass(frozen=True, slots=True)
class Output:
    stdout: bytes = b""
    stderr: bytes = b""
    status: int = 0


# A tool gets its argv (argv[0] is the name) and stdin, and returns its output.
Tool = Callable[[list[str], bytes], Output]


class ShellSyntaxError(ValueError):
    pass


# --------------------------------------------------------------------------------------------- lexing


@dataclass(slots=True)
class Word:
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, expandable)

    def expand(self, status: int) -> str:
        return "".join(
            text.replace("${?}", str(status)).replace("$?", str(status)) if expandable else text
            for text, expandable in self.parts
        )


_OPERATORS = ("&&", "||", "2>&1", ">&2", "2>", ">>", ";", "|", ">", "<", "&")


def tokenize(line: str) -> list[Word | str]:
    """Words and operator strings."""
    tokens: list[Word | str] = []
    word: Word | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if char in " \t\n":
            if word is not None:
                tokens.append(word)
                word = None
            index += 1
            continue
        if word is None:
            operator = next((op for op in _OPERATORS if line.startswith(op, index)), None)
            if operator is not None:
                tokens.append(operator)
                index += len(operator)
                continue
        elif char in ";|&<>":
            tokens.append(word)
            word = None
            continue
        if word is None:
            word = Word()
        if char == "'":
            end = line.find("'", index + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated '")
            word.parts.append((line[index + 1 : end], False))
            index = end + 1
        elif char == '"':
            index += 1
            text = []
            while index < len(line) and line[index] != '"':
                if line[index] == "\\" and index + 1 < len(line) and line[index + 1] in '"\\$`':
                    index += 1
                text.append(line[index])
                index += 1
            if index >= len(line):
                raise ShellSyntaxError('unterminated "')
            word.parts.append(("".join(text), True))
            index += 1
        elif char == "\\":
            if index + 1 < len(line):
                word.parts.append((line[index + 1], False))
            index += 2
        else:
            start = index
            while index < len(line) and line[index] not in " \t\n'\"\\;|&<>":
                index += 1
            word.parts.append((line[start:index], True))
    if word is not None:
        tokens.append(word)
    return tokens


# --------------------------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class Command:
    words: list[Word] = field(default_factory=list)
    stdout_to: str | None = None  # "/dev/null" or "stderr"
    stderr_to: str | None = None  # "/dev/null" or "stdout"


Pipeline = list[Command]


def parse(line: str) -> list[tuple[str, Pipeline]]:
    """[(connector, pipeline)]: connector is ";" for the first and after `;`, else "&&" / "||"."""
    pieces = tokenize(line)
    lists: list[tuple[str, Pipeline]] = []
    connector = ";"
    pipeline: Pipeline = []
    command = Command()
    index = 0

    def end_command() -> None:
        nonlocal command
        if not command.words:
            raise ShellSyntaxError("syntax error: missing command")
        pipeline.append(command)
        command = Command()

    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if isinstance(piece, Word):
            command.words.append(piece)
        elif piece in (">", ">>", "2>", "<"):
            if index >= len(pieces) or not isinstance(pieces[index], Word):
                raise ShellSyntaxError(f"syntax error: nothing after {piece}")
            target = pieces[index]
            index += 1
            assert isinstance(target, Word)
            path = target.expand(0)
            if path != "/dev/null":
                raise ShellSyntaxError(f"{path}: read-only file system")
            if piece == "2>":
                command.stderr_to = "/dev/null"
            elif piece != "<":
                command.stdout_to = "/dev/null"
        elif piece == "2>&1":
            command.stderr_to = "stdout"
        elif piece == ">&2":
            command.stdout_to = "stderr"
        elif piece == "|":
            end_command()
        elif piece in (";", "&&", "||", "&"):
            if command.words or pipeline:
                end_command()
                lists.append((connector, pipeline))
                pipeline = []
            elif piece != ";":
                raise ShellSyntaxError(f"syntax error: unexpected {piece}")
            connector = ";" if piece in (";", "&") else piece
    if command.words:
        end_command()
    if pipeline:
        lists.append((connector, pipeline))
    elif connector in ("&&", "||"):
        raise ShellSyntaxError(f"syntax error: nothing after {connector}")
    return lists


# --------------------------------------------------------------------------------------------- running


def not_found(name: str) -> Output:
    return Output(stderr=f"{SHELL}: {name}: inaccessible or not found\n".encode(), status=127)


@dataclass
class Shell:
    """Runs one command line against a table of tools."""

    tools: dict[str, Tool]
    status: int = 0
    on_command: Callable[[str], None] | None = None  # sees every tool name run
    outputs: Mapping[str, Output] = field(default_factory=dict)  # whole command lines answered as given

    def run(self, line: str) -> Output:
        try:
            lists = parse(line)
        except ShellSyntaxError as error:
            return Output(stderr=f"{SHELL}: {error}\n".encode(), status=2)
        stdout = bytearray()
        stderr = bytearray()
        for connector, pipeline in lists:
            if connector == "&&" and self.status != 0:
                continue
            if connector == "||" and self.status == 0:
                continue
            result = self._pipeline(pipeline)
            stdout += result.stdout
            stderr += result.stderr
            self.status = result.status
        return Output(bytes(stdout), bytes(stderr), self.status)

    def _pipeline(self, pipeline: Pipeline) -> Output:
        data = b""
        errors = bytearray()
        result = Output()
        for command in pipeline:
            argv = [word.expand(self.status) for word in command.words]
            result = self._command(argv, data)
            out, err = result.stdout, result.stderr
            if command.stderr_to == "stdout":
                out, err = out + err, b""
            elif command.stderr_to == "/dev/null":
                err = b""
            if command.stdout_to == "stderr":
                out, err = b"", err + out
            elif command.stdout_to == "/dev/null":
                out = b""
            data = out
            errors += err
        return Output(data, bytes(errors), result.status)

    def _command(self, argv: list[str], stdin: bytes) -> Output:
        name = argv[0]
        if self.on_command is not None:
            self.on_command(name)
        captured = self.outputs.get(shlex.join(argv))
        if captured is not None:
            return captured
        tool = self.tools.get(name.rsplit("/", 1)[-1] if name.startswith("/system/") else name)
        if tool is None:
            return not_found(name)
        return tool(argv, stdin)
