"""`tenken history`: one phone inspected three times while its carrier's mark and its Find My changed."""

from __future__ import annotations

import copy
import json

from tenken.facts import Carrier, Outcome
from tests.ios.simulator import bundled
from tests.report.conftest import IMEI_1, IMEI_2, IPHONE_13, Station


def find_my_on() -> object:
    phone = copy.deepcopy(bundled("iphone13-docomo"))
    phone.domains["com.apple.fmip"]["IsAssociated"] = True
    phone.values["NonVolatileRAM"]["fm-activation-locked"] = b"YES"
    return phone


def three_inspections(station: Station) -> list[str]:
    """○ at docomo; then △ (asked again); then Find My turned on (blocked: the carriers not asked)."""
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.OK)
    station.mark(IMEI_2, Carrier.DOCOMO, Outcome.OK)
    phone = station.usbmux.attach(bundled("iphone13-docomo"))
    first = station.inspect()
    station.mark(IMEI_1, Carrier.DOCOMO, Outcome.PENDING)
    second = station.inspect("--no-cache")
    station.usbmux.detach(phone.udid)
    station.usbmux.attach(find_my_on())  # type: ignore[arg-type]
    third = station.inspect()
    return [str(payload["phones"][0]["inspection_id"]) for payload in (third, second, first)]


def test_history_of_a_phone_newest_first_with_what_changed(station: Station) -> None:
    ids = three_inspections(station)
    result = station.run("history", IPHONE_13, "--json")  # checked against history.schema.json
    assert result.exit_code == 0, result.stderr
    (phone,) = json.loads(result.stdout)["phones"]
    assert phone["key"] == IPHONE_13 and phone["imeis"] == [IMEI_1, IMEI_2] and phone["model"] == "iPhone 13"
    inspections = phone["inspections"]
    assert [entry["inspection_id"] for entry in inspections] == ids
    newest, middle, oldest = inspections
    assert oldest["changes"] == [] and oldest["marks"][IMEI_1]["docomo"] == "○"
    middle_changes = {change["code"]: change for change in middle["changes"]}
    assert middle_changes["change.mark"]["params"] == {
        "carrier": "docomo",
        "imei": IMEI_1,
        "before": "○",
        "after": "△",
    }
    assert middle_changes["change.mark"]["text"] == f"docomo {IMEI_1}: ○ → △"
    assert newest["owner_lock"] is True
    texts = [change["text"] for change in newest["changes"]]
    assert "Owner lock (Find My / FRP): now on" in texts
    assert "retail: HOLD → BLOCKED" in texts
    assert newest["marks"][IMEI_1]["docomo"] == "not_asked"  # blocked whatever they say: no mark changed
    assert not [change for change in newest["changes"] if change["code"] == "change.mark"]
    # every stored docomo answer about IMEI 1, newest first, the △ marked as a change
    docomo = [entry for entry in phone["lookups"] if entry["carrier"] == "docomo" and entry["imei"] == IMEI_1]
    assert [entry["mark"] for entry in docomo] == ["△", "○"]
    assert docomo[0]["changes"][0]["text"] == f"docomo {IMEI_1}: ○ → △" and docomo[1]["changes"] == []


def test_history_for_people_in_japanese_and_by_imei(station: Station) -> None:
    three_inspections(station)
    shown = station.run("--lang", "ja", "history", IMEI_2)
    assert shown.exit_code == 0, shown.stderr
    assert (
        f"ドコモ {IMEI_1}：○ → △" in shown.stdout
        and "所有者ロック" in shown.stdout
        and "ありに変化" in shown.stdout
    )
    every = station.run("history", "--since", "1d", "--json")
    assert [phone["key"] for phone in json.loads(every.stdout)["phones"]] == [IPHONE_13]


def test_history_of_nothing_is_one_line(station: Station) -> None:
    three_inspections(station)
    later = station.run("history", IPHONE_13, "--since", "2099-01-01")
    assert (
        later.exit_code == 66 and "nothing stored for SIMT13DOC001 since 2099-01-01 00:00 JST" in later.stderr
    )
    bad = station.run("history", "--since", "yesterday")
    assert bad.exit_code == 64 and "expected a span such as 7d" in bad.stderr
    none = station.run("history", "--since", "2099-01-01")
    assert none.exit_code == 0 and "nothing stored since" in none.stdout
