"""The simulated usbmuxd and lockdownd on the wire, with a plain socket client: the message shapes both
pymobiledevice3 and libusbmuxd rely on, Listen events, pair records, and StopSession back to plaintext."""

from __future__ import annotations

import plistlib
import socket
import ssl
import struct
from collections.abc import Iterator
from typing import Any

import pytest

from tests.ios.simulator import SimulatorThread, bundled

LOCKDOWN = 62078


class Mux:
    """One usbmuxd connection speaking the plist protocol."""

    def __init__(self, address: str) -> None:
        host, port = address.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.tag = 0

    def close(self) -> None:
        self.sock.close()

    def send(self, message: dict[str, Any]) -> int:
        self.tag += 1
        body = plistlib.dumps({"ClientVersionString": "test", "ProgName": "test", **message})
        self.sock.sendall(struct.pack("<IIII", 16 + len(body), 1, 8, self.tag) + body)
        return self.tag

    def receive(self) -> tuple[int, dict[str, Any]]:
        length, version, kind, tag = struct.unpack("<IIII", exactly(self.sock, 16))
        assert (version, kind) == (1, 8)
        return tag, plistlib.loads(exactly(self.sock, length - 16))

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        tag = self.send(message)
        answer_tag, answer = self.receive()
        assert answer_tag == tag
        return answer


def exactly(sock: socket.socket | ssl.SSLSocket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "connection closed"
        data += chunk
    return data


def lockdown_request(sock: socket.socket | ssl.SSLSocket, message: dict[str, Any]) -> dict[str, Any]:
    body = plistlib.dumps({"Label": "test", **message})
    sock.sendall(struct.pack(">I", len(body)) + body)
    (length,) = struct.unpack(">I", exactly(sock, 4))
    answer: dict[str, Any] = plistlib.loads(exactly(sock, length))
    assert answer["Request"] == message["Request"]
    return answer


@pytest.fixture
def mux(usbmux: SimulatorThread) -> Iterator[Mux]:
    client = Mux(usbmux.address)
    yield client
    client.close()


def test_device_list_has_what_both_client_libraries_read(usbmux: SimulatorThread, mux: Mux) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    assert mux.ask({"MessageType": "ReadBUID"})["BUID"] == usbmux.server.buid
    (entry,) = mux.ask({"MessageType": "ListDevices"})["DeviceList"]
    assert entry["MessageType"] == "Attached"
    assert entry["DeviceID"] == phone.device_id  # pymobiledevice3 reads it here
    properties = entry["Properties"]  # libusbmuxd reads it here
    assert properties["DeviceID"] == phone.device_id
    assert properties["SerialNumber"] == phone.udid
    assert properties["ConnectionType"] == "USB"
    assert properties["LocationID"] == 0x01100000
    assert isinstance(properties["ProductID"], int)


def test_listen_reports_phones_coming_and_going(usbmux: SimulatorThread, mux: Mux) -> None:
    first = usbmux.attach(bundled("iphone13-docomo"))
    assert mux.ask({"MessageType": "Listen"}) == {"MessageType": "Result", "Number": 0}
    assert mux.receive()[1]["DeviceID"] == first.device_id  # what is already plugged in

    second = usbmux.attach(bundled("iphone16-rakuten"))
    tag, event = mux.receive()
    assert (tag, event["MessageType"], event["Properties"]["SerialNumber"]) == (0, "Attached", second.udid)
    usbmux.detach(first.udid)
    assert mux.receive()[1] == {"MessageType": "Detached", "DeviceID": first.device_id}


def test_pair_records_are_kept_read_and_deleted(usbmux: SimulatorThread, mux: Mux) -> None:
    phone = usbmux.attach(bundled("iphone15-trust"))  # never paired: usbmuxd has no record
    assert mux.ask({"MessageType": "ReadPairRecord", "PairRecordID": phone.udid}) == {
        "MessageType": "Result",
        "Number": 2,
    }
    record = plistlib.dumps({"HostID": "TEST-HOST"})
    saved = mux.ask(
        {
            "MessageType": "SavePairRecord",
            "PairRecordID": phone.udid,
            "PairRecordData": record,
            "DeviceID": phone.device_id,
        }
    )
    assert saved == {"MessageType": "Result", "Number": 0}
    assert mux.ask({"MessageType": "ReadPairRecord", "PairRecordID": phone.udid})["PairRecordData"] == record
    assert mux.ask({"MessageType": "DeletePairRecord", "PairRecordID": phone.udid})["Number"] == 0
    assert mux.ask({"MessageType": "ReadPairRecord", "PairRecordID": phone.udid})["Number"] == 2
    assert mux.ask({"MessageType": "Fly"})["Number"] == 1  # BADCOMMAND


def test_connect_refuses_unknown_phones_and_ports(usbmux: SimulatorThread, mux: Mux) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    assert (
        mux.ask({"MessageType": "Connect", "DeviceID": 99, "PortNumber": socket.htons(LOCKDOWN)})["Number"]
        == 2
    )
    refused = mux.ask(
        {"MessageType": "Connect", "DeviceID": phone.device_id, "PortNumber": socket.htons(5555)}
    )
    assert refused["Number"] == 3


def test_session_upgrades_to_tls_and_stop_session_returns_to_plaintext(usbmux: SimulatorThread) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    mux = Mux(usbmux.address)
    record = plistlib.loads(
        mux.ask({"MessageType": "ReadPairRecord", "PairRecordID": phone.udid})["PairRecordData"]
    )
    assert (
        mux.ask(
            {"MessageType": "Connect", "DeviceID": phone.device_id, "PortNumber": socket.htons(LOCKDOWN)}
        )["Number"]
        == 0
    )
    plain = mux.sock  # now a pipe to lockdownd
    try:
        assert lockdown_request(plain, {"Request": "QueryType"})["Type"] == "com.apple.mobile.lockdown"
        before = lockdown_request(plain, {"Request": "GetValue"})["Value"]
        assert "ProductType" in before and "InternationalMobileEquipmentIdentity" not in before
        assert (
            lockdown_request(plain, {"Request": "GetValue", "Key": "SerialNumber"})["Error"]
            == "GetProhibited"
        )

        started = lockdown_request(
            plain, {"Request": "StartSession", "HostID": record["HostID"], "SystemBUID": record["SystemBUID"]}
        )
        assert started["EnableSessionSSL"] is True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        encrypted = context.wrap_socket(plain)
        assert (
            lockdown_request(encrypted, {"Request": "GetValue", "Key": "SerialNumber"})["Value"]
            == "SIMT13DOC001"
        )
        fmip = lockdown_request(encrypted, {"Request": "GetValue", "Domain": "com.apple.fmip"})
        assert "Value" not in fmip  # Find My answers only when asked key by key
        assert (
            lockdown_request(encrypted, {"Request": "GetValue", "Key": "Nonsense"})["Error"] == "MissingValue"
        )
        stopped = lockdown_request(encrypted, {"Request": "StopSession", "SessionID": started["SessionID"]})
        assert stopped["Result"] == "Success"

        plain = encrypted.unwrap()  # close_notify both ways, then the same socket in plaintext
        assert lockdown_request(plain, {"Request": "QueryType"})["Type"] == "com.apple.mobile.lockdown"
        assert (
            lockdown_request(plain, {"Request": "GetValue", "Key": "SerialNumber"})["Error"]
            == "GetProhibited"
        )
    finally:
        plain.close()


def test_unknown_host_gets_invalid_host_id(usbmux: SimulatorThread) -> None:
    phone = usbmux.attach(bundled("iphone13-docomo"))
    mux = Mux(usbmux.address)
    try:
        mux.ask({"MessageType": "Connect", "DeviceID": phone.device_id, "PortNumber": socket.htons(LOCKDOWN)})
        answer = lockdown_request(
            mux.sock, {"Request": "StartSession", "HostID": "STRANGER", "SystemBUID": "X"}
        )
        assert answer["Error"] == "InvalidHostID"
    finally:
        mux.close()
