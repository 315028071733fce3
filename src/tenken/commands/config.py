"""`tenken config`: where tenken reads its settings and keeps its data, and what is in effect."""

from __future__ import annotations

import click

from tenken.cli import AppContext, emit_json, pass_app
from tenken.commands import options
from tenken.config import ADB_VARIABLES, as_dict, config_file, env_names, load_with_sources


@click.command(name="config")
@options.json_output("Print the effective settings as JSON.")
@pass_app
def config_command(app: AppContext, as_json: bool) -> None:
    """Show the configuration file, the data folder, the database and every TENKEN_… variable."""
    from tenken.store.urls import masked

    settings = app.settings
    path, _ = config_file(app.config_path)
    _, sources = load_with_sources(app.config_path)
    if as_json:
        payload = as_dict(settings)
        payload["db"] = masked(payload["db"])
        payload["webhook"]["url"] = masked(settings.webhook.url)
        payload["webhook"]["secret"] = "***" if settings.webhook.secret else ""  # a key, never printed
        emit_json(
            {
                "config_file": str(path),
                "db_url": masked(settings.db_url),
                "spool": str(settings.spool_path),
                "settings": payload,
                "sources": sources,
            }
        )
        return
    android = settings.android
    click.echo(f"config file:  {path}{'' if path.is_file() else '  (not present: defaults in use)'}")
    click.echo(f"data folder:  {settings.data_path}")
    click.echo(f"database:     {masked(settings.db_url)}")
    click.echo(
        f"spool:        {settings.spool_path}  (answers wait here while the database cannot take them)"
    )
    click.echo(f"adb server:   {android.adb_host}:{android.adb_port}  ({_adb_sources(sources)})")
    click.echo(f"station:      {settings.station.name}")
    if settings.webhook.url:
        signed = "signed" if settings.webhook.secret else "NOT signed: set webhook.secret"
        click.echo(f"webhook:      {masked(settings.webhook.url)}  ({signed})")
    click.echo("\nEnvironment variables (TENKEN_CONFIG names the file; each other one overrides a key):")
    for name in env_names():
        click.echo(f"  {name}")
    click.echo(f"  {' and '.join(ADB_VARIABLES.values())}, when the keys above leave the adb server unset")


def _adb_sources(sources: dict[str, str]) -> str:
    """Where the adb server's host and port came from, e.g. `host: default, port: ANDROID_ADB_SERVER_PORT`."""
    return ", ".join(
        f"{steps[-1].removeprefix('adb_')}: {sources.get('.'.join(steps), 'default')}"
        for steps in ADB_VARIABLES
    )
