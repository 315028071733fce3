"""tenken's exception tree. Messages are one line a technician can act on; cli.py prints them."""

from __future__ import annotations


class TenkenError(Exception):
    """Base of every error tenken reports to a person."""


class TransportUnavailable(TenkenError):
    """A device transport (usbmuxd, the adb server) cannot be reached. Other transports go on."""


class StoreError(TenkenError):
    """The database cannot be opened or written."""


class EvidenceNotFound(TenkenError):
    """No stored carrier answer matches the request."""
