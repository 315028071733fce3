"""`tenken serve` as its own process (as a service manager runs it), for the end-to-end tests and the
browser's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

DEADLINE = 45.0


class Serve:
    """`tenken serve ARGS` in its own process; `url` is what its first line says."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._stderr = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tenken", "serve", *args],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self.lines: list[str] = []
        first = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                first.set()
            first.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not first.wait(DEADLINE) or not self.lines:
            self.kill()
            pytest.fail(f"tenken serve printed nothing; {self.stderr()}", pytrace=False)
        self.first_line = self.lines[0]
        self.url = self.first_line.removeprefix("serving on ")

    def stop(self) -> int:
        """SIGTERM; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"tenken serve did not stop within {DEADLINE:g} s of SIGTERM; {self.stderr()}")
        finally:
            self._stderr.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self._stderr.closed:
            self._stderr.close()

    def stderr(self) -> str:
        return "stderr:\n" + self.log.read_text(errors="replace")[-4000:]
