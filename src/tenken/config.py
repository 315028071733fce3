"""Configuration: one TOML file, every key overridable by a TENKEN_… environment variable.

The file is `--config`, else $TENKEN_CONFIG, else the platformdirs config dir's `config.toml`. A key
`lookup.docomo.origin` is overridden by `TENKEN_LOOKUP_DOCOMO_ORIGIN`. Where the adb server is follows
adb's own convention too: ANDROID_ADB_SERVER_ADDRESS / _PORT count when the file and TENKEN_… leave
android.adb_host / adb_port unset (a shop that exports them for `adb` must not get a second server
from tenken). The Structs below are the schema
(docs/configuration.md): an unknown key, a wrong type or a value out of bounds stops tenken with one line
naming the file or variable and the key — a typo must not silently fall back to a default.
"""

from __future__ import annotations

import base64
import os
import re
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_origin

import msgspec
import platformdirs
from msgspec import Meta, field

from tenken.errors import ConfigError
from tenken.facts import Carrier
from tenken.schema import Hours, PositiveSeconds, Schema, Seconds, convert, parse_toml

APP_NAME = "tenken"
CONFIG_VARIABLE = "TENKEN_CONFIG"
FROM_FILE = "config file"
# Variables adb (and adbutils) read for where its server is: they count below tenken's own keys.
ADB_VARIABLES = {
    ("android", "adb_host"): "ANDROID_ADB_SERVER_ADDRESS",
    ("android", "adb_port"): "ANDROID_ADB_SERVER_PORT",
}

Origin = Annotated[
    str,
    Meta(pattern=r"^https?://[^/?#\s]+/?$", description="an origin: http(s)://host[:port], without a path"),
]
Port = Annotated[int, Meta(ge=1, le=65535)]
_LOCATION = r"0[xX](?P<hex>[0-9A-Fa-f]{1,8})|(?:usb:)?(?P<path>\d+-\d+(?:\.\d+)*)"
UsbLocation = Annotated[
    str,
    Meta(
        pattern=f"^(?:{_LOCATION})$",
        description="a USB location: a usbmux LocationID (0x01100000) or an adb usb path (1-4.2)",
    ),
]
PortName = Annotated[str, Meta(min_length=1, description="a port name such as A-03")]


class CarrierSite(Schema):
    origin: Origin  # the paths stay exactly as on the real site
    enabled: bool = True


class LookupBase(Schema):
    """[lookup]: how tenken asks the carriers; with one [lookup.<carrier>] table per carrier of the
    carriers' table (catalog/carriers.toml), added below."""

    spacing: Seconds = 3.0  # seconds between two requests to the same carrier site
    timeout: PositiveSeconds = 20.0  # seconds per HTTP request
    retries: Annotated[int, Meta(ge=0, le=100)] = 3  # extra attempts after a timeout, 429 or 5xx
    backoff: Seconds = 2.0  # first retry delay in seconds, doubled each time
    backoff_max: Seconds = 60.0
    cache_ttl_hours: Hours = 12.0  # a ○/×/− is reused this long
    pending_ttl_hours: Hours = 1.0  # a △ can turn ×: re-ask sooner
    user_agent: str = ""  # empty = "tenken/VERSION (+project URL)"
    # The most of a page read from a site; a bigger answer is not an answer (its first part is kept).
    max_page_bytes: Annotated[int, Meta(ge=4096, le=64 * 1024 * 1024)] = 2 * 1024 * 1024
    strict: bool = False  # an IMEI is unknown while any carrier asked about it could not be read

    def site(self, carrier: Carrier) -> CarrierSite:
        """[lookup.<carrier>]: where that carrier is asked, and whether at all."""
        site: CarrierSite = getattr(self, carrier.value)
        return site


def _with_a_site_per_carrier() -> type[LookupBase]:
    """LookupBase with a [lookup.<carrier>] table for each carrier, its origin the table's by default."""
    from tenken.catalog import carrier_row

    def default(carrier: Carrier) -> Any:
        return field(default_factory=lambda: CarrierSite(carrier_row(carrier).origin))

    sites = [(carrier.value, CarrierSite, default(carrier)) for carrier in Carrier]
    kind: Any = msgspec.defstruct("LookupSettings", sites, bases=(LookupBase,), module=__name__)
    return kind  # type: ignore[no-any-return]


if TYPE_CHECKING:
    LookupSettings = LookupBase
else:
    LookupSettings = _with_a_site_per_carrier()


class IosSettings(Schema):
    usbmux: str = ""  # HOST:PORT or unix socket path; empty = USBMUXD_SOCKET_ADDRESS or the system default
    timeout: PositiveSeconds = 10.0  # seconds per lockdown request
    pair_timeout: Seconds = 60.0  # seconds to wait for "Trust this computer?"; 0 = do not pair


class AndroidSettings(Schema):
    adb_host: Annotated[str, Meta(min_length=1)] = "127.0.0.1"  # unset: ANDROID_ADB_SERVER_ADDRESS
    adb_port: Port = 5037  # unset: ANDROID_ADB_SERVER_PORT
    adb_path: str = ""  # empty = ADBUTILS_ADB_PATH, else the adb bundled with adbutils
    timeout: PositiveSeconds = 10.0  # seconds per shell command
    workers: Annotated[int, Meta(ge=1, le=4096)] = 128  # threads for adbutils: about 8 per phone at once


class WebhookSettings(Schema):
    url: str = ""  # where every finished inspection is POSTed (JSON, signed); empty = no webhook
    secret: str = ""  # the signing key: its bytes, or (`whsec_…`, Standard Webhooks) the base64 after whsec_
    timeout: PositiveSeconds = 10.0

    @property
    def key(self) -> bytes:
        """The HMAC-SHA256 key the webhooks are signed with; ConfigError for a `whsec_` secret that is not
        base64 after it (the file and the variable are both read key by key: checked where it is used)."""
        try:
            return secret_bytes(self.secret)
        except ValueError:
            raise ConfigError(
                "the configuration", f"starts with {WHSEC} but is not base64 after it", "webhook.secret"
            ) from None


WHSEC = "whsec_"


def secret_bytes(secret: str) -> bytes:
    """A webhook secret as the key it stands for: the bytes after `whsec_`, base64-decoded (padding may be
    left out, as the Standard Webhooks libraries allow), else the secret's own bytes (UTF-8). Raises
    ValueError for a `whsec_` secret that is not base64."""
    if not secret.startswith(WHSEC):
        return secret.encode()
    encoded = secret.removeprefix(WHSEC)
    padded = encoded + "=" * (-len(encoded) % 4)
    return base64.b64decode(padded, validate=True)  # binascii.Error is a ValueError


class WatchSettings(Schema):
    poll_seconds: PositiveSeconds = 2.0  # how often attached phones are listed again besides the events
    retry_seconds: PositiveSeconds = 5.0  # a phone waiting for Trust, an unlock or USB debugging: asked again
    ios_concurrency: Annotated[int, Meta(ge=1, le=256)] = 16  # iPhones read at once
    android_concurrency: Annotated[int, Meta(ge=1, le=256)] = 16  # Android phones read at once


LicenceAuthority = Annotated[
    str,
    Meta(
        pattern=r"^(?:\S.*公安委員会)?$",
        description="the public-safety commission that issued the licence, e.g. 東京都公安委員会",
    ),
]
LicenceNumber = Annotated[
    str,
    Meta(
        pattern=r"^(?:第?[0-9０-９]{12}号?)?$",
        description="the 12-digit licence number, e.g. 第301234567890号",
    ),
]
VerifyUrl = Annotated[
    str,
    Meta(
        pattern=r"^(?:https?://[^\s/?#]+(?:/[^\s?#]*)?(?:\?[^\s#]*)?)?$",
        description="an http(s) address without a fragment, e.g. https://shop.example/verify",
    ),
]


class ShopSettings(Schema):
    """Who issues the certificates: shown on each, with the technician who wrote it (`--by`)."""

    name: Annotated[str, Meta(max_length=200)] = ""  # 店名
    licence_authority: LicenceAuthority = ""  # 古物商許可: the 公安委員会 that issued it
    licence_number: LicenceNumber = ""  # 古物商許可番号: 12 digits
    # 保証期間: shown with the grade, as the RMJ guideline asks ("30日間", "3ヶ月", "なし"); empty: not shown
    warranty: Annotated[str, Meta(max_length=100)] = ""

    def __post_init__(self) -> None:
        if bool(self.licence_authority) != bool(self.licence_number):
            raise ValueError(
                "licence_authority and licence_number go together (e.g. 東京都公安委員会 and 301234567890)"
            )

    @property
    def licence(self) -> str:
        """The licence number's 12 digits (第 and 号 and full-width digits as people write them)."""
        return "".join(str(int(char)) for char in self.licence_number if char.isdigit())


class CertificateSettings(Schema):
    # Where the QR code sends a buyer: the shop's page that checks a certificate; tenken adds
    # c=<certificate id>&r=<record sha256> (docs/reports.md). Empty: the QR code holds a tenken: line.
    verify_url: VerifyUrl = ""


PrinterName = Annotated[
    str,
    Meta(
        pattern=r"^(?:[^\s/#\\'\"-][^\s/#\\'\"]*)?$",
        description="a CUPS printer's name, as `lpstat -p` lists it (no spaces, / or #)",
    ),
]
LabelSizeText = Annotated[
    str,
    Meta(
        pattern=r"^\d+(?:\.\d+)?x\d+(?:\.\d+)?(?:mm)?$",
        description="a label's width x height in millimetres, e.g. 62x100 or 29x90mm",
    ),
]


class LabelSettings(Schema):
    """[label]: the phone's label (値札・管理ラベル), `tenken label` and one per phone from the station."""

    auto: bool = False  # a label for each phone `watch` and `serve` finish inspecting
    dir: str = ""  # where the station writes them; empty = labels/ in the data dir
    printer: PrinterName = ""  # a CUPS printer (`lp -d PRINTER FILE`); empty = written only
    size: LabelSizeText = "62x100"  # width x height in mm (Brother DK-11202: 62x100; DK-11201: 29x90)
    channel: str = "retail"  # the shop's main channel: its level is on the label


TRADE_RANKS = ("S", "A", "B", "C", "J")  # the RMJ guideline's appearance ranks: 未使用, A, B, C, ジャンク


class GradeSettings(Schema):
    """The appearance grade a person enters (`tenken record grade`). `scale`: the steps allowed, best first;
    the RMJ guideline's S A B C J by default. For B2B trade, the 11-step scale of the guideline's 2nd
    edition, with the step names your partners use (tenken does not ship them); `counts_as` then says
    which of S A B C J each step counts as for the policy (grade_c, grade_j): a step not in S–J needs one."""

    scale: list[Annotated[str, Meta(min_length=1, max_length=16)]] = field(
        default_factory=lambda: list(TRADE_RANKS)
    )
    counts_as: dict[str, Literal["S", "A", "B", "C", "J"]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.scale or len(set(self.scale)) != len(self.scale):
            raise ValueError("scale lists each step once, best first")
        unmapped = [step for step in self.scale if step not in TRADE_RANKS and step not in self.counts_as]
        if unmapped:
            raise ValueError(f"counts_as needs the S–J rank of {', '.join(unmapped)}")
        strange = [step for step in self.counts_as if step not in self.scale]
        if strange:
            raise ValueError(f"counts_as names steps not in scale: {', '.join(strange)}")

    def rank_of(self, step: str) -> str:
        """The S–J rank a step of the scale counts as."""
        return self.counts_as.get(step, step)


class StationSettings(Schema):
    id: str = ""  # this station's name in every inspection it stores; empty = the host name

    @property
    def name(self) -> str:
        return self.id or socket.gethostname()


class Settings(Schema):
    db: str = ""  # SQLite path or SQLAlchemy URL; empty = tenken.sqlite3 in the data dir
    db_reconnect_seconds: Seconds = 10.0  # a database server that went away is tried again this long
    data_dir: str = ""  # empty = platformdirs user data dir
    lang: Literal["", "en", "ja"] = ""  # what tenken prints in; empty = from the locale (ja_JP… → ja)
    spool: str = ""  # answers the database could not take wait here; empty = spool.jsonl in the data dir
    policy: str = ""  # a policy file (docs/policy.md); empty = the policy shipped with tenken
    ports: dict[UsbLocation, PortName] = field(default_factory=dict)  # hub port location → its name
    station: StationSettings = field(default_factory=StationSettings)
    shop: ShopSettings = field(default_factory=ShopSettings)
    certificate: CertificateSettings = field(default_factory=CertificateSettings)
    label: LabelSettings = field(default_factory=LabelSettings)
    grade: GradeSettings = field(default_factory=GradeSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    lookup: LookupSettings = field(default_factory=LookupSettings)
    ios: IosSettings = field(default_factory=IosSettings)
    android: AndroidSettings = field(default_factory=AndroidSettings)

    def port_name(self, location: str | None) -> str | None:
        """The [ports] name of the hub port at `location` (as a reader reports it), if it has one."""
        for written, name in self.ports.items():
            if location is not None and usb_location(written) == location:
                return name
        return None

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def spool_path(self) -> Path:
        return Path(self.spool).expanduser() if self.spool else self.data_path / "spool.jsonl"

    @property
    def label_dir(self) -> Path:
        return Path(self.label.dir).expanduser() if self.label.dir else self.data_path / "labels"

    @property
    def db_url(self) -> str:
        if not self.db:
            return f"sqlite:///{self.data_path / 'tenken.sqlite3'}"
        if "://" in self.db:
            return self.db
        return f"sqlite:///{Path(self.db).expanduser()}"


def usb_location(text: str) -> str | None:
    """A hub port's location as the readers report it (`0x01100000`, `1-4.2`) from the ways a person may
    write it (`0x1100000`, `usb:1-4.2`, as `adb devices -l` shows it); None when `text` is not one."""
    found = re.fullmatch(_LOCATION, text.strip())
    if found is None:
        return None
    return f"0x{int(found['hex'], 16):08x}" if found["hex"] else found["path"]


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def config_file(path: Path | None = None, environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The file settings come from, and whether it was named (`--config`, $TENKEN_CONFIG): a named file
    must exist, the default one may be absent."""
    environ = os.environ if environ is None else environ
    if path is not None:
        return path, True
    if environ.get(CONFIG_VARIABLE):
        return Path(environ[CONFIG_VARIABLE]), True
    return default_config_path(), False


def named_file_exists(path: Path | None = None, environ: Mapping[str, str] | None = None) -> None:
    """A file that is named (`--config`, $TENKEN_CONFIG) must exist: checked by every command, the ones
    that read no setting too, so that a mistyped name is never ignored by some and refused by others."""
    config_path, named = config_file(path, environ)
    if named and not config_path.is_file():
        raise ConfigError(f"config file {config_path}", "does not exist")


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from defaults, then the TOML file (if present), then TENKEN_… variables; adb's own
    variables for the adb server's keys that neither sets."""
    return load_with_sources(path, environ)[0]


def load_with_sources(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Settings, dict[str, str]]:
    """The settings, and where each key not at its default came from (FROM_FILE or a variable's name)."""
    environ = os.environ if environ is None else environ
    named_file_exists(path, environ)
    config_path, _named = config_file(path, environ)
    where = f"config file {config_path}"
    data: dict[str, Any] = {}
    if config_path.is_file():
        try:
            data = parse_toml(config_path.read_text(encoding="utf-8"), ConfigError, where)
        except UnicodeDecodeError:
            raise ConfigError(where, "not UTF-8 text") from None
        except OSError as error:
            raise ConfigError(where, f"cannot be read: {error.strerror}") from None
    # Over the defaults, so that a table such as [lookup.au] may set only some of its keys.
    settings = convert(_overlay(msgspec.to_builtins(Settings()), data), Settings, ConfigError, where)
    sources = dict.fromkeys(_keys(data), FROM_FILE)
    kinds: dict[tuple[str, ...], Any] = {}
    for name, steps, kind in _variables(Settings):
        kinds[steps] = kind
        if name in environ:
            _set(settings, steps, _from_variable(environ, name, kind))
            sources[".".join(steps)] = name
    for steps, name in ADB_VARIABLES.items():
        if ".".join(steps) not in sources and environ.get(name):  # adb ignores an empty one too
            _set(settings, steps, _from_variable(environ, name, kinds[steps]))
            sources[".".join(steps)] = name
    if any(source != FROM_FILE for source in sources.values()):  # the checks across keys, once more
        settings = convert(msgspec.to_builtins(settings), Settings, ConfigError, "TENKEN_… variables")
    return settings, sources


def _from_variable(environ: Mapping[str, str], name: str, kind: Any) -> Any:
    return convert(
        _from_env(environ[name], kind), kind, ConfigError, f"environment variable {name}", strict=False
    )


def _set(settings: Settings, steps: tuple[str, ...], value: Any) -> None:
    holder: Any = settings
    for step in steps[:-1]:
        holder = getattr(holder, step)
    setattr(holder, steps[-1], value)


def _keys(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """The dotted keys a file sets (`[lookup.au]` with `enabled` → lookup.au.enabled)."""
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def _overlay(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        below = merged.get(key)
        merged[key] = (
            _overlay(below, value) if isinstance(below, dict) and isinstance(value, Mapping) else value
        )
    return merged


_WORDS = {"yes": "true", "on": "true", "no": "false", "off": "false"}


def _from_env(text: str, kind: Any) -> object:
    """msgspec reads true/false/1/0 from a string; people also write yes/no/on/off. A table is written
    KEY=VALUE,KEY=VALUE (TENKEN_PORTS="0x01100000=A-01,1-4.2=A-02"); a list, comma-separated."""
    if get_origin(kind) is list:
        return [item.strip() for item in text.split(",") if item.strip()]
    if get_origin(kind) is dict:
        pairs = [pair.partition("=") for pair in text.split(",") if pair.strip()]
        if all(equals for _, equals, _ in pairs):
            return {key.strip(): value.strip() for key, _, value in pairs}
        return text  # not pairs: the check says what was expected
    if kind is not bool:
        return text
    word = text.strip().lower()
    return _WORDS.get(word, word)


def _variables(
    kind: type[msgspec.Struct], prefix: str = "TENKEN", steps: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """(TENKEN_… name, attribute path, type) for every key."""
    for item in msgspec.structs.fields(kind):
        name = f"{prefix}_{item.name.upper()}"
        if isinstance(item.type, type) and issubclass(item.type, msgspec.Struct):
            yield from _variables(item.type, name, (*steps, item.name))
        else:
            yield name, (*steps, item.name), item.type


def env_names() -> list[str]:
    """Every TENKEN_… variable tenken reads, for the docs and `tenken config`."""
    return sorted([CONFIG_VARIABLE, *(name for name, _, _ in _variables(Settings))])


def as_dict(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(settings)
    return data
