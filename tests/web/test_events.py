"""`/events` over a real socket (uvicorn, as `tenken serve` runs it): where the board stands first, then
each change as the tiles that changed — a newly plugged phone's serial in the first message about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from tenken.facts import Platform
from tests.schemas import check_json
from tests.web.conftest import Served
from tests.web.fake import FakeView, phone

IMEI = "490154203237518"


def messages(response: httpx.Response) -> Iterator[dict[str, Any]]:
    event = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "tiles":
            yield check_json("serve-event", line.removeprefix("data: "))


def test_events_carry_the_changed_tiles(view: FakeView, served: Served) -> None:
    android = phone("R5CT1234ABC", IMEI, model="SC-51D", platform=Platform.ANDROID, location="1-1.2")
    with httpx.Client(timeout=20) as client, client.stream("GET", f"{served.url}/events?lang=en") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = messages(response)
        first = next(stream)
        assert [tile["port"] for tile in first["ports"]] == ["A-1", "A-2", "A-10"]
        view.plug("A-2", android)
        plugged = next(stream)
        assert [tile["port"] for tile in plugged["ports"]] == ["A-2"]
        assert plugged["ports"][0]["phone"]["serial"] == "R5CT1234ABC"  # before it was even read
        assert plugged["ports"][0]["stage"] == "reading"
        view.done("A-2", android)
        done = next(stream)
        assert done["ports"][0]["levels"]["retail"] == android.verdicts["retail"].level.value
        assert done["footer"]["counts"]["done"] == 1
        view.unplug("A-2")
        gone = next(stream)
        assert gone["ports"][0]["attached"] is False and gone["ports"][0]["stage_words"] == "unplugged"
        view.stop()  # the station stops: the stream ends
        assert list(stream) == []
