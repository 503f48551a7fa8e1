"""A record's life at the Communications Team's desk, as plain values: new, then acknowledged
(who, when), then closed (who, when, a resolution and an optional note), with every action kept
in an audit trail. The store changes a state with one conditional statement, so two people (or
two servers) pressing at once cannot both win; these types only carry what it decided."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.core.messages import DecisionRecord


class State(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Action(enum.StrEnum):
    """What the audit trail records."""

    SENT = "sent"  # the officer sent the record
    POSTED = "posted"  # a channel posted it to the Communications Team
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"
    REMINDED = "reminded"  # an URGENT record was raised again, unacknowledged


# The states each change may start from; anything else leaves the record as it is.
ACKNOWLEDGE_FROM = (State.NEW,)
CLOSE_FROM = (State.NEW, State.ACKNOWLEDGED)
SYSTEM = "system"  # the actor id of what the bot does by itself (reminders)


@dataclass(frozen=True)
class Actor:
    """Who did something: a Slack or Teams user id (or a dashboard login) and a display name."""

    id: str
    name: str | None = None

    @property
    def shown(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Lifecycle:
    """Where a record stands. ``acknowledged_*`` stay empty when it was closed straight from new."""

    state: State = State.NEW
    acknowledged_by: str | None = None
    acknowledged_by_name: str | None = None
    acknowledged_at: str | None = None
    closed_by: str | None = None
    closed_by_name: str | None = None
    closed_at: str | None = None
    resolution: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class DeskRecord:
    """A decision record with where it stands at the desk."""

    record: DecisionRecord
    lifecycle: Lifecycle

    @property
    def id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Change:
    """What an acknowledge or close did: ``changed`` is False when the record was already past
    that point (a second press, a stale button), and ``desk`` shows who has it."""

    desk: DeskRecord
    changed: bool


@dataclass(frozen=True)
class AuditEntry:
    """One action on a record: who, what, when, and a short detail (a resolution, a channel)."""

    record_id: str
    actor_id: str
    actor_name: str | None
    action: str
    at: str
    detail: str | None = None


@dataclass(frozen=True)
class Post:
    """Where a record was posted, so the post can be updated when its state changes: the
    channel (``slack``, ``teams``), the conversation and the message's id there. ``target``
    ``officer`` keeps how to reach the officer privately on channels that need it (Teams)."""

    record_id: str
    channel: str
    target: str  # "comms" or "officer"
    conversation: str
    message_id: str | None = None
    service_url: str | None = None
