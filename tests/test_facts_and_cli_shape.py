"""The data model, and the CLI's promises: quick help, one-line errors, the carrier simulator command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tenken.facts import DeviceFacts, DeviceRef, Fact, Outcome, Platform, Provenance, json_default, msg


def test_fact_constructors_say_how_a_value_was_obtained() -> None:
    assert Fact.measured("x", "lockdown SerialNumber").provenance is Provenance.MEASURED
    assert Fact.inferred(True, "policy dates", msg("simlock.sold_sim_free")).known
    unknown: Fact[bool] = Fact.unknown("com.apple.fmip", msg("ios.find_my_no_flag"))
    assert not unknown.known
    assert unknown.to_json() == {
        "value": None,
        "provenance": "unknown",
        "source": "com.apple.fmip",
        "note": msg("ios.find_my_no_flag"),
    }
    assert not Fact(None, Provenance.MEASURED).known  # a measured nothing is still not a value


def test_device_facts_default_to_unknown_and_list_their_imeis() -> None:
    facts = DeviceFacts(DeviceRef(Platform.ANDROID, "serial-1", "1-4.2", "device"))
    assert all(not fact.known for _name, fact in facts.facts())
    facts.imei = Fact.measured("490154203237518", "service call iphonesubinfo 1")
    facts.imei2 = Fact.measured("490154203237518", "service call iphonesubinfo 4 i32 1")
    assert facts.imeis() == ["490154203237518"]
    payload = json.loads(json.dumps(facts.to_json(), default=json_default))
    assert payload["device"]["usb_location"] == "1-4.2"
    assert payload["facts"]["imei"]["provenance"] == "measured"
    assert payload["facts"]["owner_lock"]["provenance"] == "unknown"


def test_only_marks_are_marks() -> None:
    assert {outcome for outcome in Outcome if outcome.is_mark} == {
        Outcome.OK,
        Outcome.PENDING,
        Outcome.RESTRICTED,
        Outcome.NOT_FOUND,
    }


def test_help_does_not_import_heavy_libraries() -> None:
    # msgspec too: the configuration (the first user of it) is loaded only by commands that need it.
    code = (
        "import sys\nfrom tenken.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pymobiledevice3', 'adbutils', 'httpx', 'sqlalchemy', 'selectolax', 'msgspec', 'xlsxwriter') "
        "if m in sys.modules]\nprint(','.join(heavy), file=sys.stderr)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stderr.strip() == ""
    for command in ("lookup", "inspect", "evidence", "demo", "sim"):
        assert command in output.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = subprocess.run([sys.executable, "-m", "tenken", "lokup"], capture_output=True, text=True)
    assert result.returncode == 64
    assert "No such command 'lokup'" in result.stderr
    assert "Traceback" not in result.stderr


def test_sim_carriers_command_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tenken", "sim", "carriers", "--port", "0", "--fault", "au=maintenance"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        origin = process.stdout.readline().split()[3]
        assert origin.startswith("http://127.0.0.1:")
        page = httpx.get(f"{origin}/top.php")
        assert page.headers["content-type"] == "text/html; charset=Shift_JIS"
        assert "productno" in page.content.decode("cp932")
        assert "メンテナンス" in httpx.get(f"{origin}/cmn/WCV009001/WCE009001.hc").text
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sim_carriers_rejects_a_bad_rules_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[phone]]\nimei = "12345"\ncarrier = "docomo"\nmark = "×"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tenken", "sim", "carriers", "--port", "0", "--rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 78
    assert "'12345' is not a valid IMEI" in result.stderr
