"""How statements reach each database: the one place where SQLite and PostgreSQL differ.

PostgreSQL runs on asyncpg through SQLAlchemy's asyncio engine, with a pool of connections.

SQLite runs on Python's own sqlite3 driver. A statement first runs right here on the event loop:
reading or writing one row of a local file takes tens of microseconds, less than handing it to
a thread (the asyncio SQLite drivers cross threads several times per statement, which tripled
the cost of a turn). That connection never waits for a lock: if another process is writing,
the statement is handed to the store's own thread, which waits its turn without holding up the
event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, Row, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Executable

from bot.core.storage import migrate

T = TypeVar("T")
# Every statement commits by itself: a turn is one round trip to load and one to save.
AUTOCOMMIT: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "skip_autocommit_rollback": True}


@dataclass(frozen=True)
class Done:
    """What a statement gave back, read before its connection went back to the pool."""

    rows: Sequence[Row[Any]]
    rowcount: int


class Driver(Protocol):
    dialect: str

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        """Run one statement on a connection of the pool; raise SQLAlchemy's own errors."""

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        """Run blocking SQLAlchemy code (migrations, inspection) on one connection."""

    async def close(self) -> None: ...


def _execute(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> Done:
    result = connection.execute(statement, dict(params))
    return Done(result.all() if result.returns_rows else [], result.rowcount)


class PostgresDriver:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    async def open(cls, url: URL) -> PostgresDriver:
        """Migrate on a connection in a transaction of its own, then open the autocommit pool."""
        migrator = create_async_engine(url, poolclass=NullPool)
        try:
            await migrate.upgrade(migrator)
        finally:
            await migrator.dispose()
        pool = {"pool_size": 10, "max_overflow": 20, "pool_recycle": 1800}
        return cls(create_async_engine(url, **AUTOCOMMIT, **pool))

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        async with self._engine.connect() as connection:
            result = await connection.execute(statement, dict(params))
            return Done(result.all() if result.returns_rows else [], result.rowcount)

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        async with self._engine.connect() as connection:
            return await connection.run_sync(work)

    async def close(self) -> None:
        await self._engine.dispose()


def _sqlite_pragmas(connection: Any, _record: Any, busy_ms: int = 5000) -> None:
    """WAL lets readers and the writer work at once; NORMAL sync keeps a commit from waiting for
    the disk and still survives a killed process; a busy writer is waited for ``busy_ms``."""
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={busy_ms}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_never_waits(connection: Any, record: Any) -> None:
    _sqlite_pragmas(connection, record, busy_ms=0)


def _sqlite_transactions(connection: Any, record: Any) -> None:
    """Let SQLAlchemy, not the driver, begin transactions, so that DDL is transactional too."""
    _sqlite_pragmas(connection, record)
    connection.isolation_level = None


def _sqlite_begin_immediate(connection: Connection) -> None:
    """Take the write lock at once: processes migrating one file go one after another."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _migrate_sqlite(url: URL) -> None:
    migrator = create_engine(url, poolclass=NullPool)
    event.listen(migrator, "connect", _sqlite_transactions)
    event.listen(migrator, "begin", _sqlite_begin_immediate)
    try:
        migrate.upgrade_sync(migrator)
    finally:
        migrator.dispose()


def _locked(exc: OperationalError) -> bool:
    """SQLITE_BUSY: another connection holds the lock this statement needs."""
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)


class SqliteDriver:
    def __init__(self, here: Engine, waiting: Engine, thread: ThreadPoolExecutor) -> None:
        self._here = here  # used on the event loop; never waits for a lock
        self._waiting = waiting  # used in the store's thread; waits up to 5 s for a lock
        self._thread = thread
        self.dialect = here.dialect.name

    @classmethod
    async def open(cls, url: URL) -> SqliteDriver:
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        try:
            await asyncio.get_running_loop().run_in_executor(thread, _migrate_sqlite, url)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        here = create_engine(url, **AUTOCOMMIT, pool_size=1)
        event.listen(here, "connect", _sqlite_never_waits)
        waiting = create_engine(url, **AUTOCOMMIT, pool_size=1)
        event.listen(waiting, "connect", _sqlite_pragmas)
        return cls(here, waiting, thread)

    async def _in_thread(self, work: Callable[[Connection], T]) -> T:
        def on_a_connection() -> T:
            with self._waiting.connect() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._thread, on_a_connection)

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        try:
            with self._here.connect() as connection:
                return _execute(connection, statement, params)
        except OperationalError as exc:
            if not _locked(exc):
                raise
        return await self._in_thread(lambda connection: _execute(connection, statement, params))

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        return await self._in_thread(work)

    async def close(self) -> None:
        self._here.dispose()
        await asyncio.get_running_loop().run_in_executor(self._thread, self._waiting.dispose)
        self._thread.shutdown(wait=False)
