"""The station end to end: `tenken watch` as its own process, against tenken's simulators (usbmuxd with
iPhones, emulated adbd behind a real adb server, the carriers' sites) and a webhook receiver run here,
all on 127.0.0.1. Nothing of tenken's is mocked: what is checked is what the process stored, printed
and POSTed."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
import sqlalchemy as sa

from tenken.sim.android import profile as android_profile
from tenken.sim.android.adb_server import PrivateAdbServer
from tenken.sim.android.host import Attached, ThreadedSimHost
from tenken.sim.carriers import CarrierSimulator, Rules
from tenken.sim.carriers.rules import bundled_rules
from tenken.sim.ios import profile as ios_profile
from tenken.sim.ios.simulator import IosSimulator
from tests.conftest import fast_env
from tests.postgres import PrivateServer, needed_binaries

T = TypeVar("T")

SECRET = "station-test-secret"
STATION = "station-e2e"
DEADLINE = 45.0  # seconds any one condition may take to come true before a test fails


def wait_for(condition: Callable[[], T], what: str, timeout: float = DEADLINE, every: float = 0.05) -> T:
    """Poll `condition` until it returns something true; fail naming `what` when the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout:g} s still waiting for: {what}", pytrace=False)
        time.sleep(every)


# ------------------------------------------------------------------------------------------ webhooks


@dataclass(frozen=True, slots=True)
class Post:
    key: str
    event: str
    signature: str  # X-Tenken-Signature (deprecated)
    body: bytes
    status: int  # what the receiver answered
    headers: dict[str, str] = field(default_factory=dict)  # every header, names in lower case


def documented_verify() -> Callable[..., dict[str, Any]]:
    """The receiver's check docs/station.md shows (standard library only), run as written: the Python
    block there that defines `verify(secret, headers, body, tolerance=300)`."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "station.md").read_text(encoding="utf-8")
    [block] = [block for block in text.split("```python\n")[1:] if "def verify(" in block]
    names: dict[str, Any] = {}
    exec(compile(block.split("```", 1)[0], "docs/station.md", "exec"), names)
    verify: Callable[..., dict[str, Any]] = names["verify"]
    return verify


class Receiver:
    """A webhook receiver that honours Idempotency-Key: the first 2xx per key is the delivery; a key
    seen again is answered 200 and not delivered twice. `down` makes it answer 503."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.delivered: dict[str, bytes] = {}  # key → body, in the order they were taken
        self.down = False
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._open: set[socket.socket] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/tenken"

    def start(self) -> Receiver:
        """Listen (again, on the same port after `close`)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening and drop the connections kept alive: a sender's next connection is refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def keys(self) -> set[str]:
        with self._lock:
            return set(self.delivered)

    def refused(self) -> set[str]:
        """The keys of messages it answered 503."""
        with self._lock:
            return {post.key for post in self.posts if post.status >= 500}

    def _take(self, post: Post) -> int:
        with self._lock:
            if self.down:
                self.posts.append(replace(post, status=503))
                return 503
            self.posts.append(post)
            self.delivered.setdefault(post.key, post.body)
            return 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver._open.add(self.connection)

            def finish(self) -> None:
                with receiver._lock:
                    receiver._open.discard(self.connection)
                super().finish()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                post = Post(
                    self.headers.get("Idempotency-Key", ""),
                    self.headers.get("X-Tenken-Event", ""),
                    self.headers.get("X-Tenken-Signature", ""),
                    body,
                    200,
                    {name.lower(): value for name, value in self.headers.items()},
                )
                status = receiver._take(post)
                reply = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def check_posts(receiver: Receiver) -> None:
    """Every POST the receiver got passes the check docs/station.md shows (Standard Webhooks: the id, the
    time and the exact body, signed with the secret), is signed the deprecated way too, and names itself:
    its event is the header's, and its inspection id is the webhook-id and the Idempotency-Key."""
    assert receiver.posts, "no webhook was sent"
    verify = documented_verify()
    for post in receiver.posts:
        document = verify(SECRET, post.headers, post.body, tolerance=3600)
        assert post.headers["webhook-id"] == post.key
        expected = "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(post.signature, expected), post.key
        assert document["event"] == post.event == "inspection.finished"
        assert document["inspection"]["inspection_id"] == post.key
        assert document["inspection"]["station"] == STATION


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.close()


# ------------------------------------------------------------------------------------------ station


class Watch:
    """`tenken [OPTIONS] watch --jsonl …` as its own process; its stdout lines are collected as they come
    (`options`: the global ones, such as -v)."""

    def __init__(
        self, args: list[str], env: dict[str, str], log: Path, options: tuple[str, ...] = ()
    ) -> None:
        self.log = log
        self.jsonl = "--jsonl" in args
        self._stderr = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tenken", *options, "watch", *args],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._lines: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self.raw.append(line)
                if self.jsonl and line.strip():
                    self._lines.append(json.loads(line))

    def lines(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._lines)

    def inspections(self) -> dict[str, dict[str, Any]]:
        """Inspection id → the inspection, from the --jsonl lines so far."""
        return {line["inspection"]["inspection_id"]: line["inspection"] for line in self.lines()}

    def of(self, device_id: str) -> list[dict[str, Any]]:
        """The inspections printed for one phone, oldest first."""
        return [
            line["inspection"]
            for line in self.lines()
            if line["inspection"]["device"]["device_id"] == device_id
        ]

    def stop(self, timeout: float = DEADLINE) -> int:
        """SIGTERM, as a service manager stops it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"tenken watch did not stop within {timeout:g} s of SIGTERM; {self.stderr()}")
        self._reader.join(5)
        self._stderr.close()
        return code

    def wait(self, timeout: float = DEADLINE) -> int:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"tenken watch did not end within {timeout:g} s; {self.stderr()}")
        self._reader.join(5)
        self._stderr.close()
        return code

    def stderr(self) -> str:
        return "stderr:\n" + self.log.read_text(errors="replace")[-6000:]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self._stderr.closed:
            self._stderr.close()


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    """Every `tenken watch` a test starts is killed at its end, whatever happened."""
    started: list[Watch] = []
    try:
        yield started
    finally:
        for watch in started:
            watch.kill()


@dataclass(frozen=True, slots=True)
class Row:
    record_id: str
    device_id: str
    state: str
    levels: dict[str, str]  # channel → level
    rechecks: str = ""  # the inspection it judged again (a re-check, a record)


def stored(db_url: str) -> list[Row]:
    """The inspections the database holds, oldest first."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT record_id, device_id, state, verdicts_json, inspection_json FROM inspections "
                    "ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    return [
        Row(
            record_id,
            device_id,
            state,
            {channel: verdict["level"] for channel, verdict in json.loads(verdicts or "{}").items()},
            json.loads(whole or "{}").get("rechecks") or "",
        )
        for record_id, device_id, state, verdicts, whole in rows
    ]


def outbox(db_url: str) -> dict[str, bool]:
    """Webhook message key → taken by the receiver."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT record_id, sent_at FROM webhook_outbox")).all()
    finally:
        engine.dispose()
    return {key: sent is not None for key, sent in rows}


# ------------------------------------------------------------------------------------------ phones


class Sites(CarrierSimulator):
    """The carriers' sites with the bundled rules (the demo's marks), and each clone of a bundled iPhone
    given the marks of the phone it is a copy of."""

    def __init__(self) -> None:
        super().__init__(Rules.load(bundled_rules()))

    def like(self, copy: ios_profile.PhoneProfile, original: ios_profile.PhoneProfile) -> None:
        for key in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2"):
            mine, theirs = copy.values.get(key), original.values.get(key)
            if isinstance(mine, str) and isinstance(theirs, str) and theirs in self.rules.marks:
                self.rules.marks[mine] = dict(self.rules.marks[theirs])


@pytest.fixture
def sites() -> Iterator[Sites]:
    with Sites() as simulator:
        yield simulator


def iphone(name: str, copy: int = 0, **behaviour: Any) -> ios_profile.PhoneProfile:
    """A bundled iPhone profile, copy `copy` of it (own UDID, serial, IMEIs), its behaviour changed."""
    profile = ios_profile.load(name).clone(copy)
    if behaviour:
        profile = replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, **behaviour))
    return profile


def android(name: str, **behaviour: Any) -> android_profile.Profile:
    profile = android_profile.load(name)
    if behaviour:
        profile = replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, **behaviour))
    return profile


@pytest.fixture
def iphones() -> Iterator[IosSimulator]:
    with IosSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def adb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateAdbServer]:
    with PrivateAdbServer(home=tmp_path_factory.mktemp("station-adb")) as server:
        yield server


@dataclass
class AndroidPhones:
    """Emulated Android phones registered with the private adb server; all disconnected at the end."""

    host: ThreadedSimHost
    attached: dict[str, Attached] = field(default_factory=dict)

    def attach(self, profile: android_profile.Profile, port: int | None = None) -> Attached:
        phone = self.host.attach(profile, port)
        self.attached[phone.serial] = phone
        return phone

    def detach(self, serial: str) -> None:
        self.host.detach(serial)


@pytest.fixture
def androids(adb_server: PrivateAdbServer) -> Iterator[AndroidPhones]:
    phones = AndroidPhones(ThreadedSimHost(adb_server.port))
    try:
        yield phones
    finally:
        phones.host.close()
        for serial in phones.attached:  # one whose cable was pulled stays `offline` in the server
            adb_server.adb("disconnect", serial)


def station_env(
    sites: CarrierSimulator, tmp_path: Path, *, usbmux: str = "", adb_port: int = 0, webhook: str = ""
) -> dict[str, str]:
    """A quick station: no carrier spacing, phones listed every 0.3 s and waiting ones asked every 0.5 s,
    short device timeouts, its own database and data folder, and the webhook signed with SECRET."""
    env = {
        **fast_env(sites, tmp_path),
        "TENKEN_STATION_ID": STATION,
        "TENKEN_WATCH_POLL_SECONDS": "0.3",
        "TENKEN_WATCH_RETRY_SECONDS": "0.5",
        "TENKEN_IOS_TIMEOUT": "5",
        "TENKEN_IOS_PAIR_TIMEOUT": "0.3",
        "TENKEN_ANDROID_TIMEOUT": "5",
        "TENKEN_WEBHOOK_URL": webhook,
        "TENKEN_WEBHOOK_SECRET": SECRET if webhook else "",
        "TENKEN_WEBHOOK_TIMEOUT": "5",
        "TENKEN_LANG": "en",
    }
    if usbmux:
        env["TENKEN_IOS_USBMUX"] = usbmux
    if adb_port:
        env["TENKEN_ANDROID_ADB_PORT"] = str(adb_port)
    return env


# ------------------------------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    """A server of the test's own, that it may stop and start (tests/postgres.py)."""
    server = PrivateServer(needed_binaries())
    try:
        server.start()
        yield server
    finally:
        server.close()
