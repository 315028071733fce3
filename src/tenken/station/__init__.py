"""The station: the pipeline every command runs (pipeline.py) over the platforms' readers (readers.py)."""

from tenken.station.readers import Discovery, discover, inspect_all, inspect_one

__all__ = ["Discovery", "discover", "inspect_all", "inspect_one"]
