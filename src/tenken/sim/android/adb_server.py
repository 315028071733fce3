"""A private adb server: its own port on 127.0.0.1 and its own HOME (where it keeps its adbkey), started
for the demo, the tests and the benchmarks, and stopped with everything it wrote removed."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from tenken.devices.android.server import bundled_adb, server_environment
from tenken.errors import SimulatorError
from tenken.files import private_folder
from tenken.sim.ports import free_port

START_TIMEOUT = 60.0  # adb 36 takes a few seconds to start its server; a loaded CI machine more


class PrivateAdbServer:
    """`with PrivateAdbServer() as server:` — then point adbutils or tenken at `server.port`."""

    def __init__(self, binary: str | None = None, home: Path | None = None, port: int | None = None) -> None:
        self.binary = binary or bundled_adb()
        self.port = port or free_port()
        self._own_home = home is None
        self.home = home or Path(tempfile.mkdtemp(prefix="tenken-adb-"))

    @property
    def env(self) -> dict[str, str]:
        """The environment this server runs with (and that `adb` clients of it need)."""
        return server_environment({**os.environ, "HOME": str(self.home)}, self.port)

    def adb(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run the adb client against this server."""
        return subprocess.run(
            [self.binary, "-P", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    def start(self) -> PrivateAdbServer:
        private_folder(self.home)  # adb keeps its private key here
        try:
            started = self.adb("start-server", timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            raise SimulatorError(
                f"the adb server on port {self.port} did not start within {START_TIMEOUT:g} s"
            ) from None
        if started.returncode != 0:
            self.stop()
            detail = (started.stderr or started.stdout).strip().splitlines()
            raise SimulatorError(
                f"the adb server on port {self.port} did not start: {detail[-1] if detail else 'no output'}"
            )
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.adb("kill-server")
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> PrivateAdbServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
