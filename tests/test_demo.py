"""`tenken demo`, the README's first command: the station on every simulator, phones plugged in and out,
the readers, the look-ups and the verdicts, end to end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# What each language must show; the other language's words must not appear.
WORDS = {
    "C.UTF-8": (
        "The screen is locked",
        "PARTS ONLY",
        "BLOCKED",
        "HOLD",
        "SELLABLE",
        "Two reads make a sale",
        "unplugged before the end",
    ),
    "ja_JP.UTF-8": (
        "画面がロックされています",
        "部品取りのみ",
        "販売不可",
        "保留",
        "販売可",
        "2回の点検",
        "点検途中で抜去",
    ),
}


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_demo_runs_the_whole_job_and_leaves_nothing_behind(tmp_path: Path, locale: str) -> None:
    environ = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("LC_", "TENKEN_LANG"))},
        "LANG": locale,
        "COLUMNS": "200",
        "HOME": str(tmp_path / "home"),  # the demo must not write the user's ~/.android or data dir
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TMPDIR": str(tmp_path / "tmp"),  # the certificates' folder outlives the demo: here, not in /tmp
    }
    (tmp_path / "tmp").mkdir()
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
    # the phone read in use and again after its erase ends SELLABLE on every channel
    assert len(re.findall(r": (SELLABLE|販売可) 1\b", out)) == 3
    for word in WORDS[locale]:  # the screen-locked iPhone is a state, not a trace; the marks are named
        assert word in out
    for other in set(WORDS) - {locale}:
        assert not [word for word in WORDS[other] if word in out]
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr
    assert not (tmp_path / "home" / ".android").exists()
    assert not (tmp_path / "data" / "tenken").exists()
    (folder,) = (tmp_path / "tmp").glob("tenken-demo-certificates-*")  # and every other folder is gone
    pages = list(folder.glob("*.html"))
    # one for every phone that left the station but the screen-locked iPhone, whose IMEI and serial were
    # never read: a certificate names the phone
    assert len(pages) >= 14 and all("<html" in page.read_text(encoding="utf-8")[:500] for page in pages)
    assert str(folder) in out
