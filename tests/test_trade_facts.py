"""What the used-phone trade writes on a phone (issue 19; the RMJ guideline), through `tenken record` and
`tenken inspect --json` against the simulated iPhone and Android phones and the carrier simulator:
the grade a person enters (S A B C J, J with its NG items, photos with their sha256; the 11-step scale
configured instead), the erasure read off the phone (初期化済み) and the checklist a person confirms, and
the policy's conditions grade_unknown, grade_j, grade_c, erasure_unconfirmed and the battery line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tenken.verdict.policy import default_policy_path
from tests.conftest import run_cli
from tests.test_verdict_cases import (
    CHANNELS,
    HELLO,
    IPHONE13,
    SO51C,
    Bench,
    Phone,
    android,
    bench,
    both,
    erased,
    iphone,
    reason,
    rules,
    simulators,
)

__all__ = ["bench", "simulators"]  # the verdict table's station, one per module

S, SD, H, P = "SELLABLE", "SELLABLE_WITH_DISCLOSURE", "HOLD", "PARTS_ONLY"
HELLO_SERIAL = "SIMT14HLO005"  # iphone14-hello: erased, at the Setup Assistant
IPHONE13_SERIAL = "SIMT13DOC001"  # iphone13-docomo: in use
CLEAN_HELLO = rules(both(HELLO, "docomo ○"))


def record(bench: Bench, *args: str) -> Any:
    return run_cli(["record", *args], bench.env())


def trade_levels(phone: dict[str, Any], code: str) -> tuple[str | None, ...]:
    """The level `code` has on each channel (None where it is not a reason)."""
    found = []
    for channel in CHANNELS:
        levels = [entry["level"] for entry in phone["verdicts"][channel]["reasons"] if entry["code"] == code]
        found.append(levels[0] if levels else None)
    return tuple(found)


def stored(bench: Bench, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bench.env()["TENKEN_DB"]) as database:
        return database.execute(sql).fetchall()


# ---------------------------------------------------------------------------------------------- the grade


def test_no_grade_is_disclosed_on_retail_and_never_sellable(bench: Bench) -> None:
    bench.rules(CLEAN_HELLO)
    phone = bench.inspect(iphone("iphone14-hello"))
    assert phone["facts"]["grade"]["value"] is None and phone["facts"]["grade"]["provenance"] == "unknown"
    assert trade_levels(phone, "grade_unknown") == (SD, SD, SD)
    assert reason(phone, "grade_unknown")["action"]["code"] == "todo.record_grade"
    assert all(phone["verdicts"][channel]["level"] != S for channel in CHANNELS)


def test_a_junk_grade_needs_its_ng_items_and_is_sold_as_parts(bench: Bench, tmp_path: Path) -> None:
    bench.rules(CLEAN_HELLO)
    bench.inspect(iphone("iphone14-hello"))
    refused = record(bench, "grade", "J", "--serial", HELLO_SERIAL, "--by", "sato")
    assert refused.exit_code == 65 and "--ng" in refused.stderr, refused.stderr
    assert stored(bench, "SELECT count(*) FROM manual_facts") == [(0,)]

    front, back = tmp_path / "front.jpg", tmp_path / "back.jpg"
    front.write_bytes(b"\xff\xd8 front of the phone")
    back.write_bytes(b"\xff\xd8 back of the phone")
    kept = record(
        bench, "grade", "ｊ", "--serial", HELLO_SERIAL, "--by", "sato", "--ng", "画面割れ", "--ng", "カメラ不良",
        "--note", "落下品", "--photo", str(front), "--photo", str(back), "--json",
    )  # fmt: skip
    assert kept.exit_code == 0, kept.stderr
    said = json.loads(kept.stdout)
    assert said["value"]["grade"] == "J" and said["value"]["ng_items"] == ["画面割れ", "カメラ不良"]
    sha = [hashlib.sha256(path.read_bytes()).hexdigest() for path in (front, back)]
    assert [photo["sha256"] for photo in said["value"]["grade_photos"]] == sha
    # every photo's bytes are kept, signed like every fact a person entered
    rows = stored(bench, "SELECT fact, evidence_sha256, signature IS NOT NULL FROM manual_facts ORDER BY id")
    assert rows == [("grade", None, 1), ("grade_photo", sha[0], 1), ("grade_photo", sha[1], 1)]

    phone = bench.inspect(iphone("iphone14-hello"))
    facts = phone["facts"]
    assert facts["grade"]["value"] == "J" and facts["grade"]["provenance"] == "measured"
    assert facts["grade"]["source"].startswith("manual: grade J: 落下品 (sato, ")
    assert facts["ng_items"]["value"] == ["画面割れ", "カメラ不良"]
    assert [photo["sha256"] for photo in facts["grade_photos"]["value"]] == sha
    assert trade_levels(phone, "grade_j") == (P, P, S)
    assert trade_levels(phone, "grade_unknown") == (None, None, None)
    assert reason(phone, "grade_j")["says"]["params"]["ng"] == ["画面割れ", "カメラ不良"]


def test_grade_c_is_sellable_unless_the_shops_policy_wants_it_disclosed(bench: Bench, tmp_path: Path) -> None:
    bench.rules(CLEAN_HELLO)
    bench.inspect(iphone("iphone14-hello"))
    assert record(bench, "grade", "C", "--serial", HELLO_SERIAL, "--ng", "背面ガラス欠け").exit_code == 0
    phone = bench.inspect(iphone("iphone14-hello"))
    assert trade_levels(phone, "grade_c") == (S, S, S)

    policy = tmp_path / "shop.toml"
    shipped = default_policy_path().read_text(encoding="utf-8")
    policy.write_text(
        shipped.replace('grade_c = "SELLABLE"                        # cracked', 'grade_c = "SELLABLE_WITH_DISCLOSURE" #', 1),
        encoding="utf-8",
    )  # fmt: skip
    phone = bench.inspect(iphone("iphone14-hello"), "--policy", str(policy))
    assert trade_levels(phone, "grade_c") == (SD, S, S)


def test_a_grade_not_on_the_scale_is_refused(bench: Bench) -> None:
    bench.rules(CLEAN_HELLO)
    bench.inspect(iphone("iphone14-hello"))
    refused = record(bench, "grade", "D", "--serial", HELLO_SERIAL)
    assert refused.exit_code == 65 and "'D' is not a grade: one of S, A, B, C, J" in refused.stderr
    wrong = record(bench, "battery", "80", "--serial", HELLO_SERIAL, "--ng", "画面割れ")
    assert wrong.exit_code == 64 and "record grade only" in wrong.stderr


def test_the_b2b_scale_is_configured_instead_of_s_to_j(bench: Bench) -> None:
    """The 2nd edition's 11 steps, named as the shop's partners name them (domain.md does not give the
    names: tenken ships none); each counts as one of S–J for the policy."""
    steps = [f"R{number}" for number in range(1, 12)]
    bench.extra_env["TENKEN_GRADE_SCALE"] = ",".join(steps)
    bench.extra_env["TENKEN_GRADE_COUNTS_AS"] = ",".join(
        f"{step}={'S' if n == 1 else 'A' if n <= 4 else 'B' if n <= 7 else 'C' if n <= 10 else 'J'}"
        for n, step in enumerate(steps, 1)
    )
    bench.rules(CLEAN_HELLO)
    bench.inspect(iphone("iphone14-hello"))
    assert record(bench, "grade", "A", "--serial", HELLO_SERIAL).exit_code == 65  # not a step of this scale
    assert record(bench, "grade", "R11", "--serial", HELLO_SERIAL).exit_code == 65  # counts as J: NG items
    assert record(bench, "grade", "r11", "--serial", HELLO_SERIAL, "--ng", "起動不可").exit_code == 0
    phone = bench.inspect(iphone("iphone14-hello"))
    assert phone["facts"]["grade"]["value"] == "R11" and phone["facts"]["grade_class"]["value"] == "J"
    assert trade_levels(phone, "grade_j") == (P, P, S)

    bench.extra_env["TENKEN_GRADE_COUNTS_AS"] = "R1=S"  # R2…R11 count as nothing: refused, never guessed
    broken = run_cli(["config"], bench.env())
    assert broken.exit_code == 78 and "counts_as needs the S–J rank of R2" in broken.stderr


# ---------------------------------------------------------------------------------------------- erasure


def test_an_iphone_at_the_setup_assistant_reads_initialised_and_waits_for_the_checklist(bench: Bench) -> None:
    bench.rules(CLEAN_HELLO)
    assert record(bench, "grade", "A", "--serial", HELLO_SERIAL, "--new").exit_code == 0
    phone = bench.inspect(iphone("iphone14-hello"))
    erased_fact = phone["facts"]["erased"]
    assert erased_fact["value"] is True and erased_fact["provenance"] == "measured"
    assert erased_fact["note"]["code"] == "erased.setup_assistant"
    assert erased_fact["note"]["params"]["at"] == phone["read_at"]  # measured, with when
    unconfirmed = reason(phone, "erasure_unconfirmed")
    assert [step["code"] for step in unconfirmed["says"]["params"]["missing"]] == [
        "erasure.missing.resets",
        "erasure.missing.checked_by",
        "erasure.missing.felica",
        "erasure.missing.jpki",
    ]
    assert trade_levels(phone, "erasure_unconfirmed") == (H, H, SD)

    same = record(bench, "erasure", "resets=2", "checked-by=sato", "--serial", HELLO_SERIAL, "--by", "Sato")
    assert same.exit_code == 65 and "second person" in same.stderr
    partial = record(
        bench, "erasure", "resets=2", "checked-by=鈴木", "--serial", HELLO_SERIAL, "--by", "sato"
    )
    assert partial.exit_code == 0, partial.stderr
    phone = bench.inspect(iphone("iphone14-hello"))
    missing = reason(phone, "erasure_unconfirmed")["says"]["params"]["missing"]
    assert [step["code"] for step in missing] == ["erasure.missing.felica", "erasure.missing.jpki"]

    done = record(
        bench, "erasure", "resets=2", "checked-by=鈴木", "felica=案内済み", "jpki=none",
        "--serial", HELLO_SERIAL, "--by", "sato",
    )  # fmt: skip
    assert done.exit_code == 0 and "erasure checklist" in done.stdout, done.stderr
    phone = bench.inspect(iphone("iphone14-hello"))
    assert trade_levels(phone, "erasure_unconfirmed") == (None, None, None)
    checks = phone["facts"]["erasure_checks"]
    assert checks["value"] == {"resets": 2, "checked_by": "鈴木", "felica": "warned", "jpki": "none"}
    assert "(sato, " in checks["source"]
    assert phone["verdicts"]["retail"]["reasons"][0]["code"] == "owner_lock_unknown", phone["verdicts"]


def test_a_phone_in_use_is_not_initialised(bench: Bench) -> None:
    bench.rules(rules(both(IPHONE13, "docomo ○")))
    phone = bench.inspect(iphone("iphone13-docomo"))
    assert phone["facts"]["erased"]["value"] is False
    assert phone["facts"]["erased"]["note"]["code"] == "erased.in_use"
    missing = reason(phone, "erasure_unconfirmed")["says"]["params"]["missing"]
    assert missing[0]["code"] == "erasure.missing.measured"
    assert reason(phone, "erasure_unconfirmed")["action"] is None  # in_use's action says: initialise
    assert reason(phone, "in_use")["action"]["code"] == "todo.initialise"


@pytest.mark.parametrize(
    ("phone", "value", "note"),
    [
        (lambda: erased(android("so51c-docomo")), True, "erased.setup_wizard"),
        (lambda: android("so51c-docomo"), False, "erased.in_use"),
    ],
    ids=["setup-wizard-no-account", "in-use"],
)
def test_an_android_phone_at_the_setup_wizard_without_accounts_reads_initialised(
    bench: Bench, phone: Any, value: bool, note: str
) -> None:
    bench.rules(rules(both(SO51C, "docomo ○")))
    device: Phone = phone()
    found = bench.inspect(device)
    assert found["facts"]["erased"]["value"] is value
    assert found["facts"]["erased"]["provenance"] == "measured"
    assert found["facts"]["erased"]["note"]["code"] == note
    assert "user_setup_complete" in found["facts"]["erased"]["source"]


def test_an_account_left_at_the_setup_wizard_is_not_initialised(bench: Bench) -> None:
    from dataclasses import replace

    from tenken.sim.android.profile import Account

    wiped = erased(android("so51c-docomo"))
    assert not isinstance(wiped, type(iphone("iphone14-hello")))
    left = replace(wiped, accounts=(Account(name="someone@example.com", type="com.google"),))
    bench.rules(rules(both(SO51C, "docomo ○")))
    found = bench.inspect(left)
    assert found["facts"]["erased"]["value"] is None
    assert found["facts"]["erased"]["note"]["code"] == "erased.accounts_left"


# ---------------------------------------------------------------------------------------------- battery


def test_the_battery_line_is_the_policys(bench: Bench, tmp_path: Path) -> None:
    bench.rules(CLEAN_HELLO)
    assert record(bench, "battery", "82", "--serial", HELLO_SERIAL, "--new").exit_code == 0
    phone = bench.inspect(iphone("iphone14-hello"))
    assert trade_levels(phone, "battery_worn") == (None, None, None)  # 82 % is above the shipped 80 %

    policy = tmp_path / "shop.toml"
    shipped = default_policy_path().read_text(encoding="utf-8")
    policy.write_text(
        shipped.replace("battery_worn_below = 80", "battery_worn_below = 85", 1), encoding="utf-8"
    )
    phone = bench.inspect(iphone("iphone14-hello"), "--policy", str(policy))
    worn = reason(phone, "battery_worn")
    assert worn["says"]["params"] == {"percent": 82.0, "line": 85.0}
    assert worn["says"]["text"] == "battery health 82 %, below 85 %"


def test_a_phone_that_did_not_let_itself_be_read_waits_on_that_alone(bench: Bench) -> None:
    """A locked screen: `not_ready` stands for everything not read, the erasure and the grade's task too."""
    bench.rules(CLEAN_HELLO)
    phone = bench.inspect(iphone("iphonese3-screen-locked"))
    assert phone["state"] == "locked"
    assert trade_levels(phone, "erasure_unconfirmed") == (None, None, None)
    assert trade_levels(phone, "grade_unknown") == (None, None, None)
    assert trade_levels(phone, "not_ready") == (H, H, H)


def test_a_phone_read_in_use_and_then_initialised_was_erased_after_purchase(bench: Bench) -> None:
    """The earlier read in use tells that the erase came after the shop took the phone."""
    bench.rules(rules(both(IPHONE13, "docomo ○")))
    in_use = bench.inspect(iphone("iphone13-docomo"))
    phone = bench.inspect(erased(iphone("iphone13-docomo")))
    note = phone["facts"]["erased"]["note"]
    assert phone["facts"]["erased"]["value"] is True and note["code"] == "erased.after_in_use"
    assert note["params"]["before"] == in_use["read_at"]
    assert note["params"]["note"]["code"] == "erased.setup_assistant"


@pytest.mark.parametrize("condition", ["grade_unknown", "erasure_unconfirmed"])
def test_a_policy_may_never_sell_an_ungraded_phone_or_an_unconfirmed_erasure(
    bench: Bench, tmp_path: Path, condition: str
) -> None:
    shipped = default_policy_path().read_text(encoding="utf-8")
    lines = shipped.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith(f"{condition} = "))
    lines[first] = f'{condition} = "SELLABLE"'
    policy = tmp_path / "shop.toml"
    policy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = run_cli(["policy", "check", str(policy)], bench.env())
    assert refused.exit_code == 78, refused.stderr
    assert f"channels.retail.levels.{condition}" in refused.stderr and "never be SELLABLE" in refused.stderr
