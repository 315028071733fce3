"""The carriers' checkers, simulated: rules (which mark), pages (what the sites print), server (HTTP)."""

from tenken.errors import RulesError
from tenken.sim.carriers.rules import FAULTS, Rules
from tenken.sim.carriers.server import CarrierSimulator

__all__ = ["FAULTS", "CarrierSimulator", "Rules", "RulesError"]
