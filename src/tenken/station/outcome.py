"""What a run over phones adds up to for a script: the exit code of `inspect`, `watch --once` and
`report` (docs/json.md). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from tenken.errors import EXIT_FLAGGED, EXIT_HOLD, EXIT_NO_PHONE, EXIT_NOT_ASKED, EXIT_OK
from tenken.facts import DeviceState
from tenken.inspection import Inspection, Level

READ_FAILED = frozenset({DeviceState.ERROR, DeviceState.TIMEOUT, DeviceState.UNPLUGGED})


def exit_code(
    inspections: Sequence[Inspection], channel: str, missing: Sequence[str] = (), transport_down: bool = False
) -> int:
    """1 blocked or parts, before 3 could not ask or read, before 4 nothing attached, before 2 held."""
    levels = [
        inspection.verdicts[channel].level for inspection in inspections if channel in inspection.verdicts
    ]
    if any(level in (Level.BLOCKED, Level.PARTS_ONLY) for level in levels):
        return EXIT_FLAGGED
    if transport_down or unread_carrier(inspections) or read_failed(inspections):
        return EXIT_NOT_ASKED
    if missing or not inspections:
        return EXIT_NO_PHONE
    if any(level is Level.HOLD for level in levels):
        return EXIT_HOLD
    return EXIT_OK


def unread_carrier(inspections: Sequence[Inspection]) -> bool:
    """Some carrier could not be read (down, CAPTCHA, page changed) for some phone."""
    return any(
        asked.result is not None and not asked.result.outcome.is_mark
        for inspection in inspections
        for asked in inspection.asked
    )


def read_failed(inspections: Sequence[Inspection]) -> bool:
    return any(inspection.facts.state in READ_FAILED for inspection in inspections)
