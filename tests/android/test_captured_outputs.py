"""A captured phone replays end to end: `[outputs]` answers a command line with its raw stdout, byte
for byte, to any adb client (here the adb binary, through the real server)."""

from __future__ import annotations

from tests.android.conftest import AdbServer, Phones

# What a Samsung phone prints, including what a reader must not trip over: a line without a colon,
# a key in two spellings, a blank value, no newline at the very end.
DUMP = (
    "Current Battery Service state:\n  AC powered: false\n  level: 71\n  charge counter: 0\n"
    "LLB CAL: \nBatteryInfoBackUp\n  mSavedBatteryAsoc: [99]"
)


def test_outputs_answer_byte_for_byte_with_their_status(phones: Phones, adb_server: AdbServer) -> None:
    attached = phones.attach(
        "sc51d-docomo",
        outputs={"dumpsys battery": DUMP, "dumpsys device_policy": "Permission Denial\n"},
        outputs_status={"dumpsys device_policy": 255},
    )
    battery = adb_server.adb("-s", attached.serial, "shell", "dumpsys battery")
    assert (battery.returncode, battery.stdout) == (0, DUMP)
    refused = adb_server.adb("-s", attached.serial, "shell", "dumpsys", "device_policy")
    assert (refused.returncode, refused.stdout) == (255, "Permission Denial\n")
    # a line the capture does not hold is answered by the simulated tool, as before
    account = adb_server.adb("-s", attached.serial, "shell", "dumpsys account")
    assert account.stdout.startswith("User UserInfo{0:Owner:c13}:")
