"""Finding and starting the adb server (adbutils' bundled adb by default, a system adb when configured),
and what a running one says about itself."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass
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


def ensure_server(host: str, port: int, adb_path: str = "", timeout: float = START_TIMEOUT) -> bool:
    """Make sure an adb server answers on host:port, starting one when it is local and down; True when
    it started one."""
    if server_reachable(host, port):
        return False
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
    return True


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """What the adb server at host:port says about itself (for `tenken doctor`); nothing is started."""

    listening: bool  # something accepts connections there
    version: int | None = None  # the server's protocol version; None: it did not answer as an adb server
    phones: int = 0  # devices it lists, in any state
    exposed: tuple[str, ...] = ()  # addresses beyond loopback it listens on (checked for a local server)
    timed_out: bool = False  # it did not answer within the timeout
    problem: str = ""  # else why it did not answer as an adb server (adbutils' words: data)


def server_status(host: str, port: int, timeout: float) -> ServerStatus:
    if not server_reachable(host, port):  # asking adbutils would start one
        return ServerStatus(listening=False)
    import adbutils

    try:
        client = adbutils.AdbClient(host=host, port=port, socket_timeout=timeout)
        version = client.server_version()
        phones = len(client.list())
    except (adbutils.AdbTimeout, TimeoutError):
        return ServerStatus(listening=True, timed_out=True)
    except Exception as error:  # anything that is not an adb server's answer is the finding
        return ServerStatus(listening=True, problem=" ".join(str(error).split()) or type(error).__name__)
    exposed = listening_beyond_loopback(port) if host in ("127.0.0.1", "localhost") else []
    return ServerStatus(listening=True, version=version, phones=phones, exposed=tuple(exposed))


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


def stop_server(port: int, adb_path: str = "", timeout: float = START_TIMEOUT) -> None:
    """Stop the local adb server on `port` (one that ensure_server started), and wait until it is gone."""
    binary = adb_binary(adb_path)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [binary, "-P", str(port), "kill-server"],
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
            env=server_environment(dict(os.environ), port),
        )
    deadline = time.monotonic() + timeout
    while server_reachable("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.05)
