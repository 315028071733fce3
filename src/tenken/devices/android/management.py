"""Is the phone managed by an organisation (MDM)? From `dumpsys device_policy`, which the shell may read.

AOSP's Owners.dump prints a `Device Owner:` block (a fully managed phone, e.g. an MDM launcher or a
financed phone's lock app) and one `Profile Owner (User N):` block per profile with an owner (a work
profile an MDM set up). Each block names the admin's `package=`. Samsung's Secure Folder is built the
same way, a profile with Secure Folder as its owner, but it is the owner's own private space, not
management. Device admins without an owner (Google's Find My Device) are not management either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tenken.devices.android.commands import CommandResult, unavailable
from tenken.facts import Fact, Message, msg

HEADER = "Current Device Policy Manager state:"
SECURE_FOLDER = "com.samsung.knox.securefolder"
MANUAL = msg("manual.mdm")

_DEVICE_OWNER = re.compile(r"^(?P<indent>\s*)Device Owner:\s*$")
_PROFILE_OWNER = re.compile(r"^(?P<indent>\s*)Profile Owner \(User (?P<user>\d+)\):\s*$")
_PACKAGE = re.compile(r"^\s*package=(?P<package>\S+)\s*$")
_ADMIN = re.compile(r"^\s*admin=ComponentInfo\{(?P<package>[^/}]+)/")


@dataclass(frozen=True, slots=True)
class Owner:
    user: int | None  # None: the device owner
    package: str  # "" when the block names none

    def describe(self) -> Message:
        package = self.package or "?"
        if self.user is None:
            return msg("android.mdm_device_owner", package=package)
        return msg("android.mdm_profile_owner", package=package, user=self.user)


def owners(dump: str) -> list[Owner]:
    """Every owner block in the dump: its user and the package its lines name."""
    found: list[Owner] = []
    lines = dump.splitlines()
    for index, line in enumerate(lines):
        heading = _DEVICE_OWNER.match(line) or _PROFILE_OWNER.match(line)
        if heading is None:
            continue
        user = heading.groupdict().get("user")
        found.append(Owner(int(user) if user else None, _package(lines[index + 1 :], len(heading["indent"]))))
    return found


def _package(block: list[str], indent: int) -> str:
    """The package named in a block: its lines are indented deeper than the heading, up to a blank line."""
    admin = ""
    for line in block:
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        if found := _PACKAGE.match(line):
            return found["package"]
        if found := _ADMIN.match(line):
            admin = found["package"]
    return admin


def mdm_enrolled(result: CommandResult) -> Fact[bool]:
    if not result.ok:
        return unavailable(result, MANUAL)
    if HEADER not in result.stdout:
        return Fact.unknown(result.command, msg("android.mdm_no_state", manual=MANUAL))
    every = owners(result.stdout)
    managing = [owner for owner in every if owner.user is None or owner.package != SECURE_FOLDER]
    if managing:
        return Fact.measured(
            True, result.command, msg("android.mdm_managed", owners=[owner.describe() for owner in managing])
        )
    folders = [msg("android.mdm_secure_folder", user=owner.user) for owner in every]
    return Fact.measured(False, result.command, msg("android.mdm_none", consumer=folders))
