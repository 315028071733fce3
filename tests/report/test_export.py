"""`tenken export`: CSV for Excel (UTF-8 with BOM, cp932), JSON and JSON Lines, from inspections made by
`tenken inspect`; the CSV header is pinned here; JSON outputs are checked against their schema."""

from __future__ import annotations

import codecs
import copy
import csv
import io
import os
import re
import shutil
import stat
import subprocess
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tenken.facts import Carrier, Outcome
from tenken.report.labels import JST
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station
from tests.schemas import check_json, check_lines

HEADER = (
    "date_jst,inspected_at,inspection_id,station,stock_no,model,model_number,storage_gb,colour,imei,imei2,"
    "serial,docomo,au,softbank,rakuten,docomo_imei2,au_imei2,softbank_imei2,rakuten_imei2,"
    "docomo_via,au_via,softbank_via,rakuten_via,sim_lock,"
    "sim_lock_how,find_my_frp,mdm,battery_health_pct,battery_how,battery_method,battery_disclosure,grade,"
    "ng_items,erased,erasure_missing,erasure_checked_by,retail,flea_market,parts,first_reason,"
    "first_reason_code,certificate"
)


def two_phones(station: Station) -> None:
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.PENDING)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.usbmux.attach(bundled("iphone8-softbank-simlocked"))
    recorded = station.run("record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--new", "--by", "sato")
    assert recorded.exit_code == 0
    station.inspect("--certificates", str(station.tmp / "certificates"))


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_header_is_pinned(station: Station) -> None:
    result = station.run("export")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "\ufeff" + HEADER + "\r\n"  # nothing stored: the header alone, with the BOM


def test_csv_for_excel(station: Station) -> None:
    two_phones(station)
    out = station.tmp / "phones.csv"
    result = station.run("--lang", "ja", "export", "--out", str(out))
    assert result.exit_code == 0 and "2件の点検を" in result.stderr
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data.count(b"\r\n") == 3
    table = {row["serial"]: row for row in rows(data.decode("utf-8-sig"))}
    iphone13 = table[IPHONE_13]
    assert iphone13["model"] == "iPhone 13" and iphone13["model_number"] == "MLNC3J/A"
    assert iphone13["storage_gb"] == "128" and iphone13["imei"] == IMEI_1 and iphone13["imei2"] == IMEI_2
    assert iphone13["docomo"] == "△" and iphone13["docomo_imei2"] == "○" and iphone13["au"] == "not_asked"
    assert iphone13["sim_lock"] == "unlocked" and iphone13["sim_lock_how"] == "manual"
    assert iphone13["find_my_frp"] == "off" and iphone13["mdm"] == "off"
    assert iphone13["battery_health_pct"] == "92" and iphone13["battery_how"] == "inferred"
    assert (iphone13["retail"], iphone13["flea_market"], iphone13["parts"]) == ("HOLD", "BLOCKED", "HOLD")
    assert iphone13["first_reason_code"] == "in_use" and iphone13["first_reason"].startswith(
        "初期設定済みで使用中"
    )
    assert iphone13["certificate"].endswith(".html") and os.path.isfile(iphone13["certificate"])
    assert iphone13["date_jst"].count(":") == 1 and iphone13["inspected_at"].endswith("+00:00")
    iphone8 = table["SIMT08SBL002"]
    assert iphone8["sim_lock"] == "locked" and iphone8["imei2"] == "" and iphone8["docomo_imei2"] == ""

    flea = rows(station.run("export", "--channel", "flea_market").stdout.lstrip("\ufeff"))
    assert {row["first_reason_code"] for row in flea} >= {"pending"}


def test_cp932_replaces_what_it_cannot_hold_and_says_so(station: Station) -> None:
    phone = copy.deepcopy(bundled("iphone13-docomo"))
    phone.values["ProductType"] = "iPhone14,5 📱 한"
    station.usbmux.attach(phone)
    station.inspect("--no-lookup")
    out = station.tmp / "old-excel.csv"
    result = station.run("export", "--encoding", "cp932", "--out", str(out))
    assert result.exit_code == 0
    assert "2 characters cp932 cannot hold were written as 〓 (first: 📱 한)" in result.stderr
    text = out.read_bytes().decode("cp932")
    assert not text.startswith("\ufeff") and text.startswith(HEADER)
    (row,) = rows(text)
    assert row["model"] == "iPhone14,5 〓 〓"


def test_json_and_json_lines(station: Station) -> None:
    two_phones(station)
    document = station.run("export", "--format", "json")  # run_cli checks it against export.schema.json
    assert document.exit_code == 0
    out = station.tmp / "phones.json"
    assert station.run("export", "--format", "json", "--out", str(out), "--since", "1d").exit_code == 0
    payload = check_json("export", out.read_text(encoding="utf-8"))
    assert len(payload["inspections"]) == 2 and payload["channel"] == "retail"
    lines = station.run("export", "--format", "jsonl").stdout
    assert [row["inspection_id"] for row in check_lines("export-row", lines)] == [
        row["inspection_id"] for row in payload["inspections"]
    ]
    none = station.run("export", "--format", "json", "--since", "2099-01-01")
    assert check_json("export", none.stdout)["inspections"] == []
    wrong = station.run("export", "--format", "json", "--encoding", "cp932")
    assert wrong.exit_code == 64 and "--encoding is for CSV" in wrong.stderr


POSTGRES_URL = os.environ.get("TENKEN_TEST_POSTGRES_URL", "")


@pytest.fixture
def on_postgresql(station: Station) -> Iterator[Station]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    station.env["TENKEN_DB"] = (
        f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    )
    yield station
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_export_history_and_verify_on_postgresql(on_postgresql: Station) -> None:
    """A fleet's database: the export streams through a server-side cursor."""
    station = on_postgresql
    two_phones(station)
    exported = rows(station.run("export").stdout.lstrip("\ufeff"))
    assert len(exported) == 2 and all(row["certificate"] for row in exported)
    assert station.run("history", IPHONE_13, "--json").exit_code == 0
    for row in exported:
        assert station.run("verify", row["certificate"]).exit_code == 0
    again = {phone["inspection_id"] for phone in station.inspect()["phones"]}
    latest = rows(station.run("export", "--latest").stdout.lstrip("\ufeff"))
    assert {row["inspection_id"] for row in latest} == again and len(rows(station.run("export").stdout)) == 4


# ---------------------------------------------------------------------------------------- Excel (xlsx)

XLSX_HEADER_JA = [
    "点検日時（JST）",
    "点検日時（UTC）",
    "点検ID",
    "ステーション",
    "管理番号",
    "機種名",
    "型番",
    "容量（GB）",
    "カラー",
    "IMEI",
    "IMEI2",
    "シリアル番号",
    "ドコモ",
    "au",
    "ソフトバンク",
    "楽天モバイル",
    "ドコモ（IMEI2）",
    "au（IMEI2）",
    "ソフトバンク（IMEI2）",
    "楽天モバイル（IMEI2）",
    "ドコモ（照会方法）",
    "au（照会方法）",
    "ソフトバンク（照会方法）",
    "楽天モバイル（照会方法）",
    "SIMロック",
    "SIMロックの確認方法",
    "アクティベーションロック・FRP",
    "MDM・監視",
    "バッテリー最大容量（%）",
    "バッテリーの確認方法",
    "バッテリー確認方法（ガイドライン）",
    "バッテリー表示",
    "外観グレード",
    "NG項目",
    "初期化済み",
    "データ消去：不足項目",
    "データ消去の第三者確認者",
    "店頭（買取・販売）",
    "フリマ（メルカリ・ラクマ・ヤフオク）",
    "ジャンク・部品・輸出",
    "主な理由",
    "理由コード",
    "点検証明書",
]


def workbook(path: Path) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path)


def test_xlsx_for_excel(station: Station) -> None:
    """IMEIs and serials as text cells, the time in Japan as a real date, the header in the language of
    --lang, frozen and filtered: what a shop opens in Excel."""
    two_phones(station)
    out = station.tmp / "phones.xlsx"
    result = station.run("--lang", "ja", "export", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "2件の点検を" in result.stderr and stat.S_IMODE(out.stat().st_mode) == 0o600
    book = workbook(out)
    (sheet,) = book.worksheets
    assert sheet.title == "点検一覧" and sheet.freeze_panes == "A2"
    header, *body = list(sheet.iter_rows())
    assert [cell.value for cell in header] == XLSX_HEADER_JA
    assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}3" and len(body) == 2
    column = {cell.value: index for index, cell in enumerate(header)}
    table = {row[column["シリアル番号"]].value: row for row in body}
    iphone13 = table[IPHONE_13]
    for name, value in (("IMEI", IMEI_1), ("IMEI2", IMEI_2), ("シリアル番号", IPHONE_13)):
        assert iphone13[column[name]].value == value and iphone13[column[name]].data_type == "s"
    inspected_at = datetime.fromisoformat(iphone13[column["点検日時（UTC）"]].value)
    when = iphone13[column["点検日時（JST）"]]
    assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm"
    assert when.value == inspected_at.astimezone(JST).replace(tzinfo=None, second=0, microsecond=0)
    assert iphone13[column["容量（GB）"]].value == 128 and iphone13[column["容量（GB）"]].data_type == "n"
    assert iphone13[column["バッテリー最大容量（%）"]].value == 92
    assert iphone13[column["ドコモ"]].value == "△" and iphone13[column["ドコモ（IMEI2）"]].value == "○"
    assert iphone13[column["店頭（買取・販売）"]].value == "HOLD" and iphone13[
        column["主な理由"]
    ].value.startswith("初期設定済みで使用中")
    assert table["SIMT08SBL002"][column["IMEI2"]].value is None  # empty, as in the CSV

    english = station.tmp / "phones-en.xlsx"
    assert station.run("--lang", "en", "export", "--format", "xlsx", "--out", str(english)).exit_code == 0
    (sheet,) = workbook(english).worksheets
    first = next(sheet.iter_rows(max_row=1, values_only=True))
    assert sheet.title == "Inspections" and first[:3] == ("Date (JST)", "Inspected at (UTC)", "Inspection ID")
    assert "docomo (IMEI2)" in first and "Retail (shop buy-back and resale)" in first


def test_xlsx_is_a_file(station: Station) -> None:
    """A workbook is binary: written to --out FILE (or `--out -` for a pipe), never to a terminal by default;
    --encoding and --excel are for CSV."""
    result = station.run("export", "--format", "xlsx")
    assert result.exit_code == 64 and "--out" in result.stderr
    assert station.run("export", "--format", "xlsx", "--encoding", "cp932", "--out", "x.xlsx").exit_code == 64
    assert station.run("export", "--format", "xlsx", "--excel", "--out", "x.xlsx").exit_code == 64


def test_libreoffice_reads_the_xlsx_and_the_excel_csv_as_text(station: Station, soffice: str) -> None:
    """An independent spreadsheet (LibreOffice Calc, headless) reads the IMEIs of the xlsx and of
    `export --excel` as text, all 15 digits; a plain CSV's IMEI becomes a number (Excel shows 3.53915E+14)."""
    two_phones(station)
    xlsx = station.run(
        "--lang", "en", "export", "--format", "xlsx", "--out", str(station.tmp / "phones.xlsx")
    )
    assert xlsx.exit_code == 0
    assert station.run("export", "--out", str(station.tmp / "plain.csv")).exit_code == 0
    assert station.run("export", "--excel", "--out", str(station.tmp / "excel.csv")).exit_code == 0
    converted = libreoffice(soffice, station.tmp, "phones.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76")
    read = rows(converted.read_text(encoding="utf-8"))
    assert sorted(row["IMEI"] for row in read) == sorted([IMEI_1, "356742082002012"])  # not 3.53915E+14
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Date (JST)"]) for row in read)

    for name, text in (("plain.csv", False), ("excel.csv", True)):
        sheet = workbook(libreoffice(soffice, station.tmp, name, "xlsx", infilter="CSV:44,34,76,1")).active
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        imeis = [row[header.index("imei")] for row in sheet.iter_rows(min_row=2, values_only=True)]
        if text:
            assert sorted(imeis) == sorted(["\t" + IMEI_1, "\t356742082002012"])
        else:
            assert all(isinstance(imei, int) for imei in imeis)  # a number: 15 significant digits at most


def libreoffice(soffice: str, folder: Path, name: str, target: str, infilter: str | None = None) -> Path:
    out = folder / f"lo-{name.replace('.', '-')}"
    command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'lo').as_uri()}"]
    if infilter:
        command.append(f"--infilter={infilter}")
    done = subprocess.run(
        [*command, "--convert-to", target, "--outdir", str(out), str(folder / name)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    (found,) = list(out.iterdir()) or [None]
    assert done.returncode == 0 and found is not None, done.stderr
    return found


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail(
            "LibreOffice is missing: apt-get install libreoffice-calc-nogui, as .ci/run does", pytrace=False
        )
    return found


# ------------------------------------------------------------------------------------------- CSV --excel


def test_csv_for_excel_keeps_identifiers_as_text(station: Station) -> None:
    """--excel: each identifier (inspection id, stock number, model number, IMEIs, serial) starts with a
    tab, which Excel and LibreOffice read as text; the other cells are as without it."""
    two_phones(station)
    plain = {row["serial"]: row for row in rows(station.run("export").stdout.lstrip("\ufeff"))}
    excel = station.run("export", "--excel")
    assert excel.exit_code == 0 and excel.stdout.startswith("\ufeff" + HEADER + "\r\n")
    for serial, row in {row["serial"].lstrip("\t"): row for row in rows(excel.stdout[1:])}.items():
        before = plain[serial]
        for name in row:
            identifier = name in ("inspection_id", "stock_no", "model_number", "imei", "imei2", "serial")
            expected = "\t" + before[name] if identifier and before[name] else before[name]
            assert row[name] == expected, name
    assert station.run("export", "--format", "jsonl", "--excel").exit_code == 64


# ------------------------------------------------------------------------------------------- --latest


def test_latest_is_one_row_per_phone_its_newest_inspection(station: Station) -> None:
    """--latest: each phone (by serial, else IMEI) once, with its newest inspection: a listing."""
    two_phones(station)
    newest = {
        phone["facts"]["serial"]["value"]: phone["inspection_id"] for phone in station.inspect()["phones"]
    }
    assert len(rows(station.run("export").stdout.lstrip("\ufeff"))) == 4
    latest = rows(station.run("export", "--latest").stdout.lstrip("\ufeff"))
    assert {row["serial"]: row["inspection_id"] for row in latest} == newest and len(latest) == 2
    document = check_json("export", station.run("export", "--format", "json", "--latest").stdout)
    assert document["latest"] is True and len(document["inspections"]) == 2
    assert check_json("export", station.run("export", "--format", "json").stdout)["latest"] is False
    out = station.tmp / "listing.xlsx"
    assert station.run("export", "--format", "xlsx", "--latest", "--out", str(out)).exit_code == 0
    assert workbook(out).active.max_row == 3  # the header and two phones


def test_an_export_larger_than_a_worksheet_writes_nothing(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows than a worksheet holds (1 048 575 after the header; 1 here): one line, exit 73, no file,
    and no temporary file with IMEIs left behind."""
    two_phones(station)
    scratch = station.tmp / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tenken.report.export.XLSX_ROWS", 1)
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    out = station.tmp / "phones.xlsx"
    result = station.run("export", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 73 and "a worksheet holds 1 rows" in result.stderr
    assert not out.exists() and list(scratch.iterdir()) == [] and list(station.tmp.glob(".phones*")) == []


def test_the_new_options_are_explained_in_japanese(station: Station) -> None:
    shown = station.run("--lang", "ja", "export", "--help")
    assert shown.exit_code == 0
    assert "Excelブック" in shown.stdout and "端末ごとに1行" in shown.stdout and "タブを付け" in shown.stdout
