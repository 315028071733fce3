"""tenken (点検): an inspection station for used phones."""

__version__ = "0.1.0"
