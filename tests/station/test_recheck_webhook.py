"""`tenken recheck` sends each change to the webhook: signed, keyed, with the levels it had before."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from tenken.facts import Carrier, Outcome
from tenken.sim.carriers import CarrierSimulator
from tenken.sim.ios.profile import load
from tenken.sim.ios.simulator import IosSimulator
from tests.conftest import fast_env, run_cli
from tests.station.conftest import SECRET, Receiver

IMEIS = ("353915111001014", "353915111001022")  # iphone13-docomo


def _marks(carrier_sim: CarrierSimulator, docomo: Outcome) -> None:
    for imei in IMEIS:
        carrier_sim.rules.set_mark(imei, None, Outcome.NOT_FOUND)
        carrier_sim.rules.set_mark(imei, Carrier.DOCOMO, docomo)


def test_a_change_is_sent_signed_once_and_no_change_sends_nothing(
    carrier_sim: CarrierSimulator, receiver: Receiver, tmp_path: Path
) -> None:
    with IosSimulator([load("iphone13-docomo")]) as iphones:
        env = {
            **fast_env(carrier_sim, tmp_path),
            "TENKEN_IOS_USBMUX": iphones.address,
            "TENKEN_WEBHOOK_URL": receiver.url,
            "TENKEN_WEBHOOK_SECRET": SECRET,
        }
        _marks(carrier_sim, Outcome.PENDING)
        first = json.loads(run_cli(["inspect", "--platform", "ios", "--json"], env).stdout)["phones"][0]

    assert run_cli(["recheck", "--older-than", "0"], env).exit_code == 0
    assert receiver.posts == []  # △ stayed △: nothing changed, nothing sent

    _marks(carrier_sim, Outcome.RESTRICTED)
    result = run_cli(["recheck", "--older-than", "0", "--json"], env)
    assert result.exit_code == 1, result.stderr
    (recheck,) = json.loads(result.stdout)["rechecks"]
    (post,) = receiver.posts
    assert post.event == "inspection.changed"
    assert post.key == f"{recheck['inspection']['inspection_id']}:changed"
    assert hmac.compare_digest(
        post.signature, "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
    )
    body = json.loads(post.body)
    assert body["before"]["retail"] == "HOLD" and body["inspection"]["rechecks"] == recheck["rechecked"]
    assert recheck["rechecked"] != first["inspection_id"]  # the unchanged re-check is the phone's latest
