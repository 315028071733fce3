"""The few toybox text tools adb clients pipe phone output through: echo, cat, grep, cut, tr, head, tail, wc."""

from __future__ import annotations

import re

from tenken.sim.android.shell import Output, Tool


def _usage(name: str, message: str) -> Output:
    return Output(stderr=f"{name}: {message}\n".encode(), status=1)


def echo(argv: list[str], stdin: bytes) -> Output:
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline = False
        args = args[1:]
    return Output((" ".join(args) + ("\n" if newline else "")).encode())


def true(argv: list[str], stdin: bytes) -> Output:
    return Output()


def false(argv: list[str], stdin: bytes) -> Output:
    return Output(status=1)


def cat(argv: list[str], stdin: bytes) -> Output:
    if len(argv) > 1 and argv[1] != "-":
        return Output(stderr=f"cat: {argv[1]}: Permission denied\n".encode(), status=1)
    return Output(stdin)


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines()


def _joined(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def grep(argv: list[str], stdin: bytes) -> Output:
    ignore_case = invert = fixed = count = quiet = only = False
    patterns: list[str] = []
    args = argv[1:]
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flag = args.pop(0)
        if flag == "-e":
            if not args:
                return _usage("grep", "-e needs a pattern")
            patterns.append(args.pop(0))
            continue
        for letter in flag[1:]:
            if letter == "i":
                ignore_case = True
            elif letter == "v":
                invert = True
            elif letter == "F":
                fixed = True
            elif letter == "c":
                count = True
            elif letter == "q":
                quiet = True
            elif letter == "o":
                only = True
            elif letter != "E":
                return Output(stderr=f"grep: Unknown option '{letter}'\n".encode(), status=2)
    if not patterns:
        if not args:
            return Output(stderr=b"grep: Need 1 argument\n", status=2)
        patterns.append(args.pop(0))
    if args:
        return Output(stderr=f"grep: {args[0]}: Permission denied\n".encode(), status=2)
    flags = re.IGNORECASE if ignore_case else 0
    try:
        compiled = [re.compile(re.escape(p) if fixed else p, flags) for p in patterns]
    except re.error as error:
        return Output(stderr=f"grep: bad regex: {error}\n".encode(), status=2)
    matched: list[str] = []
    for line in _lines(stdin):
        hits = [m for pattern in compiled for m in pattern.finditer(line)]
        if bool(hits) != invert:
            matched.extend([m.group(0) for m in hits] if only and not invert else [line])
    status = 0 if matched else 1
    if quiet:
        return Output(status=status)
    if count:
        return Output(f"{len(matched)}\n".encode(), status=status)
    return Output(_joined(matched), status=status)


def _ranges(spec: str) -> list[tuple[int, int]]:
    ranges = []
    for part in spec.split(","):
        start, _, end = part.partition("-")
        low = int(start) if start else 1
        high = (int(end) if end else 1 << 30) if "-" in part else low
        ranges.append((low, high))
    return ranges


def cut(argv: list[str], stdin: bytes) -> Output:
    delimiter = "\t"
    fields: str | None = None
    chars: str | None = None
    args = argv[1:]
    while args:
        arg = args.pop(0)
        for option in ("-d", "-f", "-c"):
            if arg.startswith(option):
                value = arg[2:] if len(arg) > 2 else (args.pop(0) if args else "")
                if option == "-d":
                    delimiter = value[:1]
                elif option == "-f":
                    fields = value
                else:
                    chars = value
                break
        else:
            return _usage("cut", f"{arg}: Permission denied")
    spec = fields if fields is not None else chars
    if spec is None:
        return _usage("cut", "Needs -fcb")
    try:
        ranges = _ranges(spec)
    except ValueError:
        return _usage("cut", f"bad list {spec!r}")
    out = []
    for line in _lines(stdin):
        if chars is not None:
            out.append("".join(line[low - 1 : high] for low, high in ranges))
            continue
        parts = line.split(delimiter)
        if len(parts) == 1:
            out.append(line)
            continue
        picked = [
            part for number, part in enumerate(parts, 1) if any(lo <= number <= hi for lo, hi in ranges)
        ]
        out.append(delimiter.join(picked))
    return Output(_joined(out))


_CLASSES = {
    "[:space:]": " \t\n\r\f\v",
    "[:digit:]": "0123456789",
    "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
}


def _tr_set(spec: str) -> str:
    for name, members in _CLASSES.items():
        spec = spec.replace(name, members)
    spec = spec.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r")
    expanded: list[str] = []
    index = 0
    while index < len(spec):
        if index + 2 < len(spec) and spec[index + 1] == "-":
            expanded.extend(chr(code) for code in range(ord(spec[index]), ord(spec[index + 2]) + 1))
            index += 3
        else:
            expanded.append(spec[index])
            index += 1
    return "".join(expanded)


def tr(argv: list[str], stdin: bytes) -> Output:
    args = argv[1:]
    text = stdin.decode("utf-8", "replace")
    if args and args[0] == "-d" and len(args) == 2:
        drop = set(_tr_set(args[1]))
        return Output("".join(char for char in text if char not in drop).encode())
    if len(args) == 2:
        source, target = _tr_set(args[0]), _tr_set(args[1])
        if not target:
            return _usage("tr", "empty set")
        target = target.ljust(len(source), target[-1])
        return Output(text.translate(str.maketrans(source, target[: len(source)])).encode())
    return _usage("tr", "needs 1 or 2 sets")


def _count(argv: list[str]) -> int | None:
    args = argv[1:]
    if not args:
        return 10
    if args[0] == "-n" and len(args) == 2:
        args = [args[1]]
    elif args[0].startswith("-n"):
        args = [args[0][2:]]
    elif args[0].startswith("-"):
        args = [args[0][1:]]
    try:
        return int(args[0])
    except ValueError:
        return None


def head(argv: list[str], stdin: bytes) -> Output:
    count = _count(argv)
    if count is None:
        return _usage("head", "bad count")
    return Output(_joined(_lines(stdin)[:count]))


def tail(argv: list[str], stdin: bytes) -> Output:
    count = _count(argv)
    if count is None:
        return _usage("tail", "bad count")
    lines = _lines(stdin)
    return Output(_joined(lines[-count:] if count else []))


def wc(argv: list[str], stdin: bytes) -> Output:
    lines = stdin.count(b"\n")
    if argv[1:] == ["-l"]:
        return Output(f"{lines}\n".encode())
    if argv[1:] == ["-c"]:
        return Output(f"{len(stdin)}\n".encode())
    words = len(stdin.split())
    return Output(f"{lines:>7} {words:>7} {len(stdin):>7}\n".encode())


TOOLS: dict[str, Tool] = {
    "echo": echo,
    "true": true,
    "false": false,
    "cat": cat,
    "grep": grep,
    "cut": cut,
    "tr": tr,
    "head": head,
    "tail": tail,
    "wc": wc,
}
