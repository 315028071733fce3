"""The station: the pipeline every command runs (pipeline.py) over the platforms' readers (readers.py)."""

from tenken.station.readers import (
    Discovery,
    Selected,
    Selection,
    discover,
    inspect_all,
    inspect_one,
    port_locations,
    select,
)

__all__ = [
    "Discovery",
    "Selected",
    "Selection",
    "discover",
    "inspect_all",
    "inspect_one",
    "port_locations",
    "select",
]
