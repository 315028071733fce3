"""`tenken serve` on a fleet's shared PostgreSQL: /fleet shows every station's day (phones by level, the
carriers' sites booked ahead, what waits for people), another station's rows marked as not vouched for
here; on a station's own SQLite file there is no fleet page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tenken.sim.ios.simulator import IosSimulator
from tests.conftest import run_cli
from tests.schemas import check_json
from tests.station.conftest import (
    STATION,
    PrivateServer,
    Sites,
    iphone,
    private_postgres,  # noqa: F401 (the fixture)
    station_env,
    wait_for,
)
from tests.web.serving import Serve
from tests.web.test_serve_cli import serves  # noqa: F401 (the fixture)


def test_the_fleet_page_shows_every_station_on_the_shared_database(
    sites: Sites,
    iphones: IosSimulator,
    private_postgres: PrivateServer,  # noqa: F811
    tmp_path: Path,
    serves: list[Serve],  # noqa: F811
) -> None:
    env = {**station_env(sites, tmp_path, usbmux=iphones.address), "TENKEN_DB": private_postgres.url}
    other = {**env, "TENKEN_STATION_ID": "shop-b-2", "TENKEN_DATA_DIR": str(tmp_path / "b-data")}
    theirs = iphone("iphone13-docomo", 1)
    sites.like(theirs, iphone("iphone13-docomo"))
    iphones.attach(theirs)
    inspected = run_cli(["inspect", "--json"], other)
    assert inspected.exit_code in (0, 2), inspected.output
    assert iphones.detach(theirs.udid)  # type: ignore[attr-defined]

    serve = Serve(["--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    serves.append(serve)
    ours = iphone("iphone12-findmy", 2)
    iphones.attach(ours)

    def fleet() -> dict[str, Any] | None:
        answer = httpx.get(f"{serve.url}/api/fleet?lang=en", timeout=10)
        assert answer.status_code == 200, answer.text
        document: dict[str, Any] = check_json("serve-fleet", answer.text)
        return document if len(document["stations"]) == 2 else None

    day = wait_for(fleet, "both stations in the fleet's day")
    stations = {station["station"]: station for station in day["stations"]}
    assert set(stations) == {STATION, "shop-b-2"}
    assert stations["shop-b-2"]["phones"] == 1 and stations["shop-b-2"]["unvouched"] == 1
    assert stations[STATION]["unvouched"] == 0
    assert stations[STATION]["levels"] == {"BLOCKED": 1}  # Find My on: an owner lock
    assert sum(stations["shop-b-2"]["levels"].values()) == 1
    page = httpx.get(f"{serve.url}/fleet?lang=en", timeout=10).text
    assert 'href="/fleet"' in page and "shop-b-2" in page and STATION in page
    assert serve.stop() == 0


def test_a_stations_own_database_has_no_fleet_page(
    sites: Sites,
    iphones: IosSimulator,
    tmp_path: Path,
    serves: list[Serve],  # noqa: F811
) -> None:
    serve = Serve(
        ["--port", "0", "--platform", "ios"],
        station_env(sites, tmp_path, usbmux=iphones.address),
        tmp_path / "serve.log",
    )
    serves.append(serve)
    assert httpx.get(f"{serve.url}/api/fleet", timeout=10).status_code == 404
    assert 'href="/fleet"' not in httpx.get(f"{serve.url}/", timeout=10).text
    assert serve.stop() == 0
