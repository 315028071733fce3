"""Migrations on real SQLite files and a real PostgreSQL: fresh databases, databases made by tenken
before it had migrations (stamped, then upgraded in place with their rows), and the fast path."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.command import upgrade
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tenken.config import Settings
from tenken.errors import StoreError
from tenken.facts import Carrier, Outcome
from tenken.store import open_store, schema
from tenken.store.migrate import MIGRATIONS
from tenken.store.records import issued_certificate
from tests.store.conftest import LEGACY_POSTGRESQL, LEGACY_SQLITE, legacy_rows


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def words(sql: str) -> str:
    return " ".join(sql.split())


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "tenken.sqlite3"), data_dir=str(tmp_path / "data"))


def revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found: str | None = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    return found


def test_head_names_the_newest_migration() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert scripts.get_heads() == [schema.HEAD]
    assert [script.revision for script in scripts.walk_revisions()][-1] == schema.FIRST


def test_first_migration_is_the_schema_create_all_made_sqlite(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'first.sqlite3'}")
    with engine.begin() as connection:
        upgrade(alembic_config(connection), schema.FIRST)
        made = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name != 'alembic_version' AND sql IS NOT NULL ORDER BY rowid"
        ).scalars()
        assert [words(sql) for sql in made] == [words(sql) for sql in LEGACY_SQLITE]
    engine.dispose()


def reflected(url: str) -> dict[str, object]:
    """Columns (name, type, null, default), primary key and indexes of the two tables."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        found: dict[str, object] = {
            table: (
                [
                    (column["name"], repr(column["type"]), column["nullable"], column["default"])
                    for column in inspector.get_columns(table)
                ],
                inspector.get_pk_constraint(table)["constrained_columns"],
                sorted(
                    (index["name"], tuple(index["column_names"])) for index in inspector.get_indexes(table)
                ),
            )
            for table in ("lookups", "inspections")
        }
    engine.dispose()
    return found


def test_first_migration_is_the_schema_create_all_made_postgresql(
    scratch_database: Callable[[], str],
) -> None:
    legacy, migrated = scratch_database(), scratch_database()
    engine = sa.create_engine(legacy)
    with engine.begin() as connection:
        for statement in LEGACY_POSTGRESQL:
            connection.exec_driver_sql(statement)
    engine.dispose()
    engine = sa.create_engine(migrated)
    with engine.begin() as connection:
        upgrade(alembic_config(connection), schema.FIRST)
    engine.dispose()
    assert reflected(migrated) == reflected(legacy)


def assert_schema_is_head(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    engine.dispose()
    assert differences == []
    assert revision(url) == schema.HEAD


def test_a_new_sqlite_database_is_created_at_head(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    open_store(settings).close()
    assert_schema_is_head(settings.db_url)


def test_a_new_postgresql_database_is_created_at_head(
    scratch_database: Callable[[], str], tmp_path: Path
) -> None:
    url = scratch_database()
    open_store(Settings(db=url, data_dir=str(tmp_path))).close()
    assert_schema_is_head(url)


def assert_legacy_rows_kept(settings: Settings) -> None:
    with open_store(settings) as database:
        [answer] = database.lookup_history("490154203237518", Carrier.DOCOMO)
        engine = sa.create_engine(settings.db_url)
        with engine.connect() as connection:
            inspected = connection.execute(sa.text("SELECT device_id FROM inspections")).scalars().all()
        engine.dispose()
    assert answer.outcome is Outcome.OK and answer.raw_mark == "○"
    assert answer.evidence is not None and answer.evidence.body == "○ 制限なし".encode("cp932")
    assert inspected == ["udid-1"]
    assert_schema_is_head(settings.db_url)


def test_a_sqlite_file_from_before_migrations_is_stamped_and_upgraded(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    engine = sa.create_engine(settings.db_url)
    with engine.begin() as connection:
        for statement in LEGACY_SQLITE:
            connection.exec_driver_sql(statement)
        legacy_rows(connection)
    engine.dispose()
    assert_legacy_rows_kept(settings)


def test_a_postgresql_database_from_before_migrations_is_stamped_and_upgraded(
    scratch_database: Callable[[], str], tmp_path: Path
) -> None:
    url = scratch_database()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in LEGACY_POSTGRESQL:
            connection.exec_driver_sql(statement)
        legacy_rows(connection)
    engine.dispose()
    assert_legacy_rows_kept(Settings(db=url, data_dir=str(tmp_path)))


def test_a_database_at_head_is_opened_without_importing_alembic(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    script = (
        "import sys; from tenken.config import Settings; from tenken.store import open_store; "
        f"open_store(Settings(db={settings.db!r}, data_dir={settings.data_dir!r})).close(); "
        "print('alembic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True"  # it created the tables
    assert again.stdout.strip() == "False"


def test_a_database_from_a_newer_tenken_is_one_clear_error(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    open_store(settings).close()
    engine = sa.create_engine(settings.db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"schema this tenken does not know .*9999.*upgrade tenken"):
        open_store(settings)


def certificate_at_0006(url: str) -> None:
    """A database at 0006 holding a certificate issued then (no language, IMEI choice, version, titles)."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        upgrade(alembic_config(connection), "0006")
        connection.execute(
            sa.text(
                "INSERT INTO certificates (inspection_record_id, record_sha256, path, issued_at, station,"
                " record_id) VALUES (:inspection, :sha, '/srv/certs/a.html', :issued, 'shop-a-1', :id)"
            ),
            {
                "inspection": "a" * 32,
                "sha": "b" * 64,
                "issued": datetime(2026, 11, 30, 0, 41, tzinfo=UTC),
                "id": "c" * 32,
            },
        )
    engine.dispose()


def assert_certificate_kept_unrenderable(settings: Settings) -> None:
    with open_store(settings) as store:
        issued = issued_certificate(store, "c" * 32)
    assert issued is not None and issued.inspection_id == "a" * 32 and issued.path == "/srv/certs/a.html"
    assert issued.issued_at == datetime(2026, 11, 30, 0, 41, tzinfo=UTC) and issued.station == "shop-a-1"
    assert not issued.renderable and issued.lang is None and issued.channels is None
    assert_schema_is_head(settings.db_url)


def test_0007_keeps_the_certificates_issued_before_it_sqlite(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    certificate_at_0006(settings.db_url)
    assert_certificate_kept_unrenderable(settings)


def test_0007_keeps_the_certificates_issued_before_it_postgresql(
    scratch_database: Callable[[], str], tmp_path: Path
) -> None:
    url = scratch_database()
    certificate_at_0006(url)
    assert_certificate_kept_unrenderable(Settings(db=url, data_dir=str(tmp_path)))
