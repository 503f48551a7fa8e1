"""The store port every backend implements; one contract test suite runs against each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from bot.core.lifecycle import Actor, AuditEntry, Change, DeskRecord, Lifecycle, Post, State
from bot.core.messages import DecisionRecord, InductionRecord


def conversation_key(channel: str, conversation: str, user: str) -> str:
    """State is per channel, conversation and user: two officers in one channel don't mix."""
    return f"{channel}/conversations/{conversation}/users/{user}"


@dataclass(frozen=True)
class Saved:
    """A conversation's state as the store keeps it: the JSON the engine wrote, the version
    it was read at (0 for a new conversation) and when it last changed (for the purge)."""

    data: str
    version: int = 0
    updated_at: float = 0.0


@dataclass(frozen=True)
class UnansweredQuestion:
    asked_at: str
    text: str


@dataclass(frozen=True)
class AnsweredQuestion:
    """Which FAQ entry an officer was answered with, and when: not the question, not who."""

    entry: str
    answered_at: str


@dataclass(frozen=True)
class AnsweredCount:
    """How often one FAQ entry was answered in one week (``week`` is its Monday)."""

    week: date
    entry: str
    count: int


@dataclass(frozen=True)
class StoredRecord:
    """A decision record as kept for audit, with the content version it was decided under."""

    record: DecisionRecord
    content_version: str
    lifecycle: Lifecycle = field(default_factory=Lifecycle)

    @property
    def comment_attached(self) -> bool:
        """The officer chose to attach the comment; nothing else ever stores one."""
        return self.record.comment is not None


@dataclass(frozen=True)
class Effects:
    """What a turn writes besides its state, kept in the same transaction as the state: a walk
    is never closed without its record, and a record never kept for a walk still open."""

    content_version: str
    records: tuple[DecisionRecord, ...] = ()
    induction: InductionRecord | None = None
    unanswered: tuple[UnansweredQuestion, ...] = ()
    answered: tuple[AnsweredQuestion, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.records or self.induction or self.unanswered or self.answered)

    @property
    def only_answered(self) -> bool:
        """Nothing but the log of entries answered, which needs no conversation state saved."""
        return not (self.records or self.induction or self.unanswered)


@dataclass(frozen=True)
class Purged:
    """How many rows a retention purge deleted, by kind."""

    records: int
    inductions: int
    unanswered: int
    conversations: int
    answered: int


class Store(Protocol):
    async def load(self, key: str) -> Saved | None:
        """The saved state, with its version, or ``None`` for a new conversation."""

    async def save(self, key: str, state: Saved, effects: Effects | None = None) -> int:
        """Save if the stored version is still ``state.version``; return the new version.

        Raises ``ConflictError`` when another turn saved first, so no step is lost or doubled.
        ``effects`` are written in the same transaction: all of it is kept, or none of it.
        """

    async def add_record(self, record: DecisionRecord, content_version: str) -> None:
        """Keep a decision record sent to the Communications Team."""

    async def records(self, *, user: str | None = None, limit: int = 20) -> list[DecisionRecord]:
        """The newest records first, optionally for one user."""

    async def sent_records(self, *, user: str, channel: str, limit: int = 5) -> list[DeskRecord]:
        """An officer's own records, newest first, with where each stands at the desk: what
        they see when they ask "did comms get my record?"."""

    async def save_induction(self, record: InductionRecord) -> None:
        """Create or update one attempt at the induction (per channel, user and start time):
        taking it again is a new attempt beside the completed one, never over it."""

    async def inductions(self, *, since: str | None = None) -> list[InductionRecord]:
        """Induction attempts started on or after ``since`` (ISO date), oldest first."""

    async def attempts(self, *, channel: str, user: str) -> list[InductionRecord]:
        """One officer's induction attempts in one channel, oldest first."""

    async def remember(self, name: str, value: str) -> None:
        """Keep a small named value (for example where a channel's Communications Team is)."""

    async def recall(self, name: str) -> str | None:
        """A value kept by ``remember``, or ``None``."""

    async def log_unanswered(self, text: str, asked_at: str) -> None:
        """Note a question the policy could not answer: text and time, never who asked."""

    async def unanswered(self, limit: int = 100) -> list[UnansweredQuestion]:
        """The newest unanswered questions first, for the content owners."""

    async def log_answered(self, answered: Sequence[AnsweredQuestion]) -> None:
        """Note which FAQ entries were answered and when (a turn that saves no state)."""

    async def answered_counts(self, *, since: str) -> list[AnsweredCount]:
        """How often each entry was answered, per ISO week (Monday), for answers on or after
        ``since`` (ISO date); weeks oldest first, the most answered first within a week."""

    async def outcome_counts(self, *, since: str) -> list[AnsweredCount]:
        """How many decision records reached each outcome (its id in ``entry``), per ISO week
        (Monday), for records created on or after ``since``; weeks oldest first, the most
        reached first within a week."""

    async def export(self, *, since: str | None = None) -> list[StoredRecord]:
        """Decision records created on or after ``since`` (ISO date), oldest first, for audit."""

    async def purge(self, before: datetime) -> Purged:
        """Delete records, the answered and unanswered logs and idle conversation state older
        than ``before``."""

    async def claim_delivery(self, key: str, *, now: float, ttl_seconds: float) -> bool:
        """Take a platform delivery for processing: ``True`` the first time ``key`` is claimed
        within ``ttl_seconds``, ``False`` for a retry or replay some server already took."""

    async def release_delivery(self, key: str) -> None:
        """Give a claim back when its turn could not be processed, so a retry is answered."""

    async def ping(self) -> None:
        """Raise ``StorageError`` unless the database can be written (for health checks): a
        read-only database answers reads while every turn fails."""

    async def close(self) -> None:
        """Release the connection."""


class DeskStore(Protocol):
    """The Communications Team's desk: a record's state, its audit trail and its posts. Every
    change is atomic across servers; see ``bot/core/lifecycle.py`` for the values."""

    async def desk_record(self, record_id: str) -> DeskRecord | None:
        """One record with where it stands, or ``None``."""

    async def acknowledge_record(self, record_id: str, actor: Actor, at: str) -> Change | None:
        """Take a new record (audited); a record past new is left as it is, ``changed`` False.
        ``None`` when there is no such record."""

    async def close_record(
        self, record_id: str, actor: Actor, at: str, *, resolution: str, note: str | None = None
    ) -> Change | None:
        """Close a new or acknowledged record (audited); a closed one is left as it is."""

    async def queue(
        self, *, states: Sequence[State] = (), urgency: str | None = None, limit: int = 100
    ) -> list[DeskRecord]:
        """Records newest first, optionally only in some states or of one urgency."""

    async def trail(self, record_id: str) -> list[AuditEntry]:
        """Every action on a record, oldest first."""

    async def trails(self, record_ids: Sequence[str]) -> dict[str, list[AuditEntry]]:
        """Every action on each of these records, oldest first, keyed by record id."""

    async def add_event(self, entry: AuditEntry) -> None:
        """Add a line to a record's audit trail."""

    async def claim_reminders(self, *, now: str, due: str) -> list[DeskRecord]:
        """URGENT records still new and last raised at or before ``due``, marked raised at
        ``now``: each is returned to exactly one caller across every server."""

    async def add_post(self, post: Post) -> None:
        """Remember where a record was posted, so the post can be updated."""

    async def posts(self, record_id: str) -> list[Post]:
        """Where a record was posted."""
