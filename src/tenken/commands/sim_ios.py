"""`tenken sim ios`: a simulated usbmuxd on 127.0.0.1 with simulated iPhones behind it.

It prints the address to use, then runs until stopped (Ctrl-C or SIGTERM). Lines on stdin plug phones
in and out while it runs:  attach PROFILE · detach UDID · list · quit.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from dataclasses import replace

import click
import msgspec

from tenken.errors import ProfileError, SimulatorError, UsageError
from tenken.report.terminal import visible
from tenken.sim.ios.profile import PhoneProfile, bundled_names, load
from tenken.sim.ios.usbmuxd import UsbmuxServer

COMMANDS_HELP = "stdin commands: attach PROFILE | detach UDID | list | quit"


@click.command()
@click.option(
    "--device",
    "devices",
    multiple=True,
    metavar="PROFILE",
    help="A profile file (TOML, JSON, `ideviceinfo -x` plist or `ideviceinfo` text) or a bundled profile "
    "name; repeatable. Default: every bundled profile.",
)
@click.option(
    "--copies",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Phones per profile, each with its own UDID, serial and IMEI.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="TCP port on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--latency-ms",
    type=click.FloatRange(0),
    default=None,
    help="Per-round-trip latency for every phone (overrides the profiles).",
)
@click.option("--list-profiles", is_flag=True, help="List the bundled profiles and exit.")
def command(
    devices: tuple[str, ...], copies: int, port: int, latency_ms: float | None, list_profiles: bool
) -> None:
    """Emulate usbmuxd with simulated iPhones on 127.0.0.1."""
    if list_profiles:
        for name in bundled_names():
            click.echo(f"{name}\t{visible(load(name).description)}")
        return
    profiles = [load(reference) for reference in (devices or tuple(bundled_names()))]
    phones = [
        _with_latency(profile.clone(index), latency_ms) for profile in profiles for index in range(copies)
    ]
    asyncio.run(_serve(phones, port, latency_ms))


def _with_latency(profile: PhoneProfile, latency_ms: float | None) -> PhoneProfile:
    if latency_ms is None:
        return profile
    return replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, latency_ms=latency_ms))


def _say(line: str) -> None:
    """One line to the operator; what came from a profile (its file name, UDID) cannot act on the terminal."""
    click.echo(visible(line))
    sys.stdout.flush()


async def _serve(profiles: list[PhoneProfile], port: int, latency_ms: float | None) -> None:
    # Signals first: whoever reads the address below may stop us at once.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    if hasattr(signal, "SIGTTIN"):
        # `tenken sim ios &` in a shell: reading the terminal from the background must not stop us.
        signal.signal(signal.SIGTTIN, signal.SIG_IGN)
    server = UsbmuxServer(port=port)
    try:
        await server.start()
    except OSError as error:
        raise SimulatorError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    try:
        for profile in profiles:
            await server.attach(profile)
    except ValueError as error:  # the same phone twice: copies need --copies, not a repeated --device
        await server.close()
        raise UsageError(f"{error}; use --copies N for several phones of one profile") from None
    _say(f"usbmuxd listening on {server.address}")
    _say(f"  export USBMUXD_SOCKET_ADDRESS={server.address}")
    _say(f"  tenken inspect --platform ios --usbmux {server.address}")
    _list(server)
    _say(COMMANDS_HELP)

    lines: asyncio.Queue[str | None] = asyncio.Queue()
    threading.Thread(target=_read_stdin, args=(loop, lines), daemon=True).start()

    async def control() -> None:
        while (line := await lines.get()) is not None:
            if await _command(server, line.strip(), latency_ms):
                stop.set()
                return

    controller = asyncio.create_task(control())
    await stop.wait()
    controller.cancel()
    await server.close()
    _say("stopped")


def _read_stdin(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    # A daemon thread: a blocked readline must never keep the process alive after the server stops.
    # Without stdin (closed, or a terminal we run in the background of) the simulator just serves.
    with contextlib.suppress(OSError, ValueError):
        for line in sys.stdin or ():
            loop.call_soon_threadsafe(lines.put_nowait, line)
    loop.call_soon_threadsafe(lines.put_nowait, None)


async def _command(server: UsbmuxServer, line: str, latency_ms: float | None) -> bool:
    """Run one control line; True means stop."""
    verb, _, argument = line.partition(" ")
    argument = argument.strip()
    if verb == "attach" and argument:
        try:
            profile = _with_latency(load(argument), latency_ms)
            phone = await server.attach(profile)
        except (ProfileError, ValueError) as error:
            _say(f"error: {error}")
        else:
            _say(f"attached {phone.udid} at 0x{phone.location_id:08x} ({profile.name})")
    elif verb == "detach" and argument:
        _say(f"detached {argument}" if server.detach(argument) else f"error: no attached phone {argument}")
    elif verb == "list":
        _list(server)
    elif verb in ("quit", "exit", "stop"):
        return True
    elif verb:
        _say(f"error: {COMMANDS_HELP}")
    return False


def _list(server: UsbmuxServer) -> None:
    for phone in server.phones.values():
        _say(f"  port 0x{phone.location_id:08x}  {phone.udid}  {phone.profile.name}")
