"""A sales policy: per channel, the level each condition gets. Data, not code: a shop copies
policy.toml, edits it, adds channels, and points `--policy` or the `policy` setting at it.

Loading checks the file against the schema (levels spelled right, conditions known) and against the
rule tenken never bends: a condition that stands for "not known" is never SELLABLE, and is at least HOLD
where the known-bad case is worse than a disclosure.

A condition a shop's file does not name (one tenken added after the file was written) takes the shipped
policy's level on the channel of the same key, else HOLD; `Policy.filled` lists them, and `tenken policy
check` and `policy show` say so, so that an upgrade never stops a station and never sells what it
could not judge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated

import msgspec

from tenken.errors import PolicyError
from tenken.inspection import Level
from tenken.schema import Schema, convert, parse_toml
from tenken.verdict.conditions import BY_KEY, KEYS


class Title(Schema):
    en: str
    ja: str
    short_en: str = ""  # a column heading on the board; empty: the channel's key
    short_ja: str = ""


class ChannelFile(Schema):
    title: Title
    levels: dict[str, Level] = msgspec.field(default_factory=dict)
    inherit: str = ""  # another channel whose levels this one starts from


class PolicyFile(Schema):
    name: str
    channels: dict[str, ChannelFile]
    # the battery line the trade uses: a measured health below it is battery_worn (「バッテリー劣化」)
    battery_worn_below: Annotated[float, msgspec.Meta(gt=0, le=100)] = 80.0


@dataclass(frozen=True, slots=True)
class Channel:
    key: str
    title_en: str
    title_ja: str
    short_en: str
    short_ja: str
    levels: dict[str, Level]

    def title(self, lang: str, short: bool = False) -> str:
        if short:
            return (self.short_ja if lang == "ja" else self.short_en) or self.key
        return self.title_ja if lang == "ja" else self.title_en


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    sha256: str  # of the file's bytes: an inspection names the exact policy that judged it
    source: str  # the file, or "built in"
    channels: dict[str, Channel]
    text: str  # the file as written (`tenken policy show`)
    battery_worn_below: float = 80.0  # battery health % below which a phone is battery_worn
    filled: dict[str, tuple[str, ...]] = field(default_factory=dict)  # channel → conditions not in the file

    def reference(self) -> dict[str, str]:
        """What names this policy in a JSON document: its name, its file's sha256 and where it came from."""
        return {"name": self.name, "sha256": self.sha256, "source": self.source}


def default_policy_path() -> Path:
    return Path(str(resources.files("tenken.verdict").joinpath("policy.toml")))


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the one shipped with tenken."""
    chosen = path or default_policy_path()
    where = "built-in policy" if path is None else f"policy file {chosen}"
    try:
        raw = chosen.read_bytes()
    except OSError as error:
        raise PolicyError(where, f"cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(where, "not UTF-8 text") from None
    document = convert(parse_toml(text, PolicyError, where), PolicyFile, PolicyError, where)
    shipped = {} if path is None else {key: dict(each.levels) for key, each in load_policy().channels.items()}
    filled: dict[str, tuple[str, ...]] = {}
    channels = {key: _resolve(key, document.channels, where, shipped, filled) for key in document.channels}
    if not channels:
        raise PolicyError(where, "a policy needs at least one channel", "channels")
    return Policy(
        name=document.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        source="built in" if path is None else str(chosen),
        channels=channels,
        text=text,
        battery_worn_below=document.battery_worn_below,
        filled={key: conditions for key, conditions in filled.items() if conditions},
    )


def _resolve(
    key: str,
    channels: dict[str, ChannelFile],
    where: str,
    shipped: dict[str, dict[str, Level]],
    filled: dict[str, tuple[str, ...]],
    seen: tuple[str, ...] = (),
) -> Channel:
    entry = channels[key]
    levels: dict[str, Level] = {}
    if entry.inherit:
        if entry.inherit not in channels:
            raise PolicyError(
                where, f"inherits from unknown channel {entry.inherit!r}", f"channels.{key}.inherit"
            )
        if entry.inherit in (*seen, key):
            raise PolicyError(where, "channels inherit from each other in a loop", f"channels.{key}.inherit")
        levels = dict(_resolve(entry.inherit, channels, where, shipped, filled, (*seen, key)).levels)
    for condition, level in entry.levels.items():
        if condition not in BY_KEY:
            known = ", ".join(KEYS)
            raise PolicyError(
                where, f"unknown condition (known: {known})", f"channels.{key}.levels.{condition}"
            )
        levels[condition] = level
    missing = [condition for condition in KEYS if condition not in levels]
    if missing and not shipped:
        raise PolicyError(where, f"no level for {', '.join(missing)}", f"channels.{key}.levels")
    for condition in missing:  # a condition newer than the file: as shipped, else held
        levels[condition] = shipped.get(key, {}).get(condition, Level.HOLD)
    filled[key] = tuple(missing)
    for condition in KEYS:
        _check_unknown(key, condition, levels, where)
    title = entry.title
    return Channel(
        key, title.en, title.ja, title.short_en or key, title.short_ja or title.short_en or key, levels
    )


def _check_unknown(channel: str, condition: str, levels: dict[str, Level], where: str) -> None:
    known_bad = BY_KEY[condition].unknown_of
    if known_bad is None and not BY_KEY[condition].unknown:
        return
    level = levels[condition]
    at = f"channels.{channel}.levels.{condition}"
    if level is Level.SELLABLE:
        raise PolicyError(where, "stands for something not known and may never be SELLABLE", at)
    if known_bad is None:
        return
    if levels[known_bad].rank > Level.SELLABLE_WITH_DISCLOSURE.rank and level.rank < Level.HOLD.rank:
        raise PolicyError(
            where,
            f"stands for {known_bad} not being known; {known_bad} is {levels[known_bad].value} here, "
            f"so this must be HOLD or worse, not {level.value}",
            at,
        )
