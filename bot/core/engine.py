"""The conversation engine: load state, route the turn, save, then apply side effects."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.core.content.models import Content
from bot.core.errors import ConflictError
from bot.core.faq import FaqMatcher
from bot.core.messages import Escalation, Incoming, Outgoing, Reply, StateView, timestamp
from bot.core.router import Router
from bot.core.state import ConversationState
from bot.core.storage import Store, conversation_key
from bot.core.turn import Turn
from bot.core.walk import FLOW
from dialogs.flowchart import FlowchartMachine

log = logging.getLogger("advisor.engine")

Notify = Callable[[Escalation], Awaitable[None]]


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
    ) -> None:
        self.content = content
        self.store = store
        self.matcher = matcher or FaqMatcher.from_content(content)
        self.router = Router(
            content=content, matcher=self.matcher, machine=FlowchartMachine(content.flowchart)
        )
        self.idle_seconds = idle_minutes * 60
        self.clock = clock
        self.notify = notify
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def handle(self, incoming: Incoming) -> Outgoing:
        """One turn. Turns of one conversation run one at a time in this process; across
        processes the versioned save makes a losing turn start again on the fresh state."""
        key = conversation_key(incoming.channel, incoming.conversation, incoming.user)
        async with self._lock(key):
            for _ in range(3):
                turn = await self._run(key, incoming)
                try:
                    turn.state.version = await self.store.save(key, turn.state)
                except ConflictError:
                    log.info("conflict key=%s: retrying on fresh state", key)
                    continue
                await self._apply(turn)
                return _outgoing(turn)
            return await self._busy(key)

    async def _run(self, key: str, incoming: Incoming) -> Turn:
        state = await self.store.load(key) or ConversationState()
        now = self.clock()
        turn = Turn(incoming=incoming, state=state, now=now)
        if state.flow == FLOW and now.timestamp() - state.updated_at > self.idle_seconds:
            state.clear()
            turn.say(self.router.present.text("idle_expired", minutes=round(self.idle_seconds / 60)))
        self.router.route(turn)
        state.updated_at = now.timestamp()
        return turn

    async def _apply(self, turn: Turn) -> None:
        """Side effects once the state is safely saved; logs carry ids and outcomes only."""
        incoming = turn.incoming
        if turn.outcome_logged:
            log.info(
                "outcome channel=%s user=%s outcome=%s", incoming.channel, incoming.user, turn.outcome_logged
            )
        for text in turn.unanswered:
            await self.store.log_unanswered(text, timestamp(turn.now))
        if turn.induction is not None:
            await self.store.save_induction(turn.induction)
            log.info("induction user=%s finished=%s", turn.induction.user, bool(turn.induction.finished_at))
        for escalation in turn.escalations:
            await self.store.add_record(escalation.record, self.content.about.version)
            log.info(
                "record id=%s outcome=%s urgency=%s",
                escalation.record.id,
                escalation.record.outcome,
                escalation.record.urgency,
            )
            if self.notify is not None:
                await self.notify(escalation)

    async def _busy(self, key: str) -> Outgoing:
        state = await self.store.load(key) or ConversationState()
        turn = Turn(incoming=Incoming("", "", ""), state=state, now=self.clock())
        turn.say(self.router.present.text("busy"))
        turn.refused = True
        self.router.where_now(turn)
        return _outgoing(turn)

    async def home(self, user: str, limit: int = 5) -> Reply:
        """The menu and this officer's recent decision records."""
        return self.router.present.home(await self.store.records(user=user, limit=limit))

    def error_reply(self) -> Reply:
        """What a channel sends when a turn failed unexpectedly."""
        return self.router.present.text("error")


def _view(state: ConversationState) -> StateView:
    return StateView(flow=state.flow, node=state.node, outcome=state.outcome)


def _outgoing(turn: Turn) -> Outgoing:
    return Outgoing(
        replies=tuple(turn.replies),
        state=_view(turn.state),
        escalations=tuple(turn.escalations),
        accepted=not turn.refused,
    )
