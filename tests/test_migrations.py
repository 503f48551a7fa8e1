"""Migrations: the schema they build is exactly ``schema.py`` on both databases, they run
forwards and back, servers starting together migrate once, and a database made before
migrations existed is upgraded without losing a conversation or a record."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from asyncio.subprocess import PIPE
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text

from bot.core.errors import StorageError
from bot.core.state import ConversationState
from bot.core.storage import migrate
from bot.core.storage.relational import RelationalStore
from bot.core.storage.schema import metadata, records
from tests.conftest import ROOT

# The tables as the first release created them, before migrations existed.
FIRST_RELEASE_SCHEMA = """
CREATE TABLE conversations (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL, channel TEXT NOT NULL,
    outcome TEXT NOT NULL, content_version TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX records_by_user ON records (user, created_at);
CREATE TABLE inductions (
    channel TEXT NOT NULL, user TEXT NOT NULL, user_name TEXT, started_at TEXT NOT NULL,
    finished_at TEXT, score INTEGER, out_of INTEGER NOT NULL, acknowledged INTEGER NOT NULL,
    content_version TEXT NOT NULL, PRIMARY KEY (channel, user)
);
CREATE TABLE kept (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, text TEXT NOT NULL
);
"""


def record_data(record_id: str, comment: str | None) -> str:
    return json.dumps(
        {
            "id": record_id,
            "created_at": "2026-11-01T09:00:00Z",
            "user": "U1",
            "user_name": None,
            "channel": "slack",
            "conversation": "D1",
            "outcome": "report",
            "outcome_title": "Report it",
            "urgency": "urgent",
            "path": [["safety", "yes"]],
            "comment": comment,
            "link": None,
        }
    )


async def on_connection(url: str, work: Any) -> Any:
    """Run blocking SQLAlchemy code on one of a store's connections (opening it migrates)."""
    store = await RelationalStore.open(url)
    try:
        return await store.run_sync(work)
    finally:
        await store.close()


def schema_differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_migrations_build_exactly_the_declared_schema(database_url: str) -> None:
    await (await RelationalStore.open(database_url)).close()
    assert await on_connection(database_url, schema_differences) == []
    assert await on_connection(database_url, migrate.current) == migrate.head()


async def test_migrations_run_back_to_nothing_and_forward_again(database_url: str) -> None:
    await (await RelationalStore.open(database_url)).close()

    def down_and_up(connection: Connection) -> tuple[set[str], list[Any]]:
        command.downgrade(migrate.alembic_config(connection), "base")
        left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        command.upgrade(migrate.alembic_config(connection), "head")
        return left, schema_differences(connection)

    assert await on_connection(database_url, down_and_up) == (set(), [])


async def test_servers_starting_together_on_a_new_database_migrate_once(database_url: str) -> None:
    """Four processes open a new database at the same moment, as servers do after a deploy."""
    environment = {**os.environ, "DATABASE_URL": database_url}
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "app.py"), "unanswered", env=environment, stderr=PIPE, cwd=ROOT
        )
        for _ in range(4)
    ]
    results = [(await p.wait(), (await p.communicate())[1]) for p in processes]
    assert [code for code, _ in results] == [0, 0, 0, 0], [err.decode()[-300:] for _, err in results]
    assert await on_connection(database_url, migrate.current) == migrate.head()
    assert await on_connection(database_url, schema_differences) == []


async def test_a_first_release_database_is_upgraded_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE_SCHEMA)
        db.execute(
            "INSERT INTO conversations VALUES ('k', 3, ?, 1.0)", ('{"node":"threat","flow":"flowchart"}',)
        )
        row = ("2026-11-01T09:00:00Z", "U1", "slack", "report", "2026.1")
        db.execute(
            "INSERT INTO records VALUES ('R-1', ?, ?, ?, ?, ?, ?)", (*row, record_data("R-1", "their words"))
        )
        db.execute("INSERT INTO records VALUES ('R-2', ?, ?, ?, ?, ?, ?)", (*row, record_data("R-2", None)))
    db.close()

    store = await RelationalStore.open(f"sqlite:///{path}")
    try:
        saved = await store.load("k")
        assert saved is not None
        state = ConversationState.from_saved(saved)
        assert state.walk is not None and (state.walk.at, state.version) == ("threat", 3)
        kept = {k.record.id: k for k in await store.export()}
        assert kept["R-1"].record.comment == "their words" and kept["R-1"].comment_attached
        assert kept["R-2"].record.comment is None and not kept["R-2"].comment_attached
    finally:
        await store.close()

    def stored(connection: Connection) -> list[Any]:
        query = select(records.c.id, records.c.comment_attached, records.c.data).order_by(records.c.id)
        return [
            (r.id, r.comment_attached, "comment" in json.loads(r.data)) for r in connection.execute(query)
        ]

    url = f"sqlite:///{path}"
    assert await on_connection(url, stored) == [("R-1", True, False), ("R-2", False, False)]
    # Column details differ only in spelling SQLite treats alike (REAL for FLOAT, a PRIMARY KEY
    # without NOT NULL), which alembic reports as lists of modify_* items; every table, column
    # and index must be there.
    missing = [d for d in await on_connection(url, schema_differences) if not isinstance(d, list)]
    assert missing == []


async def test_a_database_from_a_newer_release_is_refused_in_one_line(database_url: str) -> None:
    """An older release started against a newer schema stops rather than guess."""
    await on_connection(database_url, lambda c: command.stamp(migrate.alembic_config(c), "head"))
    await on_connection(
        database_url, lambda c: c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    )
    with pytest.raises(StorageError, match="revision 9999, newer than this release knows"):
        await RelationalStore.open(database_url)


async def test_an_induction_completed_before_attempts_were_kept_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "advisor.db"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE_SCHEMA)
        db.execute(
            "INSERT INTO inductions VALUES ('slack', 'U1', 'Jo', '2026-10-01T09:00:00Z',"
            " '2026-10-01T09:20:00Z', 9, 9, 1, '2026.10')"
        )
    db.close()
    store = await RelationalStore.open(f"sqlite:///{path}")
    try:
        (attempt,) = await store.inductions()
        assert (attempt.user, attempt.finished_at, attempt.score) == ("U1", "2026-10-01T09:20:00Z", 9)
        assert await store.attempts(channel="slack", user="U1") == [attempt]
    finally:
        await store.close()
