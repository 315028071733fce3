"""Database URLs as they may be shown: in `tenken config`, in errors, in logs."""

from __future__ import annotations


def masked(url: str) -> str:
    """The URL without its password, for printing."""
    scheme, separator, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
