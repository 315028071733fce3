"""Webhooks that lose nothing: every finished inspection (and every change a re-check finds) goes into
the store's outbox first, then a sender POSTs what is due, signed as Standard Webhooks signs, and marks
it taken only when the receiver said 2xx.

    POST <webhook.url>
    Content-Type: application/json
    webhook-id: <inspection id> (a change: <inspection id>:<what changed>); the same on every retry
    webhook-timestamp: <this attempt's time, integer seconds since the epoch>
    webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">
    Idempotency-Key: <the webhook-id>
    X-Tenken-Event: inspection.finished | inspection.changed (the body's `event` is the signed one)
    X-Tenken-Signature: sha256=<hex HMAC-SHA256 of the body> (deprecated: one release more)

The key is webhook.secret's bytes, or for a `whsec_…` secret the base64-decoded rest. The signature
covers the id, the time and the body (which names the event), so a captured request replays neither
under another id nor as another event, and a receiver refuses an old one by its timestamp.

A receiver that is down, or a station that restarts, only delays a message; a receiver that handles
each webhook-id once never sees one twice.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from tenken import __version__
from tenken.config import WebhookSettings
from tenken.errors import StoreError
from tenken.facts import utcnow
from tenken.inspection import Inspection
from tenken.report import json_output
from tenken.store import Store
from tenken.store.rows import Outgoing
from tenken.store.urls import masked_in

log = logging.getLogger(__name__)

FINISHED = "inspection.finished"
CHANGED = "inspection.changed"
BACKOFF_MAX = timedelta(minutes=5)

Clock = Callable[[], datetime]


def signature(body: bytes, secret: str) -> str:
    """The X-Tenken-Signature value (deprecated): `sha256=` and the hex HMAC-SHA256 of the exact body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature value: `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")


def headers(message: Outgoing, content: bytes, now: datetime, *, secret: str, key: bytes) -> dict[str, str]:
    """The headers of one attempt to send `message` (its body `content`) at `now`, signed with `key`
    (and, deprecated, with `secret` as X-Tenken-Signature) unless there is no secret."""
    timestamp = int(now.timestamp())
    sent = {
        "Content-Type": "application/json",
        "webhook-id": message.key,
        "webhook-timestamp": str(timestamp),
        "Idempotency-Key": message.key,
        "X-Tenken-Event": message.event,
    }
    if secret:
        sent["webhook-signature"] = standard_signature(key, message.key, timestamp, content)
        sent["X-Tenken-Signature"] = signature(content, secret)
    return sent


def body(payload: dict[str, Any]) -> str:
    """A message's JSON on one line (`watch --jsonl` prints bodies as they are: one inspection a line),
    encoded as every `--json` is: non-ASCII kept, messages as code, params and English text."""
    return json.dumps(json.loads(json_output.dumps(payload)), ensure_ascii=False, separators=(",", ":"))


def finished(inspection: Inspection) -> Outgoing:
    """The message for a finished inspection; its key is the inspection id."""
    from tenken.facts import SCHEMA_VERSION

    payload = {"schema_version": SCHEMA_VERSION, "event": FINISHED, "inspection": inspection.to_json()}
    return Outgoing(inspection.id, inspection.station, FINISHED, body(payload), utcnow())


def changed(inspection: Inspection, before: dict[str, str], what: str) -> Outgoing:
    """The message for a verdict a re-check changed (`before`: the levels per channel it had)."""
    from tenken.facts import SCHEMA_VERSION

    payload = {
        "schema_version": SCHEMA_VERSION,
        "event": CHANGED,
        "before": before,
        "inspection": inspection.to_json(),
    }
    return Outgoing(f"{inspection.id}:{what}", inspection.station, CHANGED, body(payload), utcnow())


class Sender:
    """Sends what the outbox holds for this station, until stopped. `clock` gives the time (UTC)."""

    def __init__(
        self,
        settings: WebhookSettings,
        store: Store,
        station: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.settings = settings
        self.store = store
        self.station = station
        self.clock = clock
        self._key = settings.key  # a `whsec_` secret that is not base64 stops the sender before it starts
        self._http = httpx.AsyncClient(
            timeout=settings.timeout,
            transport=transport,
            headers={"User-Agent": f"tenken/{__version__} (webhook)"},
        )
        self.sent = 0
        self.last_error = ""

    async def aclose(self) -> None:
        """One last pass, then close. `run()` ends as soon as the station is told to stop, before the
        station has kept the phones still attached; their messages are sent here (within
        webhook.timeout), not on the station's next start."""
        try:
            async with asyncio.timeout(self.settings.timeout):
                await self.send_due()
        except TimeoutError:
            log.info(
                "webhook: the last pass did not finish within %s s; the rest waits", self.settings.timeout
            )
        finally:
            await self._http.aclose()

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Send what is due every `interval` seconds until `stop` is set; then once more."""
        while True:
            await self.send_due()
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                continue
            await self.send_due()
            return

    async def send_due(self) -> int:
        """One pass over the due messages; the number the receiver took."""
        if not self.settings.url:
            return 0
        try:
            due = await asyncio.to_thread(self.store.due_webhooks, self.station, self.clock())
        except StoreError as error:
            self.last_error = str(error)
            return 0
        taken = 0
        for message in due:
            taken += await self._send(message)
        return taken

    async def _send(self, message: Outgoing) -> int:
        content = message.body.encode()
        now = self.clock()
        attempts = message.attempts + 1
        try:
            reply = await self._http.post(
                self.settings.url,
                content=content,
                headers=headers(message, content, now, secret=self.settings.secret, key=self._key),
            )
            problem = "" if reply.is_success else f"HTTP {reply.status_code}"
        except httpx.HTTPError as error:
            problem = masked_in(f"{type(error).__name__}: {error}".strip())
        delay = min(timedelta(seconds=2 ** min(attempts, 9)), BACKOFF_MAX)
        try:
            await asyncio.to_thread(
                self.store.webhook_done,
                message.key,
                sent_at=None if problem else now,
                attempts=attempts,
                next_at=now + delay,
                error=problem,
            )
        except StoreError as error:
            self.last_error = str(error)  # sent, perhaps, but not marked: a resend carries the same key
        if problem:
            self.last_error = problem
            log.info("webhook %s: %s; again in %s", message.key, problem, delay)
            return 0
        self.sent += 1
        self.last_error = ""
        return 1
