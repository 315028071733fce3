"""The webhook sender against a real receiver on 127.0.0.1 and a real SQLite outbox.

Signed as Standard Webhooks signs: checked by the receiver's check docs/station.md shows and by the
specification's own Python library. Time comes from a clock the test moves: no assertion depends on how
fast anything ran.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tenken import config
from tenken.config import Settings, WebhookSettings
from tenken.errors import ConfigError
from tenken.facts import DeviceFacts, DeviceRef, Platform, utcnow
from tenken.inspection import Inspection
from tenken.station.webhooks import Sender, changed, finished
from tenken.store import Store, open_store
from tests.station.conftest import SECRET, STATION, Post, Receiver, documented_verify, outbox


class Clock:
    """UTC now, as the test says: starts a minute ahead of the real time (so that every message the test
    queues is due), moves only when told."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delay: timedelta) -> None:
        self.now += delay


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Store]:
    with open_store(Settings(db=str(tmp_path / "tenken.sqlite3"), data_dir=str(tmp_path / "data"))) as store:
        yield store


def inspection(device_id: str = "00008101-000A1B2C3D4E001E") -> Inspection:
    return Inspection(DeviceFacts(DeviceRef(Platform.IOS, device_id)), station=STATION)


def sender(store: Store, receiver: Receiver, clock: Clock, secret: str = SECRET) -> Sender:
    return Sender(WebhookSettings(url=receiver.url, secret=secret, timeout=5), store, STATION, clock=clock)


def standard(secret: str | bytes, post: Post) -> Any:
    """The Standard Webhooks library's own check of a post (it refuses one more than 5 minutes old)."""
    return Webhook(secret).verify(post.body, post.headers)


# ------------------------------------------------------------------------------------ item 16: signing


async def test_a_message_is_signed_over_its_id_time_and_body(database: Store, receiver: Receiver) -> None:
    clock = Clock()
    message = finished(inspection())
    database.enqueue_webhook(message)
    hooks = sender(database, receiver, clock)
    try:
        assert await hooks.send_due() == 1
    finally:
        await hooks.aclose()

    [post] = receiver.posts
    assert post.headers["webhook-id"] == post.headers["idempotency-key"] == message.key
    assert post.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert post.headers["webhook-signature"].startswith("v1,")
    document = documented_verify()(SECRET, post.headers, post.body)
    assert standard(SECRET.encode(), post) == document
    assert document["event"] == "inspection.finished" == post.event  # signed: the body names it
    assert document["inspection"]["inspection_id"] == message.key
    assert outbox(str(database.engine.url)) == {message.key: True}


async def test_a_captured_request_replays_under_no_other_id_event_or_time(
    database: Store, receiver: Receiver
) -> None:
    clock = Clock()
    database.enqueue_webhook(finished(inspection()))
    hooks = sender(database, receiver, clock)
    try:
        await hooks.send_due()
    finally:
        await hooks.aclose()
    [post] = receiver.posts
    verify = documented_verify()
    as_another_event = post.body.replace(b'"event":"inspection.finished"', b'"event":"inspection.changed"')
    assert as_another_event != post.body
    forged = [
        replace(post, headers={**post.headers, "webhook-id": "a-new-key"}),
        replace(post, body=as_another_event),
        replace(post, headers={**post.headers, "webhook-timestamp": str(int(clock.now.timestamp()) + 60)}),
    ]
    for attempt in forged:
        with pytest.raises(ValueError, match="not signed"):
            verify(SECRET, attempt.headers, attempt.body)
        with pytest.raises(WebhookVerificationError):
            standard(SECRET.encode(), attempt)


async def test_an_old_request_is_refused_by_its_signed_time(database: Store, receiver: Receiver) -> None:
    clock = Clock()
    clock.advance(-timedelta(minutes=11))  # sent ten minutes ago (captured then), checked now
    database.enqueue_webhook(replace(finished(inspection()), created_at=clock.now - timedelta(minutes=1)))
    hooks = sender(database, receiver, clock)
    try:
        await hooks.send_due()
    finally:
        await hooks.aclose()
    [post] = receiver.posts
    verify = documented_verify()
    assert verify(SECRET, post.headers, post.body, tolerance=3600)["event"] == "inspection.finished"
    with pytest.raises(ValueError, match="too long ago"):
        verify(SECRET, post.headers, post.body)
    with pytest.raises(WebhookVerificationError, match="too old"):
        standard(SECRET.encode(), post)


async def test_a_retry_keeps_its_id_and_carries_its_own_time(database: Store, receiver: Receiver) -> None:
    clock = Clock()
    message = changed(inspection(), {"retail": "HOLD"}, "changed")
    database.enqueue_webhook(message)
    hooks = sender(database, receiver, clock)
    try:
        receiver.down = True
        assert await hooks.send_due() == 0
        clock.advance(timedelta(seconds=2))
        receiver.down = False
        assert await hooks.send_due() == 1
    finally:
        await hooks.aclose()

    first, second = receiver.posts
    assert (first.status, second.status) == (503, 200)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == message.key
    assert int(second.headers["webhook-timestamp"]) == int(first.headers["webhook-timestamp"]) + 2
    assert first.headers["webhook-signature"] != second.headers["webhook-signature"]
    for post in (first, second):
        assert documented_verify()(SECRET, post.headers, post.body)["event"] == "inspection.changed"
        standard(SECRET.encode(), post)


async def test_a_whsec_secret_signs_with_the_bytes_it_encodes(database: Store, receiver: Receiver) -> None:
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    database.enqueue_webhook(finished(inspection()))
    hooks = sender(database, receiver, Clock(), secret=secret)
    try:
        await hooks.send_due()
    finally:
        await hooks.aclose()
    [post] = receiver.posts
    assert standard(secret, post) == documented_verify()(secret, post.headers, post.body)
    with pytest.raises(ValueError, match="not signed"):  # not the secret's own characters
        documented_verify()(secret.removeprefix("whsec_"), post.headers, post.body)


def test_a_whsec_secret_that_is_not_base64_is_refused(tmp_path: Path) -> None:
    settings = config.load(environ={"TENKEN_CONFIG": "", "TENKEN_WEBHOOK_SECRET": "whsec_n0t base64!"})
    with pytest.raises(ConfigError, match=r"webhook\.secret: starts with whsec_ but is not base64"):
        Sender(settings.webhook, None, STATION)  # type: ignore[arg-type]  # refused before any use


def test_the_webhook_body_schema_requires_the_event(tmp_path: Path) -> None:
    from tenken.report.schema import schema

    document = schema("watch-line")
    body = document["$defs"]["WebhookBody"]
    assert "event" in body["required"]
    assert set(body["properties"]["event"]["enum"]) == {"inspection.finished", "inspection.changed"}
    assert json.loads(finished(inspection()).body)["event"] == "inspection.finished"
