"""Simulated Android phone profiles: TOML or JSON (docs/android.md), or a raw `adb shell getprop` dump as is.

A profile may name a `base` (a bundled profile or a file, relative to the profile) and override parts
of it: props are merged key by key, tables field by field, lists are replaced.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tenken.devices.android.props import parse_getprop
from tenken.errors import ProfileError

PROFILE_SUFFIXES = (".toml", ".json", ".txt", ".prop")


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Battery:
    level: int = 80
    scale: int = 100
    status: int = 2  # BatteryManager.BATTERY_STATUS_CHARGING
    health: int = 2  # BatteryManager.BATTERY_HEALTH_GOOD
    plugged_usb: bool = True
    voltage: int = 4012  # mV
    temperature: int = 268  # tenths of °C
    technology: str = "Li-ion"
    charge_counter: int = 3_200_000  # µAh
    vendor: dict[str, str] = field(default_factory=dict)  # extra lines some makers print (Samsung)


@dataclass(frozen=True, slots=True)
class Storage:
    data_total_kb: int = 110_375_548
    data_used_kb: int = 41_873_020


@dataclass(frozen=True, slots=True)
class Behaviour:
    unauthorized: bool = False  # never accepts the host key: "Allow USB debugging?" left unanswered
    offline: bool = False  # adbd stops answering after the first connection: the host sees `offline`
    latency_ms: float = 0.0  # added to every shell command
    unplug_after_commands: int | None = None  # the cable is pulled when command K+1 arrives
    service_code_shift: int = 0  # vendor methods inserted before IPhoneSubInfo's own
    missing_commands: tuple[str, ...] = ()  # tools this firmware lacks (exit 127)
    deny_identifiers: bool = False  # iphonesubinfo throws SecurityException even for com.android.shell
    cut_off: tuple[str, ...] = ()  # tools whose stream ends early: no last line, no exit status
    wedged: bool = False  # adbd shakes hands, then never answers a stream: listed as `device`, commands hang


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    origin: str  # file path or bundled name
    synthetic: bool
    props: dict[str, str]
    raw_getprop: str | None = None  # a replayed dump is answered byte for byte
    imeis: tuple[str | None, ...] = ()
    accounts: tuple[Account, ...] = ()
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    battery: Battery = field(default_factory=Battery)
    storage: Storage = field(default_factory=Storage)
    packages: tuple[str, ...] = ()
    behaviour: Behaviour = field(default_factory=Behaviour)

    @property
    def sdk(self) -> int:
        try:
            return int(self.props.get("ro.build.version.sdk", "34"))
        except ValueError:
            return 34

    @property
    def serial(self) -> str:
        return self.props.get("ro.serialno") or self.props.get("ro.boot.serialno") or "SIMULATED"

    @property
    def model(self) -> str:
        return self.props.get("ro.product.model", "")


# --------------------------------------------------------------------------------------------- getprop


_ENTRY = re.compile(r"^\[(.+?)\]: \[(.*)$")


def looks_like_getprop(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return bool(lines) and sum(bool(_ENTRY.match(line)) for line in lines[:20]) >= min(3, len(lines))


# --------------------------------------------------------------------------------------------- loading


def bundled_dir() -> Path:
    return Path(str(resources.files("tenken.sim").joinpath("profiles", "android")))


def bundled_names() -> list[str]:
    return sorted(path.stem for path in bundled_dir().glob("*.toml"))


def resolve(spec: str, relative_to: Path | None = None) -> Path:
    """A bundled profile name, or a path (relative to another profile's folder when given)."""
    path = Path(spec).expanduser()
    if relative_to is not None and not path.is_absolute():
        candidate = relative_to / path
        if candidate.is_file():
            return candidate
    if path.is_file():
        return path
    bundled = bundled_dir() / f"{spec}.toml"
    if "/" not in spec and bundled.is_file():
        return bundled
    names = ", ".join(bundled_names())
    raise ProfileError(f"profile {spec!r} is neither a file nor a bundled profile ({names})")


def load(spec: str | Path) -> Profile:
    path = resolve(str(spec))
    data = _read(path, seen=())
    return _build(data, origin=str(spec) if not Path(spec).is_file() else str(path))


def _read(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """The profile as a plain dict with its bases merged in."""
    if path.resolve() in seen:
        raise ProfileError(f"{path}: base profiles form a loop")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot be read ({error})") from None
    data = _decode(path, text)
    profile = data.get("profile", {})
    if not isinstance(profile, dict):
        raise ProfileError(f"{path}: [profile] must be a table")
    base = profile.get("base")
    if base is None:
        return data
    if not isinstance(base, str):
        raise ProfileError(f"{path}: profile.base must be a string")
    merged = _merge(_read(resolve(base, path.parent), (*seen, path.resolve())), data)
    merged["profile"].pop("base", None)
    if "getprop" not in data:
        merged["profile"].setdefault("synthetic", True)
    return merged


def _decode(path: Path, text: str) -> dict[str, Any]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".json" or (suffix not in (".toml",) and text.lstrip().startswith("{")):
            data = json.loads(text)
        elif suffix != ".toml" and looks_like_getprop(text):
            return {"profile": {"name": path.stem, "synthetic": False}, "getprop": text}
        else:
            data = tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"{path}: not valid {suffix.lstrip('.') or 'TOML'}: {error}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a table/object")
    data.setdefault("profile", {})
    if isinstance(data["profile"], dict):
        data["profile"].setdefault("name", path.stem)
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_SECTIONS = {"profile", "props", "getprop", "accounts", "settings", "battery", "storage", "behaviour"}
_PROFILE_KEYS = {"name", "synthetic", "base", "imei", "packages", "notes"}


def _build(data: dict[str, Any], origin: str) -> Profile:
    unknown = set(data) - _SECTIONS
    if unknown:
        raise ProfileError(f"{origin}: unknown section(s) {sorted(unknown)}")
    meta = data.get("profile", {})
    unknown = set(meta) - _PROFILE_KEYS
    if unknown:
        raise ProfileError(f"{origin}: unknown [profile] key(s) {sorted(unknown)}")
    raw = data.get("getprop")
    props: dict[str, str] = parse_getprop(raw) if isinstance(raw, str) else {}
    overrides = data.get("props", {})
    if not isinstance(overrides, dict):
        raise ProfileError(f"{origin}: [props] must be a table of strings")
    for key, value in overrides.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ProfileError(f"{origin}: props.{key} must be a string")
        props[str(key)] = str(value)
    if overrides and raw is not None:
        raw = None  # edited props: answer from the dict, sorted as getprop sorts
    if "ro.product.model" not in props:
        raise ProfileError(f"{origin}: no ro.product.model property")
    try:
        behaviour = Behaviour(**_table(data, "behaviour", origin))
        behaviour = Behaviour(
            unauthorized=bool(behaviour.unauthorized),
            offline=bool(behaviour.offline),
            latency_ms=float(behaviour.latency_ms),
            unplug_after_commands=(
                None if behaviour.unplug_after_commands is None else int(behaviour.unplug_after_commands)
            ),
            service_code_shift=int(behaviour.service_code_shift),
            missing_commands=tuple(behaviour.missing_commands),
            deny_identifiers=bool(behaviour.deny_identifiers),
            cut_off=tuple(behaviour.cut_off),
            wedged=bool(behaviour.wedged),
        )
        battery_data = _table(data, "battery", origin)
        vendor = {str(k): str(v) for k, v in battery_data.pop("vendor", {}).items()}
        battery = Battery(**battery_data, vendor=vendor)
        storage = Storage(**_table(data, "storage", origin))
        accounts = tuple(Account(name=str(a["name"]), type=str(a["type"])) for a in data.get("accounts", []))
    except (TypeError, KeyError, ValueError) as error:
        raise ProfileError(f"{origin}: {error}") from None
    settings = {
        str(namespace): {str(k): str(v) for k, v in table.items()}
        for namespace, table in data.get("settings", {}).items()
    }
    settings.setdefault("secure", {}).setdefault("user_setup_complete", "1")
    settings.setdefault("global", {}).setdefault("device_provisioned", "1")
    imeis = meta.get("imei")
    if imeis is None:
        imeis = [None] * _slot_count(props)
    if not isinstance(imeis, list):
        raise ProfileError(f'{origin}: profile.imei must be a list (one per slot; "" for none)')
    packages = meta.get("packages") or _default_packages(props)
    return Profile(
        name=str(meta.get("name", origin)),
        origin=origin,
        synthetic=bool(meta.get("synthetic", raw is None)),
        props=props,
        raw_getprop=raw,
        imeis=tuple(str(imei) if imei else None for imei in imeis),
        accounts=accounts,
        settings=settings,
        battery=battery,
        storage=storage,
        packages=tuple(packages),
        behaviour=behaviour,
    )


def _table(data: dict[str, Any], name: str, origin: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ProfileError(f"{origin}: [{name}] must be a table")
    return dict(table)


def _slot_count(props: dict[str, str]) -> int:
    states = props.get("gsm.sim.state", "")
    if props.get("persist.radio.multisim.config") in ("dsds", "dsda"):
        return 2
    return max(1, len(states.split(","))) if states else 1


def _default_packages(props: dict[str, str]) -> list[str]:
    packages = [
        "android",
        "com.android.shell",
        "com.android.settings",
        "com.android.phone",
        "com.google.android.gms",
    ]
    if props.get("ro.product.manufacturer", "").lower() == "samsung":
        packages.append("com.osp.app.signin")
    return sorted(packages)
