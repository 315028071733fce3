"""Each carrier's look-up provider, as the carriers' table names it (catalog/carriers.toml `provider`):
the one place that turns a carrier into the code that asks it."""

from __future__ import annotations

import importlib
from functools import cache

from tenken.catalog import carrier_row
from tenken.facts import Carrier
from tenken.lookups.base import Provider


@cache
def provider_class(carrier: Carrier) -> type[Provider]:
    module, _, name = carrier_row(carrier).provider.partition(":")
    found = getattr(importlib.import_module(module), name)
    if not (isinstance(found, type) and issubclass(found, Provider) and found.carrier is carrier):
        raise TypeError(f"carriers.toml: {carrier_row(carrier).provider} is not the provider of {carrier}")
    return found


def provider(carrier: Carrier, origin: str) -> Provider:
    """The provider that asks `carrier`'s checker at `origin`."""
    return provider_class(carrier)(origin)
