"""What a buyer reads on a certificate (点検証明書), through `tenken inspect` and `tenken certificate` on the
simulated iPhones and carrier sites: no certificate for a phone nobody could identify; the owner lock of
a phone sold on two reads shows what it rests on; the shop that issued it, its licence and the
technician, and a QR code a buyer can open; values in words (the colour by name or not at all, the
nominal storage, 型番 and 機種ID named as shops name them). `tenken verify` still renders every one again
from the store, byte for byte."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from tenken.facts import Carrier, Outcome
from tenken.report.html import claims
from tenken.report.labels import jst
from tenken.sim.ios.profile import erased
from tests.conftest import run_cli
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station
from tests.report.test_certificate import certify


def page_of(path: Path) -> tuple[str, dict[str, str]]:
    page = path.read_text(encoding="utf-8")
    return page, claims(page).values


# ---------------------------------------------------------------------------------------------- item 4


def test_no_certificate_for_a_phone_whose_identity_was_not_read(station: Station) -> None:
    station.usbmux.attach(bundled("iphonese3-screen-locked"))
    (locked,) = station.inspect("--no-lookup")["phones"]
    assert locked["state"] == "locked" and locked["facts"]["imei"]["value"] is None
    assert locked["facts"]["serial"]["value"] is None
    out = station.tmp / "certificates"
    refused = station.run("certificate", locked["inspection_id"], "--out", str(out))
    assert refused.exit_code == 65 and refused.stderr.count("\n") == 1, refused.stderr
    assert "read neither an IMEI nor a serial number (screen locked)" in refused.stderr
    assert not out.exists() or not list(out.iterdir())
    japanese = station.run("--lang", "ja", "certificate", locked["inspection_id"], "--out", str(out))
    assert (
        japanese.exit_code == 65
        and "IMEIもシリアル番号も読み取れていません（画面ロック中）" in japanese.stderr
    )
    with station.database() as database:
        assert database.execute("SELECT count(*) FROM certificates").fetchone() == (0,)

    # `inspect --certificates`: a certificate for the phone it could identify, a line for the other
    station.usbmux.attach(bundled("iphone13-docomo"))
    both = station.run("inspect", "--platform", "ios", "--no-lookup", "--certificates", str(out))
    assert both.exit_code < 64, both.stderr
    (written,) = out.glob("*.html")
    assert claims(written.read_text(encoding="utf-8")).values["fact.serial"] == IPHONE_13
    said = both.stdout + both.stderr
    assert "no certificate for " in said and "neither an IMEI nor a serial number was read" in said


# ---------------------------------------------------------------------------------------------- item 5


def test_the_owner_lock_of_a_phone_sold_on_two_reads_shows_what_it_rests_on(station: Station) -> None:
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.OK)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    in_use = bundled("iphone13-docomo")
    station.usbmux.attach(in_use)
    (first,) = station.inspect()["phones"]
    assert first["facts"]["owner_lock"] == {
        **first["facts"]["owner_lock"],
        "value": False,
        "provenance": "measured",
    }
    station.usbmux.detach(in_use.udid)
    station.usbmux.attach(erased(in_use))
    (second,) = station.inspect()["phones"]
    assert second["facts"]["owner_lock"]["provenance"] == "unknown"  # an erased phone cannot show it
    reasons = {reason["code"] for reason in second["verdicts"]["retail"]["reasons"]}
    assert "owner_lock_off_earlier" in reasons and "owner_lock_unknown" not in reasons

    page, found = page_of(certify(station, str(second["inspection_id"])))
    assert found["fact.owner_lock"] == "なし / no"
    assert found["fact.owner_lock.how"] == "前回点検で実測 measured earlier"
    assert found["fact.owner_accounts.how"] == "前回点検で実測 measured earlier"  # not a red 不明 either
    assert found["fact.owner_accounts"] == "なし / none"
    from datetime import datetime

    read_at = jst(datetime.fromisoformat(str(first["read_at"])))
    note_ja, note_en = found["fact.owner_lock.note.ja"], found["fact.owner_lock.note.en"]
    assert note_ja.startswith(
        f"{read_at}の点検（使用中、点検ID {str(first['inspection_id'])[:8]}）でオフと確認"
    )
    assert f"シリアル番号 {IPHONE_13}" in note_ja and "**********1014、**********1022" in note_ja
    assert note_en.startswith(f"off, read on {read_at} while the phone was in use")
    assert IMEI_1 not in page  # masked like every IMEI on the page
    assert station.run("verify", str(certify(station, str(second["inspection_id"])))).exit_code == 0


# ---------------------------------------------------------------------------------------------- item 7

SHOP = """
[shop]
name = "中古スマホ館 秋葉原店"
licence_authority = "東京都公安委員会"
licence_number = "第３０１２３４５６７８９０号"

[certificate]
verify_url = "https://shop.example/verify?lang=ja"
"""


def with_shop(station: Station, text: str = SHOP) -> Path:
    path = station.tmp / "config.toml"
    path.write_text(text, encoding="utf-8")
    station.env["TENKEN_CONFIG"] = str(path)
    return path


def test_the_shop_the_technician_and_a_qr_code_a_buyer_can_open(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.OK)
    (phone,) = station.inspect()["phones"]
    with_shop(station)
    path = certify(station, IPHONE_13, "--by", "佐藤")
    page, found = page_of(path)
    meta = claims(page).meta
    record, certificate_id = meta["tenken:record-sha256"], meta["tenken:certificate"]
    assert found["issuer.shop"] == "中古スマホ館 秋葉原店"
    assert found["issuer.licence"] == "東京都公安委員会 第301234567890号"
    assert found["issuer.technician"] == "佐藤"
    link = f"https://shop.example/verify?lang=ja&c={certificate_id}&r={record}"
    assert found["qr.payload"] == link and found["record.verify_url"] == link
    assert found["record.sha256"] == record and phone["inspection_id"] == meta["tenken:inspection"]
    assert "tenken verify FILE" not in page  # a buyer has no tenken: the page says what a buyer can do
    with station.database() as database:
        row = database.execute(
            "SELECT shop_name, licence_authority, licence_number, technician, verify_url FROM certificates"
        ).fetchone()
    assert row == (
        "中古スマホ館 秋葉原店",
        "東京都公安委員会",
        "301234567890",
        "佐藤",
        "https://shop.example/verify?lang=ja",
    )

    # verify renders it from the certificate's row: whatever the configuration says now
    elsewhere = {**station.env, "TENKEN_CONFIG": "", "TENKEN_SHOP_NAME": "another shop"}
    assert run_cli(["verify", str(path)], elsewhere).exit_code == 0
    path.write_text(page.replace("中古スマホ館 秋葉原店", "中古スマホ館 新宿店"), encoding="utf-8")
    edited = station.run("verify", str(path))
    assert edited.exit_code == 1 and "issuer.shop reads '中古スマホ館 新宿店'" in edited.stderr
    path.write_text(page, encoding="utf-8")
    with station.database() as database:
        database.execute("UPDATE certificates SET technician = '鈴木'")
    changed = station.run("verify", str(path))
    assert changed.exit_code == 5 and "changed after its station signed it" in changed.stderr


def test_without_a_shop_the_certificate_says_how_the_station_checks_it(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect("--no-lookup")
    page, found = page_of(certify(station, IPHONE_13, "--by", "sato"))
    assert (
        "issuer.shop" not in found and "issuer.licence" not in found and found["issuer.technician"] == "sato"
    )
    assert found["qr.payload"].startswith("tenken:certificate?v=1&id=") and "tenken verify FILE" in page


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[shop]\nlicence_authority = "東京都公安委員会"\n',
            "shop: licence_authority and licence_number go together",
        ),
        (
            '[shop]\nlicence_authority = "東京都"\nlicence_number = "301234567890"\n',
            "shop.licence_authority: expected",
        ),
        (
            '[shop]\nlicence_authority = "東京都公安委員会"\nlicence_number = "3012"\n',
            "shop.licence_number: expected",
        ),
        (
            '[certificate]\nverify_url = "https://shop.example/verify#top"\n',
            "certificate.verify_url: expected",
        ),
        ('[certificate]\nverify_url = "javascript:alert(1)"\n', "certificate.verify_url: expected"),
        ("[shop]\nnmae = 1\n", "shop.nmae: unknown key (did you mean 'name'?)"),
    ],
)
def test_the_shop_settings_are_checked(station: Station, text: str, said: str) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect("--no-lookup")
    config = with_shop(station, text)
    result = station.run("certificate", IPHONE_13, "--out", str(station.tmp / "out"))
    assert result.exit_code == 78 and result.stderr.count("\n") == 1, result.stderr
    assert str(config) in result.stderr and said in result.stderr, result.stderr


def test_a_certificate_row_signed_before_0009_still_checks_out(station: Station) -> None:
    """Rows signed by a tenken before migration 0009 have no issuer columns: their signature covers the
    columns they had, and still checks out; an issuer written into such a row breaks it."""
    from tenken import config
    from tenken.store import open_store
    from tenken.store.records import issued_certificate
    from tenken.store.rows import SIGNED_CERTIFICATE
    from tenken.store.schema import certificates

    station.usbmux.attach(bundled("iphone13-docomo"))
    station.inspect("--no-lookup")
    certificate_id = claims(certify(station, IPHONE_13).read_text(encoding="utf-8")).meta[
        "tenken:certificate"
    ]
    with open_store(config.load(environ=station.env)) as store, store.engine.begin() as connection:
        row = connection.execute(sa.select(certificates)).mappings().one()
        signed_by, signature = store.keys.seal({column: row[column] for column in SIGNED_CERTIFICATE})
        connection.execute(
            sa.update(certificates).values(
                shop_name=None,
                licence_authority=None,
                licence_number=None,
                technician=None,
                verify_url=None,
                signed_by=signed_by,
                signature=signature,
            )
        )
    with open_store(config.load(environ=station.env)) as store:
        old = issued_certificate(store, certificate_id)
    assert old is not None and old.seal is not None and old.seal.value == "signed" and old.technician is None
    with sqlite3.connect(station.env["TENKEN_DB"]) as database:
        database.execute("UPDATE certificates SET shop_name = '中古スマホ館'")
    with open_store(config.load(environ=station.env)) as store:
        edited = issued_certificate(store, certificate_id)
    assert edited is not None and edited.seal is not None and edited.seal.value == "broken"


# ---------------------------------------------------------------------------------------------- item 8


def test_values_in_words_not_codes(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))  # DeviceEnclosureColor "1": a code that names nothing
    station.usbmux.attach(bundled("iphone8-softbank-simlocked"))  # "#b9b7ba": Space Gray
    station.inspect("--no-lookup")
    page, found = page_of(certify(station, IPHONE_13))
    assert "fact.colour" not in found  # left out rather than "1"
    assert found["fact.model_id"] == "iPhone14,5" and found["fact.part_number"] == "MLNC3J/A"
    assert found["fact.storage_bytes"] == "128 GB"
    model_id_row = re.search(
        r'<tr><th><span lang="ja">([^<]+)</span>[^<]*<span[^>]*>[^<]*</span></th><td><span data-k="fact.model_id"',
        page,
    )
    part_row = re.search(
        r'<tr><th><span lang="ja">([^<]+)</span>[^<]*<span[^>]*>[^<]*</span></th><td><span data-k="fact.part_number"',
        page,
    )
    assert model_id_row is not None and model_id_row.group(1) == "機種ID"
    assert part_row is not None and part_row.group(1) == "型番"

    iphone8 = bundled("iphone8-softbank-simlocked")
    _, found = page_of(certify(station, str(iphone8.values["SerialNumber"])))
    assert found["fact.colour"] == "スペースグレイ / Space Gray"

    details = station.run("--lang", "ja", "inspect", "--platform", "ios", "--no-lookup", "--details")
    assert "機種ID" in details.stdout and "型番" in details.stdout and "スペースグレイ" in details.stdout
    assert not re.search(r"カラー\s+1\s", details.stdout), details.stdout
