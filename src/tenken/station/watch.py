"""The bulk station: phones plugged and unplugged all day, each inspected once per plug.

The transports' events (usbmuxd `Listen`, adb `track-devices`; devices/*/reader.follow) wake the
station; it then lists the attached phones again (the events alone miss things: adbutils reports a
state change as absent-then-present, adb 29 says nothing when a TCP phone dies) and compares with what
it knew. A new phone, a phone plugged again, or a phone whose state changed (trusted, authorised) is
inspected; a phone waiting for the technician (Trust, unlock, USB debugging) is asked again every
watch.retry_seconds, and so is one whose pipeline failed (the database away, a bug). A phone is never
inspected twice at once, and each plug ends in the store exactly once: when its read completes, or —
read incomplete — when it is unplugged or the station stops. While the database is away, what is kept
waits in the spool (the station run, run.py, puts it in the database once it is back).

Time comes from a Clock (clock.py), tasks are started through `spawn` (the run's TaskGroup), and
`on_change` hears every change of a plug (the run turns them into the board's changes).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tenken.config import Settings
from tenken.devices import reader_for
from tenken.errors import StoreError
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Platform, msg
from tenken.inspection import Inspection
from tenken.station.clock import Clock, SystemClock, pause
from tenken.station.pipeline import Pipeline
from tenken.station.readers import discover
from tenken.station.webhooks import finished
from tenken.store import Store

log = logging.getLogger(__name__)

HISTORY = 500  # ports (or phones without a USB location) whose last plug the station remembers

Finished = Callable[[Inspection], None]
Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]  # (coroutine, task name) → its task


def create_task(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Spawn a task on its own (a Station run without a TaskGroup)."""
    return asyncio.create_task(coroutine, name=name)


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
    plugged_at: float  # on the station's clock
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

    def seconds(self, now: float) -> float:
        """Since it was plugged in, until it was done or unplugged (`now`: the station's clock)."""
        return (self.ended_at if self.ended_at is not None else now) - self.plugged_at


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
        clock: Clock | None = None,
        spawn: Spawn = create_task,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.store = store
        self.platforms = list(platforms)
        self.on_finished = on_finished
        self.webhooks = webhooks
        self.clock: Clock = clock or SystemClock()
        self.spawn = spawn
        self.on_change = on_change
        self.plugs: dict[str, Plug] = {}  # device id → its current plug
        # The last plug that ended on each port (unplugged), newest last: what the board shows for a port
        # until it is used again. One per port, so that a day of phones does not pile up in memory.
        self.history: deque[Plug] = deque(maxlen=HISTORY)
        self.problems: dict[Platform, str] = {}
        self.kept = 0
        self._wake = asyncio.Event()
        self._urgent: set[str] = set()  # device ids an event named: retry at once
        self._detached: set[str] = set()  # device ids an event said left
        self._limits = {
            Platform.IOS: asyncio.Semaphore(settings.watch.ios_concurrency),
            Platform.ANDROID: asyncio.Semaphore(settings.watch.android_concurrency),
        }

    # ---------------------------------------------------------------------------------------- running

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

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
            self.spawn(self._follow(platform, stop), f"follow-{platform.value}")
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
        finally:
            await self._finish(followers, stop)

    async def _follow(self, platform: Platform, stop: asyncio.Event) -> None:
        """A transport's events, until stopped; its failure is logged (the listings go on without it)."""
        try:
            await reader_for(platform).follow(self.settings, self.nudge, stop)
        except Exception:
            log.exception("following %s stopped; phones are still listed every poll", platform.value)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        """Until something wakes the station, it is stopped, or `seconds` pass on its clock."""
        self._wake.clear()
        await pause(self.clock, seconds, self._wake, stop)

    async def _finish(self, followers: list[asyncio.Task[None]], stop: asyncio.Event) -> None:
        stop.set()
        running = [
            plug.task for plug in self.plugs.values() if plug.task is not None and not plug.task.done()
        ]
        await asyncio.gather(*running, return_exceptions=True)
        for plug in list(self.plugs.values()):
            await self._keep(plug)  # the station stops: every plug's last inspection is kept
        for follower in followers:
            follower.cancel()  # a follower may be blocked reading its transport
        await asyncio.gather(*followers, return_exceptions=True)

    # ---------------------------------------------------------------------------------------- plugs

    async def reconcile(self) -> None:
        """List the attached phones and act on what changed since the last listing."""
        # Taken before listing: a phone an event says left while the listing is under way may still be
        # in it, and must not end a plug (nor start a new one for a phone that is gone) until the next.
        detached, self._detached = self._detached, set()
        found = await discover(self.settings, self.platforms)
        if found.problems != self.problems:
            self.problems = found.problems
            self._changed()
        seen = {ref.device_id: ref for ref in found.devices}
        for device_id, gone in list(self.plugs.items()):
            if device_id not in detached and (device_id in seen or gone.ref.platform in found.problems):
                continue  # still here, or its transport could not be asked: nothing is known of it
            await self._unplugged(gone)
        for device_id, ref in seen.items():
            plug = self.plugs.get(device_id)
            if plug is None:
                self.plugs[device_id] = Plug(ref, self.clock.monotonic())
                self._start(self.plugs[device_id])
            elif _came_back(plug, ref):
                await self._unplugged(plug)  # that plug ended when its read was cut off
                self.plugs[device_id] = Plug(ref, self.clock.monotonic())
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
            plug.ended_at = self.clock.monotonic()
        del self.plugs[plug.ref.device_id]
        where = plug.ref.usb_location or plug.ref.device_id
        for earlier in [old for old in self.history if (old.ref.usb_location or old.ref.device_id) == where]:
            self.history.remove(earlier)
        self.history.append(plug)
        self._changed()
        if not plug.busy:
            await self._keep(plug)  # a busy read keeps itself when it ends

    def _retry_waiting(self) -> None:
        now = self.clock.monotonic()
        for device_id, plug in self.plugs.items():
            if plug.busy or plug.kept or plug.inspection is None:
                continue
            if device_id in self._urgent or now >= plug.next_try:
                self._start(plug)
        self._urgent.clear()

    def _start(self, plug: Plug) -> None:
        plug.stage = Stage.QUEUED
        plug.task = self.spawn(self._inspect(plug), f"inspect-{plug.ref.device_id}")
        self._changed()

    async def _inspect(self, plug: Plug) -> None:
        def stage(name: str) -> None:
            if plug.attached:
                plug.stage = Stage(name)
                self._changed()

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
        now = self.clock.monotonic()
        if failed and plug.attached:
            plug.stage = Stage.WAITING  # asked again: the plug ends with this only if it is never read
            plug.next_try = now + self.settings.watch.retry_seconds
        elif state is DeviceState.UNPLUGGED or not plug.attached:
            plug.stage = Stage.UNPLUGGED
            plug.ended_at = plug.ended_at if plug.ended_at is not None else now
            await self._keep(plug)
        elif state in WAITING:
            plug.stage = Stage.WAITING
            plug.next_try = now + self.settings.watch.retry_seconds
        else:
            plug.ended_at = now
            await self._keep(plug)  # kept first: a plug that says done has its result in the store
            if plug.attached:
                plug.stage = Stage.DONE
        self._changed()

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

    def judged_again(self, before: Inspection, after: Inspection) -> bool:
        """A person's record judged `before` again as `after` (kept already): the plug whose result it is
        (done, or unplugged, and kept) shows `after` from now on. False when no plug shows `before` as
        its final result (a phone still being read uses the record on its own)."""
        for plug in [*self.plugs.values(), *self.history]:
            if plug.inspection is before and plug.kept and not plug.busy:
                plug.inspection = after
                self._changed()
                return True
        return False

    async def _keep(self, plug: Plug) -> None:
        """The plug's last inspection, into the store and the webhook outbox, once."""
        if plug.kept or plug.inspection is None:
            return
        plug.kept = True
        inspection = plug.inspection
        await self.pipeline.keep(inspection, [finished(inspection)] if self.webhooks else [])
        self.kept += 1
        self._changed()
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
