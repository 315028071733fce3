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

A receiver that is down, or a station that restarts, only delays a message. Every failure backs off, per
message, exponentially up to BACKOFF_MAX: the receiver's, and the outbox's own (a full disk, a database
away), which the sender remembers in memory when it cannot write it down. A message the receiver took
whose mark cannot be written is not POSTed again: the sender remembers it was delivered and keeps trying
to write the mark (a station that stops first sends it again on its next start, with the same id).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from tenken import __version__
from tenken.config import WebhookSettings
from tenken.errors import StoreError
from tenken.facts import Message, msg, utcnow
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


def pause(failures: int) -> timedelta:
    """How long to wait after the `failures`-th failure in a row: 2 s, 4 s, 8 s, … up to BACKOFF_MAX."""
    return min(timedelta(seconds=2 ** min(max(failures, 1), 9)), BACKOFF_MAX)


@dataclass(slots=True)
class Backoff:
    """Failures in a row of one thing (a message, a mark, reading the outbox) and when to try it again."""

    failures: int = 0
    next_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.next_at is None or now >= self.next_at

    def failed(self, now: datetime, earlier: int = 0) -> timedelta:
        """One more failure (at least `earlier` came before it); the pause until the next try."""
        self.failures = max(self.failures, earlier) + 1
        delay = pause(self.failures)
        self.next_at = now + delay
        return delay


@dataclass(slots=True)
class Delivered:
    """A message the receiver took whose mark the outbox has not recorded yet."""

    at: datetime
    attempts: int
    marking: Backoff = field(default_factory=Backoff)


class Sender:
    """Sends what the outbox holds for this station, a pass at a time (`send_due`); `clock` gives the
    time (UTC)."""

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
        self.problem: Message | None = None  # the latest failure, until a message is taken again
        self._retries: dict[str, Backoff] = {}  # message key → its failures, also those not written down
        self._delivered: dict[str, Delivered] = {}  # message key → taken, its mark not yet written
        self._reading = Backoff()  # reading the outbox

    @property
    def unmarked(self) -> int:
        """Messages the receiver took whose mark the outbox has not recorded yet."""
        return len(self._delivered)

    async def aclose(self) -> None:
        """One last pass, then close. The station run's passes (station/run.py, `send_due` every second)
        end as soon as the station is told to stop, before it has kept the phones still attached; their messages are sent here (within
        webhook.timeout), not on the station's next start; and the marks still owed are tried once more,
        paused or not."""
        try:
            async with asyncio.timeout(self.settings.timeout):
                await self._mark_delivered(last=True)
                await self.send_due()
        except TimeoutError:
            log.info(
                "webhook: the last pass did not finish within %s s; the rest waits", self.settings.timeout
            )
        finally:
            await self._http.aclose()
        if self._delivered:
            log.info(
                "webhook: %d message(s) delivered but not marked in the outbox; the next start sends them "
                "again, with the same webhook-id",
                len(self._delivered),
            )

    async def send_due(self) -> int:
        """One pass: the marks still owed, then the due messages; the number the receiver took."""
        if not self.settings.url:
            return 0
        await self._mark_delivered()
        now = self.clock()
        if not self._reading.due(now):
            return 0
        try:
            due = await asyncio.to_thread(self.store.due_webhooks, self.station, now)
        except StoreError as error:
            delay = self._reading.failed(now)
            self.problem = msg("webhook.outbox_unread", problem=str(error), seconds=_seconds(delay))
            return 0
        self._reading = Backoff()
        if self.problem is not None and self.problem.code == "webhook.outbox_unread":
            self.problem = None
        taken = 0
        for message in due:
            retry = self._retries.get(message.key)
            if message.key in self._delivered or (retry is not None and not retry.due(self.clock())):
                continue  # taken already (only its mark is owed), or its pause is not over
            taken += await self._send(message)
        return taken

    async def _send(self, message: Outgoing) -> int:
        content = message.body.encode()
        now = self.clock()
        try:
            reply = await self._http.post(
                self.settings.url,
                content=content,
                headers=headers(message, content, now, secret=self.settings.secret, key=self._key),
            )
            problem = "" if reply.is_success else f"HTTP {reply.status_code}"
        except httpx.HTTPError as error:
            problem = masked_in(f"{type(error).__name__}: {error}".strip())
        if not problem:
            self._retries.pop(message.key, None)
            self.sent += 1
            self.problem = None
            self._delivered[message.key] = Delivered(now, message.attempts + 1)
            await self._mark(message.key)
            return 1
        retry = self._retries.setdefault(message.key, Backoff())
        delay = retry.failed(now, earlier=message.attempts)
        log.info("webhook %s: %s; again in %s", message.key, problem, delay)
        self.problem = msg("webhook.refused", problem=problem, seconds=_seconds(delay))
        try:
            await asyncio.to_thread(
                self.store.webhook_done,
                message.key,
                sent_at=None,
                attempts=retry.failures,
                next_at=now + delay,
                error=problem,
            )
        except StoreError as error:  # the pause is kept in memory meanwhile
            log.info("webhook %s: the outbox cannot record the failure: %s", message.key, error)
        return 0

    async def _mark_delivered(self, *, last: bool = False) -> None:
        for key, delivered in list(self._delivered.items()):
            if last or delivered.marking.due(self.clock()):
                await self._mark(key)

    async def _mark(self, key: str) -> None:
        """Write down that the receiver took message `key`; when that fails, try again later (backing
        off), and never POST it again meanwhile."""
        delivered = self._delivered[key]
        try:
            await asyncio.to_thread(
                self.store.webhook_done,
                key,
                sent_at=delivered.at,
                attempts=delivered.attempts,
                next_at=delivered.at,
                error="",
            )
        except StoreError as error:
            delay = delivered.marking.failed(self.clock())
            log.info(
                "webhook %s: delivered, but the outbox cannot mark it: %s; again in %s", key, error, delay
            )
            self.problem = msg(
                "webhook.unmarked", count=len(self._delivered), problem=str(error), seconds=_seconds(delay)
            )
            return
        del self._delivered[key]
        if self.problem is not None and self.problem.code == "webhook.unmarked" and not self._delivered:
            self.problem = None


def _seconds(delay: timedelta) -> int:
    return int(delay.total_seconds())
