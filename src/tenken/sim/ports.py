"""Free TCP ports on 127.0.0.1 for simulators and private adb servers."""

from __future__ import annotations

import socket

ADB_EMULATOR_PORTS = range(5555, 5586)  # an adb server takes devices on these for emulators


def free_port() -> int:
    """A free TCP port on 127.0.0.1, never one the adb server would probe for emulators."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in ADB_EMULATOR_PORTS:
            return port
