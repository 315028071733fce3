"""`tenken sim android` as a technician runs it: serials printed, phones attached and detached at run time."""

from __future__ import annotations

import json
import os
import queue
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tenken.cli import cli
from tenken.devices.android.server import bundled_adb
from tenken.sim.android.profile import bundled_names
from tenken.sim.ports import free_port
from tests.android.conftest import AdbServer
from tests.conftest import run_cli


class _Process:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, within: float = 30) -> str:
        deadline = time.monotonic() + within
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting {prefix!r}; saw {seen}")

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def _states(server: AdbServer) -> dict[str, str]:
    lines = server.adb("devices").stdout.splitlines()[1:]
    return {parts[0]: parts[1] for parts in (line.split() for line in lines) if len(parts) == 2}


def _wait_until(condition: Callable[[], bool], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.1)


def test_attach_detach_while_running(adb_server: AdbServer, tmp_path: Path) -> None:
    base = free_port()
    env = {**adb_server.env, "PYTHONUNBUFFERED": "1"}
    tenken = [str(Path(sys.executable).with_name("tenken"))]
    sim = _Process(
        [
            *tenken,
            "sim",
            "android",
            "--device",
            "so51c-docomo",
            "--port",
            str(base),
            "--adb-port",
            str(adb_server.port),
        ],
        env,
    )
    try:
        first = sim.expect("127.0.0.1:")
        serial = first.split("\t")[0]
        assert first.split("\t")[1] == "SO-51C"
        sim.expect("ready: 1 phone(s)")
        assert _states(adb_server).get(serial) == "device"

        sim.send("attach pixel7-jp")
        second = sim.expect("127.0.0.1:").split("\t")[0]
        assert _states(adb_server).get(second) == "device"

        sim.send(f"detach {serial}")
        sim.expect(f"detached {serial}")
        assert serial not in _states(adb_server)

        sim.send(f"unplug {second}")
        sim.expect(f"unplugged {second}")
        _wait_until(
            lambda: _states(adb_server).get(second) == "offline"
        )  # the server retries a pulled TCP phone
        adb_server.adb("disconnect", second)

        sim.send("attach no-such-profile")
        assert "no-such-profile" in sim.expect("error:")
        sim.send("quit")
        sim.expect("stopped")
        assert sim.process.wait(10) == 0
    finally:
        sim.close()


def test_registers_with_the_server_adb_itself_would_use(adb_server: AdbServer, tmp_path: Path) -> None:
    # No --adb-port: ANDROID_ADB_SERVER_PORT names the server, as for adb. A missing adb binary makes a
    # wrong port fail at once instead of starting a second server on 5037.
    env = {**adb_server.env, "PYTHONUNBUFFERED": "1", "ADBUTILS_ADB_PATH": str(tmp_path / "no-adb")}
    tenken = str(Path(sys.executable).with_name("tenken"))
    sim = _Process([tenken, "sim", "android", "--device", "so51c-docomo", "--port", "0"], env)
    try:
        serial = sim.expect("127.0.0.1:").split("\t")[0]
        sim.expect(f"ready: 1 phone(s) on adb server port {adb_server.port};")
        assert _states(adb_server).get(serial) == "device"
        sim.send("quit")
        sim.expect("stopped")
    finally:
        sim.close()


def test_without_devices_every_bundled_phone_and_how_to_reach_it(
    adb_server: AdbServer, tmp_path: Path
) -> None:
    env = {**adb_server.env, "PYTHONUNBUFFERED": "1"}
    tenken = str(Path(sys.executable).with_name("tenken"))
    sim = _Process([tenken, "sim", "android", "--port", "0", "--adb-port", str(adb_server.port)], env)
    try:
        serials = [sim.expect("127.0.0.1:").split("\t")[0] for _ in bundled_names()]
        assert sim.expect("  export ") == f"  export ANDROID_ADB_SERVER_PORT={adb_server.port}"
        command = sim.expect("  tenken inspect ")
        sim.expect(f"ready: {len(bundled_names())} phone(s)")

        # the printed line, run as printed, reads every phone
        inspect_env = {**env, "TENKEN_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path)}
        result = run_cli([*shlex.split(command)[1:], "--json", "--no-lookup"], inspect_env)
        read = {phone["device"]["device_id"]: phone["state"] for phone in json.loads(result.stdout)["phones"]}
        assert {serial: read.get(serial) for serial in serials} == dict.fromkeys(serials, "ready")
        sim.send("quit")
        sim.expect("stopped")
    finally:
        sim.close()


def test_rejects_emulator_ports_and_unknown_profiles() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sim", "android", "--device", "so51c-docomo", "--port", "5555"])
    assert result.exit_code == 2
    assert "5555-5585" in result.output
    result = run_cli(["sim", "android", "--device", "nope-nope"], {})
    assert result.exit_code == 78
    assert "bundled profile" in result.stderr and result.stderr.count("\n") == 1


def test_lists_bundled_profiles() -> None:
    result = CliRunner().invoke(cli, ["sim", "android", "--list-profiles"])
    assert result.exit_code == 0
    assert "so51c-docomo" in result.output.split()


def test_an_adb_server_it_started_is_stopped_at_quit(tmp_path: Path) -> None:
    # No server answers on the port: `sim android` starts one (the adb bundled with adbutils) and, at
    # `quit`, stops it again: nothing of it is left listening once the command has ended.
    from tenken.devices.android.server import server_reachable

    port = free_port()
    home = tmp_path / "home"  # the adb server keeps its key under HOME
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "PYTHONUNBUFFERED": "1", "TENKEN_CONFIG": ""}
    env.pop("ANDROID_ADB_SERVER_PORT", None)
    tenken = str(Path(sys.executable).with_name("tenken"))
    sim = _Process(
        [tenken, "sim", "android", "--device", "so51c-docomo", "--port", "0", "--adb-port", str(port)], env
    )
    try:
        sim.expect(f"ready: 1 phone(s) on adb server port {port};", within=60)
        assert server_reachable("127.0.0.1", port)
        sim.send("quit")
        sim.expect("stopped")
        assert sim.process.wait(30) == 0
    finally:
        sim.close()
        left = server_reachable("127.0.0.1", port)
        if left:  # not left running by this test either
            subprocess.run([bundled_adb(), "-P", str(port), "kill-server"], env=env, timeout=30, check=False)
    assert not left, f"the adb server on port {port} still runs after `quit`"


def test_a_server_that_was_running_is_left_running(adb_server: AdbServer) -> None:
    env = {**adb_server.env, "PYTHONUNBUFFERED": "1"}
    tenken = str(Path(sys.executable).with_name("tenken"))
    sim = _Process(
        [
            tenken,
            "sim",
            "android",
            "--device",
            "so51c-docomo",
            "--port",
            "0",
            "--adb-port",
            str(adb_server.port),
        ],
        env,
    )
    try:
        sim.expect("ready: 1 phone(s)")
        sim.send("quit")
        sim.expect("stopped")
        assert sim.process.wait(30) == 0
    finally:
        sim.close()
    assert adb_server.adb("devices").returncode == 0  # not ours to stop: the test's server still answers


@pytest.mark.parametrize(
    "command",
    [
        ["sim", "android", "--device", "so51c-docomo", "--port", "0"],
        ["sim", "ios", "--device", "iphone13-docomo"],
        ["sim", "carriers", "--port", "0"],
        ["udev", "print"],
        ["schema", "inspect"],
    ],
)
def test_a_named_config_file_that_does_not_exist_stops_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    # The same one line and exit 78 for every command, whether or not it reads a setting: a typo in
    # TENKEN_CONFIG is never ignored by some commands and refused by others.
    missing = tmp_path / "no-such-config.toml"
    env = {**os.environ, "TENKEN_CONFIG": str(missing), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "tenken", *command],
        env=env,
        input="quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (78, f"tenken: config file {missing}: does not exist\n")
    assert result.stdout == ""
