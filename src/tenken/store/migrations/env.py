"""Alembic's entry point. tenken runs migrations itself (tenken.store.migrate): it hands over one
connection, already inside the transaction that holds the migration lock, and no alembic.ini."""

from __future__ import annotations

from alembic import context

from tenken.store.schema import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():  # a no-op inside the caller's transaction, which commits
    context.run_migrations()
