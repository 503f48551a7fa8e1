"""The Communications Team's desk, independent of any channel: acknowledge and close records,
read the queue and a record's audit trail, and raise URGENT records nobody has picked up.

Slack, Teams and the web dashboard all call these same methods. A change goes through the
store's conditional update (so a second press, on any server, changes nothing and is told who
has the record); then every post of the record is updated, in whichever channel it was posted,
and the officer who sent it is told privately. Channels plug in as ``DeskChannel`` hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.content.models import Content, Resolution
from bot.core.lifecycle import SYSTEM, Action, Actor, AuditEntry, DeskRecord, Post, State
from bot.core.messages import Choice, Reply, shown_time, timestamp
from bot.core.present import Presenter
from bot.core.storage import DeskStore

log = logging.getLogger("advisor.desk")

PRESS_PREFIX = "desk:"  # a button value for the desk, not for a conversation
ACKNOWLEDGE, CLOSE = "ack", "close"
NOTE_LIMIT = 500


class DeskChannel(Protocol):
    """What a channel does for the desk; each call logs its own delivery failures and returns."""

    name: str  # "slack", "teams": matches ``Post.channel``

    async def update_post(self, post: Post, message: Reply) -> None:
        """Show the record's post as ``message`` for everyone in the channel."""

    async def tell_officer(self, desk: DeskRecord, text: str) -> bool:
        """Tell the officer who sent the record, privately; False if this channel cannot reach them."""

    async def remind(self, desk: DeskRecord, text: str) -> None:
        """Raise an unacknowledged URGENT record again in the Communications Team's channel."""


@dataclass(frozen=True)
class Press:
    """A desk button: what it does and to which record."""

    verb: str
    record_id: str

    @classmethod
    def parse(cls, value: object) -> Press | None:
        """The press a button value stands for, or None for anything else (a forged value too)."""
        if not isinstance(value, str) or not value.startswith(PRESS_PREFIX):
            return None
        verb, _, record_id = value.removeprefix(PRESS_PREFIX).partition(":")
        if verb not in (ACKNOWLEDGE, CLOSE) or not record_id or len(record_id) > 40:
            return None
        return cls(verb, record_id)

    def encode(self) -> str:
        return f"{PRESS_PREFIX}{self.verb}:{self.record_id}"


@dataclass(frozen=True)
class Outcome:
    """What a press did: ``desk`` is None for an unknown record; ``message`` is for the presser
    (what happened, or who already has the record)."""

    desk: DeskRecord | None
    changed: bool
    message: str


@dataclass
class Desk:
    """The desk service. ``channels`` are added by each channel as the server is built."""

    store: DeskStore
    content: Content
    clock: Callable[[], datetime]
    ack_minutes: float = 15
    channels: list[DeskChannel] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.texts = self.content.desk.texts
        self.presenter = Presenter(self.content)
        self.labels = {r.id: r.label for r in self.content.desk.resolutions}

    @property
    def resolutions(self) -> list[Resolution]:
        """How a record may be closed, from content, in content's order."""
        return list(self.content.desk.resolutions)

    # --- reading ----------------------------------------------------------------------------

    async def record(self, record_id: str) -> DeskRecord | None:
        """One record with where it stands, or None."""
        return await self.store.desk_record(record_id)

    async def queue(
        self, *, states: Sequence[State] = (), urgency: str | None = None, limit: int = 100
    ) -> list[DeskRecord]:
        """Records newest first, optionally only in some states (e.g. new) or of one urgency."""
        return await self.store.queue(states=states, urgency=urgency, limit=limit)

    async def trail(self, record_id: str) -> list[AuditEntry]:
        """Every action on a record, oldest first: who, what, when."""
        return await self.store.trail(record_id)

    async def trails(self, record_ids: Sequence[str]) -> dict[str, list[AuditEntry]]:
        """The trails of many records at once, keyed by record id (a queue page)."""
        return await self.store.trails(record_ids)

    # --- changing ---------------------------------------------------------------------------

    async def acknowledge(self, record_id: str, actor: Actor) -> Outcome:
        """Take a new record: its posts show who has it and the officer is told. A record
        already taken or closed is left as it is, and the message says by whom."""
        change = await self.store.acknowledge_record(record_id, actor, self.now())
        if change is None:
            return Outcome(None, False, self.texts.no_such_record)
        if change.changed:
            log.info("desk record=%s acknowledged by=%s", record_id, actor.id)
            await self._spread(change.desk, self._officer_text(change.desk))
            return Outcome(change.desk, True, self.texts.acknowledged.format(id=record_id))
        return Outcome(change.desk, False, self.already_message(change.desk))

    async def close(self, record_id: str, actor: Actor, resolution: str, note: str | None = None) -> Outcome:
        """Close a new or acknowledged record with a resolution id from content and an optional
        note (trimmed to 500 characters). An unknown resolution raises ``ValueError``: every
        caller offers only the content's list."""
        if resolution not in self.labels:
            raise ValueError(f"unknown resolution {resolution!r}")
        note = " ".join((note or "").split())[:NOTE_LIMIT] or None
        change = await self.store.close_record(record_id, actor, self.now(), resolution=resolution, note=note)
        if change is None:
            return Outcome(None, False, self.texts.no_such_record)
        if change.changed:
            log.info("desk record=%s closed by=%s resolution=%s", record_id, actor.id, resolution)
            await self._spread(change.desk, self._officer_text(change.desk))
            label = self.labels[resolution]
            return Outcome(change.desk, True, self.texts.closed.format(id=record_id, resolution=label))
        return Outcome(change.desk, False, self.already_message(change.desk))

    async def posted(self, post: Post) -> None:
        """A channel posted a record to the Communications Team (or learned how to reach its
        officer): remember where, so the post can be updated, and note it in the trail."""
        await self.store.add_post(post)
        if post.target == "comms":
            entry = AuditEntry(post.record_id, SYSTEM, None, Action.POSTED.value, self.now(), post.channel)
            await self.store.add_event(entry)

    async def remind_due(self) -> list[DeskRecord]:
        """Raise every URGENT record nobody has acknowledged within ``ack_minutes`` (and again
        each ``ack_minutes`` after): the store hands each reminder to exactly one server."""
        now = self.clock()
        due = timestamp(now - timedelta(minutes=self.ack_minutes))
        claimed = await self.store.claim_reminders(now=timestamp(now), due=due)
        for desk in claimed:
            log.info("desk record=%s reminded", desk.id)
            text = self.texts.reminder.format(
                id=desk.id,
                outcome=desk.record.outcome_title,
                officer=desk.record.user_name or desk.record.user,
                minutes=round(self.ack_minutes),
            )
            for channel in self.channels:
                await channel.remind(desk, text)
        return claimed

    # --- what the channels show -------------------------------------------------------------

    def post_message(self, desk: DeskRecord) -> Reply:
        """The record as posted to the Communications Team, with where it stands and the
        buttons its state allows: both while new, Close once taken, none once closed."""
        notice = self.presenter.record_notice(desk.record)
        lines = [notice.text, "", *self.status_lines(desk)]
        choices: list[Choice] = []
        if desk.lifecycle.state is State.NEW:
            choices.append(Choice(self.texts.acknowledge, Press(ACKNOWLEDGE, desk.id).encode()))
        if desk.lifecycle.state is not State.CLOSED:
            choices.append(Choice(self.texts.close, Press(CLOSE, desk.id).encode()))
        return Reply(title=notice.title, text="\n".join(lines), choices=tuple(choices))

    def status_lines(self, desk: DeskRecord) -> list[str]:
        return self.presenter.record_status(desk)

    def now(self) -> str:
        return timestamp(self.clock())

    # --- inside -----------------------------------------------------------------------------

    def _officer_text(self, desk: DeskRecord) -> str:
        life, record = desk.lifecycle, desk.record
        team = self.content.about.comms_team
        if life.state is State.CLOSED:
            return self.texts.officer_closed.format(
                name=life.closed_by_name or life.closed_by,
                comms_team=team,
                id=record.id,
                outcome=record.outcome_title,
                resolution=self.labels.get(life.resolution or "", life.resolution or ""),
            )
        return self.texts.officer_acknowledged.format(
            name=life.acknowledged_by_name or life.acknowledged_by,
            comms_team=team,
            id=record.id,
            outcome=record.outcome_title,
        )

    def already_message(self, desk: DeskRecord) -> str:
        """For someone pressing on a record that is past what they pressed: who has it."""
        life = desk.lifecycle
        if life.state is State.CLOSED:
            name = life.closed_by_name or life.closed_by
            return self.texts.already_closed.format(name=name, time=shown_time(life.closed_at), id=desk.id)
        if life.state is State.NEW:
            return self.texts.status_new
        name = life.acknowledged_by_name or life.acknowledged_by
        return self.texts.already_acknowledged.format(
            name=name, time=shown_time(life.acknowledged_at), id=desk.id
        )

    async def _spread(self, desk: DeskRecord, officer_text: str) -> None:
        """Every post of the record shows its new state; the officer hears once."""
        message = self.post_message(desk)
        by_name = {channel.name: channel for channel in self.channels}
        for post in await self.store.posts(desk.id):
            channel = by_name.get(post.channel)
            if post.target == "comms" and channel is not None:
                await channel.update_post(post, message)
        for channel in self.channels:
            if await channel.tell_officer(desk, officer_text):
                return
        log.info(
            "desk record=%s officer not told: no channel reaches channel=%s", desk.id, desk.record.channel
        )
