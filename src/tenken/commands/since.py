"""`--since` for history, export and recheck (and recheck's `--older-than`): a span back from now (`7d`,
`12h`, `30m`, `2w`, `90s`; a bare number is seconds, so `0` is now), or a day or a moment (`2026-11-01` is
midnight in Japan; `2026-11-01T09:00+09:00` as written, JST when no offset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

_SPAN = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"": "seconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def span_of(text: str) -> timedelta | None:
    """The span `text` names (`12h`), or None when it names a day or a moment."""
    span = _SPAN.match(text)
    return timedelta(**{_UNITS[span.group(2).lower()]: int(span.group(1))}) if span else None


def parse_since(text: str, now: datetime | None = None) -> datetime:
    from tenken.report.labels import JST

    now = now or datetime.now(UTC)
    span = span_of(text)
    if span is not None:
        return now - span
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected a span such as 7d, 12h, 30m, 2w, or a date such as 2026-11-01"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=JST)).astimezone(UTC)
