"""Configuration: one TOML file, every key overridable by a TENKEN_… environment variable.

The file is the platformdirs config dir's `config.toml` unless `--config` names another. A key
`lookup.docomo.origin` is overridden by `TENKEN_LOOKUP_DOCOMO_ORIGIN`. Unknown keys and wrong types
are errors (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tenken.errors import ConfigError

APP_NAME = "tenken"


@dataclass(slots=True)
class CarrierSite:
    origin: str  # scheme://host[:port]; the paths stay exactly as on the real site
    enabled: bool = True


@dataclass(slots=True)
class LookupSettings:
    spacing: float = 3.0  # seconds between two requests to the same carrier site
    timeout: float = 20.0  # seconds per HTTP request
    retries: int = 3  # extra attempts after a timeout, 429 or 5xx
    backoff: float = 2.0  # first retry delay in seconds, doubled each time
    backoff_max: float = 60.0
    cache_ttl_hours: float = 12.0  # a ○/×/− is reused this long
    pending_ttl_hours: float = 1.0  # a △ can turn ×: re-ask sooner
    user_agent: str = ""  # empty = "tenken/VERSION (+project URL)"
    docomo: CarrierSite = field(default_factory=lambda: CarrierSite("http://nw-restriction.nttdocomo.co.jp"))
    au: CarrierSite = field(default_factory=lambda: CarrierSite("https://my.au.com"))
    softbank: CarrierSite = field(default_factory=lambda: CarrierSite("https://ct99.my.softbank.jp"))
    rakuten: CarrierSite = field(default_factory=lambda: CarrierSite("https://network.mobile.rakuten.co.jp"))


@dataclass(slots=True)
class IosSettings:
    usbmux: str = ""  # HOST:PORT or unix socket path; empty = USBMUXD_SOCKET_ADDRESS or the system default
    timeout: float = 10.0  # seconds per lockdown request
    pair_timeout: float = 60.0  # seconds to wait for "Trust this computer?"


@dataclass(slots=True)
class AndroidSettings:
    adb_host: str = "127.0.0.1"
    adb_port: int = 5037
    adb_path: str = ""  # empty = ADBUTILS_ADB_PATH, else the adb bundled with adbutils
    timeout: float = 10.0  # seconds per shell command
    workers: int = 128  # threads for adbutils' blocking calls: about 8 per phone inspected at once


@dataclass(slots=True)
class Settings:
    db: str = ""  # SQLite path or SQLAlchemy URL; empty = tenken.sqlite3 in the data dir
    db_reconnect_seconds: float = 10.0  # a database server that went away is tried again this long
    data_dir: str = ""  # empty = platformdirs user data dir
    spool: str = ""  # answers the database could not take wait here; empty = spool.jsonl in the data dir
    lookup: LookupSettings = field(default_factory=LookupSettings)
    ios: IosSettings = field(default_factory=IosSettings)
    android: AndroidSettings = field(default_factory=AndroidSettings)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def spool_path(self) -> Path:
        return Path(self.spool).expanduser() if self.spool else self.data_path / "spool.jsonl"

    @property
    def db_url(self) -> str:
        if not self.db:
            return f"sqlite:///{self.data_path / 'tenken.sqlite3'}"
        if "://" in self.db:
            return self.db
        return f"sqlite:///{Path(self.db).expanduser()}"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the TOML file (if present), then TENKEN_… variables."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    explicit = path is not None or bool(environ.get("TENKEN_CONFIG"))
    if path is not None:
        config_path = path
    elif explicit:
        config_path = Path(environ["TENKEN_CONFIG"])
    else:
        config_path = default_config_path()
    if explicit and not config_path.is_file():
        raise ConfigError(f"config file {config_path} does not exist")
    if config_path.is_file():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"config file {config_path} is not valid TOML: {error}") from None
        except OSError as error:
            raise ConfigError(f"config file {config_path} cannot be read: {error.strerror}") from None
        _apply_table(settings, data, str(config_path), prefix="")
    for name, (target, key, hint) in _env_keys(settings).items():
        if name in environ:
            setattr(target, key, _coerce(environ[name], hint, f"environment variable {name}"))
    return settings


def _apply_table(target: Any, data: Mapping[str, Any], origin: str, prefix: str) -> None:
    hints = typing.get_type_hints(type(target))
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in hints:
            raise ConfigError(f"{origin}: unknown key {dotted!r}")
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: {dotted!r} must be a table")
            _apply_table(current, value, origin, prefix=f"{dotted}.")
        else:
            setattr(target, key, _coerce(value, hints[key], f"{origin}: key {dotted!r}"))


def _env_keys(settings: Settings) -> dict[str, tuple[Any, str, Any]]:
    """TENKEN_… name → (object holding the key, attribute name, type hint)."""
    return {name: entry for name, entry in _walk(settings, "TENKEN")}


def _walk(target: Any, prefix: str) -> Iterator[tuple[str, tuple[Any, str, Any]]]:
    hints = typing.get_type_hints(type(target))
    for item in dataclasses.fields(target):
        name = f"{prefix}_{item.name.upper()}"
        value = getattr(target, item.name)
        if dataclasses.is_dataclass(value):
            yield from _walk(value, name)
        else:
            yield name, (target, item.name, hints[item.name])


def env_names() -> list[str]:
    """Every TENKEN_… variable tenken reads (besides TENKEN_CONFIG), for the docs and `tenken config`."""
    return sorted(_env_keys(Settings()))


def _coerce(value: Any, hint: Any, where: str) -> Any:
    expected = hint
    if isinstance(hint, types.UnionType):
        expected = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    try:
        if expected is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError
        if expected is int:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if expected is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if expected is str:
            if not isinstance(value, str):
                raise ValueError
            return value
    except (TypeError, ValueError):
        pass
    else:
        return value
    raise ConfigError(f"{where}: expected {getattr(expected, '__name__', expected)}, got {value!r}")


def as_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)
