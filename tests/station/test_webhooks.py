"""The webhook sender against a real receiver on 127.0.0.1 and a real SQLite outbox.

Signed as Standard Webhooks signs: checked by the receiver's check docs/station.md shows and by the
specification's own Python library. Every failure backs off per message, the outbox's own too (a full
disk is a trigger that refuses every UPDATE of the outbox, as SQLite refuses a write on a full disk),
and a message the receiver took is never POSTed again because its mark could not be written. Time comes
from a clock the test moves: no assertion depends on how fast anything ran.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tenken import config
from tenken.config import Settings, WebhookSettings
from tenken.errors import ConfigError
from tenken.facts import DeviceFacts, DeviceRef, Platform, utcnow
from tenken.inspection import Inspection
from tenken.station.webhooks import BACKOFF_MAX, Sender, changed, finished
from tenken.store import Store, open_store
from tests.station.conftest import SECRET, STATION, Post, Receiver, documented_verify, outbox

FULL_DISK = (
    "CREATE TRIGGER full_disk BEFORE UPDATE ON webhook_outbox "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)


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


def sqlite(store: Store, statement: str) -> None:
    """Run SQL on the store's file from a connection of its own (as another program would)."""
    path = store.engine.url.database
    assert path
    with sqlite3.connect(path) as connection:
        connection.execute(statement)


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


# ------------------------------------------------------------------------------------ item 18: backoff


async def test_a_delivered_message_whose_mark_cannot_be_written_is_not_posted_again(
    database: Store, receiver: Receiver
) -> None:
    clock = Clock()
    message = finished(inspection())
    database.enqueue_webhook(message)
    sqlite(database, FULL_DISK)
    hooks = sender(database, receiver, clock)
    try:
        for _ in range(30):  # what the station's loop does in 30 s, the clock standing still
            await hooks.send_due()
        assert [post.status for post in receiver.posts] == [200]
        assert hooks.unmarked == 1 and hooks.problem is not None
        assert hooks.problem.code == "webhook.unmarked"
        assert "database or disk is full" in hooks.problem.params["problem"]
        for _ in range(8):  # the mark tried again as the pauses end, never the POST
            clock.advance(BACKOFF_MAX)
            await hooks.send_due()
        assert len(receiver.posts) == 1
        assert outbox(str(database.engine.url)) == {message.key: False}

        sqlite(database, "DROP TRIGGER full_disk")  # space again
        clock.advance(BACKOFF_MAX)
        await hooks.send_due()
        assert outbox(str(database.engine.url)) == {message.key: True}
        assert hooks.unmarked == 0 and hooks.problem is None
        clock.advance(BACKOFF_MAX)
        await hooks.send_due()
    finally:
        await hooks.aclose()
    assert len(receiver.posts) == 1


async def test_failures_back_off_per_message_when_the_outbox_cannot_record_them(
    database: Store, receiver: Receiver
) -> None:
    clock = Clock()
    first, second = finished(inspection("phone-1")), finished(inspection("phone-2"))
    database.enqueue_webhook(first)
    sqlite(database, FULL_DISK)  # no failure can be written down: the pauses live in memory
    receiver.down = True
    hooks = sender(database, receiver, clock)

    def posts(key: str) -> int:
        return sum(1 for post in receiver.posts if post.key == key)

    try:
        await hooks.send_due()
        assert posts(first.key) == 1
        for _ in range(5):
            await hooks.send_due()
        assert posts(first.key) == 1  # the clock did not move: its pause (2 s) is not over

        database.enqueue_webhook(second)  # a new message is not held back by the other's pauses
        await hooks.send_due()
        assert (posts(first.key), posts(second.key)) == (1, 1)

        # 2 s, 4 s, 8 s, …: after each failure the next POST comes when its pause is over, not before
        pauses = [2, 4, 8, 16, 32]
        for attempt, seconds in enumerate(pauses, start=2):
            clock.advance(timedelta(seconds=seconds - 1))
            await hooks.send_due()
            assert posts(first.key) == attempt - 1
            clock.advance(timedelta(seconds=1))
            await hooks.send_due()
            assert posts(first.key) == attempt
        assert hooks.problem is not None and hooks.problem.code == "webhook.refused"
        assert hooks.problem.params["seconds"] == 64

        clock.advance(BACKOFF_MAX * 10)  # capped: a pause is never longer than BACKOFF_MAX
        await hooks.send_due()
        for _ in range(3):
            clock.advance(BACKOFF_MAX)
            await hooks.send_due()
        assert posts(first.key) == len(pauses) + 5
        assert hooks.problem.params["seconds"] == BACKOFF_MAX.total_seconds()

        receiver.down = False
        clock.advance(BACKOFF_MAX)
        assert await hooks.send_due() == 2
    finally:
        await hooks.aclose()


async def test_an_outbox_that_cannot_be_read_is_read_again_after_a_pause(
    database: Store, receiver: Receiver
) -> None:
    clock = Clock()
    database.enqueue_webhook(finished(inspection()))
    reads: list[str] = []  # the statements that read the outbox, as the database was asked them

    def read(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("SELECT") and "webhook_outbox" in statement:
            reads.append(statement)

    sa.event.listen(database.engine, "before_cursor_execute", read)
    sqlite(database, "ALTER TABLE webhook_outbox RENAME TO webhook_outbox_away")
    hooks = sender(database, receiver, clock)
    try:
        for _ in range(10):
            await hooks.send_due()
        assert len(reads) == 1  # one read failed; the next waits for its pause
        assert hooks.problem is not None and hooks.problem.code == "webhook.outbox_unread"
        clock.advance(timedelta(seconds=2))
        await hooks.send_due()
        assert len(reads) == 2 and hooks.problem.params["seconds"] == 4

        sqlite(database, "ALTER TABLE webhook_outbox_away RENAME TO webhook_outbox")
        clock.advance(timedelta(seconds=4))
        assert await hooks.send_due() == 1
    finally:
        await hooks.aclose()
    assert len(receiver.posts) == 1


async def test_a_mark_still_owed_is_tried_once_more_when_the_sender_closes(
    database: Store, receiver: Receiver
) -> None:
    message = finished(inspection())
    database.enqueue_webhook(message)
    sqlite(database, FULL_DISK)
    hooks = sender(database, receiver, Clock())
    try:
        await hooks.send_due()
        assert hooks.unmarked == 1
        sqlite(database, "DROP TRIGGER full_disk")
    finally:
        await hooks.aclose()  # the station stops before the mark's pause is over
    assert outbox(str(database.engine.url)) == {message.key: True}  # the next start sends nothing again
    assert len(receiver.posts) == 1
