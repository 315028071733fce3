"""`tenken doctor`: is this machine ready to be a station? Each check says what it found and, when
something is wrong, what to do. Nothing here changes the machine, and no carrier site is contacted."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from tenken.config import Settings
from tenken.errors import ConfigError
from tenken.facts import Carrier

UDEV_DIRS = (Path("/etc/udev/rules.d"), Path("/lib/udev/rules.d"), Path("/usr/lib/udev/rules.d"))
ADB_INTERFACE = ("ff", "42", "01")  # class, subclass, protocol of the ADB interface


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but worth a look (nothing attached to check, a simulator configured…)
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    found: str
    fix: str = ""


def run_checks(
    settings: Settings,
    *,
    udev_dirs: Iterable[Path] = UDEV_DIRS,
    usb_root: Path = Path("/sys/bus/usb/devices"),
) -> list[Check]:
    udev_dirs = list(udev_dirs)
    return [
        asyncio.run(usbmuxd(settings)),
        adb_server(settings),
        udev_android(udev_dirs),
        udev_iphone(udev_dirs),
        usb_permissions(usb_root),
        data_dir(settings),
        database(settings),
        carriers(settings),
        webhook(settings),
    ]


async def usbmuxd(settings: Settings) -> Check:
    from tenken.devices.ios.usbmux import exchange, list_attached, usbmux_address

    address = usbmux_address(settings.ios.usbmux)
    try:
        phones = await asyncio.wait_for(list_attached(address), settings.ios.timeout)
        await asyncio.wait_for(exchange(address, {"MessageType": "ReadBUID"}), settings.ios.timeout)
    except Exception as error:  # any failure to talk to it is the finding
        return Check(
            "usbmuxd",
            Status.FAIL,
            f"not reachable at {address}: {error}".strip(),
            "install and start usbmuxd (apt install usbmuxd; it starts when an iPhone is plugged in), "
            "or set ios.usbmux",
        )
    version = _version(["usbmuxd", "--version"])
    return Check(
        "usbmuxd",
        Status.OK,
        f"{address}: {len(phones)} iPhone(s) attached" + (f"; {version}" if version else ""),
    )


def adb_server(settings: Settings) -> Check:
    from tenken.devices.android.server import server_reachable

    config = settings.android
    if not server_reachable(config.adb_host, config.adb_port):  # asking adbutils would start one
        return Check(
            "adb server",
            Status.WARN,
            f"not running at {config.adb_host}:{config.adb_port}",
            "tenken starts it (loopback only) when it first looks for Android phones",
        )
    try:
        import adbutils

        client = adbutils.AdbClient(host=config.adb_host, port=config.adb_port, socket_timeout=config.timeout)
        version = client.server_version()
        phones = len(client.list())
    except Exception as error:
        return Check(
            "adb server",
            Status.WARN,
            f"not running at {config.adb_host}:{config.adb_port} ({error})",
            "tenken starts it on first use; run `tenken inspect --platform android` once to check",
        )
    exposed = (
        listening_beyond_loopback(config.adb_port) if config.adb_host in ("127.0.0.1", "localhost") else []
    )
    if exposed:
        return Check(
            "adb server",
            Status.FAIL,
            f"version {version}, listening on {', '.join(exposed)}: phones can be reached from the network",
            f"`adb -P {config.adb_port} kill-server`, unset ADB_SERVER_SOCKET, and let tenken start it (loopback only)",
        )
    return Check(
        "adb server",
        Status.OK,
        f"{config.adb_host}:{config.adb_port}, version {version}, {phones} phone(s), loopback only",
    )


def listening_beyond_loopback(port: int, proc_net: Path = Path("/proc/net")) -> list[str]:
    """Addresses other than loopback that a TCP socket on `port` listens on (Linux /proc/net/tcp*)."""
    exposed = []
    for name, loopback in (("tcp", {"0100007F"}), ("tcp6", {"00000000000000000000000001000000"})):
        try:
            lines = (proc_net / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 4 or fields[3] != "0A":  # 0A: LISTEN
                continue
            address, _, hex_port = fields[1].partition(":")
            if int(hex_port, 16) == port and address not in loopback:
                exposed.append(_address(address))
    return exposed


def _address(hexed: str) -> str:
    if len(hexed) == 8:
        return socket.inet_ntop(socket.AF_INET, bytes.fromhex(hexed)[::-1])
    words = [bytes.fromhex(hexed[index : index + 8])[::-1] for index in range(0, 32, 8)]
    return "[" + socket.inet_ntop(socket.AF_INET6, b"".join(words)) + "]"


def udev_android(udev_dirs: list[Path]) -> Check:
    for folder in udev_dirs:
        for rule in sorted(folder.glob("*.rules")) if folder.is_dir() else []:
            text = _read(rule)
            if "ff4201" in text or ("android" in rule.name and "MODE" in text):
                return Check("udev (Android)", Status.OK, str(rule))
    return Check(
        "udev (Android)",
        Status.FAIL,
        "no rule gives this user access to Android phones' ADB interface",
        "sudo tenken udev install",
    )


def udev_iphone(udev_dirs: list[Path]) -> Check:
    for folder in udev_dirs:
        for rule in sorted(folder.glob("*usbmuxd*.rules")) if folder.is_dir() else []:
            return Check("udev (iPhone)", Status.OK, str(rule))
    return Check("udev (iPhone)", Status.FAIL, "usbmuxd's udev rule is not installed", "apt install usbmuxd")


def usb_permissions(usb_root: Path) -> Check:
    """Every attached Android phone's USB node must be readable and writable by this user."""
    found, denied = 0, []
    for interface in sorted(usb_root.glob("*:*")) if usb_root.is_dir() else []:
        kind = tuple(
            _read(interface / name).strip()
            for name in ("bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol")
        )
        if kind != ADB_INTERFACE:
            continue
        device = interface.parent
        node = (
            Path("/dev/bus/usb")
            / _read(device / "busnum").strip().zfill(3)
            / _read(device / "devnum").strip().zfill(3)
        )
        found += 1
        if not os.access(node, os.R_OK | os.W_OK):
            denied.append(f"{device.name} ({node})")
    if not found:
        return Check("USB permissions", Status.WARN, "no Android phone with USB debugging attached to check")
    if denied:
        return Check(
            "USB permissions",
            Status.FAIL,
            f"cannot open {', '.join(denied)}",
            "sudo tenken udev install; add this user to plugdev; replug the phones",
        )
    return Check("USB permissions", Status.OK, f"{found} Android phone(s) can be opened")


def data_dir(settings: Settings) -> Check:
    folder = Path(settings.data_path)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent  # it is created on first use: its nearest existing parent must be writable
    if os.access(probe, os.W_OK | os.X_OK):
        return Check("data folder", Status.OK, str(folder))
    return Check(
        "data folder", Status.FAIL, f"{probe} is not writable by this user", "set data_dir or TENKEN_DATA_DIR"
    )


def database(settings: Settings) -> Check:
    import sqlalchemy as sa

    from tenken.store import engine as engines
    from tenken.store import schema
    from tenken.store.migrate import revision
    from tenken.store.urls import masked

    where = masked(settings.db_url)
    path = engines.sqlite_path(sa.engine.make_url(settings.db_url))
    if path is not None and not path.exists():
        return Check("database", Status.OK, f"{where}: created on first use")
    try:
        engine = engines.create(settings)
    except Exception as error:
        return Check("database", Status.FAIL, f"{where}: {error}", "check db / TENKEN_DB")
    try:
        found = revision(engine)
    except engines.DatabaseFailed as error:
        return Check(
            "database", Status.FAIL, f"{where}: {error}", "start the database server or fix db / TENKEN_DB"
        )
    finally:
        engine.dispose()
    if found == schema.HEAD:
        return Check("database", Status.OK, f"{where}: schema {found} (latest)")
    if found is None or found < schema.HEAD:
        return Check(
            "database",
            Status.WARN,
            f"{where}: schema {found or 'none'}, latest {schema.HEAD}",
            "tenken migrates it on the next run",
        )
    return Check(
        "database", Status.FAIL, f"{where}: schema {found} is newer than this tenken knows", "upgrade tenken"
    )


def carriers(settings: Settings) -> Check:
    shown = []
    local = []
    for carrier in Carrier:
        site = getattr(settings.lookup, carrier.value)
        if not site.enabled:
            shown.append(f"{carrier.value} off")
            continue
        host = urlsplit(site.origin).hostname or ""
        if not host:
            return Check(
                "carrier sites",
                Status.FAIL,
                f"{carrier.value}: origin {site.origin!r} is not a URL",
                f"fix lookup.{carrier.value}.origin",
            )
        shown.append(f"{carrier.value} {site.origin}")
        if host in ("127.0.0.1", "localhost", "::1"):
            local.append(carrier.value)
    if local:
        return Check(
            "carrier sites",
            Status.WARN,
            "; ".join(shown),
            f"{', '.join(local)} point at this machine (a simulator?)",
        )
    return Check("carrier sites", Status.OK, "; ".join(shown))


def webhook(settings: Settings) -> Check:
    url = settings.webhook.url
    if not url:
        return Check("webhook", Status.OK, "none configured")
    from tenken.store.urls import masked

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Check("webhook", Status.FAIL, f"{masked(url)!r} is not an http(s) URL", "fix webhook.url")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=settings.webhook.timeout):
            pass
    except OSError as error:
        return Check(
            "webhook",
            Status.FAIL,
            f"{parts.hostname}:{port} does not answer ({error.strerror or error})",
            "start the receiver or fix webhook.url; results wait in the outbox meanwhile",
        )
    try:
        _key = settings.webhook.key
    except ConfigError as error:
        return Check(
            "webhook", Status.FAIL, f"{parts.hostname}:{port} answers; {error}", "fix webhook.secret"
        )
    secret = "signed" if settings.webhook.secret else "NOT signed (no webhook.secret)"
    return Check(
        "webhook",
        Status.OK if settings.webhook.secret else Status.WARN,
        f"{parts.hostname}:{port} answers; {secret}",
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _version(command: list[str]) -> str:
    binary = shutil.which(command[0])
    if binary is None:
        return ""
    try:
        done = subprocess.run([binary, *command[1:]], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else ""
    )
