"""What a wheel carries: every data file under src/tenken that git tracks matches pyproject's package-data
(the shipped policy once went missing from `pip install .`, which only an editable install hides)."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_tracked_data_file_is_package_data() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "tenken"
    ]
    tracked = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "src/tenken"], capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(name).relative_to("src/tenken") for name in tracked if not name.endswith(".py")]
    assert data, "git ls-files found nothing: run from a clone"
    missing = [
        str(path)
        for path in data
        if not any(_glob(pattern).fullmatch(path.as_posix()) for pattern in patterns)
    ]
    assert not missing


def _glob(pattern: str) -> re.Pattern[str]:
    """setuptools' package-data glob: `*` within a folder, `**` across folders."""
    parts = re.split(r"(\*\*/?|\*)", pattern)
    translated = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*"}
    return re.compile("".join(translated.get(part, re.escape(part)) for part in parts))
