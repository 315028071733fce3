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
        ('[faults]\nau = "down"\n', "faults.au: expected one of '429', '503', 'captcha',"),
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
