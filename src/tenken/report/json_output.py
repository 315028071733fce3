"""JSON for scripts: stable codes, the English text beside each message, and the schema version."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tenken.facts import SCHEMA_VERSION, Message
from tenken.report.inert import json_text
from tenken.report.labels import render


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"code": value.code, "params": value.params, "text": render(value, "en")}
    if isinstance(value, datetime):  # a message's parameter (when an earlier inspection was read): ISO 8601
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(payload: Any, indent: int | None = 2) -> str:
    """The payload as JSON (indented, unless `indent` is None: one line); non-ASCII kept (Japanese stays
    readable), messages with text. Control characters are escapes (`\\u001b`, `\\u009b`): the same values,
    inert on a terminal."""
    return json_text(json.dumps(payload, ensure_ascii=False, indent=indent, default=_encode))


def document(**fields: Any) -> dict[str, Any]:
    """The top-level object every `--json` prints: the schema version first, then the fields."""
    return {"schema_version": SCHEMA_VERSION, **fields}


class JsonStream:
    """A `--json` document written as it grows, for batches too large to hold: the schema version and
    `fields` first, then the items of the list `key` one at a time, then the closing fields. The same
    text `dumps(document(…))` gives, and valid JSON whenever it is closed, also early (interrupted)."""

    def __init__(self, write: Callable[[str], object], key: str, **fields: Any) -> None:
        self._write = write
        self._count = 0
        head = dumps(document(**fields, **{key: []}))
        self._write(head[: head.rindex("[]") + 1])  # up to the list's opening bracket

    def add(self, item: Any) -> None:
        text = dumps(item).replace("\n", "\n    ")  # JSON strings hold no raw newline
        self._write(f"{',' if self._count else ''}\n    {text}")
        self._count += 1

    def close(self, **fields: Any) -> None:
        tail = "".join(
            f",\n  {dumps(name)}: {dumps(value).replace(chr(10), chr(10) + '  ')}"
            for name, value in fields.items()
        )
        self._write(("\n  ]" if self._count else "]") + tail + "\n}\n")
