"""Finding and starting the adb server: adbutils' bundled adb by default, a system adb when configured."""

from __future__ import annotations

import os
import socket
import subprocess
from importlib import resources
from pathlib import Path

from tenken.errors import TransportUnavailable

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
START_TIMEOUT = 20.0  # adb 36 takes a few seconds to start its server


def bundled_adb() -> str:
    """The adb binary shipped in adbutils' wheel (importing adbutils.binaries imports adbutils)."""
    path = Path(str(resources.files("adbutils.binaries").joinpath("adb")))
    if not path.is_file():
        raise TransportUnavailable(
            "adbutils ships no adb binary on this platform: install adb and set android.adb_path"
        )
    return str(path)


def adb_binary(configured: str) -> str:
    return configured or os.environ.get("ADBUTILS_ADB_PATH", "") or bundled_adb()


def server_environment(environ: dict[str, str], port: int) -> dict[str, str]:
    """The environment an adb server tenken starts runs with: on `port`, listening on loopback only.

    adb's mDNS discovery (for wireless debugging) binds UDP 5353 on every interface (adb 36 does;
    adb 29 asks a system mDNS daemon instead). The server reads ADB_MDNS once, when it starts, and
    "0" skips discovery (AOSP packages/modules/adb: client/main.cpp → mdns::is_enabled()).
    """
    return {**environ, "ANDROID_ADB_SERVER_PORT": str(port), "ADB_MDNS": "0"}


def server_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_server(host: str, port: int, adb_path: str = "", timeout: float = START_TIMEOUT) -> None:
    """Make sure an adb server answers on host:port, starting one when it is local and down."""
    if server_reachable(host, port):
        return
    if host not in LOCAL_HOSTS:
        raise TransportUnavailable(
            f"no adb server answers at {host}:{port}: start it on that machine or fix android.adb_host/adb_port"
        )
    binary = adb_binary(adb_path)
    try:
        result = subprocess.run(
            [binary, "-P", str(port), "start-server"],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
            env=server_environment(dict(os.environ), port),
        )
    except FileNotFoundError:
        raise TransportUnavailable(f"adb not found at {binary}: fix android.adb_path") from None
    except subprocess.TimeoutExpired:
        raise TransportUnavailable(
            f"the adb server on port {port} did not start within {timeout:.0f} s; "
            f"try `{binary} -P {port} kill-server` and inspect again"
        ) from None
    if result.returncode != 0 or not server_reachable(host, port):
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise TransportUnavailable(
            f"the adb server on port {port} could not be started ({detail[-1] if detail else 'no output'}); "
            f"is another program using the port?"
        )
