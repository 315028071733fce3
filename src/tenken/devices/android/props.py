"""`getprop` output → a property map, read leniently (values may span lines, line ends may be CRLF)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_LINE = re.compile(r"^\[(?P<key>[^\]]+)\]: \[(?P<rest>.*)$")


def parse_getprop(text: str) -> dict[str, str]:
    """Every `[key]: [value]` entry. A value that does not close on its line runs on until a line ends in `]`."""
    props: dict[str, str] = {}
    pending_key: str | None = None
    pending: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if pending_key is not None:
            if _LINE.match(line):
                # A new entry starts: the previous value never closed; keep what we saw.
                props[pending_key] = "\n".join(pending)
                pending_key = None
            else:
                pending.append(line)
                if line.endswith("]"):
                    props[pending_key] = "\n".join(pending)[:-1]
                    pending_key = None
                continue
        found = _LINE.match(line)
        if found is None:
            continue
        key, rest = found.group("key"), found.group("rest")
        if rest.endswith("]"):
            props[key] = rest[:-1]
        else:
            pending_key, pending = key, [rest]
    if pending_key is not None:
        props[pending_key] = "\n".join(pending)
    return props


def slots(props: Mapping[str, str], key: str) -> list[str]:
    """A per-SIM-slot property ("READY,ABSENT") as a list, one entry per slot."""
    value = props.get(key, "")
    return [item.strip() for item in value.split(",")] if value else []


SLOT_CONFIGS = {"dsds": 2, "dsda": 2, "tsts": 3}  # persist.radio.multisim.config


def slot_count(props: Mapping[str, str]) -> int:
    """SIM slots the phone has, from its multi-SIM configuration, SIM states and telephony count."""
    configured = SLOT_CONFIGS.get(props.get("persist.radio.multisim.config", "").strip().lower())
    count = props.get("ro.telephony.sim.count", "")
    return max(configured or 1, len(slots(props, "gsm.sim.state")), int(count) if count.isdigit() else 1)


def sdk_level(props: Mapping[str, str]) -> int | None:
    try:
        return int(props.get("ro.build.version.sdk", ""))
    except ValueError:
        return None


def first(props: Mapping[str, str], *keys: str) -> tuple[str, str] | None:
    """(key, value) of the first property that is set and not empty."""
    for key in keys:
        value = props.get(key, "").strip()
        if value:
            return key, value
    return None
