"""adbutils' internals tenken builds on (devices/android/compat.py) are still where and what they were.
An adbutils upgrade that renames one fails here, by name, rather than at a station."""

from __future__ import annotations

import inspect

import adbutils

from tenken.devices.android import compat


def test_the_connection_hooks_tenken_overrides_still_exist() -> None:
    assert callable(adbutils.AdbConnection._safe_connect)
    assert callable(adbutils.AdbConnection._create_socket)
    assert list(inspect.signature(adbutils.AdbClient.make_connection).parameters) == ["self", "timeout"]
    assert {"host", "port", "socket_timeout"} <= set(inspect.signature(adbutils.AdbClient).parameters)


def test_a_connection_keeps_its_socket_in_conn_and_never_starts_a_server() -> None:
    """Against a port where nothing listens: adbutils would run `adb start-server`; ours fails at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = compat.client("127.0.0.1", port, timeout=0.5)
    try:
        client.make_connection()
    except (adbutils.AdbError, OSError):
        pass
    else:
        raise AssertionError("a connection to a closed port succeeded")


def test_shell2_reads_the_features_tenken_sets() -> None:
    device = adbutils.AdbDevice(compat.client("127.0.0.1", 1, timeout=0.5), serial="x")
    assert compat.set_features(device, "shell_v2,cmd") == {"shell_v2", "cmd"}
    assert device._features == {"shell_v2", "cmd"}
    source = inspect.getsource(type(device).shell2) + inspect.getsource(type(device))
    assert "_features" in source  # shell2 consults the cached features
