"""What a Japanese technician reads is Japanese: every command of "Use it" run with `--lang ja` on the
simulators (an iPhone in use with a docomo SIM, the carrier sites), and nothing printed holds an English
word outside names, codes and what a person types. What the detector leaves alone is listed here, so a
new English sentence shows up as a failure naming its words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tests.conftest import fast_env, run_cli
from tests.ios.simulator import SimulatorThread, bundled

SERIAL = "SIMT13DOC001"  # iphone13-docomo
IMEI = "353915111001014"

# Names, units and codes that stay as they are in a Japanese sentence.
KEPT = {
    "tenken", "iPhone", "iOS", "IMEI", "IMEI2", "SIM", "eSIM", "MDM", "FRP", "JST", "UTC", "HTTP", "URL", "ID",
    "JSON", "CSV", "PDF", "HTML", "sha256", "GB", "TB", "mAh", "docomo", "au", "SoftBank", "Rakuten", "Apple",
    "Find", "My", "Google", "Wi", "Fi", "NTT", "KDDI", "OS", "SELLABLE", "HOLD", "BLOCKED", "PARTS_ONLY",
    "SELLABLE_WITH_DISCLOSURE", "shop", "record", "sim", "lock", "battery", "mark", "evidence", "lookup",
    "inspect", "handoff", "recheck", "certificate", "verify", "history", "export", "policy", "retail", "flea_market",
    "parts", "usbmuxd", "adb", "carriers", "sim-lock", "owner-lock", "mdm", "new", "serial", "imei", "by",
    "grade", "erasure",  # tenken record grade / erasure, as a person types them
    "what", "CARRIER", "MARK", "FILE", "tray", "HTTPS", "CAPTCHA", "MEID", "MCC", "MNC", "MVNO", "NVRAM",
    "VRAM", "NO", "MCInstall", "lockdown", "ADB", "USB", "Android", "Webhook", "apt", "install", "sudo",
    "udev", "xlsx", "pending", "unknown", "ok", "restricted",
    "default",  # the shipped policy's name, "tenken default"
    "sato",  # the technician's name given with --by
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']+")
# Not prose: commands and options, paths and URLs, hex and hashes, identifiers of the phone, a model's
# name and number, and the sources of facts (lockdown keys, shell commands), which are codes.
CODE = re.compile(
    r"`[^`]*`|「[^」]*」|\{[^}]*\}|\w+://\S+|\bk[A-Z]\w+|\bfm-[\w-]+|--?[\w-]+|[\w.-]*/[\w./-]*|\b[0-9a-f]{12,}\b|0x[0-9A-Fa-f]+|[\w-]+\.[\w.-]+"
    r"|\biPhone\d+,\d+\b|\biPhone \w+( \w+)?|\b[A-Z0-9]{2,}[0-9][A-Z0-9/]*\b|\blockdown [A-Za-z.]+"
    r"|\bdiagnostics_relay\b.*|\bIORegistry\b.*|\b[A-Z][a-z]+[A-Z]\w*"
)


def english_words(text: str) -> set[str]:
    return {word for word in WORD.findall(CODE.sub(" ", text)) if word not in KEPT}


@pytest.fixture
def env(usbmux: SimulatorThread, carrier_sim: CarrierSimulator, tmp_path: Path) -> dict[str, str]:
    usbmux.attach(bundled("iphone13-docomo"))
    carrier_sim.set_fault(Carrier.DOCOMO, "captcha")  # a check by hand, with its instructions
    carrier_sim.rules.set_mark(IMEI, Carrier.DOCOMO, Outcome.OK)
    return {
        **fast_env(carrier_sim, tmp_path),
        "TENKEN_IOS_USBMUX": usbmux.address,
        "TENKEN_IOS_PAIR_TIMEOUT": "2",
        "TENKEN_LANG": "ja",
        "COLUMNS": "400",  # no line wraps a path in two
    }


def said(env: dict[str, str], *args: str) -> str:
    result = run_cli(list(args), env)
    assert result.exit_code < 64, (args, result.stderr)
    return result.stdout + result.stderr


def test_every_command_of_use_it_speaks_japanese(env: dict[str, str], tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    outputs = {
        "inspect": said(env, "inspect", "--platform", "ios"),
        "inspect --details": said(env, "inspect", "--platform", "ios", "--details"),
        "lookup": said(env, "lookup", IMEI),
        "evidence": said(env, "evidence", IMEI, "--no-save"),
        "record battery": said(env, "record", "battery", "88", "--serial", SERIAL, "--by", "sato"),
        "record mark": said(env, "record", "mark", "ドコモ", "まる", "--imei", IMEI, "--by", "sato"),
        "history": said(env, "history", SERIAL),
        "recheck --dry-run": said(env, "recheck", "--dry-run"),
        "policy show": said(env, "policy", "show"),
        "doctor": said(env, "doctor"),
    }
    saved.write_text(said(env, "inspect", "--platform", "ios", "--json"), encoding="utf-8")
    json.loads(saved.read_text(encoding="utf-8"))
    outputs["report --from"] = said(env, "report", "--from", str(saved))
    english = {name: english_words(text) for name, text in outputs.items()}
    assert not any(english.values()), {name: words for name, words in english.items() if words}


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "12345"],
        ["lookup"],
        ["evidence", "490154203237518"],
        ["certificate", "SIMNOSUCH001"],
        ["history", "SIMNOSUCH001"],
        ["record", "battery", "90", "--serial", "SIMNOSUCH001"],
        ["record", "mark", "ヤマダ", "まる", "--imei", IMEI],
        ["export", "--format", "xlsx"],
        ["recheck", "--status", "maybe"],
    ],
)
def test_a_one_line_error_is_japanese(env: dict[str, str], args: list[str]) -> None:
    result = run_cli(args, env)
    assert result.exit_code >= 2 and result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.removeprefix("tenken: ")
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line), line
    assert not english_words(line), (line, english_words(line))
