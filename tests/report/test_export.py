"""`tenken export`: CSV for Excel (UTF-8 with BOM, cp932), JSON and JSON Lines, from inspections made by
`tenken inspect`; the CSV header is pinned here; JSON outputs are checked against their schema."""

from __future__ import annotations

import codecs
import copy
import csv
import io
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tenken.facts import Carrier, Outcome
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station
from tests.schemas import check_json, check_lines

HEADER = (
    "date_jst,inspected_at,inspection_id,station,stock_no,model,model_number,storage_gb,colour,imei,imei2,"
    "serial,docomo,au,softbank,rakuten,docomo_imei2,au_imei2,softbank_imei2,rakuten_imei2,sim_lock,"
    "sim_lock_how,find_my_frp,mdm,battery_health_pct,battery_how,retail,flea_market,parts,first_reason,"
    "first_reason_code,certificate"
)


def two_phones(station: Station) -> None:
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.PENDING)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.usbmux.attach(bundled("iphone8-softbank-simlocked"))
    assert station.run("record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--by", "sato").exit_code == 0
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
    if not POSTGRES_URL:
        pytest.skip("TENKEN_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)")
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
