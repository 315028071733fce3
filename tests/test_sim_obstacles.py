"""The obstacles real carrier sites put in front of programs, in the simulator (`tenken sim carriers
--fault docomo=captcha / au=waf / rakuten=browser_only`, run as its own process), and what tenken's
automatic look-up makes of them: `captcha_required` / `needs_browser`, never a mark, never cached, the
reason naming the carrier's page (issue 18)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.conftest import env_for, run_cli, sim_carriers_cli

IMEI = "353915111001014"  # second-to-last digit 1: the simulator's docomo phone (○ there)
RAKUTEN_IMEI = "356790126006010"  # the demo's Rakuten iPhone 16: ○ at Rakuten


def test_docomo_captcha_is_an_image_a_person_reads_and_the_result_needs_it() -> None:
    with sim_carriers_cli("docomo=captcha") as origin, httpx.Client(base_url=origin) as client:
        first = client.get("/top.php")
        assert "画像認証" in first.content.decode("cp932")
        image = client.get("/gifcat/call.php")
        assert image.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(image.content)).size == (200, 60)
        again = client.get("/gifcat/call.php")
        assert again.content == image.content  # the same form's image
        client.get("/top.php")
        assert client.get("/gifcat/call.php").content != image.content  # a new code each page load
        refused = client.post("/search.php", data={"productno": IMEI, "attestationkey": "WRONG"})
        assert "正しくありません" in refused.text
        assert "result-panel" not in refused.text


def test_au_waf_forbids_a_client_that_runs_no_script_and_lets_one_that_does_pass() -> None:
    with sim_carriers_cli("au=waf") as origin, httpx.Client(base_url=origin) as client:
        refused = client.get("/cmn/WCV009001/WCE009001.hc")
        assert refused.status_code == 403
        assert "Forbidden" in refused.text
        assert "WCE009002.hc" not in refused.text
        # What the challenge's script does in a browser: set the cookie, load the page again.
        cookie = re.search(r'document\.cookie = "([^=]+)=([0-9a-f]+);', refused.text)
        assert cookie is not None
        client.cookies.set(cookie[1], cookie[2])
        passed = client.get("/cmn/WCV009001/WCE009001.hc")
        assert passed.status_code == 200
        assert "WCE009002.hc" in passed.text


def test_rakuten_browser_only_answers_only_its_pages_script() -> None:
    api = f"/restriction/eir/v1/rest-api/public/imei/{RAKUTEN_IMEI}"
    with sim_carriers_cli("rakuten=browser_only") as origin, httpx.Client(base_url=origin) as client:
        assert client.get(api).status_code == 404
        app = client.get("/restriction/").text
        token = re.search(r'name="restriction-token" content="([0-9a-f]+)"', app)
        assert token is not None
        assert 'id="search-result"' in app
        assert (
            client.get(api, headers={"X-Restriction-Token": token[1]}).status_code == 404
        )  # not its headers
        headers = {"X-Restriction-Token": "0" * 24, "X-Requested-With": "XMLHttpRequest"}
        assert client.get(api, headers=headers).status_code == 404  # not a token the page gave
        headers["X-Restriction-Token"] = token[1]
        assert client.get(api, headers=headers).json() == {"status": 0}


@pytest.mark.parametrize(
    ("fault", "carrier", "imei", "outcome"),
    [
        ("docomo=captcha", "docomo", IMEI, "captcha_required"),
        ("au=waf", "au", "353915111001030", "needs_browser"),
        ("rakuten=browser_only", "rakuten", RAKUTEN_IMEI, "needs_browser"),
    ],
)
def test_the_automatic_lookup_reports_each_obstacle_never_a_mark_never_cached(
    tmp_path: Path, fault: str, carrier: str, imei: str, outcome: str
) -> None:
    with sim_carriers_cli(fault) as origin:
        env = env_for(origin, tmp_path)
        for _ in range(2):  # asked twice: the second is asked again, not served from a cache
            result = run_cli(["lookup", "--carrier", carrier, "--json", imei], env)
            assert result.exit_code == 3, result.stderr
            (report,) = json.loads(result.stdout)["imeis"]
            (answer,) = report["results"]
            assert (answer["outcome"], answer["mark"], answer["from_cache"]) == (outcome, None, False)
            assert report["status"] == "unknown"
            assert "check by hand" in answer["detail"]["text"]
        table = run_cli(["--lang", "ja", "lookup", "--carrier", carrier, imei], env)
        assert table.exit_code == 3
        assert "手動で確認してください" in table.stdout
