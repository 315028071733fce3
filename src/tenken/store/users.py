"""The users of `tenken serve` (who may log in from another machine): names and argon2id hashes. The hash
is made and checked at the edge (web/auth.py); the store only keeps it."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from tenken.errors import StoreError
from tenken.facts import utcnow
from tenken.store import engine as engines
from tenken.store.database import Store
from tenken.store.schema import users


def user_names(store: Store) -> list[str]:
    return list(
        store.read(
            lambda connection: connection.scalars(sa.select(users.c.name).order_by(users.c.name)).all()
        )
    )


def password_hash(store: Store, name: str) -> str | None:
    query = sa.select(users.c.password_hash).where(users.c.name == name)
    found: str | None = store.read(lambda connection: connection.scalar(query))
    return found


def add_user(store: Store, name: str, hashed: str, by: str) -> bool:
    """Add a user; False when one of that name exists already."""
    row = {"name": name, "password_hash": hashed, "added_at": utcnow(), "added_by": by}
    return bool(_write(store, partial(_add, row)))


def remove_user(store: Store, name: str) -> bool:
    """Remove a user; False when there was none of that name."""
    return bool(_write(store, partial(_remove, name)))


def _add(row: dict[str, object], connection: sa.Connection) -> int:
    if connection.scalar(sa.select(sa.func.count()).where(users.c.name == row["name"])):
        return 0
    connection.execute(sa.insert(users).values(row))
    return 1


def _remove(name: str, connection: sa.Connection) -> int:
    return connection.execute(sa.delete(users).where(users.c.name == name)).rowcount


def _write(store: Store, work: partial[int]) -> int:
    try:
        return engines.transact(store.engine, work, write=True, patience=store.patience)
    except engines.DatabaseFailed as error:
        raise StoreError(f"cannot write to the database {store.where}: {error}") from None
