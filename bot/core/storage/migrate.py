"""Bring a database to the newest schema with Alembic; run whenever a store opens.

Several servers may start at once on one PostgreSQL: a transaction-scoped advisory lock makes
them migrate one after another, and the later ones find nothing left to do.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # what a database made before migrations existed already has
MIGRATION_LOCK = 72_617_001  # any constant; only the store takes this advisory lock


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision the code knows."""
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


class NewerSchemaError(Exception):
    """The database was migrated by a newer release than this one."""


def _upgrade(connection: Connection) -> None:
    config = alembic_config(connection)
    tables = set(inspect(connection).get_table_names())
    if "conversations" in tables and "alembic_version" not in tables:
        command.stamp(config, BASELINE)
    found = current(connection)
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if found is not None and found not in known:
        raise NewerSchemaError(
            f"its schema is at revision {found}, newer than this release knows (up to {head()}):"
            " run the newer release, or restore the database from before it"
        )
    command.upgrade(config, "head")


def upgrade_sync(engine: Engine) -> None:
    """Apply every migration not yet applied, in one transaction (SQLite, in its own thread)."""
    with engine.begin() as connection:
        _upgrade(connection)


async def upgrade(engine: AsyncEngine) -> None:
    """Apply every migration not yet applied, in one transaction, one server at a time."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(_upgrade)
