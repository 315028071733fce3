"""`tenken serve` and `tenken user` through the real entry point: the station run over tenken's
simulators (usbmuxd with iPhones, the carriers' sites) in its own process, its page and JSON read over
HTTP on 127.0.0.1; the refusals that keep it from being served to a network nobody can log in from."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenken.sim.ios.simulator import IosSimulator
from tenken.sim.ports import free_port
from tests.conftest import run_cli
from tests.station.conftest import Sites, iphone, station_env, wait_for
from tests.web.serving import Serve

PASSWORD = "correct horse battery staple"


@pytest.fixture
def serves() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    try:
        yield started
    finally:
        for serve in started:
            serve.kill()


def board(url: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{url}/api/board?lang=en", timeout=10).json()
    return document


def test_the_page_follows_simulated_iphones_plugged_in_and_out(
    sites: Sites, iphones: IosSimulator, tmp_path: Path, serves: list[Serve]
) -> None:
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    serve = Serve(["--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    serves.append(serve)
    assert serve.first_line.startswith("serving on http://127.0.0.1:")
    profile = iphone("iphone13-docomo", 1)
    sites.like(profile, iphone("iphone13-docomo"))
    iphones.attach(profile)
    serial = str(profile.values["SerialNumber"])

    def done() -> dict[str, Any] | None:
        tiles = [tile for tile in board(serve.url)["ports"] if tile["stage"] == "done"]
        return tiles[0] if tiles else None

    tile = wait_for(done, "the iPhone's tile, done")
    assert tile["phone"]["serial"] == serial and tile["phone"]["model"] == "iPhone 13"
    assert tile["levels"]["retail"] in {
        "HOLD",
        "SELLABLE",
        "SELLABLE_WITH_DISCLOSURE",
        "PARTS_ONLY",
        "BLOCKED",
    }
    page = httpx.get(f"{serve.url}/phones/{tile['inspection_id']}", timeout=10)
    assert page.status_code == 200 and serial in page.text
    iphones.detach(profile.udid)
    wait_for(lambda: not board(serve.url)["ports"][0]["attached"], "the tile marked unplugged")
    assert serve.stop() == 0
    assert len(serve.lines) == 1  # nothing but the one line


def test_beyond_this_machine_without_users_it_refuses_and_listens_nowhere(tmp_path: Path) -> None:
    port = free_port()
    env = {**station_env(Sites(), tmp_path), "TENKEN_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "tenken", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 78, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.startswith("tenken: --host 0.0.0.0 serves beyond this machine: add a user first")
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_users_are_added_listed_and_removed(tmp_path: Path) -> None:
    env = {
        "TENKEN_DB": str(tmp_path / "t.sqlite3"),
        "TENKEN_DATA_DIR": str(tmp_path / "data"),
        "TENKEN_LANG": "en",
    }
    added = run_cli(["user", "add", "kana", "--password-stdin"], env, stdin=PASSWORD + "\n")
    assert added.exit_code == 0 and added.stdout == "user kana added\n"
    again = run_cli(["user", "add", "kana", "--password-stdin"], env, stdin=PASSWORD + "\n")
    assert again.exit_code == 64 and "already exists" in again.stderr
    short = run_cli(["user", "add", "ren", "--password-stdin"], env, stdin="short\n")
    assert short.exit_code == 65 and "at least 10 characters" in short.stderr
    odd = run_cli(["user", "add", "a b", "--password-stdin"], env, stdin=PASSWORD + "\n")
    assert odd.exit_code == 64
    assert run_cli(["user", "list"], env).stdout == "kana\n"
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.sqlite3'}")
    with engine.connect() as connection:
        [stored] = connection.execute(sa.text("SELECT password_hash FROM users")).scalars().all()
    engine.dispose()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert run_cli(["user", "remove", "kana"], env).stdout == "user kana removed\n"
    assert run_cli(["user", "remove", "kana"], env).exit_code == 66
    assert run_cli(["user", "list"], env).stdout == ""


def test_with_a_user_the_page_beyond_this_machine_asks_for_a_login(
    sites: Sites, tmp_path: Path, serves: list[Serve]
) -> None:
    env = station_env(sites, tmp_path, usbmux="127.0.0.1:9")
    assert run_cli(["user", "add", "kana", "--password-stdin"], env, stdin=PASSWORD + "\n").exit_code == 0
    serve = Serve(["--host", "0.0.0.0", "--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    serves.append(serve)
    url = serve.url.replace("0.0.0.0", "127.0.0.1")  # asked over loopback only
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/").headers["location"] == "/login"
        assert client.get("/api/board").status_code == 401
        login = client.get("/login")
        token = login.text.split('name="csrf-token" content="')[1].split('"')[0]
        assert (
            client.post("/login", data={"user": "kana", "password": "wrong", "csrf": token}).status_code
            == 401
        )
        taken = client.post("/login", data={"user": "kana", "password": PASSWORD, "csrf": token})
        assert taken.status_code == 303
        assert client.get("/api/board").status_code == 200
    assert serve.stop() == 0


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010804000000b51c0c02"
    "0000000b4944415478da63646000000006000230810d0b0000000049454e44ae426082"
)


def test_a_carriers_mark_recorded_on_the_page_judges_the_phone_again(
    sites: Sites, iphones: IosSimulator, tmp_path: Path, serves: list[Serve]
) -> None:
    from tenken.facts import Carrier

    sites.set_fault(Carrier.DOCOMO, "maintenance")
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    serve = Serve(["--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    serves.append(serve)
    profile = iphone("iphone13-docomo", 2)
    sites.like(profile, iphone("iphone13-docomo"))
    iphones.attach(profile)
    with httpx.Client(base_url=serve.url, timeout=60) as client:

        def task() -> dict[str, Any] | None:
            tasks = client.get("/api/queue?lang=en").json()["tasks"]
            return next((each for each in tasks if each["record"] == "mark"), None)

        held = wait_for(task, "docomo's answer waiting for the technician")
        token = client.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
        wanted = held["answers"]
        assert "docomo" in {each["carrier"] for each in wanted}
        for each in wanted:
            answer = client.post(
                f"/api/phones/{held['inspection_id']}/record",
                data={"fact": "mark", "mark": "○", "csrf": token, **each},
                files={"evidence": ("shot.png", PNG, "image/png")},
            )
            assert answer.status_code == 200, answer.text
            judged = answer.json()
            assert judged["inspection_id"] != held["inspection_id"]
            held = {**held, "inspection_id": judged["inspection_id"]}
        queue = client.get("/api/queue").json()["tasks"]
        assert not [each for each in queue if each["condition"] == "carrier_unanswered"]
        page = client.get(f"/phones/{judged['inspection_id']}?lang=en").text
        assert "○ no restriction" in page
        shown = client.post(
            f"/phones/{judged['inspection_id']}/certificate", data={"format": "html", "csrf": token}
        )
        assert shown.status_code == 200 and "点検証明書" in shown.text
        assert shown.headers["content-security-policy"].startswith("sandbox;")
        label = client.post(f"/phones/{judged['inspection_id']}/label", data={"csrf": token})
        assert label.status_code == 200 and label.content.startswith(b"%PDF")
    assert serve.stop() == 0
    issued = list((tmp_path / "data" / "certificates").glob("*.html"))
    assert len(issued) == 1
    checked = subprocess.run(
        [sys.executable, "-m", "tenken", "verify", str(issued[0])],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_carrier_that_answers_only_a_browser_is_checked_from_the_page_in_the_assisted_browser(
    sites: Sites, iphones: IosSimulator, tmp_path: Path, serves: list[Serve]
) -> None:
    from tenken.facts import Carrier
    from tenken.station.recording import os_user

    sites.set_fault(Carrier.RAKUTEN, "browser_only")  # its JSON answers only the page's own script
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    serve = Serve(["--port", "0", "--platform", "ios", "--handoff-headless"], env, tmp_path / "serve.log")
    serves.append(serve)
    profile = iphone("iphone16-rakuten", 2)
    sites.like(profile, iphone("iphone16-rakuten"))
    iphones.attach(profile)
    with httpx.Client(base_url=serve.url, timeout=120) as client:

        def held() -> dict[str, Any] | None:
            tasks = client.get("/api/queue?lang=en").json()["tasks"]
            wanted = (each for each in tasks if any(a["carrier"] == "rakuten" for a in each["answers"]))
            return next(wanted, None)

        task = wait_for(held, "Rakuten's answer waiting for the technician")
        token = client.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
        refused = client.post(f"/api/phones/{task['inspection_id']}/handoff", data={"carrier": "rakuten"})
        assert refused.status_code == 403  # no token
        answer = client.post(
            f"/api/phones/{task['inspection_id']}/handoff", data={"carrier": "rakuten", "csrf": token}
        )
        assert answer.status_code == 200, answer.text
        judged = answer.json()
        assert judged["inspection_id"] != task["inspection_id"]
        queue = client.get("/api/queue").json()["tasks"]
        assert not [each for each in queue if any(a["carrier"] == "rakuten" for a in each["answers"])]
        page = client.get(f"/phones/{judged['inspection_id']}?lang=en").text
        assert f"browser check ({os_user()})" in page  # how the answer was obtained, and who was there
    assert serve.stop() == 0
