"""Outside strings in every text output: a phone's model, part number, serial and colour, a carrier's page,
a policy file's name, channel keys and titles. A spreadsheet reads none of them as a formula, a terminal
acts on none of them, and JSON keeps every value exactly (docs/reports.md, "Formulas and control
characters")."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

from tenken.facts import Carrier, Outcome
from tenken.verdict.policy import default_policy_path
from tests.conftest import ESCAPES, MARKUP, assert_inert
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IPHONE_13, Station

HYPERLINK = '=HYPERLINK("http://example.invalid/","x")'
BIDI = "\u202e\u2066"  # right-to-left override, left-to-right isolate
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")  # none of these may reach a screen or a cell
CHANNEL = f"=1+2 {MARKUP} {ESCAPES}"  # a channel key: a CSV column, a board column, history


def hostile_phone() -> object:
    phone = copy.deepcopy(bundled("iphone13-docomo"))
    phone.values["ProductType"] = HYPERLINK  # unknown model: the model column is the ProductType
    phone.values["ModelNumber"] = "@SUM(A1:A9)"
    phone.values["SerialNumber"] = "-2+3"
    phone.values["DeviceEnclosureColor"] = f"+81 {ESCAPES} {BIDI}"
    return phone


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string (\\uXXXX escapes) is a TOML basic string


def hostile_policy(folder: Path, *, extra: str = "") -> Path:
    """The shipped policy, named and with one more channel whose key and titles carry markup and control."""
    text = default_policy_path().read_text(encoding="utf-8")
    text = text.replace('name = "tenken default"', f"name = {toml_string(f'shop {MARKUP} {ESCAPES}')}", 1)
    titles = ", ".join(
        f"{key} = {toml_string(f'{key} {MARKUP} {ESCAPES}')}" for key in ("en", "ja", "short_en", "short_ja")
    )
    text += f'\n[channels.{toml_string(CHANNEL)}]\ninherit = "parts"\ntitle = {{ {titles} }}\n{extra}'
    path = folder / "hostile-policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_no_raw(output: str) -> None:
    assert not [char for char in RAW if char in output], [char for char in RAW if char in output]


def test_csv_cells_a_spreadsheet_would_run_are_text(station: Station) -> None:
    station.env["TENKEN_POLICY"] = str(hostile_policy(station.tmp))
    station.usbmux.attach(hostile_phone())
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.NOT_FOUND)
    station.inspect()
    out = station.tmp / "phones.csv"
    assert station.run("export", "--out", str(out)).exit_code == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert_no_raw(text)
    header, *_ = csv.reader(io.StringIO(text))
    assert header[-4] == "'" + CHANNEL.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace(
        "\x9b", "\\x9b"
    )
    (row,) = list(csv.DictReader(io.StringIO(text)))
    # the quote goes inside the quoted field: the cell, not the line, starts with it
    assert row["model"] == "'" + HYPERLINK
    assert '"\'=HYPERLINK(""http://example.invalid/"",""x"")"' in text
    assert row["model_number"] == "'@SUM(A1:A9)J/A"
    assert row["serial"] == "'-2+3"
    assert row["colour"].startswith("'+81 \\x1b[2J\\x1b]0;pwned\\x07") and row["colour"].endswith(
        "\\x202e\\x2066"
    )
    # tenken's own values are written as they are: the mark −, numbers, levels, codes
    assert row["docomo"] == "−" and row["storage_gb"] == "128" and row["battery_health_pct"] == "92"
    assert row["retail"] == "BLOCKED" and row["first_reason_code"] == "imei2_only_registered"

    cp932 = station.tmp / "old-excel.csv"
    assert station.run("export", "--encoding", "cp932", "--out", str(cp932)).exit_code == 0
    (old,) = list(csv.DictReader(io.StringIO(cp932.read_bytes().decode("cp932"))))
    assert old["model"] == "'" + HYPERLINK and old["serial"] == "'-2+3"


def test_xlsx_cells_a_spreadsheet_would_run_are_text(station: Station) -> None:
    """The workbook follows the CSV's rule: every text cell, the header too, is a string cell (never a
    formula) with the same leading `'` and visible control characters as in the CSV."""
    import openpyxl

    station.env["TENKEN_POLICY"] = str(hostile_policy(station.tmp))
    station.usbmux.attach(hostile_phone())
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.NOT_FOUND)
    station.inspect()
    out = station.tmp / "phones.xlsx"
    assert station.run("--lang", "en", "export", "--format", "xlsx", "--out", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    header, row = list(openpyxl.load_workbook(out).active.iter_rows())
    cells = [cell for cell in (*header, *row) if cell.value is not None]
    assert all(cell.data_type in ("s", "n", "d") for cell in cells)
    assert_no_raw("".join(str(cell.value) for cell in cells))
    titles = [str(cell.value) for cell in header]
    assert f"en {MARKUP} \\x1b[2J\\x1b]0;pwned\\x07" in titles[-4]  # the hostile channel's title
    value = {str(heading): cell.value for heading, cell in zip(titles, row, strict=True)}
    assert value["Model"] == "'" + HYPERLINK and value["Model number"] == "'@SUM(A1:A9)J/A"
    assert value["Serial"] == "'-2+3"
    assert value["Colour"].startswith("'+81 \\x1b[2J\\x1b]0;pwned\\x07")
    assert value["Colour"].endswith("\\x202e\\x2066")
    assert value["docomo"] == "−" and value["Storage (GB)"] == 128 and value["Battery health (%)"] == 92


def test_json_keeps_every_value_and_carries_no_raw_control(station: Station) -> None:
    """JSON escapes ESC and BEL itself; C1 controls (CSI 0x9b) and bidi controls are escaped too
    (\\u009b), so that a document printed to a terminal cannot act on it. A parser reads the same value."""
    station.usbmux.attach(hostile_phone())
    station.carriers.set_fault(Carrier.DOCOMO, "hostile")  # the page's text: markup, ESC, OSC, C1 CSI
    inspected = station.run("inspect", "--platform", "ios", "--json")
    assert_no_raw(inspected.stdout)
    assert json.loads(inspected.stdout)["phones"][0]["facts"]["colour"]["value"] == f"+81 {ESCAPES} {BIDI}"

    watched = station.run("watch", "--once", "--jsonl", "--platform", "ios")  # the webhook's body, a line
    assert watched.exit_code == 3, watched.stderr
    assert_no_raw(watched.stdout)
    (line,) = [json.loads(line) for line in watched.stdout.splitlines()]
    assert line["inspection"]["facts"]["colour"]["value"] == f"+81 {ESCAPES} {BIDI}"

    lines = station.run("export", "--format", "jsonl")
    assert lines.exit_code == 0
    assert_no_raw(lines.stdout)
    rows = [json.loads(line) for line in lines.stdout.splitlines()]  # inspect's and watch's
    assert len(rows) == 2
    for row in rows:
        assert (
            row["colour"] == f"+81 {ESCAPES} {BIDI}" and row["model"] == HYPERLINK and row["serial"] == "-2+3"
        )

    document = station.run("export", "--format", "json")
    assert_no_raw(document.stdout)
    assert json.loads(document.stdout)["inspections"][0]["colour"] == f"+81 {ESCAPES} {BIDI}"

    for args in (["history", IMEI_1, "--json"], ["evidence", IMEI_1, "--json", "--no-save"]):
        result = station.run(*args)
        assert result.exit_code == 0, result.stderr
        assert_no_raw(result.stdout)
    answers = json.loads(station.run("evidence", IMEI_1, "--json", "--no-save").stdout)["answers"]
    assert any("\x9b31m" in answer["detail"]["text"] for answer in answers if answer["detail"])


def test_tables_show_policy_and_phone_strings_inert(station: Station) -> None:
    """The board of `inspect`, `history` and the `evidence` listing: a policy's channel titles and keys, and
    a phone's strings, are shown as written, and no control character reaches the terminal."""
    station.env["TENKEN_POLICY"] = str(hostile_policy(station.tmp))
    station.env["COLUMNS"] = "1000"
    station.usbmux.attach(hostile_phone())
    station.usbmux.attach(bundled("iphone8-softbank-simlocked"))  # two phones: the board
    station.carriers.set_fault(Carrier.DOCOMO, "hostile")
    board = station.run("inspect", "--platform", "ios")
    assert board.exit_code == 3, board.stderr  # docomo's page could not be read
    assert_inert(board.stdout, f"short_en {MARKUP}")  # a column heading, not a live link
    details = station.run("inspect", "--platform", "ios", "--details")
    assert_inert(details.stdout, f"en {MARKUP}")  # the channel's full title
    assert HYPERLINK in details.stdout

    history = station.run("history", IMEI_1)
    assert history.exit_code == 0, history.stderr
    assert_inert(history.stdout, f"short_en {MARKUP}")  # a channel by its title, inert

    listed = station.run("evidence", IMEI_1, "--no-save")
    assert listed.exit_code == 0, listed.stderr
    assert_no_raw(listed.stdout)


def test_policy_show_and_check_show_a_files_strings_inert(station: Station) -> None:
    path = hostile_policy(station.tmp)
    station.env["COLUMNS"] = "1000"
    shown = station.run("policy", "show", "--policy", str(path))
    assert shown.exit_code == 0, shown.stderr
    assert_inert(shown.stdout, f"shop {MARKUP}")
    assert f"short_en {MARKUP}" in shown.stdout  # the channel's column heading, not a live link

    checked = station.run("policy", "check", str(path))
    assert checked.exit_code == 0, checked.stderr
    assert_no_raw(checked.stdout)
    assert f"=1+2 {MARKUP} \\x1b[2J\\x1b]0;pwned\\x07" in checked.stdout

    as_json = station.run("policy", "show", "--json", "--policy", str(path))
    assert_no_raw(as_json.stdout)
    payload = json.loads(as_json.stdout)
    assert payload["name"] == f"shop {MARKUP} {ESCAPES}" and CHANNEL in payload["channels"]


def test_policy_show_toml_is_the_file_in_a_pipe_and_inert_on_a_terminal(station: Station) -> None:
    """TOML forbids raw C0 controls but not C1 ones or bidi overrides (in strings and comments): printed to
    a terminal they are shown as escapes; into a pipe or a file the text is the file's, byte for byte."""
    path = hostile_policy(station.tmp, extra=f"# a comment with \x9b31m and {BIDI} in it\n")
    piped = station.run("policy", "show", "--toml", "--policy", str(path))
    assert piped.exit_code == 0 and piped.stdout == path.read_text(encoding="utf-8")

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "tenken", "policy", "show", "--toml", "--policy", str(path)],
            env={**os.environ, **station.env},
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    finally:
        os.close(leader)
    screen = shown.decode("utf-8")
    assert_no_raw(screen)
    assert "# a comment with \\x9b31m and \\x202e\\x2066 in it" in screen
    assert 'name = "shop [red]R[/]' in screen  # the rest as written


def test_a_persons_words_and_an_intake_files_name_reach_the_terminal_inert(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    recorded = station.run(
        "record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--new", "--by", f"sato {ESCAPES}"
    )
    assert recorded.exit_code == 0, recorded.stderr
    assert_no_raw(recorded.stdout)
    assert "sato \\x1b[2J\\x1b]0;pwned\\x07" in recorded.stdout

    intake = station.tmp / "shelf\x1b]0;pwned\x07.csv"
    intake.write_text(f"stock,IMEI\nA-17,{IMEI_1}\nA-18,12345\n", encoding="utf-8")
    inspected = station.run("inspect", "--platform", "ios", "--no-lookup", "--intake", str(intake))
    assert_no_raw(inspected.stderr)
    assert "skipped " in inspected.stderr and "shelf\\x1b]0;pwned\\x07.csv:3" in inspected.stderr
