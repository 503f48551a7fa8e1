"""The conversation engine: load state, route the turn, save, then apply side effects."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bot.core.content.models import Content
from bot.core.errors import AdvisorError, ConflictError
from bot.core.faq import FaqMatcher
from bot.core.messages import Escalation, Incoming, Outgoing, Reply, StateView, timestamp
from bot.core.router import Router
from bot.core.safety import SafetyNet
from bot.core.state import ConversationState
from bot.core.storage import Store, conversation_key
from bot.core.storage.port import AnsweredQuestion, Effects, UnansweredQuestion
from bot.core.text import scrub
from bot.core.triage import Triage
from bot.core.turn import Turn
from bot.core.vocabulary import FlowId

log = logging.getLogger("advisor.engine")
RECORDS_LOOKED_UP = 50  # an officer's records read when they ask after theirs (the list shows five)

Notify = Callable[[Escalation], Awaitable[None]]


class LastAnswers:
    """The FAQ entry each conversation was answered last, by id, in this process's memory:
    what a follow-up ("where does it say that?") is read against. Not stored, so a policy
    question still costs no write; after a restart, or on another server, a follow-up is
    simply read as a question of its own. The oldest are dropped beyond ``limit``."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._by_key: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def get(self, key: str, since: float) -> str | None:
        """The entry answered last, if it was answered after ``since``."""
        found = self._by_key.get(key)
        return found[0] if found is not None and found[1] > since else None

    def put(self, key: str, entry: str | None, at: float) -> None:
        if entry is None:
            self._by_key.pop(key, None)
            return
        self._by_key[key] = (entry, at)
        self._by_key.move_to_end(key)
        while len(self._by_key) > self.limit:
            self._by_key.popitem(last=False)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConversationEngine:
    """Channel-independent: channels hand it an ``Incoming`` and render the ``Outgoing``."""

    def __init__(
        self,
        *,
        content: Content,
        store: Store,
        idle_minutes: float = 30,
        clock: Callable[[], datetime] = utc_now,
        notify: Notify | None = None,
        matcher: FaqMatcher | None = None,
        safety: SafetyNet | None = None,
        triage: Triage | None = None,
    ) -> None:
        self.content = content
        self.store = store
        self.matcher = matcher or FaqMatcher.from_content(content)
        self.router = Router(content=content, matcher=self.matcher, safety=safety, triage=triage)
        self.idle_seconds = idle_minutes * 60
        self.clock = clock
        self.notify = notify
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._last_answers = LastAnswers()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def handle(self, incoming: Incoming) -> Outgoing:
        """One turn. Turns of one conversation run one at a time in this process; across
        processes the versioned save makes a losing turn start again on the fresh state. The
        state and what the turn writes (a record, an induction attempt) are saved together."""
        incoming = scrubbed(incoming)
        key = conversation_key(incoming.channel, incoming.conversation, incoming.user)
        async with self._lock(key):
            for _ in range(3):
                turn, state, idle = await self._run(key, incoming)
                effects = self._effects(turn)
                try:
                    if idle and effects.only_answered:  # no state worth a write, perhaps a log
                        await self.store.log_answered(effects.answered)
                    else:
                        state.version = await self.store.save(key, state.saved(), effects)
                except ConflictError:
                    log.info("conflict key=%s: retrying on fresh state", key)
                    continue
                await self._apply(turn)
                return _outgoing(turn, state)
            return await self._busy(key)

    async def load(self, key: str) -> ConversationState:
        saved = await self.store.load(key)
        return ConversationState() if saved is None else ConversationState.from_saved(saved)

    async def _run(self, key: str, incoming: Incoming) -> tuple[Turn, ConversationState, bool]:
        """The turn, the state it leaves, and whether it found and left the officer in no flow
        (most questions: nothing worth a write; a paused tour is still saved, so its time keeps
        it from the retention purge)."""
        state = await self.load(key)
        was_empty = state.empty  # before expiry: an expired walk must be written away, once
        now = self.clock()
        turn = Turn(incoming=incoming, now=now)
        state.last_answer = before = self._last_answers.get(key, now.timestamp() - self.idle_seconds)
        if state.active is FlowId.WALK and now.timestamp() - state.updated_at > self.idle_seconds:
            state.walk = None
            turn.say(self.router.present.text("idle_expired", minutes=round(self.idle_seconds / 60)))
        if self.router.may_start_tour(incoming, state):
            turn.attempts = await self.store.attempts(channel=incoming.channel, user=incoming.user)
        if self.router.asks_after_records(incoming):
            # enough to find an older one asked after by its number; the list shows the latest
            turn.sent = await self.store.sent_records(
                user=incoming.user, channel=incoming.channel, limit=RECORDS_LOOKED_UP
            )
        if self.router.may_draft(incoming, state):
            turn.signature = await self.store.recall(signature_key(incoming)) or None
        self.router.route(turn, state)
        if state.last_answer != before:
            self._last_answers.put(key, state.last_answer, now.timestamp())
        state.updated_at = now.timestamp()
        return turn, state, was_empty and state.empty

    def _effects(self, turn: Turn) -> Effects:
        asked = timestamp(turn.now)
        return Effects(
            content_version=self.content.about.version,
            records=tuple(e.record for e in turn.escalations),
            induction=turn.induction,
            unanswered=tuple(UnansweredQuestion(asked, text) for text in turn.unanswered),
            answered=tuple(AnsweredQuestion(entry, asked) for entry in turn.answered),
        )

    async def _apply(self, turn: Turn) -> None:
        """Once the state and its records are safely saved: logs (ids and outcomes only) and
        the message to the Communications Team."""
        incoming = turn.incoming
        if turn.keep_signature is not None:  # asked for by the officer, so kept or forgotten
            await self.store.remember(signature_key(incoming), turn.keep_signature)
        if turn.alarm:
            log.info(
                "safety alarm channel=%s user=%s category=%s", incoming.channel, incoming.user, turn.alarm
            )
        if turn.outcome_logged:
            log.info(
                "outcome channel=%s user=%s outcome=%s", incoming.channel, incoming.user, turn.outcome_logged
            )
        if turn.induction is not None:
            log.info("induction user=%s finished=%s", turn.induction.user, bool(turn.induction.finished_at))
        for escalation in turn.escalations:
            log.info(
                "record id=%s outcome=%s urgency=%s",
                escalation.record.id,
                escalation.record.outcome,
                escalation.record.urgency,
            )
            if self.notify is not None:
                await self.notify(escalation)

    async def _busy(self, key: str) -> Outgoing:
        state = await self.load(key)
        turn = Turn(incoming=Incoming("", "", ""), now=self.clock())
        turn.say(self.router.present.text("busy"))
        turn.refused = True
        self.router.where_now(turn, state)
        return _outgoing(turn, state)

    async def home(self, user: str, channel: str, limit: int = 5) -> Reply:
        """The menu and this officer's recent decision records, with where each stands."""
        return self.router.present.home(
            await self.store.sent_records(user=user, channel=channel, limit=limit)
        )

    def error_reply(self) -> Reply:
        """What a channel sends when a turn failed unexpectedly."""
        return self.router.present.text("error")

    async def failed(self, incoming: Incoming) -> Outgoing:
        """The polite error, with the state as it is stored (a failed turn changed nothing),
        so a channel never shows an intact walk as idle; idle only if the store is unreachable."""
        incoming = scrubbed(incoming)
        key = conversation_key(incoming.channel, incoming.conversation, incoming.user)
        try:
            state = await self.load(key)
        except AdvisorError:
            state = ConversationState()
        return Outgoing(replies=(self.error_reply(),), state=_view(state), accepted=False)

    def greeting(self) -> Reply:
        """The greeting with the menu, for a channel the bot has just arrived in (a Teams
        install, say): not a turn, so no state is read or written."""
        return self.router.present.greeting()


def signature_key(incoming: Incoming) -> str:
    """Where an officer's sign-off for drafted replies is kept: per officer, not per conversation."""
    return f"officer/{incoming.channel}/{incoming.user}/signature"


def scrubbed(incoming: Incoming) -> Incoming:
    """Every text field without lone surrogates, at the edge of the core, so nothing an
    officer or a platform sends can make a write fail."""
    changes: dict[str, Any] = {
        f.name: scrub(value)
        for f in dataclasses.fields(incoming)
        if isinstance(value := getattr(incoming, f.name), str) and scrub(value) is not value
    }
    return dataclasses.replace(incoming, **changes) if changes else incoming


def _view(state: ConversationState) -> StateView:
    """Where the officer is: the flow, its pending question or tour phase, the outcome."""
    flow = state.active
    walk, tour = state.walk, state.tour
    if flow is FlowId.TOUR and tour is not None:
        return StateView(flow=flow, node=tour.at)
    if flow is FlowId.WALK and walk is not None:
        node = None if walk.outcome is not None else walk.at
        return StateView(flow=flow, node=node, outcome=walk.outcome, suggestion=walk.suggestion())
    return StateView()


def _outgoing(turn: Turn, state: ConversationState) -> Outgoing:
    return Outgoing(
        replies=tuple(turn.replies),
        state=_view(state),
        escalations=tuple(turn.escalations),
        accepted=not turn.refused,
    )
