"""The certificate (点検証明書) and `tenken verify`, through the CLI, on inspections made by `tenken inspect`
against the simulated iPhone and carrier sites."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.report.html import claims
from tests.conftest import ESCAPES, MARKUP
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station

HOSTILE = '<script>alert("x")</script><img src="http://example.invalid/x.png" onerror="alert(1)">'


def certify(station: Station, *args: str) -> Path:
    out = station.tmp / "certificates"
    result = station.run("certificate", *args, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.split("wrote ", 1)[1].splitlines()[0])
    assert path.parent == out and path.suffix == ".html"
    return path


def inspected(station: Station) -> dict[str, object]:
    """iphone13-docomo: IMEI △ at docomo, IMEI2 ○; its SIM lock read off Settings by hand."""
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.PENDING)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    recorded = station.run("record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--new", "--by", "sato")
    assert recorded.exit_code == 0, recorded.stderr
    phone: dict[str, object] = station.inspect()["phones"][0]
    return phone


def record_hash_from_the_database(station: Station, inspection_id: str) -> str:
    """The record hash as docs/reports.md defines it, computed here without tenken's code."""
    with station.database() as database:
        (stored,) = database.execute(
            "SELECT inspection_json FROM inspections WHERE record_id = ?", (inspection_id,)
        ).fetchone()
        evidence = dict(
            database.execute(
                "SELECT l.record_id, l.sha256 FROM inspection_lookups i JOIN lookups l "
                "ON l.record_id = i.lookup_record_id WHERE i.inspection_record_id = ?",
                (inspection_id,),
            ).fetchall()
        )
    canonical = json.dumps(
        {"inspection": json.loads(stored), "evidence": evidence},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_the_certificate_says_what_was_found_and_how(station: Station) -> None:
    phone = inspected(station)
    path = certify(station, IPHONE_13)
    page = path.read_text(encoding="utf-8")
    found = claims(page).values
    verdicts = phone["verdicts"]
    assert isinstance(verdicts, dict)
    assert found["verdict.retail"] == "保留 / HOLD" and verdicts["retail"]["level"] == "HOLD"
    assert found["verdict.flea_market"] == "販売不可 / BLOCKED"  # △ is never listed on a flea market
    assert "△" in found["reason.pending.ja"] and "instalments" in found["reason.pending.en"]
    assert found["reason.pending.retail"] == "告知して販売可"
    # identity, IMEIs masked to their last 4 digits
    assert found["phone.title"] == "iPhone 13" and found["fact.part_number"] == "MLNC3J/A"
    assert found["fact.storage_bytes"] == "128 GB" and found["fact.serial"] == IPHONE_13
    assert found["fact.imei"] == "**********1014" and found["fact.imei2"] == "**********1022"
    assert IMEI_1 not in page and IMEI_2 not in page
    # each carrier's answer: mark, time in JST and UTC, the evidence page's sha256; the others not asked
    answers = {entry["evidence_sha256"]: entry for entry in phone["lookups"]["answers"] if entry["asked"]}  # type: ignore[index]
    marks = {
        found[key.replace(".sha256", ".mark")]: found[key]
        for key in found
        if re.fullmatch(r"answer\.\d+\.sha256", key)
    }
    assert set(marks) == {"△", "○"} and set(marks.values()) == set(answers)
    assert found["answer.0.carrier"] == "ドコモ / docomo" and found["answer.0.jst"].endswith(" JST")
    assert found["answer.0.utc"].endswith(" UTC") and found["answer.0.imei"] == "**********1014"
    assert "IMEIを登録するのは販売したキャリアだけ" in found["answer.1.why_not.ja"]
    # locks, SIM lock entered by hand, battery and how it was measured
    assert found["fact.owner_lock"] == "なし / no" and found["fact.owner_lock.how"] == "実測 measured"
    assert (
        found["fact.sim_locked"] == "なし / no" and found["fact.sim_locked.how"] == "手入力 entered by hand"
    )
    # recorded before any inspection: where it was read is not known, only that a person read it
    assert found["manual.sim_locked"].startswith("手動で確認: unlocked (sato, ")
    assert (
        found["fact.battery_health_pct"] == "92.0 %"
        and found["fact.battery_health_pct.how"] == "推定 inferred"
    )
    assert "DesignCapacity" in found["fact.battery_health_pct.source"]
    # the record: inspection, station, versions, the policy and the record hash, also in the QR code
    record = record_hash_from_the_database(station, str(phone["inspection_id"]))
    assert found["record.inspection_id"] == phone["inspection_id"] and found["record.station"] == "shop-a-1"
    assert found["record.tenken_version"] == phone["tenken_version"] and found["record.sha256"] == record
    assert found["record.policy"] == "tenken default"
    assert found["record.policy_sha256"] == phone["policy"]["sha256"]  # type: ignore[index]
    assert found["qr.payload"] == (
        f"tenken:certificate?v=1&id={phone['inspection_id']}&imei=1014&retail=HOLD&sha256={record}"
    )
    assert found["qr"].startswith("M")  # the QR code's SVG path, inline
    # self-contained: nothing to fetch, and a policy that forbids fetching
    assert "default-src 'none'" in page and "@page" in page and "Noto Sans CJK JP" in page
    assert not re.search(r"\b(src|href)\s*=|url\(|@import|<script|<link", page, re.IGNORECASE)


def test_full_imei_by_imei_and_by_inspection_id(station: Station) -> None:
    phone = inspected(station)
    by_imei = claims(certify(station, IMEI_2, "--full-imei").read_text(encoding="utf-8")).values
    assert by_imei["fact.imei"] == IMEI_1 and by_imei["answer.0.imei"] == IMEI_1
    by_id = certify(station, str(phone["inspection_id"]))
    assert claims(by_id.read_text(encoding="utf-8")).values["record.inspection_id"] == phone["inspection_id"]
    assert station.run("verify", str(by_id)).exit_code == 0


def test_phone_strings_are_escaped(station: Station) -> None:
    """A phone whose model, part number, carrier and iOS version carry HTML, rich markup and terminal
    control, and a carrier page with markup and terminal control: the certificate shows them as text
    (the browser test checks the DOM holds no element)."""
    hostile = copy.deepcopy(bundled("iphone13-docomo"))
    hostile.values["ProductType"] = f"model {HOSTILE} {MARKUP} {ESCAPES}"
    hostile.values["ModelNumber"] = f"part {HOSTILE}"
    hostile.values["ProductVersion"] = f"17 {HOSTILE}"
    hostile.values["CarrierBundleInfoArray"] = [
        {"CFBundleIdentifier": f"carrier {HOSTILE}", "MCC": "999", "MNC": "99"}
    ]
    station.usbmux.attach(hostile)
    station.carriers.set_fault(Carrier.DOCOMO, "hostile")  # the page holds markup and terminal control
    station.inspect()
    page = certify(station, IPHONE_13).read_text(encoding="utf-8")
    assert (
        "<script" not in page and "<img" not in page and "onerror=" not in page.replace("onerror=&quot;", "")
    )
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\\x1b]0;pwned\\x07" in page  # control characters shown, not kept
    found = claims(page).values
    docomo = [value for key, value in found.items() if key.startswith("answer.0.detail")]
    assert docomo and all("\\x1b]0;pwned\\x07" in value for value in docomo)
    assert (
        found["fact.model_id"].startswith('model <script>alert("x")</script>')
        and MARKUP in found["fact.model_id"]
    )
    assert found["fact.part_number"] == f"part {HOSTILE}J/A"


def test_verify_detects_an_edited_verdict_and_an_edited_evidence_hash(station: Station) -> None:
    inspected(station)
    path = certify(station, IPHONE_13)
    good = station.run("verify", str(path))
    assert (
        good.exit_code == 0
        and "matches inspection" in good.stdout
        and "2 evidence page(s) unaltered" in good.stdout
    )
    page = path.read_text(encoding="utf-8")

    path.write_text(page.replace(">保留 / HOLD<", ">販売可 / SELLABLE<", 1), encoding="utf-8")
    edited = station.run("verify", str(path))
    assert edited.exit_code == 1 and edited.stderr.count("\n") == 1
    assert (
        "verdict.retail reads '販売可 / SELLABLE' but the stored inspection says '保留 / HOLD'"
        in edited.stderr
    )

    sha = claims(page).values["answer.0.sha256"]
    path.write_text(page.replace(sha, sha[:-1] + ("0" if sha[-1] != "0" else "1")), encoding="utf-8")
    edited = station.run("verify", str(path))
    assert edited.exit_code == 1 and "answer.0.sha256 reads" in edited.stderr
    assert edited.stderr.count("\n") == 1


def test_verify_detects_an_altered_stored_page_and_an_altered_stored_inspection(station: Station) -> None:
    phone = inspected(station)
    path = certify(station, IPHONE_13)
    with station.database() as database:
        record_id, body = database.execute(
            "SELECT record_id, body FROM lookups WHERE record_id = (SELECT lookup_record_id FROM "
            "inspection_lookups WHERE inspection_record_id = ? ORDER BY lookup_record_id LIMIT 1)",
            (phone["inspection_id"],),
        ).fetchone()
        database.execute("UPDATE lookups SET body = ? WHERE record_id = ?", (body + b" ", record_id))
    altered = station.run("verify", str(path))
    assert altered.exit_code == 5 and altered.stderr.count("\n") == 1
    assert "is not what was kept: the page is not the one whose sha256" in altered.stderr
    again = station.run("certificate", IPHONE_13, "--out", str(station.tmp / "again"))
    assert again.exit_code == 5 and "is not what was kept" in again.stderr  # none over altered evidence

    with station.database() as database:
        database.execute("UPDATE lookups SET body = ? WHERE record_id = ?", (body, record_id))  # restored
    assert station.run("verify", str(path)).exit_code == 0
    with station.database() as database:
        stored = database.execute("SELECT inspection_json FROM inspections").fetchone()[0]
        database.execute(
            "UPDATE inspections SET inspection_json = ?",
            (stored.replace('"level": "HOLD"', '"level": "SELLABLE"', 1),),
        )
    changed = station.run("verify", str(path))
    assert changed.exit_code == 5 and "changed in the database after its station signed it" in changed.stderr
    with station.database() as database:  # edited and signature removed: not vouched for either
        database.execute("UPDATE inspections SET signature = NULL")
    unsigned = station.run("verify", str(path))
    assert unsigned.exit_code == 1 and "cannot vouch for it" in unsigned.stderr


def test_inspect_writes_a_certificate_per_phone(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.usbmux.attach(bundled("iphone8-softbank-simlocked"))
    out = station.tmp / "out"
    result = station.run("inspect", "--platform", "ios", "--json", "--certificates", str(out))
    assert result.exit_code < 64, result.stderr
    ids = {phone["inspection_id"] for phone in json.loads(result.stdout)["phones"]}
    written = sorted(out.glob("*.html"))
    assert len(written) == 2 and result.stderr.count("certificate: ") == 2
    assert {
        claims(path.read_text(encoding="utf-8")).values["record.inspection_id"] for path in written
    } == ids
    for path in written:
        assert station.run("verify", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["certificate", "SIMNOSUCH001"], 66, "no stored inspection for SIMNOSUCH001"),
        (["verify", "missing.html"], 66, "cannot read"),
    ],
)
def test_nothing_to_certify_or_verify_is_one_line(
    station: Station, args: list[str], code: int, said: str
) -> None:
    result = station.run(*args)
    assert result.exit_code == code and said in result.stderr and result.stderr.count("\n") == 1


def test_verify_refuses_a_page_that_is_no_certificate(station: Station) -> None:
    other = station.tmp / "other.html"
    other.write_text("<html><body>点検証明書</body></html>", encoding="utf-8")
    result = station.run("verify", str(other))
    assert result.exit_code == 65 and "is not a tenken certificate" in result.stderr
