"""The bulk station: phones plugged and unplugged all day, each inspected once per plug.

The transports' events (usbmuxd `Listen`, adb `track-devices`; devices/*/reader.follow) wake the
station; it then lists the attached phones again (the events alone miss things: adbutils reports a
state change as absent-then-present, adb 29 says nothing when a TCP phone dies) and compares with what
it knew. A new phone, a phone plugged again, or a phone whose state changed (trusted, authorised) is
inspected; a phone waiting for the technician (Trust, unlock, USB debugging) is asked again every
watch.retry_seconds, and so is one whose pipeline failed (the database away, a bug). A phone is never
inspected twice at once, and each plug ends in the store exactly once: when its read completes, or —
read incomplete — when it is unplugged or the station stops. While the database is away, what is kept
waits in the spool; the station puts it in the database once it is back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tenken.config import Settings
from tenken.devices import reader_for
from tenken.errors import Spooled, StoreError
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform, msg
from tenken.inspection import Inspection
from tenken.station.pipeline import Pipeline
from tenken.station.readers import discover
from tenken.station.webhooks import finished
from tenken.store import Store

log = logging.getLogger(__name__)

HISTORY = 500  # ports (or phones without a USB location) whose last plug the station remembers

Finished = Callable[[Inspection], None]


class Stage(StrEnum):
    QUEUED = "queued"
    READING = "reading"
    LOOKING_UP = "looking_up"
    JUDGING = "judging"
    WAITING = "waiting"  # for the technician: Trust, unlock, USB debugging
    DONE = "done"
    UNPLUGGED = "unplugged"


WAITING = frozenset(
    {
        DeviceState.NOT_PAIRED,
        DeviceState.WAITING_FOR_TRUST,
        DeviceState.TRUST_DENIED,
        DeviceState.LOCKED,
        DeviceState.BEFORE_FIRST_UNLOCK,
        DeviceState.UNAUTHORIZED,
        DeviceState.OFFLINE,
        DeviceState.TIMEOUT,
    }
)


@dataclass(slots=True)
class Plug:
    """One phone on one port, from the moment it is seen until it is unplugged."""

    ref: DeviceRef
    plugged_at: float = field(default_factory=time.monotonic)
    stage: Stage = Stage.QUEUED
    inspection: Inspection | None = None  # the latest, kept or not
    kept: bool = False
    attached: bool = True
    next_try: float = 0.0
    ended_at: float | None = None  # done, or unplugged
    task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None and not self.task.done()

    @property
    def seconds(self) -> float:
        """Since it was plugged in, until it was done or unplugged."""
        return (self.ended_at or time.monotonic()) - self.plugged_at


class Station:
    """Follows the transports and runs the pipeline; `plugs` is what the board shows."""

    def __init__(
        self,
        settings: Settings,
        pipeline: Pipeline,
        store: Store | None,
        platforms: Sequence[Platform],
        *,
        on_finished: Finished | None = None,
        webhooks: bool = False,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.store = store
        self.platforms = list(platforms)
        self.on_finished = on_finished
        self.webhooks = webhooks
        self.plugs: dict[str, Plug] = {}  # device id → its current plug
        # The last plug that ended on each port (unplugged), newest last: what the board shows for a port
        # until it is used again. One per port, so that a day of phones does not pile up in memory.
        self.history: deque[Plug] = deque(maxlen=HISTORY)
        self.problems: dict[Platform, str] = {}
        self.kept = 0
        self.lost: StoreError | None = None  # an inspection not even the spool took: said at the end
        self._store_check: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._urgent: set[str] = set()  # device ids an event named: retry at once
        self._detached: set[str] = set()  # device ids an event said left
        self._limits = {
            Platform.IOS: asyncio.Semaphore(settings.watch.ios_concurrency),
            Platform.ANDROID: asyncio.Semaphore(settings.watch.android_concurrency),
        }

    # ---------------------------------------------------------------------------------------- running

    def nudge(self, device_id: str | None, detached: bool = False) -> None:
        """A transport said something changed (for this device, when it says which); `detached`: the
        phone left, so its plug ends even if it is back before the next listing."""
        if device_id:
            (self._detached if detached else self._urgent).add(device_id)
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, once: bool = False) -> None:
        """Until `stop`; or, `once`, until every phone attached now has its inspection (a phone waiting
        for the technician is asked again until then, or until `stop`)."""
        followers = [
            asyncio.create_task(
                reader_for(platform).follow(self.settings, self.nudge, stop), name=f"follow-{platform.value}"
            )
            for platform in ([] if once else self.platforms)
        ]
        try:
            await self.reconcile()
            while not stop.is_set():
                if once and all(plug.kept and not plug.busy for plug in self.plugs.values()):
                    break
                self._retry_waiting()
                await self._sleep(stop, 0.5 if once else self.settings.watch.poll_seconds)
                if not once:
                    await self.reconcile()
                    self._check_store()
        finally:
            await self._finish(followers, stop)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        self._wake.clear()
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _finish(self, followers: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
        stop.set()
        running = [
            plug.task for plug in self.plugs.values() if plug.task is not None and not plug.task.done()
        ]
        await asyncio.gather(*running, return_exceptions=True)
        if self._store_check is not None:
            await asyncio.gather(self._store_check, return_exceptions=True)
        for plug in list(self.plugs.values()):
            await self._keep(plug)  # the station stops: every plug's last inspection is kept
        for follower in followers:
            follower.cancel()  # a follower may be blocked reading its transport
        await asyncio.gather(*followers, return_exceptions=True)

    def _check_store(self) -> None:
        """While the store has had a problem, or rows wait in its spool: try it, in the background (a
        database that is away answers only after db_reconnect_seconds)."""
        if self.store is None or (self._store_check is not None and not self._store_check.done()):
            return
        pipeline = self.pipeline
        troubled = pipeline.store_error is not self.lost or isinstance(pipeline.lookups.store_error, Spooled)
        if troubled or self.store.waiting():
            self._store_check = asyncio.create_task(self._store_back(self.store), name="store-back")

    async def _store_back(self, store: Store) -> None:
        """Put the spool in the database; once it took everything and answers again, the problems the
        outage left behind are over (the board stops showing them, `watch` does not end with them). An
        inspection lost for good (not even spooled) stays said."""
        pipeline = self.pipeline
        errors = (pipeline.store_error, pipeline.lookups.store_error)
        if not await asyncio.to_thread(store.drain):
            return
        if pipeline.store_error is errors[0]:  # not one that came while the spool was being written
            pipeline.store_error = self.lost
        if pipeline.lookups.store_error is errors[1] and isinstance(errors[1], Spooled):
            pipeline.lookups.store_error = None

    # ---------------------------------------------------------------------------------------- plugs

    async def reconcile(self) -> None:
        """List the attached phones and act on what changed since the last listing."""
        # Taken before listing: a phone an event says left while the listing is under way may still be
        # in it, and must not end a plug (nor start a new one for a phone that is gone) until the next.
        detached, self._detached = self._detached, set()
        found = await discover(self.settings, self.platforms)
        self.problems = found.problems
        seen = {ref.device_id: ref for ref in found.devices}
        for device_id, gone in list(self.plugs.items()):
            if device_id not in detached and (device_id in seen or gone.ref.platform in found.problems):
                continue  # still here, or its transport could not be asked: nothing is known of it
            await self._unplugged(gone)
        for device_id, ref in seen.items():
            plug = self.plugs.get(device_id)
            if plug is None:
                self.plugs[device_id] = Plug(ref)
                self._start(self.plugs[device_id])
            elif _came_back(plug, ref):
                await self._unplugged(plug)  # that plug ended when its read was cut off
                self.plugs[device_id] = Plug(ref)
                self._start(self.plugs[device_id])
            elif ref.transport_state != plug.ref.transport_state or ref.usb_location != plug.ref.usb_location:
                plug.ref = ref  # authorised, came online, or moved: read it again
                if not plug.busy and not plug.kept:
                    plug.next_try = 0.0
        self._retry_waiting()

    async def _unplugged(self, plug: Plug) -> None:
        plug.attached = False
        if plug.busy or not plug.kept:
            plug.stage = Stage.UNPLUGGED
            plug.ended_at = time.monotonic()
        del self.plugs[plug.ref.device_id]
        where = plug.ref.usb_location or plug.ref.device_id
        for earlier in [old for old in self.history if (old.ref.usb_location or old.ref.device_id) == where]:
            self.history.remove(earlier)
        self.history.append(plug)
        if not plug.busy:
            await self._keep(plug)  # a busy read keeps itself when it ends

    def _retry_waiting(self) -> None:
        now = time.monotonic()
        for device_id, plug in self.plugs.items():
            if plug.busy or plug.kept or plug.inspection is None:
                continue
            if device_id in self._urgent or now >= plug.next_try:
                self._start(plug)
        self._urgent.clear()

    def _start(self, plug: Plug) -> None:
        plug.stage = Stage.QUEUED
        plug.task = asyncio.create_task(self._inspect(plug), name=f"inspect-{plug.ref.device_id}")

    async def _inspect(self, plug: Plug) -> None:
        def stage(name: str) -> None:
            if plug.attached:
                plug.stage = Stage(name)

        failed = True
        try:
            async with self._limits[plug.ref.platform]:
                inspection = await self.pipeline.run(plug.ref, keep=False, on_stage=stage)
            failed = False
        except StoreError as error:  # the database away where the pipeline cannot do without it
            log.warning("inspection of %s: %s; trying again", plug.ref.device_id, error)
            inspection = await self._failed(plug, error)
        except Exception as error:  # a bug: this phone is read again, the others go on
            log.exception("inspection of %s failed; trying again", plug.ref.device_id)
            inspection = await self._failed(plug, error)
        plug.inspection = inspection
        state = inspection.facts.state
        if failed and plug.attached:
            plug.stage = Stage.WAITING  # asked again: the plug ends with this only if it is never read
            plug.next_try = time.monotonic() + self.settings.watch.retry_seconds
        elif state is DeviceState.UNPLUGGED or not plug.attached:
            plug.stage = Stage.UNPLUGGED
            plug.ended_at = plug.ended_at or time.monotonic()
            await self._keep(plug)
        elif state in WAITING:
            plug.stage = Stage.WAITING
            plug.next_try = time.monotonic() + self.settings.watch.retry_seconds
        else:
            plug.stage = Stage.DONE
            plug.ended_at = time.monotonic()
            await self._keep(plug)

    async def _failed(self, plug: Plug, error: Exception) -> Inspection:
        """What the plug keeps when its pipeline failed: its earlier inspection, else one that says so
        (HOLD: nothing was read), so that a plug that is never read still ends in the store once."""
        if plug.inspection is not None:
            return plug.inspection
        facts = DeviceFacts(
            plug.ref,
            state=DeviceState.ERROR,
            action=msg("action.internal_error", error=f"{type(error).__name__}: {error}"),
        )
        try:
            return await self.pipeline.judge_and_keep(facts, keep=False)
        except Exception:
            log.exception("judging %s as not read failed too", plug.ref.device_id)
            return Inspection(facts, station=self.pipeline.options.station)

    async def _keep(self, plug: Plug) -> None:
        """The plug's last inspection, into the store and the webhook outbox, once."""
        if plug.kept or plug.inspection is None:
            return
        plug.kept = True
        inspection = plug.inspection
        before = self.pipeline.store_error
        await self.pipeline.keep(inspection, [finished(inspection)] if self.webhooks else [])
        error = self.pipeline.store_error
        if error is not before and error is not None and not isinstance(error, Spooled):
            self.lost = error  # not in the database, nor in the spool
        self.kept += 1
        if self.on_finished is not None:
            self.on_finished(inspection)


def _came_back(plug: Plug, ref: DeviceRef) -> bool:
    """A phone whose read was cut off (kept as unplugged) that answers again: plugged in again, though
    its transport went on listing it (adb keeps a phone whose connection dropped, as `offline`, and
    lists it as `device` once it is back)."""
    return (
        plug.kept
        and not plug.busy
        and plug.inspection is not None
        and plug.inspection.facts.state is DeviceState.UNPLUGGED
        and ref.platform is Platform.ANDROID
        and plug.ref.transport_state != "device"
        and ref.transport_state == "device"
    )
