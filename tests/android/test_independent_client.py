"""Debian's adb (29.0.6) as server and client against the simulator: it speaks the protocol, not our dialect."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tenken.devices.android.parcel import ReplyKind, decode_reply
from tenken.sim.android.host import ThreadedSimHost
from tests.android.conftest import AdbServer


def test_debian_adb_shell_and_service_call(debian_server: AdbServer) -> None:
    host = ThreadedSimHost(debian_server.port)
    try:
        attached = host.attach("so51c-docomo")
        listing = debian_server.adb("devices", "-l").stdout
        assert f"{attached.serial}" in listing and "model:SO_51C" in listing

        model = debian_server.adb("-s", attached.serial, "shell", "getprop", "ro.product.model")
        assert (model.returncode, model.stdout) == (0, "SO-51C\n")

        grep = debian_server.adb("-s", attached.serial, "shell", "getprop | grep gsm.sim.state")
        assert grep.stdout == "[gsm.sim.state]: [READY,ABSENT]\n"

        call = debian_server.adb(
            "-s", attached.serial, "shell", "service call iphonesubinfo 1 s16 com.android.shell"
        )
        assert call.returncode == 0
        reply = decode_reply(call.stdout)
        assert (reply.kind, reply.value) == (ReplyKind.OK, "004401510000017")
        assert call.stdout.startswith("Result: Parcel(\n  0x00000000: 00000000 0000000f ")

        wrong = debian_server.adb(
            "-s", attached.serial, "shell", "service call iphonesubinfo 1 s16 com.example"
        )
        assert decode_reply(wrong.stdout).kind is ReplyKind.EXCEPTION

        exec_out = debian_server.adb("-s", attached.serial, "exec-out", "getprop ro.product.brand")
        assert (exec_out.returncode, exec_out.stdout) == (0, "docomo\n")

        missing = debian_server.adb("-s", attached.serial, "shell", "nosuchtool")
        assert missing.returncode == 127
        assert "nosuchtool: inaccessible or not found" in missing.stderr
    finally:
        host.close()


def _server_binary(port: int) -> str:
    """The executable of the adb server process listening on this port (from /proc)."""
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if b"fork-server" in cmdline and f"tcp:{port}".encode() in cmdline:
                return os.path.realpath(entry / "exe")
        except OSError:
            continue
    raise AssertionError(f"no adb server process for port {port}")


def test_reader_starts_and_uses_the_configured_system_adb(
    debian_adb: str, tmp_path: Any, inspect_cli: Any, debian_server: AdbServer
) -> None:
    """android.adb_path names the system adb: the reader starts it on a fresh port and inspects through it."""
    from tenken.sim.ports import free_port

    port = free_port()
    env = {"TENKEN_ANDROID_ADB_PATH": debian_adb, "HOME": str(debian_server.home)}
    try:
        empty = inspect_cli(extra_env=env, port=port)  # starts the server: no phone yet
        assert empty.exit_code == 4  # nothing attached (3 is for a transport that cannot be asked)
        host = ThreadedSimHost(port, adb_path=debian_adb)
        try:
            attached = host.attach("pixel7-jp")
            inspection = inspect_cli(attached.serial, extra_env=env, port=port)
            assert inspection.value(attached.serial, "imei") == "004400070000011"
        finally:
            host.close()
        assert _server_binary(port) == os.path.realpath(debian_adb)
    finally:
        AdbServer(debian_adb, home=debian_server.home, port=port).stop()
