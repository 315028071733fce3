"""Simulated Android phone profiles: TOML or JSON (docs/android.md), or a raw `adb shell getprop` dump as is
(in the encoding a byte-order mark names: a dump PowerShell saved is UTF-16 LE with CRLF).

A profile may name a `base` (a bundled profile or a file, relative to the profile) and override parts
of it: props are merged key by key, tables field by field, lists are replaced. Each file is checked
against the Structs below on its own (errors name that file and the key), then the merged profile.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from tenken.devices.android.props import parse_getprop, slot_count
from tenken.devices.saved_text import decode_saved
from tenken.errors import ProfileError
from tenken.schema import YEAR_SECONDS, FrozenSchema, Schema, convert, dotted
from tenken.sim.identifiers import vary_alnum, vary_imei

# A property or setting: numbers are taken as the text they are written as.
Text = Annotated[str | int | float, Meta(description="a string (or a number)")]
Count = Annotated[int, Meta(ge=0)]
ExitStatus = Annotated[int, Meta(ge=0, le=255)]


class Account(FrozenSchema, frozen=True):
    name: str
    type: str


class Battery(FrozenSchema, frozen=True):
    level: Count = 80
    scale: Annotated[int, Meta(ge=1)] = 100
    status: Annotated[int, Meta(ge=1, le=5)] = 2  # BatteryManager.BATTERY_STATUS_CHARGING
    health: Annotated[int, Meta(ge=1, le=7)] = 2  # BatteryManager.BATTERY_HEALTH_GOOD
    plugged_usb: bool = True
    voltage: Count = 4012  # mV
    temperature: int = 268  # tenths of °C
    technology: str = "Li-ion"
    charge_counter: Count = 3_200_000  # µAh
    vendor: dict[str, Text] = msgspec.field(default_factory=dict)  # extra lines some makers print (Samsung)


class Storage(FrozenSchema, frozen=True):
    data_total_kb: Count = 110_375_548
    data_used_kb: Count = 41_873_020


class Behaviour(FrozenSchema, frozen=True):
    unauthorized: bool = False  # never accepts the host key: "Allow USB debugging?" left unanswered
    offline: bool = False  # adbd stops answering after the first connection: the host sees `offline`
    latency_ms: Annotated[float, Meta(ge=0, le=YEAR_SECONDS * 1000)] = 0.0  # added to every shell command
    unplug_after_commands: Count | None = None  # the cable is pulled when command K+1 arrives
    service_code_shift: Annotated[int, Meta(ge=0, le=100)] = 0  # vendor methods before IPhoneSubInfo's own
    missing_commands: tuple[str, ...] = ()  # tools this firmware lacks (exit 127)
    deny_identifiers: bool = False  # iphonesubinfo throws SecurityException even for com.android.shell
    cut_off: tuple[str, ...] = ()  # tools whose stream ends early: no last line, no exit status
    wedged: bool = False  # adbd shakes hands, then never answers a stream: listed as `device`, commands hang


class About(Schema):
    """The [profile] table."""

    name: str | None = None
    synthetic: bool | None = None
    base: str | None = None
    imei: list[str] | None = None  # one per slot; "" = the modem answers null
    packages: list[str] | None = None
    notes: str = ""


class Document(Schema):
    """A profile file's layout (docs/android.md)."""

    profile: About = msgspec.field(default_factory=About)
    props: dict[str, Text] = msgspec.field(default_factory=dict)
    getprop: str | None = None  # a raw dump, answered byte for byte unless props edit it
    accounts: list[Account] = msgspec.field(default_factory=list)
    settings: dict[str, dict[str, Text]] = msgspec.field(default_factory=dict)
    battery: Battery = msgspec.field(default_factory=Battery)
    storage: Storage = msgspec.field(default_factory=Storage)
    behaviour: Behaviour = msgspec.field(default_factory=Behaviour)
    # A captured phone's answers: command line as the reader runs it → its stdout, byte for byte.
    outputs: dict[str, str] = msgspec.field(default_factory=dict)
    outputs_status: dict[str, ExitStatus] = msgspec.field(default_factory=dict)  # default 0


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
    outputs: dict[str, tuple[str, int]] = field(default_factory=dict)  # command line → (stdout, status)

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
    origin = str(spec) if not Path(spec).is_file() else str(path)
    return _build(convert(_read(path, seen=()), Document, ProfileError, origin), origin)


def _read(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """The profile as a plain dict with its bases merged in; each file checked on its own."""
    if path.resolve() in seen:
        raise ProfileError(str(path), "base profiles form a loop")
    try:
        text = decode_saved(path.read_bytes())  # a BOM names the encoding: PowerShell writes UTF-16 LE
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(str(path), f"cannot be read ({error})") from None
    data = _decode(path, text)
    base = convert(data, Document, ProfileError, str(path)).profile.base
    if base is None:
        return data
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
        raise ProfileError(str(path), f"not valid {suffix.lstrip('.') or 'TOML'}: {error}") from None
    if not isinstance(data, dict):
        raise ProfileError(str(path), "a profile is a table/object")
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


def _build(document: Document, origin: str) -> Profile:
    raw = document.getprop
    props: dict[str, str] = parse_getprop(raw) if raw is not None else {}
    props.update({key: str(value) for key, value in document.props.items()})
    if document.props and raw is not None:
        raw = None  # edited props: answer from the dict, sorted as getprop sorts
    if "ro.product.model" not in props:
        raise ProfileError(
            origin,
            "the model is required (here, or in the base or the getprop dump)",
            'props."ro.product.model"',
        )
    settings = {
        namespace: {key: str(value) for key, value in table.items()}
        for namespace, table in document.settings.items()
    }
    settings.setdefault("secure", {}).setdefault("user_setup_complete", "1")
    settings.setdefault("global", {}).setdefault("device_provisioned", "1")
    about = document.profile
    imeis = about.imei if about.imei is not None else [""] * slot_count(props)
    _check_outputs(document, origin)
    return Profile(
        name=about.name or origin,
        origin=origin,
        synthetic=about.synthetic if about.synthetic is not None else raw is None,
        props=props,
        raw_getprop=raw,
        imeis=tuple(imei or None for imei in imeis),
        accounts=tuple(document.accounts),
        settings=settings,
        battery=document.battery,
        storage=document.storage,
        packages=tuple(about.packages or _default_packages(props)),
        behaviour=document.behaviour,
        outputs={
            line: (stdout, document.outputs_status.get(line, 0)) for line, stdout in document.outputs.items()
        },
    )


def _check_outputs(document: Document, origin: str) -> None:
    """A key must be the line as the reader runs it (words quoted as shlex.join quotes them): a line
    that is never run would leave the simulator answering from the profile without a word."""
    for line in document.outputs:
        try:
            canonical = shlex.join(shlex.split(line))
        except ValueError as error:
            raise ProfileError(origin, f"not a command line ({error})", dotted(["outputs", line])) from None
        if canonical != line or not line:
            problem = f"write the command as it is run: {canonical!r}" if line else "an empty command"
            raise ProfileError(origin, problem, dotted(["outputs", line]))
    for line in document.outputs_status:
        if line not in document.outputs:
            raise ProfileError(origin, "no such command in [outputs]", dotted(["outputs_status", line]))


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


def clone(profile: Profile, index: int) -> Profile:
    """The same phone model with its own identifiers: copy `index` (≥1) of a profile, with its own serial
    number and IMEIs (as PhoneProfile.clone makes copies of an iPhone)."""
    if index == 0:
        return profile
    props = dict(profile.props)
    for key in ("ro.serialno", "ro.boot.serialno"):
        if props.get(key):
            props[key] = vary_alnum(props[key], index)
    imeis = tuple(
        vary_imei(imei, index) if imei is not None and len(imei) == 15 and imei.isdigit() else imei
        for imei in profile.imeis
    )
    return replace(profile, name=f"{profile.name}#{index}", props=props, raw_getprop=None, imeis=imeis)


def erased(profile: Profile) -> Profile:
    """The same phone after the shop's factory reset: accounts gone, setup not done, the SIM taken out;
    same serial number and IMEIs."""
    props = dict(profile.props)
    slots = max(1, len(props.get("gsm.sim.state", "").split(",")))
    props["gsm.sim.state"] = ",".join(["ABSENT"] * slots)
    for key in (
        "gsm.sim.operator.numeric",
        "gsm.sim.operator.alpha",
        "gsm.operator.numeric",
        "gsm.operator.alpha",
    ):
        props.pop(key, None)
    settings = {namespace: dict(table) for namespace, table in profile.settings.items()}
    settings.setdefault("secure", {})["user_setup_complete"] = "0"
    settings.setdefault("global", {})["device_provisioned"] = "0"
    return replace(
        profile,
        name=f"{profile.name} (erased)",
        props=props,
        raw_getprop=None,
        accounts=(),
        settings=settings,
    )
