"""`tenken demo`, the README's first command: every simulator, the reader, the look-ups, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_the_whole_job_and_leaves_nothing_behind(tmp_path: Path) -> None:
    environ = {
        **os.environ,
        "COLUMNS": "200",
        "HOME": str(tmp_path / "home"),  # the demo must not write the user's ~/.android or data dir
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tenken", "demo"],
        capture_output=True,
        text=True,
        timeout=240,
        env=environ,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for phone in ("iPhone 13", "iPhone 8", "Xperia 1 IV", "Galaxy S23", "Pixel 7"):
        assert phone in out
    assert "locked" in out  # the screen-locked iPhone is shown as a state, not a trace
    assert "restricted" in out and "pending" in out and "not registered" in out
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "home" / ".android").exists()
    assert not (tmp_path / "data" / "tenken").exists()
