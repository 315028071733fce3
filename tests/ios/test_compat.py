"""pymobiledevice3's internals tenken builds on (devices/ios/compat.py) are still where and what they were.
An upgrade that moves one fails here, by name, rather than at a station."""

from __future__ import annotations

import inspect
import re

from pymobiledevice3.lockdown import LockdownClient

from tenken.devices.ios import compat


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_lockdown_client_internals() -> None:
    client = compat.StationLockdownClient
    assert {"service", "identifier", "system_buid", "label", "autopair"} <= set(parameters(client.create))
    assert "pairing_records_cache_folder" in parameters(client.create)
    for name in ("validate_pairing", "get_service_connection_attributes", "ssl_file", "get_value"):
        assert callable(getattr(client, name)), name
    for name in ("product_version", "wifi_mac_address"):
        assert hasattr(client, name), name
    constructed = inspect.getsource(LockdownClient.__init__)
    for name in ("all_values", "paired", "pair_record", "service", "label", "system_buid"):
        assert re.search(rf"self\.{name}\b[^=\n]*=", constructed), name
    assert compat.SERVICE_PORT == 62078


def test_an_odd_product_version_is_taken_as_a_current_ios_for_protocol_choices() -> None:
    class Probe(compat.StationLockdownClient):  # type: ignore[misc]
        def __init__(self, version: str) -> None:
            self.all_values = {"ProductVersion": version}

    assert Probe("17.5.1").product_version == "17.5.1"
    assert Probe("seventeen").product_version == compat.ASSUMED_VERSION


def test_service_connection_and_usbmux_framing() -> None:
    assert {"sock", "ssl_context", "mux_device"} <= set(parameters(compat.ServiceConnection.from_socket))
    assert callable(compat.ServiceConnection.send_recv_plist)
    assert parameters(compat.create_ssl_context)[0] == "certfile"
    assert parameters(compat.build_usbmuxd_request) == ["version", "message", "tag", "payload"]
    frame = compat.build_usbmuxd_request(
        compat.UsbmuxdVersion.PLIST, compat.UsbmuxdMessageType.PLIST, 7, b"<x/>"
    )
    parsed = compat.parse_usbmuxd_response(frame)
    assert parsed.header.tag == 7 and parsed.data == b"<x/>"
    assert callable(compat.MuxConnection.create_usbmux_socket)
    assert parameters(compat.PlistMuxConnection.connect)[1:] == ["device", "port"]


def test_device_table_and_default_address() -> None:
    assert compat.marketing_name("iPhone14,5") == "iPhone 13"
    assert compat.marketing_name("iPhone0,0") is None
    assert compat.default_usbmux_address()
