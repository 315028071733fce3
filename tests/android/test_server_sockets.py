"""An adb server tenken starts listens on loopback only: no mDNS on 0.0.0.0:5353 or [::]:5353.

The kernel's socket tables (/proc/net/tcp, tcp6, udp, udp6) are read for the server process's own
sockets (its /proc/PID/fd links), so the check sees what any port scanner on the network would see.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenken.devices.android.server import bundled_adb, ensure_server
from tenken.sim.ports import free_port
from tests.android.conftest import AdbServer

TCP_LISTEN = "0A"


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """/proc/net's address column: the kernel's bytes, each 32-bit word in host (little-endian) order."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[index : index + 4][::-1] for index in range(0, len(raw), 4))
    return ipaddress.ip_address(words)


def _entries() -> Iterator[tuple[str, str, ipaddress.IPv4Address | ipaddress.IPv6Address, int, str]]:
    """(table, inode, local address, local port, state) for every socket in the kernel's tables."""
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            columns = line.split()
            host, port = columns[1].split(":")
            yield table, columns[9], _address(host), int(port, 16), columns[3]


def _server_pid(port: int) -> int:
    inodes = {entry[1] for entry in _entries() if entry[0].startswith("tcp") and entry[3] == port}
    inodes &= {entry[1] for entry in _entries() if entry[4] == TCP_LISTEN}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if inodes & _socket_inodes(int(pid)):
            return int(pid)
    raise AssertionError(f"no process listens on port {port}")


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                found.add(target[len("socket:[") : -1])
    except OSError:  # the process ended, or is not ours
        pass
    return found


def exposed(port: int) -> list[str]:
    """The listening sockets of the adb server on this port that are not on a loopback address."""
    own = _socket_inodes(_server_pid(port))
    listening = [
        entry
        for entry in _entries()
        if entry[1] in own and (entry[0].startswith("udp") or entry[4] == TCP_LISTEN)
    ]
    assert listening, "the server has no listening socket at all"
    return [f"{table} {host}:{found}" for table, _, host, found, _ in listening if not host.is_loopback]


def _mdns_check(binary: str, port: int, env: dict[str, str]) -> str:
    """adb 36 answers `mdns check` from the server: whether its discovery runs."""
    result = subprocess.run(
        [binary, "-P", str(port), "mdns", "check"], capture_output=True, text=True, env=env, timeout=30
    )
    return result.stdout.strip()


def test_the_private_server_listens_on_loopback_only(adb_server: AdbServer) -> None:
    assert exposed(adb_server.port) == []
    assert _mdns_check(adb_server.binary, adb_server.port, adb_server.env) == "ERROR: mdns discovery disabled"


def test_debian_adb_server_listens_on_loopback_only(debian_server: AdbServer) -> None:
    assert exposed(debian_server.port) == []


def test_the_server_inspect_starts_listens_on_loopback_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # where the server keeps its adbkey
    monkeypatch.delenv("ADB_MDNS", raising=False)
    port = free_port()
    ensure_server("127.0.0.1", port)
    env = {**os.environ, "ANDROID_ADB_SERVER_PORT": str(port)}
    try:
        assert exposed(port) == []
        assert _mdns_check(bundled_adb(), port, env) == "ERROR: mdns discovery disabled"
    finally:
        subprocess.run(
            [bundled_adb(), "-P", str(port), "kill-server"], env=env, capture_output=True, timeout=30
        )
