"""How statements reach each database: the one place where SQLite and PostgreSQL differ.

PostgreSQL runs on asyncpg through SQLAlchemy's asyncio engine, with a pool of connections.

SQLite runs on Python's own sqlite3 driver. A statement first runs right here on the event loop:
reading or writing one row of a local file takes tens of microseconds, less than handing it to
a thread (the asyncio SQLite drivers cross threads several times per statement, which tripled
the cost of a turn). That connection never waits for a lock: if another process is writing,
the statement is handed to the store's own thread, which waits its turn without holding up the
event loop.

No statement waits for a lock longer than ``WAIT_SECONDS``: a turn that cannot get the store in
that time is given up (the officer gets the polite error at once), and turns queued behind it in
the store's thread do not each wait again: their time is counted from when they were handed over.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
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
# The longest a statement waits for a lock (another process writing the SQLite file, a row
# another server is updating): well inside Slack's three seconds.
WAIT_SECONDS = 2.0
MIGRATION_WAIT_MS = 5000


class LockTimeout(TimeoutError):
    """The database stayed locked for longer than ``WAIT_SECONDS``."""


class Unchanged(Exception):
    """A step that had to change a row changed none; its transaction was rolled back."""


@dataclass(frozen=True)
class Step:
    """One statement of a transaction; ``must_change`` rolls everything back if it changes no
    row (a conditional save that another turn beat)."""

    statement: Executable
    params: Mapping[str, Any]
    must_change: bool = False


@dataclass(frozen=True)
class Done:
    """What a statement gave back, read before its connection went back to the pool."""

    rows: Sequence[Row[Any]]
    rowcount: int


class Driver(Protocol):
    dialect: str

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        """Run one statement on a connection of the pool; raise SQLAlchemy's own errors."""

    async def transaction(self, steps: Sequence[Step]) -> list[Done]:
        """Run the steps in one transaction: all of them are kept, or none (``Unchanged``)."""

    async def write(self, statement: Executable, params: Mapping[str, Any]) -> int:
        """Run a write built once and kept (never one built per call) and return its row
        count: the hot path, where SQLite skips SQLAlchemy's per-statement machinery."""

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        """Run blocking SQLAlchemy code (migrations, inspection) on one connection."""

    async def close(self) -> None: ...


def _execute(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> Done:
    result = connection.execute(statement, dict(params))
    return Done(result.all() if result.returns_rows else [], result.rowcount)


def _checked(step: Step, done: Done) -> Done:
    if step.must_change and done.rowcount != 1:
        raise Unchanged(str(step.statement))
    return done


def _sqlite_transaction(connection: Connection, steps: Sequence[Step]) -> list[Done]:
    """The pysqlite connection is in autocommit mode, so the transaction is begun by hand;
    IMMEDIATE takes the write lock first, so no step can find the file locked half-way."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        done = [_checked(step, _execute(connection, step.statement, step.params)) for step in steps]
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    connection.exec_driver_sql("COMMIT")
    return done


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
        pool = {"pool_size": 10, "max_overflow": 20, "pool_recycle": 1800, "pool_timeout": WAIT_SECONDS}
        waits = {"timeout": WAIT_SECONDS, "server_settings": {"lock_timeout": str(int(WAIT_SECONDS * 1000))}}
        return cls(create_async_engine(url, **AUTOCOMMIT, **pool, connect_args=waits))

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        async with self._engine.connect() as connection:
            result = await connection.execute(statement, dict(params))
            return Done(result.all() if result.returns_rows else [], result.rowcount)

    async def transaction(self, steps: Sequence[Step]) -> list[Done]:
        async with self._engine.connect() as autocommit:
            connection = await autocommit.execution_options(isolation_level="READ COMMITTED")
            async with connection.begin():
                done = []
                for step in steps:
                    result = await connection.execute(step.statement, dict(step.params))
                    rows = result.all() if result.returns_rows else []
                    done.append(_checked(step, Done(rows, result.rowcount)))
                return done

    async def write(self, statement: Executable, params: Mapping[str, Any]) -> int:
        return (await self.execute(statement, params)).rowcount

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        async with self._engine.connect() as connection:
            return await connection.run_sync(work)

    async def close(self) -> None:
        await self._engine.dispose()


def _sqlite_pragmas(connection: Any, _record: Any, busy_ms: int = MIGRATION_WAIT_MS) -> None:
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


@dataclass(frozen=True)
class _Compiled:
    """A statement's SQL for sqlite3, its parameters in order and their type conversions."""

    sql: str
    names: tuple[str, ...]
    convert: Mapping[str, Callable[[Any], Any]]

    @classmethod
    def of(cls, statement: Executable, params: Mapping[str, Any], engine: Engine) -> _Compiled:
        compiled = statement.compile(dialect=engine.dialect, column_keys=list(params))  # type: ignore[attr-defined]
        return cls(compiled.string, tuple(compiled.positiontup or ()), dict(compiled._bind_processors))

    def values(self, params: Mapping[str, Any]) -> list[Any]:
        convert = self.convert
        return [convert[n](params[n]) if n in convert else params[n] for n in self.names]


def _locked(exc: OperationalError) -> bool:
    """SQLITE_BUSY: another connection holds the lock this statement needs."""
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)


class SqliteDriver:
    def __init__(self, here: Engine, waiting: Engine, thread: ThreadPoolExecutor) -> None:
        self._here = here  # used on the event loop; never waits for a lock
        # One connection kept open for the event loop: a statement there runs to its end
        # without yielding, so nothing can interleave on it, and a pool check-out and return
        # per statement cost as much as a small statement itself.
        self._loop_connection = here.connect()
        self._compiled: dict[tuple[Executable, frozenset[str]], _Compiled] = {}
        self._waiting = waiting  # used in the store's thread; waits for a lock until a deadline
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

    async def _in_thread(self, work: Callable[[Connection], T], wait: float | None = WAIT_SECONDS) -> T:
        """Run ``work`` in the store's thread, waiting for a lock until ``wait`` seconds after
        now: time spent queued behind other work counts, so a queue never multiplies the wait."""
        deadline = None if wait is None else time.monotonic() + wait

        def on_a_connection() -> T:
            with self._waiting.connect() as connection:
                busy_ms = MIGRATION_WAIT_MS
                if deadline is not None:
                    busy_ms = int((deadline - time.monotonic()) * 1000)
                    if busy_ms <= 0:
                        raise LockTimeout(f"database is locked (waited {WAIT_SECONDS:g} s)")
                connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._thread, on_a_connection)

    def _on_loop(self) -> Connection:
        """The kept connection, opened afresh if the driver ever invalidated it."""
        if self._loop_connection.invalidated or self._loop_connection.closed:
            self._loop_connection = self._here.connect()
        return self._loop_connection

    async def execute(self, statement: Executable, params: Mapping[str, Any]) -> Done:
        try:
            return _execute(self._on_loop(), statement, params)
        except OperationalError as exc:
            if not _locked(exc):
                raise
        return await self._in_thread(lambda connection: _execute(connection, statement, params))

    async def write(self, statement: Executable, params: Mapping[str, Any]) -> int:
        """The compiled SQL straight to sqlite3 on the loop's connection; anything unusual
        (a lock, an error) goes the ordinary way, which waits or raises as ``execute`` does."""
        key = (statement, frozenset(params))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled.of(statement, params, self._here)
        raw = self._on_loop().connection.dbapi_connection
        if raw is not None:
            try:
                return int(raw.execute(compiled.sql, compiled.values(params)).rowcount)
            except sqlite3.Error:
                pass
        return (await self.execute(statement, params)).rowcount

    async def transaction(self, steps: Sequence[Step]) -> list[Done]:
        try:
            return _sqlite_transaction(self._on_loop(), steps)
        except OperationalError as exc:
            if not _locked(exc):
                raise
        return await self._in_thread(lambda connection: _sqlite_transaction(connection, steps))

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        return await self._in_thread(work, wait=None)

    async def close(self) -> None:
        self._loop_connection.close()
        self._here.dispose()
        await asyncio.get_running_loop().run_in_executor(self._thread, self._waiting.dispose)
        self._thread.shutdown(wait=False)
