"""The grade and the erasure checklist on the queue page (issue 19): `tenken serve` over the simulated
iPhone at the Setup Assistant, in its own process; the forms posted as a browser posts them (multipart,
with the page's token), the phone judged again in the station run and the queue following."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path
from typing import Any

import httpx

from tenken.sim.ios.simulator import IosSimulator
from tests.station.conftest import Sites, iphone, station_env, wait_for
from tests.web.serving import Serve
from tests.web.test_serve_cli import serves

__all__ = ["serves"]

JPEG = b"\xff\xd8\xff\xe0 the cracked front"


def test_the_queue_page_grades_a_phone_and_confirms_its_erasure(
    sites: Sites, iphones: IosSimulator, tmp_path: Path, serves: list[Serve]
) -> None:
    env = station_env(sites, tmp_path, usbmux=iphones.address)
    serve = Serve(["--port", "0", "--platform", "ios"], env, tmp_path / "serve.log")
    serves.append(serve)
    profile = iphone("iphone14-hello", 3)
    sites.like(profile, iphone("iphone14-hello"))
    iphones.attach(profile)
    with httpx.Client(base_url=serve.url, timeout=60) as client:

        def erasure_task() -> dict[str, Any] | None:
            tasks = client.get("/api/queue?lang=en").json()["tasks"]
            return next((each for each in tasks if each["record"] == "erasure"), None)

        held = wait_for(erasure_task, "the erased iPhone's erasure waiting for a second person")
        page = client.get("/queue?lang=ja").text
        assert 'name="checked_by"' in page and 'name="felica"' in page and 'name="jpki"' in page
        assert 'name="ng"' in page and 'name="photo"' in page and '<option value="J">J</option>' in page
        token = page.split('name="csrf-token" content="')[1].split('"')[0]
        where = f"/phones/{held['inspection_id']}/record"

        junk_without_ng = client.post(where, data={"fact": "grade", "value": "J", "csrf": token})
        assert junk_without_ng.status_code == 422 and "NG" in junk_without_ng.text

        graded = client.post(
            where,
            data={
                "fact": "grade",
                "value": "J",
                "ng": "画面割れ\nFace ID不良\n",
                "note": "落下品",
                "csrf": token,
            },
            files=[  # two photos, one of them pasted twice under the name every pasted image has
                ("photo", ("front.jpg", JPEG, "image/jpeg")),
                ("photo", ("image.jpg", JPEG + b"\x01", "image/jpeg")),
                ("photo", ("image.jpg", JPEG + b"\x02", "image/jpeg")),
            ],
        )
        assert graded.status_code == 303 and graded.headers["location"] == "/queue", graded.text

        def after(condition: str) -> dict[str, Any] | None:
            tasks = client.get("/api/queue").json()["tasks"]
            return next((each for each in tasks if each["condition"] == condition), None)

        judged = wait_for(lambda: after("erasure_unconfirmed"), "the graded phone, still unconfirmed")
        phone = client.get(f"/phones/{judged['inspection_id']}?lang=en").text
        assert "画面割れ, Face ID不良" in phone and "front.jpg" in phone
        assert hashlib.sha256(JPEG).hexdigest()[:12] in phone
        for body in (JPEG + b"\x01", JPEG + b"\x02"):  # none lost to another of the same name
            assert hashlib.sha256(body).hexdigest()[:12] in phone
        assert "image.jpg" in phone and "image-2.jpg" in phone

        me = getpass.getuser()  # who records, with nobody logged in: the user running tenken serve
        same_person = {"fact": "erasure", "resets": "2", "checked_by": me, "felica": "none", "jpki": "none"}
        refused = client.post(
            f"/phones/{judged['inspection_id']}/record", data={**same_person, "csrf": token}
        )
        assert refused.status_code == 422 and "checked-by is someone else" in refused.text
        checked = client.post(
            f"/phones/{judged['inspection_id']}/record",
            data={
                "fact": "erasure",
                "resets": "2",
                "checked_by": "鈴木",
                "felica": "warned",
                "jpki": "none",
                "csrf": token,
            },
        )
        assert checked.status_code == 303, checked.text
        wait_for(lambda: after("erasure_unconfirmed") is None, "the erasure confirmed")
        board = client.get("/api/board?lang=en").json()
        [tile] = [each for each in board["ports"] if each["stage"] == "done"]
        assert tile["levels"]["retail"] == "PARTS_ONLY"  # graded J: junk on retail

        regraded = client.post(  # a tool's JSON: graded again, C with its NG item
            f"/api/phones/{tile['inspection_id']}/record",
            json={"fact": "grade", "values": ["C"], "ng_items": ["背面ガラス欠け"]},
            headers={"X-CSRF-Token": token},
        )
        assert regraded.status_code == 200, regraded.text
        assert regraded.json()["levels"]["retail"] != "PARTS_ONLY"
    assert serve.stop() == 0
