"""`tenken watch` end to end: its own process, real sockets, nothing of tenken's mocked.

Simulated iPhones (usbmuxd + lockdownd) and Android phones (emulated adbd behind the real adb server)
are plugged in and out on a schedule while the station runs; the carriers' sites and a webhook receiver
run here. Checked: every plug ends in the store exactly once with the verdict its profile calls for,
every --jsonl line is a stored inspection, and the receiver gets each inspection once by its
Idempotency-Key, signed — through a receiver outage, a station restart and a database restart.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tenken.sim.android.adb_server import PrivateAdbServer
from tenken.sim.ios.profile import PhoneProfile
from tenken.sim.ios.simulator import IosSimulator
from tests.station.conftest import (
    AndroidPhones,
    PrivateServer,
    Receiver,
    Sites,
    Watch,
    android,
    check_posts,
    iphone,
    outbox,
    station_env,
    stored,
    wait_for,
)

pytestmark = pytest.mark.slow

IPHONE_REQUESTS = 14  # lockdown requests one inspection of iphone13-docomo makes
ANDROID_COMMANDS = 9  # shell commands one inspection of so51c-docomo runs


def port_of(serial: str) -> int:
    """The port of an emulated Android phone's adb serial (127.0.0.1:PORT)."""
    return int(serial.rsplit(":", 1)[1])


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tenken.sqlite3'}"


class Floor:
    """The shop floor: plugs phones in and out, and remembers each plug (device id → how many)."""

    def __init__(self, sites: Sites, iphones: IosSimulator, androids: AndroidPhones) -> None:
        self.sites = sites
        self.iphones = iphones
        self.androids = androids
        self.plugs: Counter[str] = Counter()
        self.names: dict[str, str] = {}  # device id → profile, for messages

    def iphone(self, name: str, copy: int = 0, **behaviour: Any) -> str:
        profile = iphone(name, copy, **behaviour)
        self.sites.like(profile, iphone(name))
        return self.plug_iphone(profile, f"{name}#{copy}")

    def plug_iphone(self, profile: PhoneProfile, label: str) -> str:
        self.iphones.attach(profile)
        self.plugs[profile.udid] += 1
        self.names[profile.udid] = label
        return profile.udid

    def android(self, name: str, port: int | None = None, **behaviour: Any) -> str:
        serial = self.androids.attach(android(name, **behaviour), port).serial
        self.plugs[serial] += 1
        self.names[serial] = name
        return serial


@pytest.fixture
def floor(sites: Sites, iphones: IosSimulator, androids: AndroidPhones) -> Floor:
    return Floor(sites, iphones, androids)


def levels(inspection: dict[str, Any]) -> dict[str, str]:
    return {channel: verdict["level"] for channel, verdict in inspection["verdicts"].items()}


def reasons(inspection: dict[str, Any], channel: str = "retail") -> list[str]:
    return [reason["code"] for reason in inspection["verdicts"][channel]["reasons"]]


# ---------------------------------------------------------------------------------------------- a


def test_a_day_on_the_station(
    floor: Floor,
    adb_server: PrivateAdbServer,
    sites: Sites,
    iphones: IosSimulator,
    androids: AndroidPhones,
    receiver: Receiver,
    watches: list[Watch],
    tmp_path: Path,
) -> None:
    # Already on the hub when the station starts: found by the first listing.
    clean = floor.iphone("iphone13-docomo", 0)
    find_my = floor.iphone("iphone12-findmy", 0)
    simlocked = floor.iphone("iphone8-softbank-simlocked", 0)
    floor.iphone("iphone11-supervised", 0)
    locked = floor.iphone("iphonese3-screen-locked", 0)
    docomo = floor.android("so51c-docomo")
    frp = floor.android("sc51d-docomo")
    restricted = floor.android("sov33-au")
    pending = floor.android("shg14-au")
    unauthorized = floor.android("a002so-softbank", unauthorized=True)

    env = station_env(
        sites, tmp_path, usbmux=iphones.address, adb_port=androids.host.host.adb_port, webhook=receiver.url
    )
    watch = Watch(["--jsonl"], env, tmp_path / "watch-1.log")
    watches.append(watch)

    def printed(*device_ids: str) -> bool:
        return all(watch.of(device_id) for device_id in device_ids)

    ready_at_start = [clean, find_my, simlocked, docomo, frp, restricted, pending]
    wait_for(lambda: printed(*ready_at_start), "the phones found at start")

    # Plugged in while the station runs: events (usbmuxd Listen, adb track-devices) wake it.
    trust = floor.iphone("iphone15-trust", 0)  # "Trust" tapped on the third dialog: asked again
    later = [
        floor.iphone("iphone16-rakuten", 0),
        floor.iphone("iphone14-hello", 0),
        floor.iphone("iphone13-docomo", 2, latency_ms=20),
        floor.iphone("iphone12-findmy", 1),
        floor.iphone("iphone8-softbank-simlocked", 1),
        floor.android("pixel7-jp"),
        floor.android("a002so-softbank"),
    ]
    rebooted = floor.iphone("iphone12mini-rebooted", 0)  # never unlocked: still waiting at the end
    # Pulled out mid-read: after 6 of its 14 lockdown requests, after 4 of its 9 shell commands.
    cut_iphone = floor.iphone("iphone13-docomo", 1, unplug_after_requests=IPHONE_REQUESTS - 8)
    cut_android = floor.android("so51c-docomo", unplug_after_commands=ANDROID_COMMANDS - 5)
    wait_for(lambda: printed(trust, *later, cut_iphone, cut_android), "the phones plugged in later")

    # Unplugged: a finished phone (nothing more to keep) and the locked one (kept now, as it was).
    assert not watch.of(locked), "a locked phone was kept before it was unplugged"
    iphones.detach(clean)
    iphones.detach(locked)
    floor.androids.detach(docomo)
    wait_for(lambda: printed(locked), "the locked phone, kept when unplugged")
    # Plugged in again: a new plug of the same phone (same UDID; same adb serial on the same port). The
    # Android phone cut off mid-read is still listed by adb, `offline`: plugged back, it is read again.
    floor.androids.detach(restricted)
    wait_for(lambda: f"{cut_android}\toffline" in adb_server.adb("devices").stdout, "adb listing it offline")
    time.sleep(1.5)  # the station lists phones every 0.3 s: it sees the port empty, the cut phone offline
    floor.plug_iphone(iphone("iphone13-docomo", 0), "iphone13-docomo#0 again")
    assert floor.android("sov33-au", port=port_of(restricted)) == restricted
    assert floor.android("so51c-docomo", port=port_of(cut_android)) == cut_android
    last = [floor.iphone("iphone16-rakuten", 1), floor.android("shg14-au"), floor.android("pixel7-jp")]
    wait_for(
        lambda: all(len(watch.of(phone)) == 2 for phone in (clean, restricted, cut_android)),
        "the phones plugged in again",
    )
    wait_for(lambda: printed(*last), "the last phones")
    assert not watch.of(rebooted) and not watch.of(unauthorized), "a waiting phone was kept too soon"

    assert watch.stop() == 0, watch.stderr()

    # Every plug in the store exactly once; the waiting phones kept as the station stopped.
    rows = stored(sqlite_url(tmp_path))
    assert sum(floor.plugs.values()) == 27
    assert Counter(row.device_id for row in rows) == floor.plugs, watch.stderr()
    assert len({row.record_id for row in rows}) == len(rows)
    by_phone = {row.device_id: row for row in rows}
    assert by_phone[rebooted].state == "before_first_unlock"
    assert by_phone[unauthorized].state == "unauthorized"
    assert by_phone[locked].state == "locked"
    assert by_phone[cut_iphone].state == "unplugged"
    assert [row.state for row in rows if row.device_id == cut_android] == ["unplugged", "ready"]

    # Each plug's verdict, as its profile calls for.
    retail = {row.device_id: row.levels.get("retail") for row in rows}
    assert retail[find_my] == "BLOCKED"  # Activation Lock
    assert retail[frp] == "BLOCKED"  # a Google account: FRP
    assert retail[simlocked] == "PARTS_ONLY"  # SoftBank says ×
    assert retail[restricted] == "PARTS_ONLY"  # au says ×
    assert retail[pending] == "HOLD"  # au says △
    assert retail[clean] == "HOLD"  # docomo ○, but in use with a SIM inside
    for waiting in (locked, rebooted, unauthorized, cut_iphone):
        assert retail[waiting] == "HOLD", floor.names[waiting]
    shown = watch.inspections()
    assert "pending" in reasons(next(i for i in shown.values() if i["device"]["device_id"] == pending))
    assert "owner_lock_on" in reasons(next(i for i in shown.values() if i["device"]["device_id"] == frp))
    trusted = watch.of(trust)
    assert [inspection["state"] for inspection in trusted] == ["ready"]

    # --jsonl: one line per stored inspection, each one line of JSON, as stored.
    assert len(watch.raw) == len(rows)
    assert set(shown) == {row.record_id for row in rows}
    for inspection in shown.values():
        assert levels(inspection) == next(
            row.levels for row in rows if row.record_id == inspection["inspection_id"]
        )

    # The webhook: every inspection taken once by its key, every POST signed, nothing owed.
    assert receiver.keys() == set(shown)
    assert Counter(post.key for post in receiver.posts if post.status == 200) == dict.fromkeys(shown, 1)
    check_posts(receiver)
    for key, body in receiver.delivered.items():
        assert json.loads(body)["inspection"] == json.loads(json.dumps(shown[key]))
    assert outbox(sqlite_url(tmp_path)) == dict.fromkeys(shown, True)


# ---------------------------------------------------------------------------------------------- b


def test_a_webhook_outage_and_a_station_restart_lose_nothing(
    floor: Floor,
    sites: Sites,
    iphones: IosSimulator,
    androids: AndroidPhones,
    receiver: Receiver,
    watches: list[Watch],
    tmp_path: Path,
) -> None:
    env = station_env(
        sites, tmp_path, usbmux=iphones.address, adb_port=androids.host.host.adb_port, webhook=receiver.url
    )
    receiver.down = True  # up, answering 503
    first = [
        floor.iphone("iphone13-docomo", 0),
        floor.iphone("iphone12-findmy", 0),
        floor.android("shg14-au"),
    ]
    watch = Watch(["--jsonl"], env, tmp_path / "watch-1.log")
    watches.append(watch)
    wait_for(lambda: all(watch.of(phone) for phone in first), "the first phones")
    wait_for(lambda: receiver.refused() >= set(watch.inspections()), "each message refused")
    receiver.down = False
    wait_for(lambda: receiver.keys() == set(watch.inspections()), "the messages owed, once it is back")

    receiver.close()  # down: connections refused
    second = [floor.iphone("iphone16-rakuten", 0), floor.android("pixel7-jp")]
    wait_for(lambda: all(watch.of(phone) for phone in second), "the phones inspected while it is down")
    assert watch.stop() == 0, watch.stderr()
    owed = {key for key, sent in outbox(sqlite_url(tmp_path)).items() if not sent}
    assert owed == {watch.of(phone)[0]["inspection_id"] for phone in second}

    for phone in [*first, *second]:
        if phone in floor.androids.attached:
            floor.androids.detach(phone)
        else:
            iphones.detach(phone)
    receiver.start()  # back, on the same port
    again = Watch(["--jsonl"], env, tmp_path / "watch-2.log")
    watches.append(again)
    wait_for(lambda: receiver.keys() == set(watch.inspections()), "the messages owed, after the restart")
    assert again.stop() == 0, again.stderr()
    assert again.lines() == []  # nothing attached: nothing inspected, only what was owed sent

    rows = stored(sqlite_url(tmp_path))
    assert Counter(row.device_id for row in rows) == floor.plugs
    assert receiver.keys() == {row.record_id for row in rows} == set(watch.inspections())
    taken = Counter(post.key for post in receiver.posts if post.status == 200)
    assert taken == dict.fromkeys(receiver.keys(), 1)  # nothing sent again once it was taken
    assert all(outbox(sqlite_url(tmp_path)).values())
    check_posts(receiver)


# ---------------------------------------------------------------------------------------------- c


def test_a_database_restart_loses_nothing(
    floor: Floor,
    sites: Sites,
    iphones: IosSimulator,
    androids: AndroidPhones,
    receiver: Receiver,
    private_postgres: PrivateServer,
    watches: list[Watch],
    tmp_path: Path,
) -> None:
    env = {
        **station_env(
            sites,
            tmp_path,
            usbmux=iphones.address,
            adb_port=androids.host.host.adb_port,
            webhook=receiver.url,
        ),
        "TENKEN_DB": private_postgres.url,
        "TENKEN_DB_RECONNECT_SECONDS": "0.5",  # gone for longer than this: the spool
    }
    spool = tmp_path / "data" / "spool.jsonl"
    before = [floor.iphone("iphone13-docomo", 0), floor.android("so51c-docomo")]
    locked = floor.iphone("iphonese3-screen-locked", 0)
    watch = Watch(["--jsonl"], env, tmp_path / "watch.log")
    watches.append(watch)
    wait_for(lambda: all(watch.of(phone) for phone in before), "the phones before the outage")
    wait_for(lambda: receiver.keys() == set(watch.inspections()), "their webhooks")

    private_postgres.stop()
    during = [
        floor.iphone("iphone12-findmy", 0),
        floor.iphone("iphone8-softbank-simlocked", 0),
        floor.android("sov33-au"),
        floor.android("sc51d-docomo"),
    ]
    iphones.detach(locked)  # its plug ends now: kept while the database is away
    wait_for(lambda: watch.of(locked), "the locked phone, kept when unplugged")
    wait_for(lambda: spool.is_file() and spool.stat().st_size > 0, "the spool holding what waits")
    time.sleep(1.0)  # the phones plugged in meanwhile are read while the database is away
    private_postgres.start()

    wait_for(lambda: all(watch.of(phone) for phone in during), "the phones plugged in during the outage")
    wait_for(lambda: len(stored(private_postgres.url)) == len(watch.lines()), "the spool, in the database")
    wait_for(lambda: receiver.keys() == set(watch.inspections()), "every webhook")
    code = watch.stop()

    rows = stored(private_postgres.url)
    assert Counter(row.device_id for row in rows) == floor.plugs
    assert {row.record_id for row in rows} == set(watch.inspections()) == receiver.keys()
    assert len(rows) == len(watch.lines())
    assert all(outbox(private_postgres.url).values())
    assert spool.stat().st_size == 0
    check_posts(receiver)  # a message sent while its mark could not be written may come twice: same key
    retail = {row.device_id: row.levels["retail"] for row in rows}
    assert retail[during[0]] == "BLOCKED"
    assert retail[during[1]] == "PARTS_ONLY"
    assert retail[during[2]] == "PARTS_ONLY"
    assert retail[locked] == "HOLD"
    assert code == 0, watch.stderr()  # the outage is over: nothing waits, nothing to report


# ---------------------------------------------------------------------------------------------- d


def once(iphones: IosSimulator, sites: Sites, tmp_path: Path, name: str) -> tuple[int, dict[str, Any]]:
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    run = Watch(["--once", "--json", "--platform", "ios", "--timeout", "30"], env, tmp_path / f"{name}.log")
    try:
        code = run.wait()
    finally:
        run.kill()
    return code, json.loads(b"".join(run.raw))


def test_once_exits_with_the_verdicts_code(
    floor: Floor, sites: Sites, iphones: IosSimulator, tmp_path: Path
) -> None:
    code, nothing = once(iphones, sites, tmp_path, "none")
    assert (code, nothing["phones"]) == (4, [])  # no phone attached

    held = floor.iphone("iphone13-docomo", 0)
    code, result = once(iphones, sites, tmp_path, "held")
    assert code == 2  # HOLD: in use, SIM inside
    assert [phone["device"]["device_id"] for phone in result["phones"]] == [held]

    flagged = [floor.iphone("iphone8-softbank-simlocked", 0), floor.iphone("iphone12-findmy", 0)]
    code, result = once(iphones, sites, tmp_path, "flagged")
    assert code == 1  # PARTS_ONLY and BLOCKED beat HOLD
    assert sorted(phone["device"]["device_id"] for phone in result["phones"]) == sorted([held, *flagged])
    assert {phone["device"]["device_id"]: levels(phone)["retail"] for phone in result["phones"]} == {
        held: "HOLD",
        flagged[0]: "PARTS_ONLY",
        flagged[1]: "BLOCKED",
    }
    assert len(stored(sqlite_url(tmp_path))) == 4  # each run keeps its phones once
