"""The adb server side of discovery: what a technician sees when it cannot be reached."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from tenken.config import Settings
from tenken.devices.android import reader as android
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform
from tenken.sim.ports import free_port
from tests.android.conftest import AdbServer, Phones
from tests.conftest import text


def _settings(port: int, **android_keys: Any) -> Settings:
    settings = Settings()
    settings.android.adb_port = port
    for key, value in android_keys.items():
        setattr(settings.android, key, value)
    return settings


def test_missing_adb_binary_is_one_actionable_line(tmp_path: Path) -> None:
    settings = _settings(free_port(), adb_path=str(tmp_path / "no-adb"))
    with pytest.raises(TransportUnavailable, match=r"adb not found at .*android\.adb_path"):
        asyncio.run(android.discover(settings))


def test_remote_server_down(tmp_path: Path) -> None:
    settings = _settings(free_port(), adb_host="192.0.2.1", timeout=0.3)
    with pytest.raises(TransportUnavailable, match=r"no adb server answers at 192\.0\.2\.1"):
        asyncio.run(android.discover(settings))


def test_inspect_cli_reports_the_transport_problem(inspect_cli: Any, tmp_path: Path) -> None:
    inspection = inspect_cli(
        extra_env={"TENKEN_ANDROID_ADB_PATH": str(tmp_path / "no-adb")}, port=free_port()
    )
    assert inspection.exit_code == 3
    assert "adb not found" in inspection.output
    assert "Traceback" not in inspection.output


def test_discover_reports_state_and_serial(phones: Phones, adb_server: AdbServer) -> None:
    ready = phones.attach("so51c-docomo")
    locked = phones.attach("so51c-docomo", behaviour={"unauthorized": True})
    refs = {ref.device_id: ref for ref in asyncio.run(android.discover(_settings(adb_server.port)))}
    assert refs[ready.serial].transport_state == "device"
    assert refs[locked.serial].transport_state == "unauthorized"
    assert refs[ready.serial].usb_location is None  # a TCP phone has no USB path


def test_a_wedged_phone_gives_its_worker_back(phones: Phones, adb_server: AdbServer) -> None:
    # adbd listed as `device` that never answers a command (Android 6: the legacy `shell:` path).
    # adbutils opens that stream with a 10-minute socket timeout; the reader's bound must hold there
    # too, or the thread stays stuck and, with one worker, the next phone cannot be read at all.
    wedged = phones.attach("sov33-au", behaviour={"wedged": True})
    healthy = phones.attach("so51c-docomo")
    settings = _settings(adb_server.port, timeout=0.5, workers=1)

    def inspect(serial: str) -> DeviceFacts:
        ref = DeviceRef(Platform.ANDROID, serial, transport_state="device")
        return asyncio.run(android.inspect(ref, settings))

    assert inspect(wedged.serial).state is DeviceState.TIMEOUT
    read = inspect(healthy.serial)
    assert read.state is DeviceState.READY, text(read.action)
    assert read.model_id.value == "SO-51C"


def test_inspect_finds_the_server_adb_itself_would_use(
    phones: Phones, inspect_cli: Any, tmp_path: Path
) -> None:
    # `export ANDROID_ADB_SERVER_PORT=…` and no --adb-port: the phone is on that server. A missing adb
    # binary makes a wrong port fail at once instead of starting a second server on 5037.
    attached = phones.attach("so51c-docomo")
    inspection = inspect_cli(
        attached.serial, port_option=False, extra_env={"TENKEN_ANDROID_ADB_PATH": str(tmp_path / "no-adb")}
    )
    assert inspection.value(attached.serial, "model_id") == "SO-51C", inspection.output


# What an adb server answers to host:devices-l with a USB phone and a wireless-debugging one (TLS,
# found over mDNS): the model with `_` for `-`, no usb: path for the wireless one. The `adb:` warnings
# `adb devices -l` prints come from the adb client, never over this protocol.
DEVICES_L = (
    "R58R30XYZAB            device usb:1-1.2 product:a24xx model:SM_A245F device:a24 transport_id:3\n"
    "adb-R5CW30ABCDE-a1B2c3._adb-tls-connect._tcp device product:e3qxxx model:SM_S928B device:e3q "
    "transport_id:4\n"
)


def _fake_adb_server(listener: socket.socket) -> None:
    """Answers host:devices-l as the adb server does: OKAY, then a hex length and the list."""
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            length = connection.recv(4)
            if not length:
                continue
            request = connection.recv(int(length, 16)).decode()
            if request == "host:devices-l":
                body = DEVICES_L.encode()
                connection.sendall(b"OKAY" + f"{len(body):04x}".encode() + body)


def test_discovery_copes_with_wireless_phones_and_sanitised_models() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        threading.Thread(target=_fake_adb_server, args=(listener,), daemon=True).start()
        refs = asyncio.run(android.discover(_settings(listener.getsockname()[1])))
    assert [(ref.device_id, ref.usb_location, ref.transport_state) for ref in refs] == [
        ("R58R30XYZAB", "1-1.2", "device"),
        ("adb-R5CW30ABCDE-a1B2c3._adb-tls-connect._tcp", None, "device"),  # a wireless phone has no USB port
    ]
