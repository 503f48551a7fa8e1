"""The desk's statements on the relational store: a record's state, its audit trail, its posts
and the reminders of URGENT records nobody has acknowledged.

Each change is one conditional UPDATE (``WHERE state IN (...)``), which SQLite and PostgreSQL
both apply atomically, written in one transaction with its audit row: two presses at once, on
one server or two, change the record once and the loser is told who has it. Claiming reminders
is one ``UPDATE ... RETURNING``: on PostgreSQL a second server's UPDATE waits for the first's
row lock and then finds the row no longer due, so exactly one server raises each reminder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable

from bot.core.lifecycle import (
    ACKNOWLEDGE_FROM,
    CLOSE_FROM,
    SYSTEM,
    Action,
    Actor,
    AuditEntry,
    Change,
    DeskRecord,
    Lifecycle,
    Post,
    State,
)
from bot.core.messages import DecisionRecord
from bot.core.storage.drivers import Done, Step, Unchanged
from bot.core.storage.schema import record_events, record_posts, records

LIFECYCLE_FIELDS = tuple(Lifecycle.__dataclass_fields__)
LIFECYCLE_COLUMNS = [records.c[name] for name in LIFECYCLE_FIELDS]
_desk = select(records.c.data, records.c.comment, *LIFECYCLE_COLUMNS)


class DeskTables:
    """Mixed into ``RelationalStore``, which provides ``_run`` and ``_transaction``."""

    backend: str

    async def _run(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Done:
        raise NotImplementedError

    async def _transaction(self, steps: Sequence[Step]) -> list[Done]:
        raise NotImplementedError

    async def desk_record(self, record_id: str) -> DeskRecord | None:
        """One record with where it stands, or ``None``."""
        rows = (await self._run(_desk.where(records.c.id == record_id))).rows
        return desk_of(rows[0]) if rows else None

    async def acknowledge_record(self, record_id: str, actor: Actor, at: str) -> Change | None:
        """Take a new record; a record already taken (or closed) is left as it is and the
        change says who has it. ``None`` when there is no such record."""
        values = {"acknowledged_by": actor.id, "acknowledged_by_name": actor.name, "acknowledged_at": at}
        return await self._change(record_id, ACKNOWLEDGE_FROM, State.ACKNOWLEDGED, values, actor, at, None)

    async def close_record(
        self, record_id: str, actor: Actor, at: str, *, resolution: str, note: str | None = None
    ) -> Change | None:
        """Close a new or acknowledged record with a resolution and an optional note."""
        values = {
            "closed_by": actor.id,
            "closed_by_name": actor.name,
            "closed_at": at,
            "resolution": resolution,
            "note": note,
        }
        return await self._change(record_id, CLOSE_FROM, State.CLOSED, values, actor, at, resolution)

    async def _change(
        self,
        record_id: str,
        start: tuple[State, ...],
        end: State,
        values: dict[str, Any],
        actor: Actor,
        at: str,
        detail: str | None,
    ) -> Change | None:
        update = (
            records.update()
            .where(records.c.id == record_id, records.c.state.in_([s.value for s in start]))
            .values(state=end.value, remind=False, **values)
        )
        event = _event_row(AuditEntry(record_id, actor.id, actor.name, end.value, at, detail))
        try:
            await self._transaction([Step(update, {}, must_change=True), Step(record_events.insert(), event)])
            changed = True
        except Unchanged:
            changed = False
        desk = await self.desk_record(record_id)
        return None if desk is None else Change(desk, changed)

    async def queue(
        self, *, states: Sequence[State] = (), urgency: str | None = None, limit: int = 100
    ) -> list[DeskRecord]:
        """Records newest first, optionally only in some states or of one urgency."""
        query = _desk.order_by(records.c.created_at.desc(), records.c.id.desc()).limit(limit)
        if states:
            query = query.where(records.c.state.in_([s.value for s in states]))
        if urgency:
            query = query.where(records.c.urgency == urgency)
        return [desk_of(row) for row in (await self._run(query)).rows]

    async def sent_records(self, *, user: str, channel: str, limit: int = 5) -> list[DeskRecord]:
        """An officer's own records, newest first, with where each stands at the desk."""
        query = (
            _desk.where(records.c.user == user, records.c.channel == channel)
            .order_by(records.c.created_at.desc(), records.c.id.desc())
            .limit(limit)
        )
        return [desk_of(row) for row in (await self._run(query)).rows]

    async def trail(self, record_id: str) -> list[AuditEntry]:
        """Every action on a record, oldest first."""
        return (await self.trails([record_id]))[record_id]

    async def trails(self, record_ids: Sequence[str]) -> dict[str, list[AuditEntry]]:
        """Every action on each of these records, oldest first, in one query: a whole queue's
        trails cost one round trip, not one per record."""
        found: dict[str, list[AuditEntry]] = {r: [] for r in record_ids}
        if not found:
            return found
        query = (
            select(*(record_events.c[name] for name in AuditEntry.__dataclass_fields__))
            .where(record_events.c.record_id.in_(list(found)))
            .order_by(record_events.c.id)
        )
        for row in (await self._run(query)).rows:
            entry = AuditEntry(**row._asdict())
            found[entry.record_id].append(entry)
        return found

    async def add_event(self, entry: AuditEntry) -> None:
        await self._run(record_events.insert(), _event_row(entry))

    async def claim_reminders(self, *, now: str, due: str) -> list[DeskRecord]:
        """URGENT records still new and last raised (or sent) at or before ``due``, marked as
        raised ``now`` in the same statement: each is returned to exactly one caller, whichever
        server it runs on. Each claim is written to the record's audit trail."""
        raised = func.coalesce(records.c.reminded_at, records.c.created_at)  # read only where remind is set
        claim = (
            records.update()
            .where(records.c.remind, records.c.state == State.NEW.value, raised <= bindparam("due"))
            .values(reminded_at=bindparam("now"))
            .returning(records.c.data, records.c.comment, *LIFECYCLE_COLUMNS)
        )
        claimed = [desk_of(row) for row in (await self._run(claim, {"due": due, "now": now})).rows]
        if claimed:
            entries = [AuditEntry(d.id, SYSTEM, None, Action.REMINDED.value, now) for d in claimed]
            await self._run(record_events.insert().values([_event_row(e) for e in entries]))
        return sorted(claimed, key=lambda d: (d.record.created_at, d.id))

    async def add_post(self, post: Post) -> None:
        """Remember where a record was posted (again: the newest post of a channel wins)."""
        insert = postgresql_insert if self.backend == "postgresql" else sqlite_insert
        statement = insert(record_posts)
        upsert = statement.on_conflict_do_update(
            index_elements=[record_posts.c.record_id, record_posts.c.channel, record_posts.c.target],
            set_={
                "conversation": statement.excluded.conversation,
                "message_id": statement.excluded.message_id,
                "service_url": statement.excluded.service_url,
            },
        )
        await self._run(upsert, _post_row(post))

    async def posts(self, record_id: str) -> list[Post]:
        query = select(*(record_posts.c[n] for n in Post.__dataclass_fields__)).where(
            record_posts.c.record_id == record_id
        )
        return [Post(**row._asdict()) for row in (await self._run(query)).rows]


def desk_of(row: Row[Any]) -> DeskRecord:
    return DeskRecord(stored_record(row.data, row.comment), lifecycle_of(row))


def lifecycle_of(row: Row[Any]) -> Lifecycle:
    """Read field by field: ``Row._asdict`` cost more than the rest of a queue's rows."""
    values = {name: getattr(row, name) for name in LIFECYCLE_FIELDS}
    return Lifecycle(**(values | {"state": State(values["state"])}))


def stored_record(data: str, comment: str | None) -> DecisionRecord:
    fields = json.loads(data)
    fields.pop("comment", None)
    fields["path"] = tuple((str(node), str(answer)) for node, answer in fields.get("path") or [])
    return DecisionRecord(**fields, comment=comment)


def sent_event(record: DecisionRecord) -> dict[str, Any]:
    """The first line of a record's trail: the officer sent it."""
    entry = AuditEntry(
        record.id, record.user, record.user_name, Action.SENT.value, record.created_at, record.urgency
    )
    return _event_row(entry)


def _event_row(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AuditEntry.__dataclass_fields__}


def _post_row(post: Post) -> dict[str, Any]:
    return {name: getattr(post, name) for name in Post.__dataclass_fields__}
