"""The phone's label (値札・管理ラベル) through the CLI, on phones inspected by `tenken inspect` against the
simulated iPhone and carrier sites: Chromium prints it (Debian's chromium: its absence is a failure, never a
skip); the PDF is read back with pypdf (page box, text) and drawn with PDFium so that ZXing reads its QR
code; `--print` runs a fake `lp` placed first on PATH, a real process that writes down its arguments."""

from __future__ import annotations

import copy
import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from tenken.facts import Carrier
from tenken.report.html import claims
from tests.conftest import ESCAPES, MARKUP
from tests.ios.simulator import bundled
from tests.report.conftest import IPHONE_13, Station
from tests.report.test_certificate import HOSTILE, certify, inspected, record_hash_from_the_database

POINTS_PER_MM = 72 / 25.4


def read_pdf(path: Path) -> tuple[list[tuple[float, float]], str]:
    """Each page's box in millimetres (width, height) and the text of the whole document."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    boxes = [
        (float(page.mediabox.width) / POINTS_PER_MM, float(page.mediabox.height) / POINTS_PER_MM)
        for page in reader.pages
    ]
    return boxes, "\n".join(page.extract_text() for page in reader.pages)


def qr_codes(path: Path) -> list[str]:
    """What the QR codes on the PDF's first page say: the page drawn by PDFium, read by ZXing."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[0].render(scale=8).to_pil()
    finally:
        document.close()
    return [
        found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def label(station: Station, *args: str) -> Path:
    result = station.run("label", IPHONE_13, *args)
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.split("wrote ", 1)[1].splitlines()[0])
    assert path.suffix == ".pdf" and path.is_file()
    return path


@pytest.mark.parametrize(
    ("size", "width", "height"), [("62x100", 62, 100), ("29x90mm", 29, 90), ("62x29", 62, 29)]
)
def test_the_label_is_one_page_of_the_size_asked(
    station: Station, size: str, width: float, height: float
) -> None:
    phone = inspected(station)
    path = label(station, "--size", size, "--out", str(station.tmp / f"label-{width}x{height}.pdf"))
    boxes, text = read_pdf(path)
    assert len(boxes) == 1
    assert boxes[0] == (pytest.approx(width, abs=0.3), pytest.approx(height, abs=0.3))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # without a verify page, the QR code carries the certificate's tenken: line with the record hash
    record = record_hash_from_the_database(station, str(phone["inspection_id"]))
    assert qr_codes(path) == [
        f"tenken:certificate?v=1&id={phone['inspection_id']}&imei=1014&retail=HOLD&sha256={record}"
    ]
    flat = "".join(text.split())
    assert "iPhone13" in flat and "128GB" in flat


def test_the_label_speaks_japanese_by_default_and_names_what_a_shop_writes(station: Station) -> None:
    """Model and capacity, grade (none recorded: —), battery, stock number (none: —), each asked
    carrier's mark with its day, the level on the main channel (label.channel: retail)."""
    inspected(station)
    path = label(station, "--out", str(station.tmp / "default.pdf"))
    boxes, text = read_pdf(path)
    assert boxes[0] == (pytest.approx(62, abs=0.3), pytest.approx(100, abs=0.3))  # label.size's default
    flat = "".join(text.split())
    assert "グレード—" in flat and "在庫番号—" in flat and "バッテリー92%" in flat
    assert "店頭保留" in flat  # the retail channel (its short title) and its level, in Japanese
    assert re.search(r"ドコモ△\d{4}-\d{2}-\d{2}", flat) and re.search(r"ドコモ²○\d{4}-\d{2}-\d{2}", flat)
    english = station.run("--lang", "en", "label", IPHONE_13, "--out", str(station.tmp / "en.pdf"))
    assert english.exit_code == 0, english.stderr
    flat = "".join(read_pdf(station.tmp / "en.pdf")[1].split())
    assert "Grade—" in flat and "HOLD" in flat and "docomo△" in flat


def test_the_qr_code_is_the_certificates_verify_address(station: Station) -> None:
    station.env["TENKEN_CERTIFICATE_VERIFY_URL"] = "https://shop.example/verify?shop=7"
    phone = inspected(station)
    page = certify(station, IPHONE_13).read_text(encoding="utf-8")
    certificate = claims(page).meta["tenken:certificate"]
    record = record_hash_from_the_database(station, str(phone["inspection_id"]))
    path = label(station, "--out", str(station.tmp / "verify.pdf"))
    assert qr_codes(path) == [f"https://shop.example/verify?shop=7&c={certificate}&r={record}"]


def fake_lp(folder: Path, exit_code: int = 0) -> Path:
    """An `lp` that writes its arguments (one JSON list per call) beside itself, and exits `exit_code`."""
    folder.mkdir(exist_ok=True)
    script = folder / "lp"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, pathlib, sys\n"
        "with open(pathlib.Path(sys.argv[0]).with_name('lp.calls'), 'a') as calls:\n"
        "    calls.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"print('lp: printer is on fire', file=sys.stderr) if {exit_code} else None\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return folder / "lp.calls"


def test_print_sends_the_pdf_to_the_configured_printer_with_lp(station: Station) -> None:
    inspected(station)
    calls = fake_lp(station.tmp / "bin")
    station.env["PATH"] = f"{station.tmp / 'bin'}{os.pathsep}{os.environ['PATH']}"
    refused = station.run("label", IPHONE_13, "--print", "--out", str(station.tmp / "x.pdf"))
    assert refused.exit_code == 64 and "label.printer" in refused.stderr and not calls.exists()

    station.env["TENKEN_LABEL_PRINTER"] = "Brother_QL-820NWB"
    path = label(station, "--print", "--out", str(station.tmp / "printed; rm -rf ~.pdf"))
    assert [json.loads(line) for line in calls.read_text().splitlines()] == [
        ["-d", "Brother_QL-820NWB", str(path.resolve())]
    ]

    fake_lp(station.tmp / "bin", exit_code=2)
    failed = station.run("label", IPHONE_13, "--print", "--out", str(station.tmp / "y.pdf"))
    assert failed.exit_code == 73 and failed.stderr.count("\n") == 1
    assert "Brother_QL-820NWB" in failed.stderr and "printer is on fire" in failed.stderr


def test_a_hostile_phones_strings_are_text_on_the_label(station: Station) -> None:
    hostile = copy.deepcopy(bundled("iphone13-docomo"))
    hostile.values["ProductType"] = f"model {HOSTILE} {MARKUP} {ESCAPES}"
    station.usbmux.attach(hostile)
    station.carriers.set_fault(Carrier.DOCOMO, "hostile")
    station.inspect()
    path = label(station, "--out", str(station.tmp / "hostile.pdf"))
    flat = "".join(read_pdf(path)[1].split())
    assert "".join(f"model {HOSTILE}".split()) in flat  # shown as written: no element was made of it
    assert "\\x1b]0;pwned\\x07" in flat and "\x1b" not in flat


def test_an_unknown_phone_and_a_bad_size_are_one_line(station: Station) -> None:
    inspected(station)
    unknown = station.run("label", "NOSUCHSERIAL")
    assert unknown.exit_code == 66 and unknown.stderr.count("\n") == 1 and "NOSUCHSERIAL" in unknown.stderr
    waiting = station.usbmux.attach(bundled("iphone15-trust", trust="never"))
    result = station.run("inspect", "--platform", "ios", "--udid", waiting.udid, "--json")
    [phone] = json.loads(result.stdout)["phones"]
    nameless = station.run("label", phone["inspection_id"])  # read nothing: whose label would it be?
    assert nameless.exit_code == 65 and nameless.stderr.count("\n") == 1
    assert "neither an IMEI nor a serial number" in nameless.stderr
    bad = station.run("label", IPHONE_13, "--size", "62by100")
    assert bad.exit_code == 64 and bad.stderr.count("\n") == 1 and "62by100" in bad.stderr


def test_label_auto_writes_and_prints_a_label_for_each_phone_the_station_finishes(station: Station) -> None:
    """`tenken watch --once` with label.auto: the station run (station/run.py) makes the phone's label
    in label.dir once its inspection is kept, and sends it to label.printer."""
    station.usbmux.attach(bundled("iphone13-docomo"))
    calls = fake_lp(station.tmp / "bin")
    folder = station.tmp / "labels"
    station.env.update(
        {
            "PATH": f"{station.tmp / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "TENKEN_LABEL_AUTO": "true",
            "TENKEN_LABEL_DIR": str(folder),
            "TENKEN_LABEL_PRINTER": "QL-800",
            "TENKEN_LABEL_SIZE": "29x90",
        }
    )
    watched = station.run("watch", "--once", "--json", "--platform", "ios", "--timeout", "30")
    assert watched.exit_code == 2, watched.stderr  # HOLD, as without labels
    [phone] = json.loads(watched.stdout)["phones"]
    [path] = folder.glob("*.pdf")
    assert path.name.startswith("tenken-label-") and phone["inspection_id"][:8] in path.name
    assert read_pdf(path)[0] == [(pytest.approx(29, abs=0.3), pytest.approx(90, abs=0.3))]
    record = record_hash_from_the_database(station, str(phone["inspection_id"]))
    [qr] = qr_codes(path)
    assert qr.startswith(f"tenken:certificate?v=1&id={phone['inspection_id']}&") and qr.endswith(record)
    assert [json.loads(line) for line in calls.read_text().splitlines()] == [["-d", "QL-800", str(path)]]


async def test_a_label_that_fails_is_in_the_boards_health_and_the_station_goes_on(station: Station) -> None:
    from tenken import config
    from tenken.facts import Platform
    from tenken.report.labels import render
    from tenken.station.pipeline import Options
    from tenken.station.run import StationRun
    from tenken.store import open_store
    from tenken.verdict.policy import load_policy

    station.usbmux.attach(bundled("iphone13-docomo"))
    folder = station.tmp / "labels"
    settings = config.load(
        environ={
            **station.env,
            "TENKEN_LABEL_AUTO": "true",
            "TENKEN_LABEL_DIR": str(folder),
            "TENKEN_LABEL_CHANNEL": "no_such_channel",
        }
    )
    with open_store(settings) as store:
        options = Options(policy=load_policy(), station="shop-a-1")
        run = StationRun(settings, store, options, [Platform.IOS], once=True, give_up_after=30)
        async with run:
            await run.wait()
        board = run.board()
    assert [inspection.verdicts["retail"].level.value for inspection in run.kept] == ["HOLD"]
    assert board.health.kept == 1 and not list(folder.glob("*.pdf"))
    [problem] = board.health.problems
    assert problem.code == "label.failed" and "no_such_channel" in render(problem, "ja")


def test_a_recorded_grade_is_on_the_label() -> None:
    """The grade is recorded by hand (`tenken record grade`, issue 19's grade part, on its own branch):
    the label shows it, with J's NG items, once the inspection's facts carry a `grade` fact."""
    from dataclasses import dataclass, field

    from tenken.facts import DeviceFacts, DeviceRef, Fact, Platform
    from tenken.inspection import Inspection
    from tenken.report.label import LabelOptions, Size, phone_label

    @dataclass(slots=True)
    class Graded(DeviceFacts):
        grade: Fact[object] = field(default_factory=lambda: Fact.unknown())

    options = LabelOptions(Size(62, 100), "ja", "retail", "店頭", "tenken:certificate?v=1")
    ref = DeviceRef(Platform.IOS, "0000")
    junk = Fact.measured({"grade": "J", "ng_items": ["画面割れ", "<b>Face ID</b>"]}, "manual: grade (sato)")
    for facts, shown in [
        (Graded(ref, grade=junk), "J (画面割れ, &lt;b&gt;Face ID&lt;/b&gt;)"),
        (Graded(ref, grade=Fact.measured("A", "manual: grade (sato)")), "A"),
        (Graded(ref), "—"),
        (DeviceFacts(ref), "—"),
    ]:
        page = phone_label(Inspection(facts), options)
        assert f'<td data-k="grade">{shown}</td>' in page
