"""PostgreSQL for the tests: a private server (initdb + pg_ctl from Debian's postgresql package). The
README's test command installs it; without it the run stops at once with one line, never skips.

When TENKEN_TEST_POSTGRES_URL is not set (CI sets it to the server .ci/run starts), the session starts a
private server and sets it (tests/conftest.py `pytest_configure`), so the PostgreSQL tests always run."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tenken.sim.ports import free_port

MISSING = "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: apt-get install postgresql (README)"


class PrivateServer:
    """A PostgreSQL server of the test's own (trust authentication, 127.0.0.1 and a socket in its own
    folder), that the test may stop and start. initdb refuses to run as root: then the `postgres` system
    user runs the server binaries."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="tenken-pg-"))  # not under pytest's owner-only tmp
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        try:
            if self.as_postgres:
                shutil.chown(self.folder, "postgres", "postgres")
            self._run(
                "initdb", "-D", str(self.data), "--auth=trust", "-U", "tenken", "--no-sync", "-E", "UTF8"
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://tenken@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: exit {done.returncode}: {done.stderr or done.stdout}")


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def needed_binaries() -> Path:
    """The server binaries, or a one-line error naming the package."""
    found = postgres_binaries()
    if found is None:
        raise RuntimeError(MISSING)
    return found
