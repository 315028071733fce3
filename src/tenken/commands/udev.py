"""`tenken udev print|install`: the station's udev rule for Android phones' ADB interface."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

import click

from tenken.errors import OutputError, PermissionNeeded

RULE_NAME = "51-android.rules"
RULES_DIR = Path("/etc/udev/rules.d")


def bundled_rule() -> str:
    return resources.files("tenken").joinpath("udev", RULE_NAME).read_text(encoding="utf-8")


@click.group(name="udev")
def udev_group() -> None:
    """The udev rule that lets the station's user open Android phones (iPhones need none: usbmuxd
    ships its own)."""


@udev_group.command(name="print")
def print_rule() -> None:
    """Print the rule (to review it, or to install it by hand)."""
    click.echo(bundled_rule(), nl=False)


@udev_group.command()
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=RULES_DIR,
    show_default=True,
    help="Where udev reads rules from.",
)
def install(rules_dir: Path) -> None:
    """Write the rule (needs root), reload udev and re-trigger USB devices."""
    if os.geteuid() != 0:
        raise PermissionNeeded(f"writing {rules_dir / RULE_NAME} needs root: run `sudo tenken udev install`")
    target = rules_dir / RULE_NAME
    try:
        rules_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=rules_dir, prefix=f".{RULE_NAME}.", delete=False) as file:
            file.write(bundled_rule())
        os.chmod(file.name, 0o644)
        os.replace(file.name, target)  # udev never reads half a rule
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"wrote {target}")
    problem = _reload_udev()
    if problem:
        click.echo(f"udev was not reloaded ({problem}): replug the phones or restart the machine", err=True)
    else:
        click.echo("udev reloaded; replug the phones (or restart the hub), then `adb kill-server`")
    click.echo("the station's user needs the plugdev group: `usermod -aG plugdev USER`, then log in again")


def _reload_udev() -> str:
    """Reload the rules and re-trigger USB devices; what went wrong, or ''."""
    udevadm = shutil.which("udevadm")
    if udevadm is None:
        return "udevadm not found"
    for args in (["control", "--reload-rules"], ["trigger", "--subsystem-match=usb", "--action=change"]):
        try:
            done = subprocess.run([udevadm, *args], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"udevadm {args[0]}: {error}"
        if done.returncode != 0:
            return f"udevadm {args[0]}: {(done.stderr or done.stdout).strip() or done.returncode}"
    return ""
