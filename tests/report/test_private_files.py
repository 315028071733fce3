"""Everything tenken writes is its owner's only, whatever the umask: certificates and their PDF, exports,
schemas, the data folder `inspect` creates (docs/configuration.md, "Files tenken keeps")."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.ios.simulator import bundled
from tests.report.conftest import IPHONE_13, Station


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """022, as on most desktops: what the umask alone gives is readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_inspect_creates_is_owner_only(station: Station) -> None:
    data = station.tmp / "new" / "data"
    station.env["TENKEN_DATA_DIR"] = str(data)
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect()
    assert (mode(station.tmp / "new"), mode(data), mode(data / "pair_records")) == (0o700, 0o700, 0o700)
    assert all(mode(record) == 0o600 for record in (data / "pair_records").iterdir())

    older = station.tmp / "older"  # a data folder an earlier tenken left readable
    older.mkdir()
    older.chmod(0o755)
    station.env["TENKEN_DATA_DIR"] = str(older)
    station.inspect()
    assert mode(older) == 0o700


def test_certificates_and_their_pdf_are_owner_only(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect()
    out = station.tmp / "certificates" / "today"
    args = ("certificate", IPHONE_13, "--full-imei", "--pdf", "--out", str(out))
    result = station.run(*args)
    assert result.exit_code == 0, result.stderr
    page, pdf = (Path(line.removeprefix("wrote ")) for line in result.stdout.splitlines())
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert (mode(page), mode(pdf), mode(out), mode(out.parent)) == (0o600, 0o600, 0o700, 0o700)

    for written in (page, pdf):  # as an older tenken left them
        written.chmod(0o644)
    assert station.run(*args).exit_code == 0
    assert (mode(page), mode(pdf)) == (0o600, 0o600)
    assert not [path.name for path in out.iterdir() if path not in (page, pdf)]  # nothing left behind

    batch = station.tmp / "batch"
    station.inspect("--certificates", str(batch))
    (issued,) = batch.iterdir()
    assert (mode(batch), mode(issued)) == (0o700, 0o600)


@pytest.mark.parametrize("kind", ["csv", "json", "jsonl"])
def test_exports_are_owner_only_and_stdout_is_no_file(station: Station, kind: str) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect("--no-lookup")
    out = station.tmp / f"phones.{kind}"
    result = station.run("export", "--format", kind, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert mode(out) == 0o600 and IPHONE_13 in out.read_text(encoding="utf-8-sig")

    out.write_text("yesterday's export\n", encoding="utf-8")
    out.chmod(0o644)
    link = station.tmp / "latest"
    link.symlink_to(out)
    assert station.run("export", "--format", kind, "--out", str(link)).exit_code == 0
    assert link.is_symlink() and mode(out) == 0o600 and IPHONE_13 in out.read_text(encoding="utf-8-sig")

    printed = station.run("export", "--format", kind, "--out", "-")
    assert printed.exit_code == 0 and IPHONE_13 in printed.stdout and not Path("-").exists()

    null = os.stat("/dev/null")
    assert station.run("export", "--format", kind, "--out", "/dev/null").exit_code == 0
    assert os.stat("/dev/null").st_mode == null.st_mode  # not a file tenken keeps: its mode left alone

    missing = station.run("export", "--format", kind, "--out", str(station.tmp / "no-such" / "x"))
    assert missing.exit_code == 73 and "No such file or directory" in missing.stderr


def test_schemas_written_to_a_folder_are_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "schema"
    result = run_cli(["schema", "--out", str(out)], {"TENKEN_CONFIG": ""})
    assert result.exit_code == 0, result.stderr
    written = sorted(out.iterdir())
    assert written and all(mode(path) == 0o600 for path in written)
    assert (mode(out), mode(out.parent)) == (0o700, 0o700)
    assert json.loads((out / "export.schema.json").read_text(encoding="utf-8"))["title"]
