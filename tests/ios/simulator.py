"""Helpers for the iOS tests: bundled profiles with changed behaviour, and where ../shared is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from tenken.sim.ios.profile import PhoneProfile, load
from tenken.sim.ios.simulator import IosSimulator as SimulatorThread

__all__ = ["SHARED", "SimulatorThread", "bundled"]

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"


def bundled(name: str, **behaviour: Any) -> PhoneProfile:
    """A bundled profile, its behaviour changed as the test needs."""
    profile = load(name)
    if not behaviour:
        return profile
    return replace(profile, behaviour=msgspec.structs.replace(profile.behaviour, **behaviour))
