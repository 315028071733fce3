"""The trade's words on the certificate and in the export (issue 19): the grade with its NG items and the
photos' sha256, the erasure line (「データ消去：初期化2回・第三者確認済み」 or what is missing), the battery
with how it was measured in the RMJ guideline's terms and 「バッテリー劣化」 below the policy's line. Through
the CLI against the simulated iPhone; the certificate is checked again by `tenken verify` and opened in
Debian's Chromium."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from tenken.facts import Carrier, Outcome
from tenken.report.html import claims
from tenken.verdict.policy import default_policy_path
from tests.ios.simulator import bundled
from tests.report.conftest import Station
from tests.report.test_browser import browser, open_page
from tests.report.test_certificate import certify

__all__ = ["browser"]

HELLO = "SIMT14HLO005"  # iphone14-hello: erased, at the Setup Assistant
HELLO_IMEIS = ("353885125005014", "353885125005022")


def graded(station: Station, *, confirmed: bool, policy: Path | None = None) -> tuple[dict[str, Any], str]:
    """iphone14-hello (○ at docomo) graded J with two NG items and a photo; its erasure checklist complete
    or only half recorded. The inspection, and the photo's sha256."""
    for imei in HELLO_IMEIS:
        station.mark(imei, Carrier.DOCOMO, Outcome.OK)
    station.usbmux.attach(bundled("iphone14-hello"))
    photo = station.tmp / "front.jpg"
    photo.write_bytes(b"\xff\xd8 the cracked front")
    grade = station.run(
        "record", "grade", "J", "--serial", HELLO, "--new", "--by", "sato", "--ng", "画面割れ", "--ng", "Face ID不良",
        "--photo", str(photo),
    )  # fmt: skip
    assert grade.exit_code == 0, grade.stderr
    checklist = (
        ["resets=2", "checked-by=鈴木", "felica=cleared", "jpki=revoked"] if confirmed else ["resets=1"]
    )
    erasure = station.run("record", "erasure", *checklist, "--serial", HELLO, "--by", "sato")
    assert erasure.exit_code == 0, erasure.stderr
    extra = ["--policy", str(policy)] if policy is not None else []
    phone: dict[str, Any] = station.inspect(*extra)["phones"][0]
    return phone, hashlib.sha256(photo.read_bytes()).hexdigest()


def test_the_certificate_shows_grade_erasure_and_battery_and_verifies(station: Station) -> None:
    phone, sha = graded(station, confirmed=True)
    page = certify(station, HELLO)
    said = claims(page.read_text(encoding="utf-8")).values
    assert said["trade.grade.ja"] == "J（NG項目：画面割れ、Face ID不良）"
    assert said["trade.grade.en"] == "J (NG: 画面割れ, Face ID不良)"
    assert said["trade.photo.0"] == f"front.jpg sha256 {sha}"
    assert said["trade.erasure.ja"] == "データ消去：初期化2回・第三者確認済み"
    assert said["trade.checks.ja"] == "初期化：2回・第三者確認：鈴木・FeliCa：消去済み・電子証明書：失効済み"
    assert said["trade.erased.ja"].startswith("初期設定アシスタント表示中：初期化済み")
    battery = phone["facts"]["battery_health_pct"]["value"]
    assert said["trade.battery.ja"] == f"{battery:g} %（IORegistry から算出）"
    assert said["verdict.retail"] == "部品取りのみ / PARTS ONLY"  # J: junk on retail
    assert station.run("verify", str(page)).exit_code == 0  # rendered again from the store: the same page


def test_the_shops_warranty_period_is_beside_the_grade_and_verifies(station: Station) -> None:
    station.env["TENKEN_SHOP_WARRANTY"] = "30日間"
    graded(station, confirmed=True)
    page = certify(station, HELLO)
    said = claims(page.read_text(encoding="utf-8")).values
    assert said["issuer.warranty"] == "30日間" and "保証期間" in page.read_text(encoding="utf-8")
    station.env["TENKEN_SHOP_WARRANTY"] = "90日間"  # a later setting: the page issued still verifies
    assert station.run("verify", str(page)).exit_code == 0
    with station.database() as database:  # the period shown is signed with the row: an edit is seen
        database.execute("UPDATE certificates SET warranty = '1年間'")
    assert station.run("verify", str(page)).exit_code == 5


def test_the_certificate_says_what_the_erasure_lacks_and_the_worn_battery(station: Station) -> None:
    policy = station.tmp / "shop.toml"
    shipped = default_policy_path().read_text(encoding="utf-8")
    policy.write_text(
        shipped.replace("battery_worn_below = 80", "battery_worn_below = 99.9", 1), encoding="utf-8"
    )
    graded(station, confirmed=False, policy=policy)
    page = certify(station, HELLO)
    said = claims(page.read_text(encoding="utf-8")).values
    assert said["trade.erasure.ja"] == (
        "データ消去：未確認（不足：初期化2回、第三者確認、FeliCa（おサイフケータイ）の消去または案内、スマホ用電子証明書の失効）"
    )
    assert said["trade.battery_worn.ja"] == "バッテリー劣化（99.9 %未満）"
    assert said["reason.erasure_unconfirmed.retail"] == "保留"
    assert station.run("verify", str(page)).exit_code == 0


def test_the_export_carries_grade_ng_items_erasure_and_battery_method(station: Station) -> None:
    graded(station, confirmed=True)
    result = station.run("--lang", "ja", "export")
    assert result.exit_code == 0, result.stderr
    [row] = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert row["grade"] == "J" and row["ng_items"] == "画面割れ、Face ID不良"
    assert row["erased"] == "true" and row["erasure_missing"] == "" and row["erasure_checked_by"] == "鈴木"
    assert row["battery_method"] == "ioregistry" and row["battery_disclosure"] == ""

    as_json = station.run("export", "--format", "json")  # run_cli checks it against its schema
    [entry] = json.loads(as_json.stdout)["inspections"]
    assert entry["ng_items"] == ["画面割れ", "Face ID不良"] and entry["erasure_missing"] == []


def test_the_certificate_in_chromium_shows_grade_and_erasure(
    browser: str, station: Station, tmp_path: Path
) -> None:
    graded(station, confirmed=True)
    page = certify(station, HELLO)
    dom, _requests = open_page(browser, page, tmp_path, "--dump-dom")
    shown = claims(dom).values
    assert shown["trade.grade.ja"] == "J（NG項目：画面割れ、Face ID不良）"
    assert shown["trade.erasure.ja"] == "データ消去：初期化2回・第三者確認済み"
    assert "中古端末の表示（RMJガイドライン）" in dom and "外観グレード" in dom
    assert shown == claims(page.read_text(encoding="utf-8")).values


def test_the_label_shows_the_recorded_grade_with_its_ng_items(station: Station) -> None:
    """The phone's label (tenken label, another part of issue 19) reads the grade as `record grade` keeps it:
    the step, and beside it the NG items."""
    from tenken.inspection import inspection_from_json
    from tenken.report.label import LabelOptions, Size, phone_label

    phone, _sha = graded(station, confirmed=True)
    options = LabelOptions(Size(62, 100), "ja", "retail", "店頭", "tenken:certificate?v=1")
    page = phone_label(inspection_from_json(phone), options)
    assert '<td data-k="grade">J (画面割れ, Face ID不良)</td>' in page
