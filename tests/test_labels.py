"""The message catalog: every code the core can say has English and Japanese words, and nothing else.

The codes are found in the source itself (string literals passed to msg()/Message(), and the action
tables), so a new code without words fails here, not in front of a shop's staff.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from tenken.devices.android.dumps import BATTERY_HEALTH, OWNER_LOCK_TYPES
from tenken.facts import (
    Carrier,
    DeviceFacts,
    DeviceState,
    ImeiStatus,
    Message,
    Outcome,
    Platform,
    Provenance,
    msg,
)
from tenken.report.labels import CATALOG, LANGS, has_words, language, render

SOURCE = Path(__file__).resolve().parents[1] / "src" / "tenken"
CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_-]+)+$")
TEMPLATE_CODE = re.compile(r"""\b(?:t|label)\(\s*["']([a-z_]+(?:\.[a-z0-9_-]+)+)["']""")
# Entries reached by namespace + value at run time rather than by a literal code.
LOOKED_UP = ("carrier.", "platform.", "provenance.", "outcome.", "status.", "state.", "fact.", "cell.")
LOOKED_UP += (
    "unread.",
    "lock.",
    "battery_health.",
    "oem_unlock.",
    "part.",
    "value.",
    "ui.",
    "level.",
)
LOOKED_UP += (
    "guess.",
    "cond.",
    "stage.",
    "cert.",
    "history.",
    "help.",
    "activation.",
    "region.",
    "source.",
)  # stage.<the station's Stage value>
LOOKED_UP += (
    "doctor.check.",
    "simstate.",
    "imei.not_valid",
)  # doctor.check.<code>; errors.py makes imei.not_valid
LOOKED_UP += ("erasure.missing.", "battery.method.", "felica.", "jpki.")  # grade-19: by the step or value
# The same in both languages on purpose: identifiers and units, not words.
SAME_IN_BOTH = {"carrier.au", "platform.ios", "platform.android", "fact.imei", "fact.imei2", "fact.meid"}
SAME_IN_BOTH |= {"android.sdk", "android.fingerprint", "android.csc", "ios.product_type"}
SAME_IN_BOTH |= {"ios.region_code", "site.http_status", "lookup.stored_text", "imei.invalid", "ui.http"}
SAME_IN_BOTH |= {"imei.problem.other"}  # a library's own words about an IMEI, quoted
SAME_IN_BOTH |= {"web.refused"}  # what `tenken record` said, quoted (in the page's language already)
SAME_IN_BOTH |= {"serve.serving"}  # the first line of `tenken serve`: scripts read the URL from it


def codes_in_source() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in SOURCE.rglob("*.py"):
        if path.name == "labels.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("msg", "Message", "label"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found[first.value] = path
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("action.")
                and CODE.match(node.value)
            ):
                found[node.value] = path
    for path in SOURCE.rglob("templates/*.html"):  # the page's words: t("web.board"), label("watch.kept")
        for code in TEMPLATE_CODE.findall(path.read_text(encoding="utf-8")):
            found[code] = path
    return found


def placeholders(template: str) -> set[str]:
    return {match.group(1) for match in re.finditer(r"\{(\w+)(?::\w+)?\}", template)}


def test_the_scan_finds_the_codes() -> None:
    found = codes_in_source()
    assert "action.tap_trust" in found and "imei.restricted_at" in found and len(found) > 100


def test_every_code_in_the_source_has_words() -> None:
    missing = {code: str(path) for code, path in codes_in_source().items() if code not in CATALOG}
    assert not missing


def test_no_entry_is_left_unused() -> None:
    used = set(codes_in_source())
    unused = [key for key in CATALOG if key not in used and not key.startswith(LOOKED_UP)]
    assert not unused


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_both_languages_say_the_same_things(code: str) -> None:
    english, japanese = CATALOG[code]
    assert english.strip() and japanese.strip()
    assert placeholders(english) == placeholders(japanese)
    for template in (english, japanese):
        assert template.count("[") == template.count("]") and template.count("{") == template.count("}")
    if code not in SAME_IN_BOTH:
        assert re.search(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", japanese), (
            f"{code}: no Japanese in {japanese!r}"
        )


@pytest.mark.parametrize(
    ("enum", "namespace"),
    [
        (Carrier, "carrier"),
        (Platform, "platform"),
        (Provenance, "provenance"),
        (Outcome, "outcome"),
        (ImeiStatus, "status"),
        (DeviceState, "state"),
    ],
)
def test_every_enum_value_has_a_name(enum: type, namespace: str) -> None:
    for member in enum:  # type: ignore[attr-defined]
        assert has_words(f"{namespace}.{member.value}")


def test_every_fact_every_lock_and_every_unread_outcome_has_a_name() -> None:
    assert all(
        f"fact.{field.name}" in CATALOG
        for field in dataclasses.fields(DeviceFacts)
        if "Fact" in str(field.type)
    )
    assert all(f"lock.{kind}" in CATALOG for kind in OWNER_LOCK_TYPES.values())
    assert all(f"battery_health.{kind}" in CATALOG for kind in [*BATTERY_HEALTH.values(), "not_reported"])
    unread = [outcome for outcome in Outcome if not outcome.is_mark]
    assert all(
        f"cell.{outcome.value}" in CATALOG and f"unread.{outcome.value}" in CATALOG for outcome in unread
    )


def test_rendering_fills_parameters_nested_messages_carriers_and_optional_parts() -> None:
    summary = msg("imei.restricted_at", carriers=[Carrier.SOFTBANK], unread=[Carrier.AU])
    assert render(summary, "en").endswith("also unread: au")
    assert render(summary, "ja").startswith("ソフトバンクで×（赤ロム）")
    without = msg("imei.restricted_at", carriers=[Carrier.DOCOMO], unread=[])
    assert "unread" not in render(without, "en") and "未確認" not in render(without, "ja")
    nested = msg("site.gave_up", problem=msg("site.http_status", status=503), attempts=3)
    assert render(nested, "en") == "HTTP 503 (tried 3×)" and render(nested, "ja") == "HTTP 503（3回試行）"
    locked = msg("action.unlock_screen", parts=["mdm", "battery"])
    assert "MDM登録の確認、バッテリー状態の確認" in render(locked, "ja")


def test_an_unknown_code_is_shown_as_itself_not_dropped() -> None:
    assert render(Message("no.such.code", {"x": 1}), "ja") == "no.such.code {'x': 1}"


@pytest.mark.parametrize(
    ("requested", "environ", "expected"),
    [
        ("ja", {"LANG": "C"}, "ja"),
        (None, {"LANG": "ja_JP.UTF-8"}, "ja"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LC_ALL": "ja_JP.UTF-8", "LANG": "C"}, "ja"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
    ],
)
def test_the_language_comes_from_the_option_then_the_locale(
    requested: str | None, environ: dict[str, str], expected: str
) -> None:
    assert language(requested, environ) == expected
    assert expected in LANGS


def test_every_condition_has_a_short_name_and_a_reason() -> None:
    from tenken.verdict.conditions import KEYS

    assert all(f"cond.{key}" in CATALOG and f"reason.{key}" in CATALOG for key in KEYS)


@pytest.mark.parametrize(
    "moment", ["2026-12-06T19:27:44.244360+00:00", "2026-12-06T19:27:44+00:00", "2026-12-06T19:27:44Z"]
)
def test_a_time_read_back_from_json_is_shown_in_jst_to_the_minute(moment: str) -> None:
    """An inspection read back (history, report --from) carries its times as JSON strings: a reason that
    holds one shows it as every other time is shown, JST to the minute, never the raw UTC string."""
    said = msg("reason.owner_lock_off_earlier", read_at=moment)
    assert "2026-12-07 04:27 JST" in render(said, "ja") and "2026-12-07 04:27 JST" in render(said, "en")
    assert "T19:27" not in render(said, "ja")


def test_every_command_in_the_table_has_its_help_in_both_languages() -> None:
    from tenken.cli import COMMANDS, SIMULATORS

    for entry in [*COMMANDS.values(), *SIMULATORS.values()]:
        assert all(CATALOG[entry.help][index] for index in (0, 1)), entry


def test_tenken_help_lists_the_commands_in_the_language_chosen() -> None:
    from tests.conftest import run_cli

    english = run_cli(["--help"], {"TENKEN_LANG": "", "LANG": "C"}).stdout
    japanese = run_cli(["--lang", "ja", "--help"], {"TENKEN_LANG": "", "LANG": "C"}).stdout
    by_locale = run_cli(["--help"], {"TENKEN_LANG": "", "LANG": "ja_JP.UTF-8"}).stdout
    assert "Read every attached phone" in english and "Commands:" in english
    for shown in (japanese, by_locale):
        assert (
            "接続中の端末を読み取り" in shown and "コマンド:" in shown and "Read every attached" not in shown
        )
