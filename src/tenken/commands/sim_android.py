"""`tenken sim android`: simulated Android phones behind the real adb server, attachable at run time.

Each phone is an emulated adbd on its own port of 127.0.0.1, registered with `adb connect`. While it
runs, lines on standard input attach and detach phones:

    attach PROFILE [PORT]    plug a phone in (bundled name or profile file)
    detach SERIAL|PORT       unplug it cleanly (the adb server forgets it)
    unplug SERIAL|PORT       pull the cable (the adb server keeps it `offline` while retrying)
    list                     the phones attached
    quit                     detach everything and stop
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Callable

import click

from tenken.cli import AppContext, pass_app
from tenken.errors import TenkenError
from tenken.sim.android import profile as android_profile
from tenken.sim.android.host import Attached, SimHost
from tenken.sim.android.profile import Profile

Say = Callable[[str], None]
DEFAULT_BASE_PORT = 16001  # outside 5555-5585, where a starting adb server would probe for emulators
HELP = "commands: attach PROFILE [PORT] | detach SERIAL | unplug SERIAL | list | quit"


def _say(line: str) -> None:
    # Plain text, not rich: profile strings are data, and scripts read these lines.
    click.echo(line)
    sys.stdout.flush()


def _describe(attached: Attached) -> str:
    profile = attached.profile
    state = " (unauthorized: waits for 'Allow USB debugging?')" if profile.behaviour.unauthorized else ""
    if profile.behaviour.offline:
        state = " (goes offline)"
    return f"{attached.serial}\t{profile.model}\t{profile.name}\tserialno={profile.serial}{state}"


async def _serve(host: SimHost, profiles: list[Profile], say: Say) -> None:
    """Until `quit` or a signal (input that ends is not a stop: run in the background, it serves on);
    then every phone is detached, and the adb server stopped if this command started it."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    waiter = asyncio.ensure_future(stop.wait())
    await host.start()
    try:
        for profile in profiles:
            say(_describe(await host.attach(profile)))
        say(f"adb server on port {host.adb_port}; point adb and tenken at it:")
        say(f"  export ANDROID_ADB_SERVER_PORT={host.adb_port}")
        say(f"  tenken inspect --platform android --adb-port {host.adb_port}")
        say(f"ready: {len(host.devices)} phone(s) on adb server port {host.adb_port}; {HELP}")

        def read_stdin() -> None:
            # A daemon thread: a blocked read must not keep the process alive after `quit` or a signal.
            for line in sys.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=read_stdin, name="stdin", daemon=True).start()
        while not stop.is_set():
            getter = asyncio.ensure_future(lines.get())
            done, _ = await asyncio.wait({getter, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            line = getter.result()
            if line is None:
                continue  # stdin closed (run in the background): keep serving until a signal
            if not await _command(host, line.split(), say):
                break
    finally:
        waiter.cancel()
        await host.close()
        say("stopped")


async def _command(host: SimHost, words: list[str], say: Say) -> bool:
    """Run one stdin command; False to stop."""
    if not words:
        return True
    verb, args = words[0].lower(), words[1:]
    try:
        if verb in ("quit", "exit"):
            return False
        if verb == "attach" and args:
            port = int(args[1]) if len(args) > 1 else None
            say(_describe(await host.attach(args[0], port)))
        elif verb in ("detach", "unplug") and len(args) == 1:
            serial = await (host.detach(args[0]) if verb == "detach" else host.unplug(args[0]))
            say(f"{'detached' if verb == 'detach' else 'unplugged'} {serial}")
        elif verb == "list":
            for serial, device in host.devices.items():
                profile = device.phone.profile
                say(f"{serial}\t{profile.model}\t{profile.name}")
        else:
            say(HELP)
    except (TenkenError, ValueError) as error:
        say(f"error: {error}")
    return True


@click.command(name="android")
@click.option(
    "--device",
    "devices",
    multiple=True,
    metavar="PROFILE",
    help="A phone to attach: bundled name or profile file (TOML, JSON, raw getprop dump). Repeatable. "
    "Default: every bundled profile.",
)
@click.option(
    "--port",
    "base_port",
    type=int,
    default=DEFAULT_BASE_PORT,
    show_default=True,
    help="First TCP port for the simulated phones (0 = any free port).",
)
@click.option(
    "--adb-port",
    type=click.IntRange(1, 65535),
    help="The adb server to register with (default: android.adb_port, else $ANDROID_ADB_SERVER_PORT, else 5037).",
)
@click.option(
    "--adb-path",
    help="adb binary that starts the server when none runs (default: android.adb_path, else the adb "
    "bundled with adbutils).",
)
@click.option("--list-profiles", is_flag=True, help="Print the bundled profile names and exit.")
@pass_app
def command(
    app: AppContext,
    devices: tuple[str, ...],
    base_port: int,
    adb_port: int | None,
    adb_path: str | None,
    list_profiles: bool,
) -> None:
    """Emulate adbd phones on 127.0.0.1 and register them with the adb server (`adb connect`).

    Prints one line per phone (adb serial, model, profile), then how to point adb and tenken at the
    server, and keeps running; attach and detach phones with lines on standard input (attach PROFILE,
    detach SERIAL, unplug SERIAL, list, quit).
    """
    if list_profiles:
        for name in android_profile.bundled_names():
            click.echo(name)
        return
    if 5555 <= base_port <= 5585:
        raise click.BadParameter(
            "use a port outside 5555-5585 (the adb server treats those as emulators)", param_hint="--port"
        )
    specs = devices or tuple(android_profile.bundled_names())
    profiles = [android_profile.load(spec) for spec in specs]  # a broken profile stops before adb starts
    android = app.settings.android  # the server `tenken inspect` asks, unless told otherwise
    host = SimHost(
        adb_port=adb_port or android.adb_port,
        adb_path=android.adb_path if adb_path is None else adb_path,
        base_port=base_port,
    )
    asyncio.run(_serve(host, profiles, _say))
