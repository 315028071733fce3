"""`tenken doctor`: is this machine ready to be a station? Each check says what it found and, when
something is wrong, what to do, as messages (codes with parameters: the words are in report/labels.py).
Nothing here changes the machine, and no carrier site is contacted. The store says how the database is
and devices/android/server.py how the adb server is; this module asks them and says what it means."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tenken.config import Settings, secret_bytes
from tenken.facts import Carrier, Message, msg

UDEV_DIRS = (Path("/etc/udev/rules.d"), Path("/lib/udev/rules.d"), Path("/usr/lib/udev/rules.d"))
ADB_INTERFACE = ("ff", "42", "01")  # class, subclass, protocol of the ADB interface
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but worth a look (nothing attached to check, a simulator configured…)
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    """One check: `code` names it (stable: usbmuxd, adb_server, udev_android, udev_iphone,
    usb_permissions, data_folder, database, carrier_sites, webhook; its words are `doctor.check.<code>`)."""

    code: str
    status: Status
    found: Message
    fix: Message | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "status": self.status.value, "found": self.found, "fix": self.fix}


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
    timeout = settings.ios.timeout
    try:
        phones = await asyncio.wait_for(list_attached(address), timeout)
        await asyncio.wait_for(exchange(address, {"MessageType": "ReadBUID"}), timeout)
    except Exception as error:  # any failure to talk to it is the finding
        return Check(
            "usbmuxd",
            Status.FAIL,
            msg("doctor.usbmuxd.unreachable", address=address, reason=reason(error, timeout)),
            msg("doctor.usbmuxd.start"),
        )
    version = _version(["usbmuxd", "--version"])
    return Check(
        "usbmuxd", Status.OK, msg("doctor.usbmuxd.ok", address=address, phones=len(phones), version=version)
    )


def adb_server(settings: Settings) -> Check:
    from tenken.devices.android.server import server_status

    config = settings.android
    address = f"{config.adb_host}:{config.adb_port}"
    server = server_status(config.adb_host, config.adb_port, config.timeout)
    if not server.listening:
        return Check(
            "adb_server",
            Status.WARN,
            msg("doctor.adb.not_running", address=address),
            msg("doctor.adb.started_on_first_use"),
        )
    if server.version is None:
        why = (
            msg("doctor.why.timeout", seconds=config.timeout)
            if server.timed_out
            else msg("doctor.why.other", detail=server.problem)
        )
        return Check(
            "adb_server",
            Status.WARN,
            msg("doctor.adb.not_adb", address=address, reason=why),
            msg("doctor.adb.check_port", port=config.adb_port),
        )
    if server.exposed:
        return Check(
            "adb_server",
            Status.FAIL,
            msg("doctor.adb.exposed", version=server.version, addresses=list(server.exposed)),
            msg("doctor.adb.restart", port=config.adb_port),
        )
    return Check(
        "adb_server",
        Status.OK,
        msg("doctor.adb.ok", address=address, version=server.version, phones=server.phones),
    )


def udev_android(udev_dirs: list[Path]) -> Check:
    for folder in udev_dirs:
        for rule in sorted(folder.glob("*.rules")) if folder.is_dir() else []:
            text = _read(rule)
            if "ff4201" in text or ("android" in rule.name and "MODE" in text):
                return Check("udev_android", Status.OK, msg("doctor.udev.rule", path=str(rule)))
    return Check("udev_android", Status.FAIL, msg("doctor.udev.no_android_rule"), msg("doctor.udev.install"))


def udev_iphone(udev_dirs: list[Path]) -> Check:
    for folder in udev_dirs:
        for rule in sorted(folder.glob("*usbmuxd*.rules")) if folder.is_dir() else []:
            return Check("udev_iphone", Status.OK, msg("doctor.udev.rule", path=str(rule)))
    return Check(
        "udev_iphone", Status.FAIL, msg("doctor.udev.no_usbmuxd_rule"), msg("doctor.udev.install_usbmuxd")
    )


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
        return Check("usb_permissions", Status.WARN, msg("doctor.usb.none_attached"))
    if denied:
        return Check(
            "usb_permissions", Status.FAIL, msg("doctor.usb.denied", nodes=denied), msg("doctor.usb.fix")
        )
    return Check("usb_permissions", Status.OK, msg("doctor.usb.ok", count=found))


def data_dir(settings: Settings) -> Check:
    folder = Path(settings.data_path)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent  # it is created on first use: its nearest existing parent must be writable
    if os.access(probe, os.W_OK | os.X_OK):
        return Check("data_folder", Status.OK, msg("doctor.data.ok", path=str(folder)))
    return Check(
        "data_folder", Status.FAIL, msg("doctor.data.not_writable", path=str(probe)), msg("doctor.data.fix")
    )


def database(settings: Settings) -> Check:
    from tenken.store.health import DatabaseState, database_health

    health = database_health(settings)
    where, found = health.where, health.revision
    migrates, fix_setting = msg("doctor.db.migrates"), msg("doctor.db.fix_setting")
    said: dict[DatabaseState, tuple[Status, Message, Message | None]] = {
        DatabaseState.NOT_CREATED: (Status.OK, msg("doctor.db.first_use", where=where), None),
        DatabaseState.CURRENT: (Status.OK, msg("doctor.db.current", where=where, revision=found), None),
        DatabaseState.EMPTY: (Status.WARN, msg("doctor.db.empty", where=where), migrates),
        DatabaseState.OLDER: (
            Status.WARN,
            msg("doctor.db.older", where=where, revision=found, head=health.head),
            migrates,
        ),
        DatabaseState.NEWER: (
            Status.FAIL,
            msg("doctor.db.newer", where=where, revision=found),
            msg("doctor.db.upgrade"),
        ),
        DatabaseState.NO_FOLDER: (
            Status.FAIL,
            msg("doctor.db.no_folder", where=where, folder=health.folder),
            fix_setting,
        ),
        DatabaseState.UNREACHABLE: (
            Status.FAIL,
            msg("doctor.db.unreachable", where=where, detail=health.detail),
            msg("doctor.db.start_server"),
        ),
        DatabaseState.UNUSABLE: (
            Status.FAIL,
            msg("doctor.db.unusable", where=where, detail=health.detail),
            fix_setting,
        ),
    }
    status, what, fix = said[health.state]
    return Check("database", status, what, fix)


def carriers(settings: Settings) -> Check:
    sites = []
    local = []
    for carrier in Carrier:
        site = settings.lookup.site(carrier)
        if not site.enabled:
            sites.append(msg("doctor.carriers.off", carrier=carrier))
            continue
        host = urlsplit(site.origin).hostname or ""
        if not host:
            return Check(
                "carrier_sites",
                Status.FAIL,
                msg("doctor.carriers.not_a_url", carrier=carrier, origin=site.origin),
                msg("doctor.carriers.fix_origin", key=carrier.value),
            )
        sites.append(msg("doctor.carriers.site", carrier=carrier, origin=site.origin))
        if host in LOOPBACK:
            local.append(carrier)
    found = msg("doctor.carriers.sites", sites=sites)
    if local:
        return Check("carrier_sites", Status.WARN, found, msg("doctor.carriers.local", carriers=local))
    return Check("carrier_sites", Status.OK, found)


def webhook(settings: Settings) -> Check:
    url = settings.webhook.url
    if not url:
        return Check("webhook", Status.OK, msg("doctor.webhook.none"))
    from tenken.store.urls import masked

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Check(
            "webhook",
            Status.FAIL,
            msg("doctor.webhook.not_http", url=masked(url)),
            msg("doctor.webhook.fix_url"),
        )
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    timeout = settings.webhook.timeout
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        return Check(
            "webhook",
            Status.FAIL,
            msg("doctor.webhook.no_answer", host=host, port=port, reason=reason(error, timeout)),
            msg("doctor.webhook.start_receiver"),
        )
    try:
        secret_bytes(settings.webhook.secret)
    except ValueError:
        return Check(
            "webhook",
            Status.FAIL,
            msg("doctor.webhook.bad_secret", host=host, port=port),
            msg("doctor.webhook.fix_secret"),
        )
    if not settings.webhook.secret:
        return Check("webhook", Status.WARN, msg("doctor.webhook.unsigned", host=host, port=port))
    return Check("webhook", Status.OK, msg("doctor.webhook.signed", host=host, port=port))


def reason(error: BaseException, timeout: float) -> Message:
    """Why a connection failed, as a message: the OS error behind a library's exception where there is one."""
    for cause in _causes(error):
        if isinstance(cause, TimeoutError):
            return msg("doctor.why.timeout", seconds=timeout)
        if isinstance(cause, ConnectionRefusedError):
            return msg("doctor.why.refused")
        if isinstance(cause, FileNotFoundError):
            return msg("doctor.why.no_socket")
        if isinstance(cause, PermissionError):
            return msg("doctor.why.denied")
        if isinstance(cause, socket.gaierror):
            return msg("doctor.why.unknown_host")
    words = " ".join(str(getattr(error, "strerror", None) or error).split())
    return msg("doctor.why.other", detail=words or type(error).__name__)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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
