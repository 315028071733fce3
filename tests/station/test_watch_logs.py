"""What `tenken -v watch` logs carries no credential: not the webhook URL's password or token, not the
database's password. Its own process, real sockets, a real receiver; the log is read as a person would."""

from __future__ import annotations

from pathlib import Path

from tenken.sim.ios.simulator import IosSimulator
from tests.station.conftest import Receiver, Sites, Watch, iphone, station_env

PASSWORD, TOKEN, SIG, KEY = "w3b-pa55", "t0ken-xyz", "s1gn-abc", "k3y-qrs"


def test_verbose_watch_logs_no_webhook_credential(
    sites: Sites, iphones: IosSimulator, receiver: Receiver, tmp_path: Path
) -> None:
    url = (
        receiver.url.replace("://", f"://hooks:{PASSWORD}@")
        + f"?shop=ueno&token={TOKEN}&sig={SIG}&api_key={KEY}"
    )
    iphones.attach(iphone("iphone13-docomo"))
    env = station_env(sites, tmp_path, usbmux=iphones.address, webhook=url)
    log = tmp_path / "watch.log"
    run = Watch(["--once", "--platform", "ios", "--timeout", "30"], env, log, options=("-vv",))
    try:
        code = run.wait()
    finally:
        run.kill()
    text = log.read_text()
    assert code == 2, text
    assert receiver.keys(), text  # it was sent (so the sender had the URL to log)
    for secret in (PASSWORD, TOKEN, SIG, KEY):
        assert secret not in text, text
    assert "hooks:***@127.0.0.1" in text and "token=***" in text, text
