"""Every answer says how it was obtained — `via` http (tenken asked the site), browser (the assisted
check), hand (a person recorded the mark), with who — in the JSON, the store, the certificate (in words
next to the mark, re-rendered identically by `tenken verify`) and the export; answers kept before tenken
stored it say it too, read from what they kept (issue 18). Through the CLI, on inspections made by
`tenken inspect` against the simulated usbmuxd and the carrier simulator."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from tenken.facts import Carrier, Outcome
from tests.conftest import resign_lookups
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station


def answers(phone: dict[str, object]) -> dict[tuple[str, str], dict[str, object]]:
    found = phone["lookups"]["answers"]  # type: ignore[index]
    return {(entry["imei"], entry["carrier"]): entry for entry in found if entry["asked"]}


def test_via_in_json_certificate_and_export(station: Station) -> None:
    station.usbmux.attach(bundled("iphone13-docomo"))
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.PENDING)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    first = answers(station.inspect()["phones"][0])
    assert (first[IMEI_1, "docomo"]["via"], first[IMEI_1, "docomo"]["by"]) == ("http", None)
    # The technician checks IMEI1 at docomo in a browser and records ○ by hand.
    recorded = station.run("record", "mark", "docomo", "○", "--imei", IMEI_1, "--by", "佐藤")
    assert recorded.exit_code == 0, recorded.stderr
    recorded = station.run("record", "sim-lock", "unlocked", "--serial", IPHONE_13, "--new", "--by", "sato")
    assert recorded.exit_code == 0, recorded.stderr
    phone = station.inspect()["phones"][0]
    now = answers(phone)
    assert (now[IMEI_1, "docomo"]["via"], now[IMEI_1, "docomo"]["by"]) == ("hand", "佐藤")
    assert (now[IMEI_2, "docomo"]["via"], now[IMEI_2, "docomo"]["by"]) == ("http", None)

    lookup = station.run("lookup", "--carrier", "docomo", "--json", IMEI_1)
    (report,) = json.loads(lookup.stdout)["imeis"]
    assert (report["results"][0]["via"], report["results"][0]["by"]) == ("hand", "佐藤")

    out = station.tmp / "certificates"
    made = station.run("certificate", IPHONE_13, "--out", str(out))
    assert made.exit_code == 0, made.stderr
    (page,) = out.glob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "手入力（佐藤）" in text and "entered by hand (佐藤)" in text
    assert "自動照会" in text and "automatic look-up" in text
    assert station.run("verify", str(page)).exit_code == 0

    exported = station.run("export")
    rows = list(csv.DictReader(io.StringIO(exported.stdout.lstrip("\ufeff"))))
    newest = max(rows, key=lambda row: row["inspected_at"])
    assert newest["docomo_via"] == "hand (佐藤)"


def test_answers_kept_before_via_was_stored_say_how_they_were_obtained(station: Station) -> None:
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.RESTRICTED)
    assert station.run("lookup", "--carrier", "docomo", IMEI_1).exit_code == 1
    recorded = station.run("record", "mark", "docomo", "maru", "--imei", IMEI_1, "--by", "sato")
    assert recorded.exit_code == 0, recorded.stderr
    with sqlite3.connect(station.env["TENKEN_DB"]) as database:  # as a tenken before 0012 kept them
        database.execute("UPDATE lookups SET via = NULL, via_by = NULL")
    resign_lookups(station.env)
    evidence = station.run("evidence", IMEI_1, "--all", "--no-save", "--json")
    assert evidence.exit_code == 0, evidence.stderr
    found = [(row["via"], row["by"]) for row in json.loads(evidence.stdout)["answers"]]
    assert sorted(found, key=str) == [("hand", "sato"), ("http", None)]
    lookup = station.run("lookup", "--carrier", "docomo", "--json", IMEI_1)
    (report,) = json.loads(lookup.stdout)["imeis"]
    assert (report["results"][0]["via"], report["results"][0]["by"]) == ("hand", "sato")
