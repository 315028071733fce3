"""`tenken user add|list|remove`: who may log in to `tenken serve` from another machine. Passwords are
kept as argon2id hashes (web/auth.py), never as written."""

from __future__ import annotations

import re
import sys

import click

from tenken.cli import AppContext, pass_app
from tenken.errors import InputError, NotFound, UsageError
from tenken.facts import msg
from tenken.station.recording import os_user

NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SHORTEST = 10  # characters a password has at least


@click.group()
def user_group() -> None:
    """Users who may log in to `tenken serve` when it serves beyond 127.0.0.1."""


@user_group.command("add")
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (one line) instead of asking for it twice.",
)
@pass_app
def add(app: AppContext, name: str, password_stdin: bool) -> None:
    """Add a user NAME; the password is asked for twice (not shown), or read from standard input."""
    from tenken.store import open_store
    from tenken.store.users import add_user
    from tenken.web.auth import hash_password

    if not NAME.match(name):
        raise UsageError(msg("user.bad_name", user=name))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(app.words(msg("user.password")), hide_input=True)
        again = click.prompt(app.words(msg("user.password_again")), hide_input=True)
        if again != password:
            raise InputError(msg("user.passwords_differ"))
    if len(password) < SHORTEST:
        raise InputError(msg("user.password_short", count=SHORTEST))
    with open_store(app.settings) as database:
        if not add_user(database, name, hash_password(password), os_user()):
            raise UsageError(msg("user.exists", user=name))
    click.echo(app.words(msg("user.added", user=name)))


@user_group.command("list")
@pass_app
def list_users(app: AppContext) -> None:
    """List the users, one name a line."""
    from tenken.store import open_store
    from tenken.store.users import user_names

    with open_store(app.settings) as database:
        names = user_names(database)
    if not names:
        click.echo(app.words(msg("user.none")), err=True)
    for name in names:
        click.echo(name)


@user_group.command("remove")
@click.argument("name")
@pass_app
def remove(app: AppContext, name: str) -> None:
    """Remove the user NAME (a page they are logged in on asks for a login at its next restart)."""
    from tenken.store import open_store
    from tenken.store.users import remove_user

    with open_store(app.settings) as database:
        if not remove_user(database, name):
            raise NotFound(msg("user.unknown", user=name))
    click.echo(app.words(msg("user.removed", user=name)))
