"""The carrier simulator's rules file: what it sets, and each mistake as one line naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import Rules
from tests.conftest import run_cli

GOOD = """
slow_seconds = 0.5

[[phone]]
imei = "490154203237518"
carrier = "softbank"
mark = "▲"

[[phone]]
imei = "356868000041418"
marks = { docomo = "○", au = "×" }

[[phone]]
imei = "354178036859789"
carrier = "none"

[faults]
au = "maintenance"
"""


def test_a_rules_file_sets_marks_faults_and_the_slow_wait(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    rules = Rules.load(path)
    assert rules.answer("490154203237518", Carrier.SOFTBANK) is Outcome.PENDING
    assert rules.answer("490154203237518", Carrier.DOCOMO) is Outcome.NOT_FOUND
    assert rules.marks["356868000041418"] == {Carrier.DOCOMO: Outcome.OK, Carrier.AU: Outcome.RESTRICTED}
    assert rules.marks["354178036859789"] == {}
    assert (rules.faults, rules.slow_seconds) == ({Carrier.AU: "maintenance"}, 0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('slow_seconds = "abc"\n', "slow_seconds: expected float >= 0 and <= 31536000, got 'abc'"),
        ("slow_seconds = 1e308\n", "slow_seconds: expected float >= 0 and <= 31536000, got 1e+308"),
        (
            '[[phone]]\nimei = "12345"\n',
            "phone[0].imei: '12345' is not a valid IMEI: 5 digits, an IMEI has 15",
        ),
        (
            '[[phone]]\nimei = "490154203237518"\n[[phone]]\nimei = "490154203237518"\n',
            "phone[1].imei: 490154203237518 is listed twice",
        ),
        ("[[phone]]\nimei = 490154203237518\n", "phone[0].imei: expected str, got 490154203237518"),
        ('[[phone]]\nimei = "490154203237518"\ncarrier = "docomoo"\n', "phone[0].carrier: expected one of"),
        (
            '[[phone]]\nimei = "490154203237518"\ncarrier = "au"\nmark = "?"\n',
            "phone[0].mark: expected one of ○ △ × −, got '?'",
        ),
        (
            '[[phone]]\nimei = "490154203237518"\nmarks = { au = "q" }\n',
            "phone[0].marks.au: expected one of ○ △ × −, got 'q'",
        ),
        (
            '[[phone]]\nimei = "490154203237518"\nmarks = { aux = "○" }\n',
            "phone[0].marks.aux: unknown key (did you mean 'au'?)",
        ),
        (
            '[[phone]]\nimei = "490154203237518"\ncarrier = "au"\nmarks = { au = "○" }\n',
            "phone[0].marks: give carrier and mark, or marks, not both",
        ),
        (
            '[[phone]]\nimei = "490154203237518"\nmakr = "×"\n',
            "phone[0].makr: unknown key (did you mean 'mark'?)",
        ),
        ('[faults]\nau = "down"\n', "faults.au: expected one of '429', '503', 'browser_only', 'captcha',"),
        ('[faults]\nsoftbnk = "503"\n', "faults.softbnk: unknown key (did you mean 'softbank'?)"),
        ("phone = 3\n", "phone: expected an array, got 3"),
        ("[rules\n", "not valid TOML"),
    ],
)
def test_a_rules_mistake_is_one_line_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(["sim", "carriers", "--port", "0", "--rules", str(path)], env={})
    assert result.exit_code == 78
    [line] = result.stderr.splitlines()
    assert line.startswith(f"tenken: rules file {path}: {message}")


def test_the_bundled_rules_cover_every_bundled_phone() -> None:
    """`tenken sim carriers` alone answers like the demo: every IMEI of a bundled profile is listed."""
    from tenken.sim.android import profile as android_profile
    from tenken.sim.carriers.rules import bundled_rules
    from tenken.sim.ios import profile as ios_profile

    rules = Rules.load(bundled_rules())
    imeis = [
        imei
        for name in ios_profile.bundled_names()
        for key in ("InternationalMobileEquipmentIdentity", "InternationalMobileEquipmentIdentity2")
        if (imei := ios_profile.load(name).values.get(key))
    ]
    imeis += [
        imei for name in android_profile.bundled_names() for imei in android_profile.load(name).imeis if imei
    ]
    assert imeis and not [imei for imei in imeis if imei not in rules.marks]
    assert rules.answer("356742082002012", Carrier.SOFTBANK) is Outcome.RESTRICTED  # the SIM-locked iPhone 8


def test_sim_carriers_without_rules_answers_what_the_demo_shows() -> None:
    import subprocess
    import sys

    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "tenken", "sim", "carriers", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        origin = process.stdout.readline().split()[3]
        reply = httpx.get(f"{origin}/restriction/eir/v1/rest-api/public/imei/356790126006010", timeout=10)
        assert reply.json() == {"status": 0}  # the demo's Rakuten iPhone 16: ○
    finally:
        process.terminate()
        process.wait(10)
