"""Android phones over ADB: adbutils → the adb server → the phone's adbd.

adbutils is blocking, so every call runs in a bounded thread pool (android.workers) with a socket
timeout (android.timeout). One bulk `getprop`, then the few shell commands the facts need, run
concurrently over shell v2 (real exit codes; the `; echo X4EXIT:$?` path before Android 7).
Device states (unauthorized, offline, unplugged mid-read, missing tools) are results with an action.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tenken.config import AndroidSettings, Settings
from tenken.devices.android import carrier as android_carrier
from tenken.devices.android import compat, management
from tenken.devices.android import dumps as android_dumps
from tenken.devices.android import identity as android_identity
from tenken.devices.android.commands import CommandResult, DeviceGone, command
from tenken.devices.android.imei import read_imeis
from tenken.devices.android.props import parse_getprop, sdk_level, slot_count
from tenken.devices.android.server import ensure_server
from tenken.devices.erasure import erased
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Fact, Message, Platform, msg

T = TypeVar("T")

ACTIONS = {
    "unauthorized": (DeviceState.UNAUTHORIZED, "action.allow_usb_debugging"),
    "offline": (DeviceState.OFFLINE, "action.adb_offline"),
    "authorizing": (DeviceState.OFFLINE, "action.still_connecting"),
    "connecting": (DeviceState.OFFLINE, "action.still_connecting"),
    "no permissions": (DeviceState.ERROR, "action.usb_permissions"),
}
ACTIONS["no"] = ACTIONS["no permissions"]  # adbutils splits "no permissions (…)" on spaces


# --------------------------------------------------------------------------------------------- plumbing


@functools.cache
def _pool(workers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="tenken-adb")


async def _blocking(config: AndroidSettings, function: Callable[[], T], calls: int = 1) -> T:
    """Run an adbutils call in the bounded pool; the outer bound catches what a socket timeout misses."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_pool(config.workers), function)
    return await asyncio.wait_for(future, timeout=config.timeout * calls + 5)


def _client(config: AndroidSettings) -> Any:
    return compat.client(config.adb_host, config.adb_port, config.timeout)


def _adb_errors() -> tuple[type[BaseException], ...]:
    import adbutils

    return (adbutils.AdbError, EOFError, OSError, ValueError)  # OSError covers TimeoutError


# --------------------------------------------------------------------------------------------- discover


async def discover(settings: Settings) -> list[DeviceRef]:
    """Every phone the adb server knows, in any state, with its USB path when it is on USB."""
    config = settings.android
    where = f"{config.adb_host}:{config.adb_port}"
    try:
        await _blocking(
            config, lambda: ensure_server(config.adb_host, config.adb_port, config.adb_path), calls=3
        )
        infos = await _blocking(config, lambda: _client(config).list(extended=True))
    except TransportUnavailable:
        raise
    except _adb_errors() as error:
        raise TransportUnavailable(
            f"the adb server at {where} does not answer ({type(error).__name__}: {error}); "
            f"restart it with `adb -P {config.adb_port} kill-server` and inspect again"
        ) from None
    return [
        DeviceRef(
            platform=Platform.ANDROID,
            device_id=info.serial,
            usb_location=info.tags.get("usb") or None,
            transport_state=info.state,
        )
        for info in infos
    ]


# --------------------------------------------------------------------------------------------- session


class _Session:
    """One phone's transport: commands go to its transport id, so a replugged phone is not mistaken for it."""

    def __init__(self, ref: DeviceRef, config: AndroidSettings) -> None:
        self.ref = ref
        self.config = config
        self.client = _client(config)
        self.device: Any = None
        self.shell_v2 = False

    async def open(self) -> str:
        """The transport state now; opens the device when it is `device`.

        The device list and the features are asked at once (features by serial need no transport id),
        so opening costs one round trip to the server.
        """
        import adbutils

        by_serial = adbutils.AdbDevice(self.client, serial=self.ref.device_id)
        listing: Any = _blocking(self.config, lambda: self.client.list(extended=True))
        features: Any = _blocking(self.config, by_serial.get_features)
        outcomes: tuple[Any, Any] = await asyncio.gather(listing, features, return_exceptions=True)
        infos, answer = outcomes
        if isinstance(infos, BaseException):
            raise infos
        info = next((item for item in infos if item.serial == self.ref.device_id), None)
        if info is None:
            raise DeviceGone("no longer attached")
        if info.state != "device":
            return str(info.state)
        if isinstance(answer, BaseException):
            await self._raise_if_gone(answer)
            raise answer
        self.device = (
            adbutils.AdbDevice(self.client, transport_id=info.transport_id)
            if info.transport_id
            else by_serial
        )
        self.shell_v2 = "shell_v2" in compat.set_features(self.device, str(answer))
        return "device"

    async def run(self, line: str) -> CommandResult:
        """Run one command line; a transport failure becomes DeviceGone when the phone left."""
        timeout = self.config.timeout

        def call() -> CommandResult:
            result = self.device.shell2(line, timeout=timeout, v2=self.shell_v2, rstrip=False)
            if self.shell_v2:
                return CommandResult(line, result.returncode, _text(result.stdout), _text(result.stderr))
            return CommandResult(line, result.returncode, _text(result.output))

        try:
            return await _blocking(self.config, call)
        except TimeoutError as error:
            return CommandResult(
                line, None, problem=f"no answer within {timeout:g} s ({type(error).__name__})"
            )
        except _adb_errors() as error:
            if _is_timeout(error):
                return CommandResult(line, None, problem=f"no answer within {timeout:g} s")
            await self._raise_if_gone(error)
            return CommandResult(line, None, problem=_describe(error))

    async def _raise_if_gone(self, error: BaseException) -> None:
        try:
            infos = await _blocking(self.config, lambda: self.client.list())
        except _adb_errors():
            raise DeviceGone(f"adb server stopped answering after {type(error).__name__}") from None
        state = next((info.state for info in infos if info.serial == self.ref.device_id), None)
        if state != "device":
            raise DeviceGone(f"now {state or 'absent'} after {type(error).__name__}: {error}")


def _text(value: str | bytes) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text.replace("\r\n", "\n")


def _describe(error: BaseException) -> str:
    """The error's type and the first line of its message, nothing more.

    adbutils puts the command's whole output into some errors (`AdbError("shell output invalid", cmd,
    output)` when a pre-Android-7 stream ends before `X4EXIT`): that output can hold account names.
    """
    lines = str(error.args[0]).strip().splitlines() if error.args else []
    return f"{type(error).__name__}: {lines[0][:120]}" if lines else type(error).__name__


def _is_timeout(error: BaseException) -> bool:
    import adbutils

    return isinstance(error, adbutils.AdbTimeout)


# --------------------------------------------------------------------------------------------- inspect


def _not_ready(ref: DeviceRef, state: str) -> DeviceFacts:
    known = ACTIONS.get(state)
    if known is not None:
        return DeviceFacts(ref, state=known[0], action=Message(known[1]))
    return DeviceFacts(ref, state=DeviceState.ERROR, action=msg("action.not_android_mode", mode=state))


async def inspect(ref: DeviceRef, settings: Settings) -> DeviceFacts:
    """Read one phone. Every device state is a result with an action, never an exception."""
    if ref.transport_state and ref.transport_state != "device":
        return _not_ready(ref, ref.transport_state)
    facts = DeviceFacts(ref)
    session = _Session(ref, settings.android)
    try:
        state = await session.open()
        if state != "device":
            return _not_ready(ref, state)
        await _read(session, facts)
    except DeviceGone:
        facts.state = DeviceState.UNPLUGGED
        facts.action = msg("action.replug")
    except _adb_errors() as error:
        facts.state = DeviceState.ERROR
        facts.action = msg("action.adb_failed", error=_describe(error), port=settings.android.adb_port)
    return facts


async def _read(session: _Session, facts: DeviceFacts) -> None:
    getprop = await session.run("getprop")
    if not getprop.ok:
        facts.state = DeviceState.TIMEOUT if getprop.status is None else DeviceState.ERROR
        facts.action = msg("action.getprop_failed", problem=getprop.problem or f"exit {getprop.status}")
        return
    props = parse_getprop(getprop.stdout)
    _from_props(facts, props, session.ref.device_id)
    sdk = sdk_level(props) or 30
    # More than six awaitables: typeshed's gather no longer types each result, so they are checked below.
    results: list[Any] = await asyncio.gather(
        read_imeis(session.run, sdk, slot_count(props), props),
        session.run(command("dumpsys", "account")),
        session.run(command("settings", "get", "secure", "user_setup_complete")),
        session.run(command("settings", "get", "global", "device_provisioned")),
        session.run(command("dumpsys", "battery")),
        session.run(command("df", "/data")),
        session.run(command("dumpsys", "device_policy")),
        return_exceptions=True,
    )
    imeis, accounts, setup, provisioned, battery, storage, policy = results
    if not isinstance(imeis, BaseException):
        facts.imei, facts.imei2 = imeis
    if isinstance(accounts, CommandResult):
        facts.owner_lock, facts.owner_accounts = android_dumps.accounts(accounts)
    if isinstance(setup, CommandResult) and isinstance(provisioned, CommandResult):
        facts.setup_complete = android_dumps.setup_complete(setup, provisioned)
    if isinstance(battery, CommandResult):
        facts.battery_level_pct, facts.battery_health_pct = android_dumps.battery(battery)
    if isinstance(storage, CommandResult):
        facts.storage_bytes = android_dumps.storage(storage)
    if isinstance(policy, CommandResult):
        facts.mdm_enrolled = management.mdm_enrolled(policy)
    facts.erased = erased(facts)
    for outcome in results:
        if isinstance(outcome, BaseException):
            raise outcome


def _from_props(facts: DeviceFacts, props: dict[str, str], adb_serial: str) -> None:
    facts.serial = android_identity.serial(props, adb_serial)
    identity = android_identity.identity(props)
    facts.manufacturer, facts.brand, facts.model_id = (
        identity["manufacturer"],
        identity["brand"],
        identity["model_id"],
    )
    software = android_identity.software(props)
    facts.os_version, facts.os_build, facts.security_patch = (
        software["os_version"],
        software["os_build"],
        software["security_patch"],
    )
    facts.bootloader_unlocked = android_identity.bootloader_unlocked(props)
    sold = android_carrier.sold_for(props)
    facts.sold_for = sold.sold_for
    facts.sold_by_candidates = sold.candidates
    facts.sales_region = sold.sales_region
    named = sold.model_name or android_identity.marketing_name(props)
    if named is None and facts.model_id.known and facts.model_id.value:
        named = Fact.measured(facts.model_id.value, facts.model_id.source, msg("android.no_marketing_name"))
    if named is not None:
        facts.model_name = named
    facts.sim_state = android_carrier.sim_state(props)
    facts.sim_carrier = android_carrier.sim_carrier(props)
    facts.sim_locked = android_carrier.sim_locked(props, sold)


async def follow(settings: Settings, nudge: Callable[[str | None, bool], None], stop: asyncio.Event) -> None:
    """Call `nudge(serial)` whenever the adb server reports a phone appearing, leaving or changing state
    (`track-devices`), until `stop`. adbutils reports a state change as absent then present, and adb 29
    sends nothing when a TCP phone dies: the station lists the phones again anyway (watch.poll_seconds).
    The blocking stream runs in a thread; its socket times out every android.timeout so that it ends."""
    loop = asyncio.get_running_loop()
    finished = threading.Event()

    def track() -> None:
        config = settings.android
        while not finished.is_set():
            try:
                for event in _client(config).track_devices():
                    if finished.is_set():
                        return
                    try:
                        loop.call_soon_threadsafe(nudge, str(event.serial), False)
                    except RuntimeError:  # the loop closed while this thread waited on adb
                        return
            except _adb_errors() as error:
                if not _is_timeout(error) and not isinstance(error, TimeoutError):
                    if finished.is_set() or loop.is_closed():
                        return
                    loop.call_soon_threadsafe(nudge, None, False)
                    finished.wait(1.0)

    thread = threading.Thread(target=track, name="tenken-adb-track", daemon=True)
    thread.start()
    try:
        await stop.wait()
    finally:
        finished.set()
