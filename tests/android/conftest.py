"""Android fixtures: an isolated adb server (own port, own HOME), the simulator registered with it,
and `tenken inspect` run through the CLI against them. Nothing here mocks tenken's code: every test
goes adbutils → real adb server → emulated adbd over real sockets."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tenken.cli import cli
from tenken.devices.android.server import bundled_adb
from tenken.sim.android.adb_server import PrivateAdbServer as AdbServer
from tenken.sim.android.host import Attached, ThreadedSimHost
from tests.schemas import check_json

REPO = Path(__file__).resolve().parents[2]
SHARED_ANDROID = REPO.parent / "shared" / "fixtures" / "android"
DEBIAN_ADB = Path("/usr/bin/adb")


def _server(binary: str, tmp: Path) -> Iterator[AdbServer]:
    with AdbServer(binary, home=tmp / "home") as server:
        yield server


@pytest.fixture(scope="session")
def adb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdbServer]:
    """The adb server that ships in adbutils' wheel, on its own port with its own HOME."""
    yield from _server(bundled_adb(), tmp_path_factory.mktemp("adb36"))


@pytest.fixture(scope="session")
def sim(adb_server: AdbServer) -> Iterator[ThreadedSimHost]:
    host = ThreadedSimHost(adb_server.port)
    try:
        yield host
    finally:
        host.close()


@dataclass
class Phones:
    """Attach phones for one test; every one is detached (adb disconnect) when the test ends."""

    sim: ThreadedSimHost
    tmp: Path
    attached: list[Attached] = field(default_factory=list)

    def attach(self, profile: str | Path, /, **overrides: Any) -> Attached:
        """A bundled profile or file, optionally with a TOML overlay (`base` = the profile)."""
        if overrides:
            profile = self.variant(profile, **overrides)
        attached = self.sim.attach(profile)
        self.attached.append(attached)
        return attached

    def attach_many(self, profiles: list[str | Path]) -> list[Attached]:
        attached = self.sim.attach_many(list(profiles))
        self.attached.extend(attached)
        return attached

    def variant(self, base: str | Path, **sections: dict[str, Any]) -> Path:
        lines = ["[profile]", f"base = {json.dumps(str(base))}"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in sections.pop("profile", {}).items()]
        for name, table in sections.items():
            lines.append(f"[{name}]")
            lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in table.items()]
        path = self.tmp / f"variant-{len(list(self.tmp.glob('variant-*.toml')))}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def release(self) -> None:
        for attached in self.attached:
            if attached.serial in self.sim.host.devices:
                self.sim.detach(attached.serial)


@pytest.fixture
def phones(sim: ThreadedSimHost, tmp_path: Path) -> Iterator[Phones]:
    helper = Phones(sim, tmp_path)
    try:
        yield helper
    finally:
        helper.release()


@dataclass
class Inspection:
    exit_code: int
    output: str
    devices: dict[str, dict[str, Any]]  # adb serial → JSON of DeviceFacts

    def facts(self, serial: str) -> dict[str, Any]:
        found: dict[str, Any] = self.devices[serial]["facts"]
        return found

    def value(self, serial: str, name: str) -> Any:
        return self.facts(serial)[name]["value"]


@pytest.fixture
def env(adb_server: AdbServer, tmp_path: Path) -> dict[str, str]:
    """The environment of `tenken` run through run_cli: this adb server, a private database and data folder."""
    return {
        "HOME": str(adb_server.home),
        "ANDROID_ADB_SERVER_PORT": str(adb_server.port),
        "ANDROID_SERIAL": "",
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "TENKEN_DB": str(tmp_path / "tenken.sqlite3"),
        "TENKEN_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TENKEN_ANDROID_TIMEOUT": "5",
    }


@pytest.fixture
def inspect_cli(adb_server: AdbServer, tmp_path: Path) -> Any:
    """Run `tenken inspect --platform android --json` through click; returns the parsed phones."""

    def run(
        *serials: str,
        extra_env: dict[str, str] | None = None,
        port: int | None = None,
        port_option: bool = True,
    ) -> Inspection:
        env = {
            "HOME": str(adb_server.home),
            "ANDROID_ADB_SERVER_PORT": str(port or adb_server.port),
            "TENKEN_DATA_DIR": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "TENKEN_ANDROID_TIMEOUT": "5",
            **(extra_env or {}),
        }
        args = ["inspect", "--platform", "android", "--json", "--no-lookup"]
        if port_option:
            args += ["--adb-port", str(port or adb_server.port)]
        for serial in serials:
            args += ["--serial", serial]
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        start = result.stdout.find("{")
        payload = check_json("inspect", result.stdout[start:])["phones"] if start >= 0 else []
        return Inspection(
            result.exit_code, result.output, {item["device"]["device_id"]: item for item in payload}
        )

    return run


@pytest.fixture(scope="session")
def debian_adb() -> str:
    """Debian's adb package (29.0.6). CI installs it; its absence is a failure, never a skip."""
    if not DEBIAN_ADB.is_file() or shutil.which(str(DEBIAN_ADB)) is None:
        pytest.fail(
            f"{DEBIAN_ADB} is missing: install Debian's adb package (apt-get install adb), as .ci/run does",
            pytrace=False,
        )
    return str(DEBIAN_ADB)


@pytest.fixture(scope="session")
def debian_server(debian_adb: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdbServer]:
    yield from _server(debian_adb, tmp_path_factory.mktemp("adb29"))
