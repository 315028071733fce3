"""JSON for scripts: stable codes, the English text beside each message, and the schema version."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tenken.facts import SCHEMA_VERSION, Message
from tenken.report.labels import render


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"code": value.code, "params": value.params, "text": render(value, "en")}
    if isinstance(value, datetime):  # a message's parameter (when an earlier inspection was read): ISO 8601
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(payload: Any) -> str:
    """The payload as indented JSON; non-ASCII kept (Japanese stays readable), messages with text."""
    return json.dumps(payload, ensure_ascii=False, indent=2, default=_encode)


def document(**fields: Any) -> dict[str, Any]:
    """The top-level object every `--json` prints: the schema version first, then the fields."""
    return {"schema_version": SCHEMA_VERSION, **fields}
