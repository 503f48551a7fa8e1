"""The store on a relational database through SQLAlchemy Core: SQLite or PostgreSQL, one
schema (``schema.py``) kept current by Alembic migrations; ``drivers.py`` holds the only
difference, how a statement reaches the database.

Every statement runs in autocommit: a turn costs one round trip to load and one to save, and the
save is a single conditional UPDATE, which both databases apply atomically. That is what makes
the version check safe across processes and servers without holding a transaction open. A turn
that also writes a record (or an induction attempt, or an unanswered question) saves its state
and those rows in one short transaction, so a failed write leaves the walk as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.sql import Executable

from bot.core.errors import ConflictError, StorageError
from bot.core.messages import DecisionRecord, InductionRecord, timestamp
from bot.core.storage.desk import LIFECYCLE_COLUMNS, DeskTables, lifecycle_of, sent_event, stored_record
from bot.core.storage.drivers import Done, Driver, PostgresDriver, SqliteDriver, Step, Unchanged
from bot.core.storage.migrate import NewerSchemaError
from bot.core.storage.port import (
    AnsweredCount,
    AnsweredQuestion,
    Effects,
    Purged,
    Saved,
    StoredRecord,
    UnansweredQuestion,
)
from bot.core.storage.schema import (
    answered,
    conversations,
    deliveries,
    induction_attempts,
    inductions,
    kept,
    record_events,
    record_posts,
    records,
    unanswered,
)

T = TypeVar("T")
HEARTBEAT = "health-heartbeat"  # the ``kept`` row the health check writes
DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+asyncpg"}
CLEAR_CLAIMS_EVERY = 256
ALIASES = {"postgres": "postgresql", "postgresql+asyncpg": "postgresql", "sqlite+pysqlite": "sqlite"}


def driver_url(url: str) -> URL:
    """``sqlite:///PATH`` or ``postgresql://…`` with the driver the store uses; libpq's
    ``sslmode`` becomes asyncpg's ``ssl`` so a hosted database's usual URL works unchanged."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"DATABASE_URL is not a database URL: {exc}") from None
    backend = ALIASES.get(parsed.drivername, parsed.drivername)
    if backend not in DRIVERS:
        raise StorageError(f"DATABASE_URL: {parsed.drivername} is not supported (sqlite or postgresql)")
    query = dict(parsed.query)
    if "sslmode" in query:
        query["ssl"] = query.pop("sslmode")
    return parsed.set(drivername=DRIVERS[backend], query=query)


def shown_url(url: str) -> str:
    """The URL with any password hidden, for start-up lines and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


_record_day = func.substr(records.c.created_at, 1, 10)
_record_time = records.c.created_at  # the method ``records`` hides the table inside the class
_records_by_day = select(
    _record_day.label("day"), records.c.outcome.label("entry"), func.count().label("n")
).group_by(_record_day, records.c.outcome)


log = logging.getLogger(__name__)
ANSWERED_BATCH = 256  # answered-log rows written in one transaction (one FAQ turn in 256 carries it)
ANSWERED_WAIT = 5.0  # the longest, in seconds, a row waits for its batch (checked as rows come)


class RelationalStore(DeskTables):
    """The ``Store`` and ``DeskStore`` ports on SQLAlchemy Core; statements are built once and
    reused."""

    def __init__(self, driver: Driver) -> None:
        self._driver = driver
        self.backend = driver.dialect
        insert = postgresql_insert if self.backend == "postgresql" else sqlite_insert
        upsert_induction = insert(induction_attempts)
        self._save_induction = upsert_induction.on_conflict_do_update(
            index_elements=[c for c in induction_attempts.c if c.primary_key],
            set_={
                c.name: upsert_induction.excluded[c.name] for c in induction_attempts.c if not c.primary_key
            },
        )
        claim = insert(deliveries)
        self._claim = claim.on_conflict_do_update(
            index_elements=[deliveries.c.key],
            set_={"seen_at": claim.excluded.seen_at},
            where=deliveries.c.seen_at < bindparam("expired"),
        )
        self._claims = 0
        self._answered: list[AnsweredQuestion] = []  # the answered log, waiting for its batch
        self._answered_since = 0.0
        self._insert_state_once = insert(conversations).on_conflict_do_nothing()
        upsert_kept = insert(kept)
        self._remember = upsert_kept.on_conflict_do_update(
            index_elements=[kept.c.name], set_={"value": upsert_kept.excluded.value}
        )

    @classmethod
    async def open(cls, url: str) -> RelationalStore:
        """Connect, creating a SQLite file's folder on first run, and migrate to the newest schema."""
        target = driver_url(url)
        try:
            if target.get_backend_name() == "postgresql":
                return cls(await PostgresDriver.open(target))
            if target.database and target.database != ":memory:":
                Path(target.database).parent.mkdir(parents=True, exist_ok=True)
            return cls(await SqliteDriver.open(target))
        except (OSError, SQLAlchemyError, NewerSchemaError, TypeError, ValueError, OverflowError) as exc:
            # TypeError, ValueError, OverflowError: an option the driver does not take
            # (``?foo=1``, ``?sslmode=bogus``) or a port out of range
            where = target.render_as_string(hide_password=True)
            raise StorageError(f"cannot open the database {where}: {_reason(exc)}") from None

    async def _run(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Done:
        """Run one statement; a connection the server dropped (a restart, a failover) is replaced
        and the statement tried once more before the turn is given up."""
        for attempt in (1, 2):
            try:
                return await self._driver.execute(statement, params or {})
            except IntegrityError:
                raise
            except DBAPIError as exc:
                if exc.connection_invalidated and attempt == 1:
                    continue
                raise StorageError(f"database error: {_reason(exc)}") from None
            except (OSError, SQLAlchemyError) as exc:
                raise StorageError(f"database error: {_reason(exc)}") from None
        raise AssertionError("unreachable")

    async def _transaction(self, steps: Sequence[Step]) -> list[Done]:
        try:
            return await self._driver.transaction(steps)
        except Unchanged:
            raise
        except DBAPIError as exc:
            raise StorageError(f"database error: {_reason(exc)}") from None
        except (OSError, SQLAlchemyError) as exc:
            raise StorageError(f"database error: {_reason(exc)}") from None

    async def run_sync(self, work: Callable[[Connection], T]) -> T:
        """Run blocking SQLAlchemy code on one of the store's connections: for maintenance
        (migrations, inspection) and the tests that check them."""
        return await self._driver.run_sync(work)

    # Conversation state --------------------------------------------------------------------

    _load = select(conversations.c.data, conversations.c.version, conversations.c.updated_at).where(
        conversations.c.key == bindparam("key")
    )
    _insert_state = conversations.insert()
    _update_state = (
        conversations.update()
        .where(conversations.c.key == bindparam("k"), conversations.c.version == bindparam("seen"))
        .values(version=bindparam("version"), data=bindparam("data"), updated_at=bindparam("updated_at"))
    )

    async def load(self, key: str) -> Saved | None:
        rows = (await self._run(self._load, {"key": key})).rows
        return Saved(rows[0].data, rows[0].version, rows[0].updated_at) if rows else None

    async def save(self, key: str, state: Saved, effects: Effects | None = None) -> int:
        new = state.version + 1
        values = {"version": new, "data": state.data, "updated_at": state.updated_at}
        if effects:
            return await self._save_with(key, state, values, effects)
        if state.version == 0:
            try:
                await self._run(self._insert_state, {"key": key, **values})
            except IntegrityError:
                raise ConflictError(f"conversation {key} was started by another turn") from None
            return new
        done = await self._run(self._update_state, {"k": key, "seen": state.version, **values})
        if done.rowcount != 1:
            raise ConflictError(f"conversation {key} changed since version {state.version}")
        return new

    async def _save_with(self, key: str, state: Saved, values: dict[str, Any], effects: Effects) -> int:
        """The state and the turn's rows in one transaction; a lost race keeps none of it."""
        if state.version == 0:
            first = Step(self._insert_state_once, {"key": key, **values}, must_change=True)
        else:
            first = Step(self._update_state, {"k": key, "seen": state.version, **values}, must_change=True)
        steps = [first]
        steps += [Step(records.insert(), _record_row(r, effects.content_version)) for r in effects.records]
        steps += [Step(record_events.insert(), sent_event(r)) for r in effects.records]
        if effects.induction is not None:
            steps.append(Step(self._save_induction, _induction_row(effects.induction)))
        steps += [Step(unanswered.insert(), asdict(q)) for q in effects.unanswered]
        steps += [Step(answered.insert(), asdict(a)) for a in effects.answered]
        try:
            await self._transaction(steps)
        except Unchanged:
            raise ConflictError(f"conversation {key} changed since version {state.version}") from None
        return int(values["version"])

    # Records -------------------------------------------------------------------------------

    async def add_record(self, record: DecisionRecord, content_version: str) -> None:
        steps = [Step(records.insert(), _record_row(record, content_version))]
        await self._transaction([*steps, Step(record_events.insert(), sent_event(record))])

    _newest = select(records.c.data, records.c.comment).order_by(records.c.created_at.desc())

    async def records(self, *, user: str | None = None, limit: int = 20) -> list[DecisionRecord]:
        query = self._newest.where(records.c.user == user) if user else self._newest
        rows = (await self._run(query.limit(limit))).rows
        return [_record(row.data, row.comment) for row in rows]

    async def export(self, *, since: str | None = None) -> list[StoredRecord]:
        query = (
            select(records.c.data, records.c.comment, records.c.content_version, *LIFECYCLE_COLUMNS)
            .where(records.c.created_at >= (since or ""))
            .order_by(records.c.created_at, records.c.id)
        )
        rows = (await self._run(query)).rows
        return [StoredRecord(_record(r.data, r.comment), r.content_version, lifecycle_of(r)) for r in rows]

    async def save_induction(self, record: InductionRecord) -> None:
        await self._run(self._save_induction, _induction_row(record))

    _attempts = select(*(induction_attempts.c[name] for name in InductionRecord.__dataclass_fields__))

    async def inductions(self, *, since: str | None = None) -> list[InductionRecord]:
        query = self._attempts.where(induction_attempts.c.started_at >= (since or "")).order_by(
            induction_attempts.c.started_at, induction_attempts.c.channel, induction_attempts.c.user
        )
        return _inductions((await self._run(query)).rows)

    async def attempts(self, *, channel: str, user: str) -> list[InductionRecord]:
        query = self._attempts.where(
            induction_attempts.c.channel == channel, induction_attempts.c.user == user
        ).order_by(induction_attempts.c.started_at)
        return _inductions((await self._run(query)).rows)

    # Small kept values and the unanswered log -----------------------------------------------

    async def remember(self, name: str, value: str) -> None:
        await self._run(self._remember, {"name": name, "value": value})

    async def recall(self, name: str) -> str | None:
        rows = (await self._run(select(kept.c.value).where(kept.c.name == name))).rows
        return str(rows[0].value) if rows else None

    async def log_unanswered(self, text: str, asked_at: str) -> None:
        await self._run(unanswered.insert(), {"asked_at": asked_at, "text": text})

    async def unanswered(self, limit: int = 100) -> list[UnansweredQuestion]:
        query = select(unanswered.c.asked_at, unanswered.c.text).order_by(unanswered.c.id.desc())
        rows = (await self._run(query.limit(limit))).rows
        return [UnansweredQuestion(row.asked_at, row.text) for row in rows]

    async def log_answered(self, answered_now: Sequence[AnsweredQuestion]) -> None:
        """Kept in batches (``ANSWERED_BATCH`` rows, or ``ANSWERED_WAIT`` seconds): a
        transaction of its own for every FAQ answer was two fifths of the turn. What a crash
        loses is a few seconds of weekly counts, never a record or a conversation."""
        if not answered_now:
            return
        if not self._answered:
            self._answered_since = time.monotonic()
        self._answered.extend(answered_now)
        waited = time.monotonic() - self._answered_since
        if len(self._answered) >= ANSWERED_BATCH or waited >= ANSWERED_WAIT:
            await self._flush_answered()

    async def _flush_answered(self) -> None:
        batch, self._answered = self._answered, []
        if not batch:
            return
        try:  # one INSERT of many rows: one statement, however large the batch
            await self._transaction([Step(answered.insert().values([asdict(a) for a in batch]), {})])
        except StorageError:
            self._answered = batch + self._answered  # kept for the next try
            raise

    _answered_day = func.substr(answered.c.answered_at, 1, 10)
    _answered_by_day = select(_answered_day.label("day"), answered.c.entry, func.count().label("n")).group_by(
        _answered_day, answered.c.entry
    )

    async def answered_counts(self, *, since: str) -> list[AnsweredCount]:
        """Counted per day and entry in the database (the same SQL on both), folded into weeks
        here: at most seven rows per entry and week cross the wire."""
        await self._flush_answered()
        return _by_week((await self._run(self._answered_by_day.where(answered.c.answered_at >= since))).rows)

    async def outcome_counts(self, *, since: str) -> list[AnsweredCount]:
        """Counted like ``answered_counts``: every record of the weeks asked for, however many,
        without reading one."""
        query = _records_by_day.where(_record_time >= since)
        return _by_week((await self._run(query)).rows)

    # Deliveries ----------------------------------------------------------------------------

    async def claim_delivery(self, key: str, *, now: float, ttl_seconds: float) -> bool:
        """One statement decides between servers: the insert wins, or the row of an expired
        claim is taken over; a live claim changes nothing and counts no row. Expired rows are
        cleared every few hundred claims, so the table stays small without a second round
        trip on every delivery."""
        self._claims += 1
        if self._claims % CLEAR_CLAIMS_EVERY == 0:
            await self._run(delete(deliveries).where(deliveries.c.seen_at < now - ttl_seconds))
        params = {"key": key, "seen_at": now, "expired": now - ttl_seconds}
        try:
            return await self._driver.write(self._claim, params) == 1
        except (OSError, SQLAlchemyError) as exc:
            raise StorageError(f"database error: {_reason(exc)}") from None

    async def release_delivery(self, key: str) -> None:
        await self._run(delete(deliveries).where(deliveries.c.key == key))

    # Retention -----------------------------------------------------------------------------

    async def purge(self, before: datetime) -> Purged:
        """Delete records, the answered and unanswered logs and conversation state older than
        ``before``.

        An induction counts from when it finished (or, unfinished, from when it started)."""
        await self._flush_answered()
        cutoff = timestamp(before)
        attempt_time = func.coalesce(induction_attempts.c.finished_at, induction_attempts.c.started_at)
        old_time = func.coalesce(inductions.c.finished_at, inductions.c.started_at)
        await self._run(delete(inductions).where(old_time < cutoff))  # copied into attempts by 0004
        old_records = select(records.c.id).where(records.c.created_at < cutoff)
        for kept_with_record in (record_events, record_posts):  # a record's trail goes with it
            await self._run(delete(kept_with_record).where(kept_with_record.c.record_id.in_(old_records)))
        counts = [
            (await self._run(statement)).rowcount
            for statement in (
                delete(records).where(records.c.created_at < cutoff),
                delete(induction_attempts).where(attempt_time < cutoff),
                delete(unanswered).where(unanswered.c.asked_at < cutoff),
                delete(conversations).where(conversations.c.updated_at < before.timestamp()),
                delete(answered).where(answered.c.answered_at < cutoff),
            )
        ]
        return Purged(*counts)

    async def ping(self) -> None:
        """A write, not a read: upsert a heartbeat row in ``kept``."""
        await self._run(self._remember, {"name": HEARTBEAT, "value": str(time.time())})

    async def close(self) -> None:
        """Write the answered log's last batch, then close; a database already gone costs
        only those counts."""
        try:
            await self._flush_answered()
        except StorageError:
            log.warning("answered log: %d rows not written at close", len(self._answered))
        finally:
            await self._driver.close()


def _record_row(record: DecisionRecord, content_version: str) -> dict[str, Any]:
    data = asdict(record)
    comment = data.pop("comment")
    return {
        "id": record.id,
        "created_at": record.created_at,
        "user": record.user,
        "channel": record.channel,
        "outcome": record.outcome,
        "content_version": content_version,
        "data": json.dumps(data),
        "comment": comment,
        "comment_attached": comment is not None,
        "urgency": record.urgency,
        "remind": record.urgency == "urgent",
    }


def _induction_row(record: InductionRecord) -> dict[str, Any]:
    return asdict(record) | {"acknowledged": int(record.acknowledged)}


def _inductions(rows: Sequence[Any]) -> list[InductionRecord]:
    return [InductionRecord(**(row._asdict() | {"acknowledged": bool(row.acknowledged)})) for row in rows]


def _record(data: str, comment: str | None) -> DecisionRecord:
    return stored_record(data, comment)


def _by_week(rows: Sequence[Any]) -> list[AnsweredCount]:
    """Rows of (day, entry, n) folded into ISO weeks: oldest week first, most first within it."""
    weeks: dict[tuple[date, str], int] = {}
    for row in rows:
        key = (_monday(row.day), row.entry)
        weeks[key] = weeks.get(key, 0) + int(row.n)
    ordered = sorted(weeks.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return [AnsweredCount(week, entry, count) for (week, entry), count in ordered]


def _monday(day: str) -> date:
    """The Monday starting the ISO week a day (``YYYY-MM-DD``) falls in."""
    moment = date.fromisoformat(day)
    return moment - timedelta(days=moment.weekday())


def _reason(exc: BaseException) -> str:
    """The driver's own first line, without SQLAlchemy's SQL echo and help links."""
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
