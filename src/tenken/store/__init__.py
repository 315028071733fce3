"""Persistence: carrier answers with their raw evidence, and inspections.

SQLite under the data dir by default; any SQLAlchemy URL (postgresql://…) for a fleet of stations.
The schema is kept by the Alembic scripts in migrations/ (see migrate.py); schema.py mirrors their head.
"""

from __future__ import annotations

from tenken.store.database import Store, open_store, save_inspections

__all__ = ["Store", "open_store", "save_inspections"]
