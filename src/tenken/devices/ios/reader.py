"""iPhones over usbmuxd and lockdown, through pymobiledevice3.

discover() lists the phones usbmuxd sees, with the USB LocationID that names the hub port. inspect()
opens one lockdown connection per phone (ios_lockdown), pairs when needed (the Trust dialog, within
the pairing timeout: ios_pairing), then reads the values, the Find My, supervision, setup and storage
domains, MCInstall and the diagnostics relay concurrently, and turns the answers into facts
(ios_facts). Each call runs under asyncio.timeout: lockdown reads have none of
their own. States a technician must act on (trust, unlock, replug) come back as DeviceFacts.state with
an action, never as exceptions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pymobiledevice3.exceptions import (
    ConnectionFailedToUsbmuxdError,
    ConnectionTerminatedError,
    DeviceNotFoundError,
    LockdownError,
    MCProtectedError,
    MuxException,
    NoDeviceConnectedError,
    PasscodeRequiredError,
    PasswordRequiredError,
    PyMobileDevice3Exception,
)
from pymobiledevice3.lockdown import LockdownClient
from pymobiledevice3.service_connection import ServiceConnection
from pymobiledevice3.services.diagnostics import DiagnosticsService
from pymobiledevice3.services.mobile_config import MobileConfigService
from pymobiledevice3.usbmux import MuxDevice

from tenken.config import Settings
from tenken.devices.ios import facts as ios_facts
from tenken.devices.ios.compat import StationLockdownClient
from tenken.devices.ios.facts import BEFORE_TRUST, QUERIES, UNTIL_UNLOCKED, Reading, Unread
from tenken.devices.ios.lockdown import close_quietly, open_lockdown, open_service
from tenken.devices.ios.pairing import (
    PairingRefused,
    StationFilesError,
    check_udid,
    pair,
    records_folder,
    save_record,
    station_identity,
)
from tenken.devices.ios.usbmux import (
    AttachedPhone,
    listen,
    recent_listing,
    save_pair_record,
    usbmux_address,
)
from tenken.errors import TransportUnavailable
from tenken.facts import DeviceFacts, DeviceRef, DeviceState, Message, Platform, msg

log = logging.getLogger(__name__)

# The phone or its cable went away mid-read (pymobiledevice3 reconnects once, then gives up with one of these).
CONNECTION_LOST = (
    ConnectionTerminatedError,
    DeviceNotFoundError,
    NoDeviceConnectedError,
    MuxException,
    asyncio.IncompleteReadError,
    OSError,
)

# lockdownd's two answers for "unlock me first", as pymobiledevice3 raises them (PasswordProtected is a
# PairingError there, PasscodeRequired a LockdownError) and as the Pair reply names them.
LOCKED = (PasswordRequiredError, PasscodeRequiredError)
LOCKED_ANSWERS = frozenset({"PasswordProtected", "PasscodeRequired"})
SCREEN_LOCKED = msg("ios.screen_locked")

ACTIONS = {
    DeviceState.NOT_PAIRED: "action.pairing_off",
    DeviceState.WAITING_FOR_TRUST: "action.tap_trust",
    DeviceState.TRUST_DENIED: "action.trust_denied",
    DeviceState.LOCKED: "action.unlock_screen",
    DeviceState.BEFORE_FIRST_UNLOCK: "action.first_unlock",
    DeviceState.UNPLUGGED: "action.replug",
    DeviceState.TIMEOUT: "action.not_answering",
}


async def discover(settings: Settings) -> list[DeviceRef]:
    """Every iPhone usbmuxd sees over USB, with its UDID and LocationID."""
    address = usbmux_address(settings.ios.usbmux)
    try:
        async with asyncio.timeout(settings.ios.timeout):
            phones = (await recent_listing(address, fresh=True)).phones
    except (MuxException, OSError, TimeoutError) as error:
        reason = "no answer" if isinstance(error, TimeoutError) else _reason(error)
        raise TransportUnavailable(
            f"usbmuxd is not reachable at {address} ({reason}): install and start usbmuxd "
            "(apt install usbmuxd), or give its address with --usbmux HOST:PORT or USBMUXD_SOCKET_ADDRESS"
        ) from None
    return [
        DeviceRef(
            Platform.IOS,
            phone.udid,
            usb_location=f"0x{phone.location_id:08x}" if phone.location_id is not None else None,
            transport_state=phone.connection_type,
        )
        for phone in phones
        # A phone synced over Wi-Fi is listed as "Network" too; a station inspects what is on its ports.
        if phone.connection_type == "USB"
    ]


async def serial_number(ref: DeviceRef, settings: Settings) -> str | None:
    """The phone's own serial number (Settings › General › About, the box), or None when it cannot be
    told: lockdownd gives it only in a session, to a station the phone trusts. Nothing is paired here,
    so no Trust dialog appears on a phone that was not asked for."""
    address = usbmux_address(settings.ios.usbmux)
    try:
        folder = records_folder(settings.data_path)
        async with asyncio.timeout(settings.ios.timeout):
            listing = await recent_listing(address)
            phone = next((phone for phone in listing.phones if phone.udid == ref.device_id), None)
            if phone is None:
                return None
            device = MuxDevice(phone.device_id, phone.udid, phone.connection_type)
            lockdown = await open_lockdown(address, device, listing.buid, folder)
            await lockdown.close()
    except (PyMobileDevice3Exception, StationFilesError, asyncio.IncompleteReadError, OSError, TimeoutError):
        return None
    serial = lockdown.all_values.get("SerialNumber") if lockdown.paired else None
    return serial if isinstance(serial, str) else None


async def inspect(ref: DeviceRef, settings: Settings) -> DeviceFacts:
    """Read one iPhone. Whatever happens, the result is DeviceFacts with a state and, if needed, an action."""
    return await _Inspection(ref, settings).run()


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


class _Inspection:
    def __init__(self, ref: DeviceRef, settings: Settings) -> None:
        self.ref = ref
        self.settings = settings
        self.address = usbmux_address(settings.ios.usbmux)
        self.timeout = settings.ios.timeout
        self.facts = DeviceFacts(ref)
        self.lockdown: LockdownClient | None = None
        self.device: MuxDevice | None = None

    def _state(self, state: DeviceState, **params: Any) -> DeviceFacts:
        self.facts.state = state
        self.facts.action = Message(ACTIONS[state], params)
        return self.facts

    def _error(self, action: Message, state: DeviceState = DeviceState.ERROR) -> DeviceFacts:
        self.facts.state = state
        self.facts.action = action
        return self.facts

    async def run(self) -> DeviceFacts:
        try:
            return await self._run()
        except LOCKED:
            return self._state(DeviceState.LOCKED)
        except TimeoutError:
            return await self._lost("no answer within the timeout", timed_out=True)
        except StationFilesError as error:
            return self._error(msg("action.station_files", problem=str(error)))
        except ConnectionFailedToUsbmuxdError as error:
            return self._error(msg("action.usbmuxd_stopped", address=self.address, reason=_reason(error)))
        except CONNECTION_LOST as error:
            return await self._lost(_reason(error))
        except PyMobileDevice3Exception as error:
            return self._error(msg("action.unexpected_answer", reason=_reason(error)))
        finally:
            if self.lockdown is not None:
                await close_quietly(self.lockdown.close)

    async def _lost(self, reason: str, *, timed_out: bool = False) -> DeviceFacts:
        """Tell an unplugged phone from a silent or broken connection."""
        try:
            present = await self._find(fresh=True) is not None  # _find has its own timeout
        except (MuxException, OSError, TimeoutError):
            present = True  # usbmuxd itself is in trouble: do not claim the phone was pulled
        if not present:
            return self._state(DeviceState.UNPLUGGED)
        if timed_out:
            return self._state(DeviceState.TIMEOUT, seconds=self.timeout)
        return self._error(msg("action.connection_broke", reason=reason))

    async def _find(self, *, fresh: bool = False) -> AttachedPhone | None:
        async with asyncio.timeout(self.timeout):
            phones = (await recent_listing(self.address, fresh=fresh)).phones
        return next((phone for phone in phones if phone.udid == self.ref.device_id), None)

    async def _run(self) -> DeviceFacts:
        folder = records_folder(self.settings.data_path)
        phone = await self._find() or await self._find(fresh=True)
        if phone is None:
            return self._state(DeviceState.UNPLUGGED)
        self.device = MuxDevice(phone.device_id, phone.udid, phone.connection_type)
        async with asyncio.timeout(self.timeout):
            buid = (await recent_listing(self.address)).buid
            self.lockdown = lockdown = await open_lockdown(self.address, self.device, buid, folder)
        if not lockdown.paired:
            refused = lockdown.session_refused  # paired before, but locked: what it told before is kept
            why = BEFORE_TRUST if refused is None else UNTIL_UNLOCKED
            ios_facts.fill(self.facts, Reading(dict(lockdown.all_values), in_session=False, no_session=why))
            if refused == "PasswordProtected":
                return self._state(DeviceState.BEFORE_FIRST_UNLOCK)  # sealed since the restart
            if refused is not None:
                return self._state(DeviceState.LOCKED)
            refusal = await self._pair(lockdown, folder)
            if refusal is not None:
                return refusal
        return await self._read(lockdown)

    async def _pair(self, lockdown: StationLockdownClient, folder: Path) -> DeviceFacts | None:
        """Pair and open the session; a DeviceFacts with the state when the phone does not pair."""
        pair_timeout = self.settings.ios.pair_timeout
        if pair_timeout <= 0:
            return self._state(DeviceState.NOT_PAIRED)
        identity = await asyncio.to_thread(station_identity, folder)
        try:
            check_udid(self.ref.device_id)  # before the phone trusts a station that could not keep the record
            record = await pair(lockdown, identity, pair_timeout=pair_timeout, call_timeout=self.timeout)
            data = save_record(folder, self.ref.device_id, record)
        except PairingRefused as refusal:
            return self._refused(refusal.error, pair_timeout)
        mux_device = lockdown.service.mux_device
        if mux_device is not None:
            # usbmuxd keeps it for the other tools on this machine (ideviceinfo…); ours is the copy that counts.
            try:
                async with asyncio.timeout(self.timeout):
                    await save_pair_record(self.address, self.ref.device_id, mux_device.devid, data)
            except (MuxException, OSError, TimeoutError) as error:
                log.warning(
                    "usbmuxd did not keep the pair record of %s: %s", self.ref.device_id, _reason(error)
                )
        lockdown.pair_record = record
        async with asyncio.timeout(self.timeout):
            if not await lockdown.validate_pairing():
                if lockdown.session_refused is not None:
                    return self._state(DeviceState.LOCKED)  # locked again right after "Trust"
                return self._error(msg("action.session_refused"), DeviceState.NOT_PAIRED)
        return None

    def _refused(self, error: str, pair_timeout: float) -> DeviceFacts:
        if error == "PairingDialogResponsePending":
            return self._state(DeviceState.WAITING_FOR_TRUST, seconds=pair_timeout)
        if error == "UserDeniedPairing":
            return self._state(DeviceState.TRUST_DENIED)
        if error in LOCKED_ANSWERS:
            return self._state(DeviceState.LOCKED)
        return self._error(msg("action.pairing_failed", error=error), DeviceState.NOT_PAIRED)

    async def _read(self, lockdown: LockdownClient) -> DeviceFacts:
        reading = Reading(dict(lockdown.all_values), in_session=True)
        locked: list[str] = []
        # Not a TaskGroup: cancelling the others when one fails would cut pymobiledevice3 off mid-connect,
        # where it leaks sockets. Each part ends by itself (every call has a timeout) and a lost phone
        # fails them all quickly.
        outcomes = await asyncio.gather(
            self._queries(lockdown, reading, locked),
            self._mcinstall(lockdown, reading, locked),
            self._diagnostics(lockdown, reading, locked),
            return_exceptions=True,
        )
        ios_facts.fill(self.facts, reading)  # also what was read before a phone went away
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        if locked:
            return self._state(DeviceState.LOCKED, parts=locked)
        return self.facts

    async def _call(self, awaitable: Any) -> Any:
        async with asyncio.timeout(self.timeout):
            return await awaitable

    async def _queries(self, lockdown: LockdownClient, reading: Reading, locked: list[str]) -> None:
        for query in QUERIES:
            domain, _, key = query.partition("/")
            try:
                reading.queries[query] = await self._call(lockdown.get_value(domain, key or None))
            except LOCKED:
                reading.queries[query] = Unread(SCREEN_LOCKED)
                if "values" not in locked:
                    locked.append("values")
            except MCProtectedError:
                reading.queries[query] = Unread(msg("ios.mc_protected"))
            except LockdownError as error:
                reading.queries[query] = Unread(msg("ios.answered", error=error.error or _reason(error)))
            if reading.queries[query] is None:
                reading.queries[query] = Unread(msg("ios.answered_nothing"))

    async def _service(self, lockdown: LockdownClient, name: str) -> ServiceConnection:
        assert self.device is not None
        connection: ServiceConnection = await self._call(
            open_service(self.address, self.device, lockdown, name)
        )
        return connection

    async def _mcinstall(self, lockdown: LockdownClient, reading: Reading, locked: list[str]) -> None:
        try:
            connection = await self._service(lockdown, MobileConfigService.SERVICE_NAME)
            async with MobileConfigService(lockdown, service=connection) as service:
                reading.cloud_configuration = await self._call(service.get_cloud_configuration()) or {}
                reading.profile_list = await self._call(service.get_profile_list())
        except PyMobileDevice3Exception as error:
            unread = _refusal(error, "MCInstall", "mdm", locked)
            reading.cloud_configuration = reading.profile_list = unread

    async def _diagnostics(self, lockdown: LockdownClient, reading: Reading, locked: list[str]) -> None:
        try:
            connection = await self._service(lockdown, DiagnosticsService.SERVICE_NAME)
            async with DiagnosticsService(lockdown, service=connection) as service:
                found = await self._call(service.get_battery())
                reading.battery = {} if found is None else found  # None: answered, with no battery entry
        except PyMobileDevice3Exception as error:
            reading.battery = _refusal(error, "diagnostics_relay", "battery", locked)


def _refusal(error: PyMobileDevice3Exception, service: str, part: str, locked: list[str]) -> Unread:
    """Why a service gave nothing: the screen is locked (`part` joins `locked`), a configuration profile
    forbids the service, or another answer. A lost connection is no answer: it is raised on."""
    if isinstance(error, CONNECTION_LOST):
        raise error
    if isinstance(error, LOCKED):
        locked.append(part)
        return Unread(SCREEN_LOCKED)
    reason = msg("ios.mc_protected") if isinstance(error, MCProtectedError) else _reason(error)
    return Unread(msg("ios.service_refused", service=service, reason=reason))


async def follow(settings: Settings, nudge: Callable[[str | None, bool], None], stop: asyncio.Event) -> None:
    """Call `nudge(udid)` whenever usbmuxd says a phone was attached, detached or paired, until `stop`;
    a dropped or restarted usbmuxd is connected to again (with a growing pause), and each reconnect
    nudges too, since events may have been missed meanwhile."""
    address = usbmux_address(settings.ios.usbmux)
    udids: dict[int, str] = {}  # usbmuxd's DeviceID → UDID: Detached and Paired name only the DeviceID
    pause = 0.5
    while not stop.is_set():
        try:
            async for event in listen(address):
                pause = 0.5
                properties = event.get("Properties") or {}
                device_id = event.get("DeviceID", properties.get("DeviceID"))
                if event.get("MessageType") == "Attached" and isinstance(device_id, int):
                    udids[device_id] = str(properties.get("SerialNumber", ""))
                udid = udids.get(device_id) if isinstance(device_id, int) else None
                nudge(udid, event.get("MessageType") == "Detached")
                if stop.is_set():
                    return
        except (MuxException, OSError) as error:
            log.info("usbmuxd at %s: %s; listening again in %.1f s", address, _reason(error), pause)
        nudge(None, False)
        try:
            await asyncio.wait_for(stop.wait(), pause)
        except TimeoutError:
            pause = min(pause * 2, 10.0)
