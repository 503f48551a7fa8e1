"""Running one engine turn for a channel: the one place a turn's failure is caught."""

from __future__ import annotations

import logging

from bot.core.engine import ConversationEngine
from bot.core.messages import Incoming, Outgoing

log = logging.getLogger("advisor.channels")


async def safe_turn(engine: ConversationEngine, incoming: Incoming) -> Outgoing:
    """Run the turn; any failure is logged by id (never message text) and the officer gets
    the polite error reply, so no channel ever shows a traceback or goes silent."""
    try:
        return await engine.handle(incoming)
    except Exception:
        log.exception(
            "turn failed channel=%s user=%s conversation=%s",
            incoming.channel,
            incoming.user,
            incoming.conversation,
        )
        return Outgoing(replies=(engine.error_reply(),), accepted=False)
