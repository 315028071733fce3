"""adbutils' internals that tenken builds on, in one place; tests/android/test_compat.py pins each one so
that an adbutils upgrade that renames them fails loudly there, not at a station.

- AdbConnection._safe_connect / _create_socket: adbutils starts `adb start-server` from PATH on the
  environment's port when a connection fails; the reader starts the configured server itself.
- AdbClient.make_connection and AdbConnection.conn: adbutils opens some streams with a 600 s timeout.
- AdbDevice._features: the feature list asked once per inspection instead of once per shell2 call.

adbutils is imported on first use (it pulls in requests and Pillow).
"""

from __future__ import annotations

import functools
import socket
from typing import Any


@functools.cache
def client_class() -> type[Any]:
    import adbutils

    class Connection(adbutils.AdbConnection):  # type: ignore[misc]  # adbutils ships no type hints
        def _safe_connect(self) -> socket.socket:
            # A vanished server is an error here, not a reason to start another one.
            created: socket.socket = self._create_socket()
            return created

    class Client(adbutils.AdbClient):  # type: ignore[misc]
        def __init__(self, host: str, port: int, timeout: float) -> None:
            super().__init__(host=host, port=port, socket_timeout=timeout)
            self.tenken_timeout = timeout

        def make_connection(self, timeout: float | None = None) -> Any:
            # Never wait longer than android.timeout, or a wedged phone holds a worker for 10 minutes.
            connection = Connection(self.host, self.port)
            connection.conn.settimeout(min(timeout or self.tenken_timeout, self.tenken_timeout))
            return connection

    return Client


def client(host: str, port: int, timeout: float) -> Any:
    """An adbutils client whose every socket waits at most `timeout` and never starts a server."""
    return client_class()(host, port, timeout)


def set_features(device: Any, features: str) -> set[str]:
    """Tell an AdbDevice its features (the comma list the server gave) so shell2 does not ask again."""
    device._features = set(features.split(","))
    found: set[str] = device._features
    return found
